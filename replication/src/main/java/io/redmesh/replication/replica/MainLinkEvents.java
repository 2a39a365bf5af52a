package io.redmesh.replication.replica;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.redmesh.node.spi.NodeLog;
import io.redmesh.node.spi.link.OutboundLink;

/**
 * What the master sends on the main link after PSYNC, for one link of a {@link MasterLink}:
 * +FULLRESYNC and its payload, +CONTINUE, +RDBCHANNELSYNC (dual channel), refusals, then the
 * stream (held while a full sync's RDB loads). Events of an older link (replaced since) do
 * nothing.
 */
final class MainLinkEvents implements SyncReader.Events {
    private final MasterLink m;
    private final int gen;
    private final OutboundLink l;

    MainLinkEvents(MasterLink m, int gen, OutboundLink l) {
        this.m = m;
        this.gen = gen;
        this.l = l;
    }

    private boolean current() {
        return gen == m.generation && l == m.link;
    }

    @Override
    public void fullResync(String replid, long offset) {
        m.locked(() -> {
            if (!current()) {
                return;
            }
            NodeLog.notice("Full resync from master: " + replid + ":" + offset);
            m.fullReplid = replid;
            m.fullOffset = offset;
            m.lastIoMillis = System.currentTimeMillis();
            m.state(MasterLink.State.TRANSFER);
            m.failover.accepted();
        });
    }

    @Override
    public void rdbChannel() {
        m.locked(() -> {
            if (!current()) {
                return;
            }
            m.dual = true;
            m.lastIoMillis = System.currentTimeMillis();
            m.state(MasterLink.State.TRANSFER);
            m.failover.accepted();
            m.openRdbChannel(gen, l);
        });
    }

    @Override
    public void continued(String newReplid) {
        boolean[] dualSync = {false};
        m.locked(() -> {
            if (current() && m.dual) {
                // the stream from the RDB's offset: held until the RDB is loaded
                dualSync[0] = true;
                NodeLog.notice("Dual-channel sync: the stream flows on the main link while the RDB loads");
            }
        });
        if (dualSync[0]) {
            return;
        }
        m.locked(() -> {
            if (!current()) {
                return;
            }
            NodeLog.notice("Successful partial resynchronization with master.");
            if (newReplid != null && !newReplid.equals(m.ids.replid())) {
                m.ids.shiftTo(newReplid, m.reploff);
                NodeLog.notice("Master replication ID changed to " + newReplid);
                m.master.disconnectReplicas(); // they must learn the new id: a fast partial resync
            }
            if (m.stream == null) {
                m.stream = m.node.openMasterStream(m.host + ":" + m.port, m);
            }
            m.state(MasterLink.State.CONNECTED);
            m.failures = 0;
            m.streaming = true;
            m.lastIoMillis = System.currentTimeMillis();
            NodeLog.notice("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.");
            m.failover.accepted();
        });
        m.sendAck();
    }

    @Override
    public void refused(String line) {
        m.locked(() -> {
            if (current()) {
                m.failover.refused();
            }
        });
        boolean later = line.startsWith("NOMASTERLINK") || line.startsWith("LOADING");
        m.failed(gen, l, later ? "Master is currently unable to PSYNC but should be in the future: -" + line
                : "Unexpected reply to PSYNC from master: -" + line);
    }

    @Override
    public void keepalive() {
        m.lastIoMillis = System.currentTimeMillis();
    }

    @Override
    public void protocolError(String what) {
        m.failed(gen, l, what);
    }

    @Override
    public void bulkStart(long length) {
        m.locked(() -> {
            if (current()) {
                m.startTransfer(gen, l, length);
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
        l.autoRead(false); // the stream waits in the socket while the RDB loads
        NodeLog.notice("MASTER <-> REPLICA sync: received " + m.transferRead + " bytes of RDB");
    }

    @Override
    public void stream(ByteBuf data) {
        int n = data.readableBytes();
        m.lastIoMillis = System.currentTimeMillis();
        if (!m.streaming) {
            if (m.held == null) {
                m.held = Unpooled.buffer(Math.max(256, n));
            }
            long limit = m.heldStreamLimit();
            if (limit > 0 && m.held.readableBytes() + (long) n > limit) {
                // dual channel: the stream we hold while the RDB loads is bounded as Redis bounds
                // what a master holds for a replica (client-output-buffer-limit replica, hard)
                data.skipBytes(n);
                m.failed(gen, l, "The stream held during the full sync exceeded " + limit
                        + " bytes (client-output-buffer-limit replica): starting over");
                return;
            }
            m.held.writeBytes(data);
            return;
        }
        m.readReploff += n;
        try {
            m.stream.feed(data);
        } catch (IllegalArgumentException e) {
            m.failed(gen, l, e.getMessage());
        }
    }
}
