package io.redmesh.replication.replica;

import io.netty.buffer.ByteBuf;
import io.redmesh.node.spi.NodeLog;
import io.redmesh.node.spi.link.OutboundLink;

/**
 * Dual-channel full sync, the replica's side: the second connection the master told it to open
 * (+RDBCHANNELSYNC), with the same checks as the main one (TLS, peer name, AUTH). "$ENDOFF" on it
 * gives the RDB's offset, and the main link PSYNCs from there at once, so the stream flows (held
 * by the replica) while the RDB arrives here and loads.
 */
final class RdbChannel {
    private final MasterLink m;
    private final int gen;
    private final OutboundLink main;

    RdbChannel(MasterLink m, int gen, OutboundLink main) {
        this.m = m;
        this.gen = gen;
        this.main = main;
    }

    /** Opens the second connection and asks for the RDB on it (after PING and the handshake). */
    void open() {
        NodeLog.notice("Dual-channel sync: opening the RDB channel to " + m.host + ":" + m.port);
        m.node.links().connect(m.options()).whenComplete((rl, e) -> {
            if (e != null) {
                m.failed(gen, main, "Dual-channel sync: cannot open the RDB channel: " + MasterLink.reason(e));
                return;
            }
            boolean[] current = {false};
            m.locked(() -> {
                current[0] = gen == m.generation;
                if (current[0]) {
                    m.rdbLink = rl;
                }
            });
            if (!current[0]) {
                rl.close();
                return;
            }
            rl.closed().whenComplete((v, ce) -> {
                if (m.receivingBulk && ce != null) {
                    m.failed(gen, main, "Dual-channel sync: the RDB channel was lost: " + MasterLink.reason(ce));
                }
            });
            rl.call(MasterLink.bytes("PING")).whenComplete((r, pe) -> {
                if (pe != null) {
                    m.failed(gen, main, "Dual-channel sync: the RDB channel failed: " + MasterLink.reason(pe));
                    return;
                }
                m.sendHandshake(gen, rl, true, () -> rl.callRaw(new SyncReader(new Events(rl))
                        .payloadOnly(), MasterLink.bytes("SYNC")));
            });
        });
    }

    /** The events of the RDB connection: the RDB's offset, then the payload. */
    private final class Events implements SyncReader.Events {
        private final OutboundLink rl;

        Events(OutboundLink rl) {
            this.rl = rl;
        }

        private boolean current() {
            return gen == m.generation && main == m.link && rl == m.rdbLink;
        }

        @Override
        public void endOffset(long offset, String replid, int db) {
            m.locked(() -> {
                if (!current()) {
                    return;
                }
                NodeLog.notice("Dual-channel sync: the RDB is at " + replid + ":" + offset
                        + "; asking the main link for the stream from there");
                m.fullReplid = replid;
                m.fullOffset = offset;
                m.lastIoMillis = System.currentTimeMillis();
                main.send(MasterLink.bytes("PSYNC"), MasterLink.bytes(replid), MasterLink.bytes(Long.toString(offset + 1)));
            });
        }

        @Override
        public void bulkStart(long length) {
            m.locked(() -> {
                if (current()) {
                    m.startTransfer(gen, main, rl, length);
                }
            });
        }

        @Override
        public void bulkData(ByteBuf data, int len) {
            m.receive(data, len, current());
        }

        @Override
        public void bulkEnd() {
            m.payloadReceived();
            NodeLog.notice("MASTER <-> REPLICA sync: received " + m.transferRead + " bytes of RDB on the RDB channel");
            rl.close();
        }

        @Override
        public void stream(ByteBuf data) {
            data.skipBytes(data.readableBytes());
        }

        @Override
        public void fullResync(String replid, long offset) {
            protocolError("unexpected +FULLRESYNC on the RDB channel");
        }

        @Override
        public void continued(String newReplid) {
            protocolError("unexpected +CONTINUE on the RDB channel");
        }

        @Override
        public void refused(String line) {
            m.failed(gen, main, "Dual-channel sync: the master refused the RDB channel: -" + line);
        }

        @Override
        public void protocolError(String what) {
            m.failed(gen, main, what);
        }

        @Override
        public void keepalive() {
            m.lastIoMillis = System.currentTimeMillis();
        }
    }
}
