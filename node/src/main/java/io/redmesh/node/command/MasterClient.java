package io.redmesh.node.command;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.redmesh.node.resp.RespDecoder;
import io.redmesh.node.spi.MasterStream;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.ServerLog;
import java.util.ArrayList;
import java.util.List;

/**
 * The session that applies a master's replication stream on a replica (Redis's server.master
 * client): the bytes are parsed with the clients' decoder (without the size limits Redis lifts
 * for its master), each command runs through {@link Dispatcher#runFromMaster}, replies are
 * dropped, and the exact bytes of each applied command (a MULTI ... EXEC as one unit) go to the
 * listener, which counts the replication offset and proxies them to sub-replicas.
 */
public final class MasterClient implements MasterStream {
    /** Bytes of applied commands kept before compacting the buffer. */
    private static final int COMPACT_AT = 64 * 1024;

    private final ServerContext server;
    private final Listener listener;
    private final Session session;
    private RespDecoder decoder;
    /** What arrived and is not yet applied (and, from {@link #unitStart}, not yet reported). */
    private final ByteBuf pending = Unpooled.buffer(16 * 1024);
    private int unitStart;
    private final List<Object> decoded = new ArrayList<>(1);

    public MasterClient(ServerContext server, String masterAddress, Listener listener) {
        this.server = server;
        this.listener = listener;
        this.session = server.openSession(new DetachedTransport(masterAddress));
        session.master = true;
        session.authenticated = true;
        session.aclUnrestricted = true;
        this.decoder = newDecoder();
    }

    private static RespDecoder newDecoder() {
        return new RespDecoder(new RespDecoder.Limits() {
            @Override
            public long protoMaxBulkLen() {
                return Integer.MAX_VALUE - 8; // Redis lifts proto-max-bulk-len for its master
            }

            @Override
            public long queryBufferLimit() {
                return Long.MAX_VALUE; // ... and client-query-buffer-limit
            }

            @Override
            public boolean authenticated() {
                return true;
            }
        });
    }

    @Override
    public void feed(ByteBuf data) {
        server.stats.netReplInputBytes += data.readableBytes();
        server.lock.lock();
        try {
            if (session.closed) {
                return;
            }
            pending.writeBytes(data);
            while (pending.isReadable()) {
                int before = pending.readerIndex();
                decoded.clear();
                decoder.decodeFrom(pending, decoded);
                if (decoded.isEmpty()) {
                    if (pending.readerIndex() == before) {
                        break; // a partial command: wait for more
                    }
                    continue; // "*0\r\n" and the like: consumed, nothing to run
                }
                if (decoded.get(0) instanceof RespDecoder.ProtocolError err) {
                    throw new IllegalArgumentException("Protocol error from master: " + err.message());
                }
                apply((byte[][]) decoded.get(0));
            }
            compact();
        } finally {
            server.lock.unlock();
        }
    }

    private void apply(byte[][] argv) {
        session.lastInteractionMillis = System.currentTimeMillis();
        long errorsBefore = session.reply.errorsWritten();
        if (argv.length > 0 && !server.dispatcher().runFromMaster(session, argv)) {
            ServerLog.warning("Unknown command '" + Bytes.latin1(argv[0]) + "' in the master's stream: skipped");
        }
        PropagationErrors.check(server, session, PropagationErrors.Source.MASTER, argv, errorsBefore);
        session.reply.target().clear(); // replies to the master are not sent (except REPLCONF ACK, by the module)
        if (!session.inMulti()) {
            // Redis updates reploff and proxies only outside MULTI: a transaction is one unit
            int end = pending.readerIndex();
            listener.applied(pending.slice(unitStart, end - unitStart));
            unitStart = end;
        }
    }

    private void compact() {
        if (unitStart == pending.writerIndex() && pending.readerIndex() == pending.writerIndex()) {
            pending.clear();
            unitStart = 0;
        } else if (unitStart > COMPACT_AT) {
            int r = pending.readerIndex();
            pending.readerIndex(unitStart);
            pending.discardReadBytes();
            pending.readerIndex(r - unitStart);
            unitStart = 0;
        }
    }

    @Override
    public void reset() {
        server.lock.lock();
        try {
            pending.clear();
            unitStart = 0;
            decoder = newDecoder();
            if (session.inMulti()) {
                Transactions.discardTransaction(server, session);
            }
        } finally {
            server.lock.unlock();
        }
    }

    @Override
    public int db() {
        return session.db().index;
    }

    @Override
    public void db(int db) {
        server.lock.lock();
        try {
            session.select(db);
        } finally {
            server.lock.unlock();
        }
    }

    @Override
    public long clientId() {
        return session.id;
    }

    @Override
    public void close() {
        server.closeSession(session);
    }
}
