package io.redmesh.node.persist;

import io.redmesh.node.db.DictEntry;
import io.redmesh.node.db.HashValue;
import io.redmesh.node.db.ListValue;
import io.redmesh.node.db.SetValue;
import io.redmesh.node.db.ZSetValue;
import io.redmesh.node.db.Sized;
import io.redmesh.node.db.SnapshotSink;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for the RDB writer: one line per key ("db hexkey value ttl"), framed by BEGIN and
 * END so a truncated file is told from a complete one. {@link #endGate} lets a test hold the next
 * save open (end() is called outside the server lock).
 */
final class TextFormat implements BackgroundSaver.Format {
    volatile CountDownLatch endGate;
    /** Nanoseconds each entry takes to write (under the lock, like a real serializer). */
    volatile long entryDelayNanos;
    /**
     * While this file exists, each entry takes 100 µs and end() waits: a subprocess test holds a
     * save open from outside the process this way.
     */
    volatile Path holdFile;
    /** Milliseconds end() sleeps (a subprocess killed mid-save). */
    volatile long endDelayMillis;

    @Override
    public SnapshotSink writer(OutputStream out) {
        CountDownLatch g = endGate; // each save holds on to the gate set when it started
        endGate = null;
        return new SnapshotSink() {
            @Override
            public void begin(long[] keys, long[] volatileKeys) throws IOException {
                out.write("BEGIN\n".getBytes(StandardCharsets.ISO_8859_1));
            }

            @Override
            public void entry(int db, DictEntry e) throws IOException {
                Path hold = holdFile;
                long delay = hold != null && Files.exists(hold) ? 100_000 : entryDelayNanos;
                long spin = System.nanoTime() + delay;
                while (System.nanoTime() < spin) {
                    Thread.onSpinWait(); // a slow writer, so that commands interleave with the walk
                }
                out.write((db + " " + HexFormat.of().formatHex(e.key) + " " + render(e.value) + " " + e.expireAt + "\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
            }

            @Override
            public void end() throws IOException {
                try {
                    if (g != null) {
                        g.await(60, TimeUnit.SECONDS);
                    }
                    while (holdFile != null && Files.exists(holdFile)) {
                        Thread.sleep(10);
                    }
                    if (endDelayMillis > 0) {
                        Thread.sleep(endDelayMillis);
                    }
                } catch (InterruptedException ex) {
                    throw new IOException(ex);
                }
                out.write("END\n".getBytes(StandardCharsets.ISO_8859_1));
            }
        };
    }

    /** A value as one line, collections in full (sets and hashes sorted, as their order is not data). */
    static String render(Object v) {
        HexFormat h = HexFormat.of();
        if (v instanceof byte[]) {
            return h.formatHex((byte[]) v);
        }
        List<String> parts = new ArrayList<>();
        if (v instanceof ListValue) {
            ListValue l = (ListValue) v;
            for (int i = 0; i < l.length(); i++) {
                parts.add(h.formatHex(l.get(i)));
            }
        } else if (v instanceof HashValue) {
            ((HashValue) v).forEach((f, x) -> parts.add(h.formatHex(f) + "=" + h.formatHex(x)));
            parts.sort(null);
        } else if (v instanceof SetValue) {
            ((SetValue) v).forEach(m -> parts.add(h.formatHex(m)));
            parts.sort(null);
        } else if (v instanceof ZSetValue) {
            ((ZSetValue) v).forEach((m, score) -> parts.add(h.formatHex(m) + "=" + score));
        }
        return ((Sized) v).typeName() + ":" + String.join(",", parts);
    }

    /** What a save taken now would hold: call under the server lock. */
    static Map<String, String> instant(io.redmesh.node.db.Keyspace ks) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < ks.count(); i++) {
            int db = i;
            ks.db(i).dict().forEach(e -> m.put(db + " " + HexFormat.of().formatHex(e.key), render(e.value) + " " + e.expireAt));
        }
        return m;
    }

    /** "db hexkey" -> "value ttl" of a complete file; throws when the file is not complete. */
    static Map<String, String> read(Path p) throws IOException {
        List<String> lines = Files.readAllLines(p, StandardCharsets.ISO_8859_1);
        if (lines.isEmpty() || !lines.get(0).equals("BEGIN") || !lines.get(lines.size() - 1).equals("END")) {
            throw new IOException("incomplete snapshot file " + p);
        }
        Map<String, String> m = new HashMap<>();
        for (String l : lines.subList(1, lines.size() - 1)) {
            String[] f = l.split(" ", 3);
            if (m.put(f[0] + " " + f[1], f[2]) != null) {
                throw new IOException("key twice: " + l);
            }
        }
        return m;
    }
}
