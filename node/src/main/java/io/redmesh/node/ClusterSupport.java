package io.redmesh.node;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.redmesh.node.command.ServerContext;
import io.redmesh.node.config.ServerConfig;
import io.redmesh.node.db.Database;
import io.redmesh.node.persist.rdb.DumpPayload;
import io.redmesh.node.spi.cluster.BusTls;
import io.redmesh.node.spi.cluster.SlotKeys;
import io.redmesh.node.tls.TlsContextProvider;
import io.redmesh.node.util.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What cluster mode reaches inside the node through {@code spi.cluster}: database 0 by hash
 * slot (with DUMP payloads and propagated deletes for MIGRATE and lost slots) and TLS handlers
 * for the cluster bus.
 */
final class ClusterSupport implements SlotKeys, BusTls {
    private static final byte[] DEL = Bytes.of("DEL");
    private final ServerContext context;
    private final TlsContextProvider tls;

    ClusterSupport(ServerContext context, TlsContextProvider tls) {
        this.context = context;
        this.tls = tls;
    }

    private <T> T locked(Supplier<T> body) {
        context.lock.lock();
        try {
            return body.get();
        } finally {
            context.lock.unlock();
        }
    }

    private Database db0() {
        return context.keyspace.db(0);
    }

    @Override
    public int countKeysInSlot(int slot) {
        return locked(() -> db0().countKeysInSlot(slot));
    }

    @Override
    public List<byte[]> keysInSlot(int slot, int max) {
        return locked(() -> db0().keysInSlot(slot, max));
    }

    @Override
    public long size() {
        return locked(() -> (long) db0().size());
    }

    @Override
    public Dumped dump(byte[] key) {
        return locked(() -> {
            io.redmesh.node.db.DictEntry e = db0().entry(key);
            if (e == null) {
                return null;
            }
            ServerConfig cfg = context.config;
            byte[] payload = DumpPayload.create(e.value, cfg.getBool("rdbcompression"),
                    (int) cfg.getLong("list-max-listpack-size"), cfg.getInt("list-compress-depth"),
                    context.keyspace.listPackedThreshold());
            long ttl = 0;
            if (e.expireAt != 0) {
                ttl = Math.max(1, e.expireAt - context.keyspace.now());
            }
            return new Dumped(payload, ttl);
        });
    }

    @Override
    public int delete(List<byte[]> keys) {
        return locked(() -> {
            List<byte[]> deleted = new ArrayList<>();
            for (byte[] k : keys) {
                if (db0().delete(k)) {
                    deleted.add(k);
                }
            }
            if (!deleted.isEmpty()) {
                byte[][] argv = new byte[deleted.size() + 1][];
                argv[0] = DEL;
                for (int i = 0; i < deleted.size(); i++) {
                    argv[i + 1] = deleted.get(i);
                }
                context.alsoPropagate(0, argv);
                context.addDirty(deleted.size());
            }
            return deleted.size();
        });
    }

    @Override
    public int deleteSlot(int slot) {
        return locked(() -> {
            int n = 0;
            for (List<byte[]> batch = db0().keysInSlot(slot, 1024); !batch.isEmpty();
                    batch = db0().keysInSlot(slot, 1024)) {
                for (byte[] k : batch) {
                    if (db0().delete(k)) {
                        context.alsoPropagate(0, new byte[][] {DEL, k});
                        n++;
                    }
                }
            }
            context.addDirty(n);
            return n;
        });
    }

    // ------------------------------------------------------------------ bus TLS

    @Override
    public boolean available() {
        return tls.current() != null;
    }

    @Override
    public SslHandler accepting(ByteBufAllocator alloc) {
        SslContext ctx = tls.current();
        if (ctx == null) {
            throw new IllegalStateException("no TLS material");
        }
        SslHandler h = ctx.newHandler(alloc);
        h.engine().setNeedClientAuth(true); // the bus always wants the peer's certificate
        h.setHandshakeTimeoutMillis(context.config.getLong("tls-handshake-timeout"));
        return h;
    }

    @Override
    public SslHandler connecting(ByteBufAllocator alloc, String host, int port) {
        SslContext ctx = tls.clientContext();
        if (ctx == null) {
            throw new IllegalStateException("no TLS material");
        }
        SslHandler h = ctx.newHandler(alloc, host, port);
        h.setHandshakeTimeoutMillis(context.config.getLong("tls-handshake-timeout"));
        return h;
    }
}
