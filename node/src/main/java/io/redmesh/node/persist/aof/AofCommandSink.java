package io.redmesh.node.persist.aof;

import io.redmesh.node.db.DictEntry;
import io.redmesh.node.db.HashValue;
import io.redmesh.node.db.ListValue;
import io.redmesh.node.db.SetValue;
import io.redmesh.node.db.SnapshotSink;
import io.redmesh.node.db.ZSetValue;
import io.redmesh.node.db.stream.StreamConsumer;
import io.redmesh.node.db.stream.StreamGroup;
import io.redmesh.node.db.stream.StreamId;
import io.redmesh.node.db.stream.StreamNack;
import io.redmesh.node.db.stream.StreamValue;
import io.redmesh.node.util.Doubles;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/**
 * Writes a point-in-time keyspace as the commands that rebuild it: an AOF base file without RDB
 * preamble, as Redis 7.0's rewriteAppendOnlyFileRio() writes it. A SELECT when the database
 * changes, then per key SET / RPUSH / SADD / HMSET / ZADD / XADD (collections in commands of at most
 * {@value #ITEMS_PER_CMD} items, AOF_REWRITE_ITEMS_PER_CMD) and a PEXPIREAT for a key with a TTL.
 */
public final class AofCommandSink implements SnapshotSink {
    static final int ITEMS_PER_CMD = 128;
    private static final int FLUSH_AT = 64 * 1024;

    private final OutputStream out;
    private final AofBuffer b = new AofBuffer(FLUSH_AT + 1024);
    private int selected = -1;
    private long keys;

    private final boolean timestamp;

    /** @param timestamp aof-timestamp-enabled: the file starts with a "#TS:" annotation */
    private final java.util.List<byte[]> functions;

    public AofCommandSink(OutputStream out, boolean timestamp) {
        this(out, timestamp, java.util.List.of());
    }

    /** @param functions the libraries' payloads, written first as FUNCTION LOAD (rewriteFunctions()) */
    public AofCommandSink(OutputStream out, boolean timestamp, java.util.List<byte[]> functions) {
        this.out = out;
        this.timestamp = timestamp;
        this.functions = functions;
    }

    public long keys() {
        return keys;
    }

    @Override
    public void begin(long[] keys, long[] volatileKeys) {
        if (timestamp) {
            b.annotation("TS:" + System.currentTimeMillis() / 1000);
        }
        for (byte[] code : functions) {
            b.count('*', 3);
            b.bulk("FUNCTION");
            b.bulk("LOAD");
            b.bulk(code);
        }
    }

    @Override
    public void entry(int db, DictEntry e) throws IOException {
        if (db != selected) {
            b.count('*', 2);
            b.bulk("SELECT");
            b.bulk(db);
            selected = db;
        }
        byte[] key = e.key;
        Object v = e.value;
        if (v instanceof byte[] s) {
            b.count('*', 3);
            b.bulk("SET");
            b.bulk(key);
            b.bulk(s);
        } else if (v instanceof ListValue l) {
            int n = l.length();
            for (int i = 0; i < n; i++) {
                header(i, n, 1, "RPUSH", key);
                b.bulk(l.get(i));
                maybeFlush();
            }
        } else if (v instanceof SetValue set) {
            int n = set.length();
            int[] i = {0};
            set.forEach(m -> {
                header(i[0]++, n, 1, "SADD", key);
                b.bulk(m);
            });
        } else if (v instanceof HashValue h) {
            int n = h.length();
            int[] i = {0};
            h.forEach((f, val) -> {
                header(i[0]++, n, 2, "HMSET", key);
                b.bulk(f);
                b.bulk(val);
            });
        } else if (v instanceof ZSetValue z) {
            int n = z.length();
            int[] i = {0};
            z.forEach((m, score) -> {
                header(i[0]++, n, 2, "ZADD", key);
                b.bulk(Doubles.formatG17(score));
                b.bulk(m);
            });
        } else if (v instanceof StreamValue s) {
            stream(key, s);
        } else {
            throw new IOException("AOF rewrite: unsupported value type " + v.getClass().getSimpleName());
        }
        if (e.expireAt != 0) {
            b.count('*', 3);
            b.bulk("PEXPIREAT");
            b.bulk(key);
            b.bulk(e.expireAt);
        }
        keys++;
        maybeFlush();
    }

    /**
     * rewriteStreamObject: XADD per entry (an empty stream: XADD key MAXLEN 0 0-1 x y), XSETID
     * with ENTRIESADDED and MAXDELETEDID, XGROUP CREATE ... ENTRIESREAD per group, then per
     * consumer XCLAIM ... JUSTID FORCE for each pending entry, or XGROUP CREATECONSUMER.
     */
    private void stream(byte[] key, StreamValue s) throws IOException {
        if (s.length > 0) {
            try {
                s.range(StreamId.MIN, StreamId.MAX, false, false, e -> {
                    b.count('*', 3 + 2L * e.fields().length);
                    b.bulk("XADD");
                    b.bulk(key);
                    b.bulk(e.id().bytes());
                    for (int i = 0; i < e.fields().length; i++) {
                        b.bulk(e.fields()[i]);
                        b.bulk(e.values()[i]);
                    }
                    try {
                        maybeFlush(); // a long stream must not pile up in the buffer
                    } catch (IOException x) {
                        throw new java.io.UncheckedIOException(x);
                    }
                    return true;
                });
            } catch (java.io.UncheckedIOException x) {
                throw x.getCause();
            }
        } else {
            command("XADD", key, "MAXLEN", "0", "0-1", "x", "y");
        }
        command("XSETID", key, s.lastId.toString(), "ENTRIESADDED", Long.toString(s.entriesAdded), "MAXDELETEDID",
                s.maxDeletedId.toString());
        if (s.groupCount() == 0) {
            return;
        }
        for (Map.Entry<byte[], StreamGroup> ge : s.groups().entrySet()) {
            byte[] group = ge.getKey();
            StreamGroup g = ge.getValue();
            b.count('*', 7);
            b.bulk("XGROUP");
            b.bulk("CREATE");
            b.bulk(key);
            b.bulk(group);
            b.bulk(g.lastId.bytes());
            b.bulk("ENTRIESREAD");
            b.bulk(g.entriesRead);
            for (StreamConsumer c : g.consumers.values()) {
                if (c.pel.isEmpty()) {
                    b.count('*', 5);
                    b.bulk("XGROUP");
                    b.bulk("CREATECONSUMER");
                    b.bulk(key);
                    b.bulk(group);
                    b.bulk(c.name);
                    continue;
                }
                for (Map.Entry<StreamId, StreamNack> p : c.pel.entrySet()) {
                    b.count('*', 12);
                    b.bulk("XCLAIM");
                    b.bulk(key);
                    b.bulk(group);
                    b.bulk(c.name);
                    b.bulk("0");
                    b.bulk(p.getKey().bytes());
                    b.bulk("TIME");
                    b.bulk(p.getValue().deliveryTime);
                    b.bulk("RETRYCOUNT");
                    b.bulk(p.getValue().deliveryCount);
                    b.bulk("JUSTID");
                    b.bulk("FORCE");
                    maybeFlush();
                }
            }
        }
    }

    /** A command of a key and plain words. */
    private void command(String name, byte[] key, String... rest) {
        b.count('*', 2 + rest.length);
        b.bulk(name);
        b.bulk(key);
        for (String r : rest) {
            b.bulk(r);
        }
    }

    /** Starts a new command every ITEMS_PER_CMD items, sized for what remains. */
    private void header(int index, int total, int argsPerItem, String cmd, byte[] key) {
        if (index % ITEMS_PER_CMD == 0) {
            int items = Math.min(ITEMS_PER_CMD, total - index);
            b.count('*', 2 + (long) items * argsPerItem);
            b.bulk(cmd);
            b.bulk(key);
        }
    }

    private void maybeFlush() throws IOException {
        if (b.length() >= FLUSH_AT) {
            flush();
        }
    }

    private void flush() throws IOException {
        java.nio.ByteBuffer v = b.view();
        out.write(v.array(), 0, v.limit());
        b.clear();
    }

    @Override
    public void end() throws IOException {
        flush();
        out.flush();
    }
}
