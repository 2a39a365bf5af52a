package io.redmesh.node.persist;

import io.redmesh.node.db.DictEntry;
import io.redmesh.node.db.SnapshotSink;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: the measurement of the longest client-visible pause during BGSAVE (issue #4). Runs
 * only when asked:
 *
 * <pre>
 * mvn -q -B -o -pl node test -Dtest=BgsavePauseBench -Dbench.keys=1000000 [-Dbench.slice.us=250]
 * </pre>
 *
 * Loads N string keys, then a probe connection issues PING/GET back to back (one in flight)
 * recording every round trip, first for a baseline period without a save, then while a BGSAVE
 * walks the keyspace and writes it through {@link #format()} to a file in a temp dir. Uses the
 * node's RDB writer when one is plugged in; otherwise a length-prefixed stand-in that does the
 * same per-key work minus compression.
 */
@EnabledIfSystemProperty(named = "bench.keys", matches = "\\d+")
class BgsavePauseBench {
    /** A stand-in for the RDB writer: type byte, length-prefixed key and value, expiry. */
    static BackgroundSaver.Format standIn() {
        return out -> {
            DataOutputStream d = new DataOutputStream(out);
            return new SnapshotSink() {
                @Override
                public void begin(long[] keys, long[] volatileKeys) throws IOException {
                    d.writeBytes("REDIS0010");
                }

                @Override
                public void entry(int db, DictEntry e) throws IOException {
                    d.writeByte(0);
                    d.writeInt(e.key.length);
                    d.write(e.key);
                    byte[] v = e.value instanceof byte[] ? (byte[]) e.value : new byte[0];
                    d.writeInt(v.length);
                    d.write(v);
                    d.writeLong(e.expireAt);
                }

                @Override
                public void end() throws IOException {
                    d.writeByte(0xff);
                    d.flush();
                }
            };
        };
    }

    /** Round-trip latencies of one probe connection, in microseconds. */
    static final class Probe extends Thread {
        final int port;
        final AtomicBoolean recording = new AtomicBoolean();
        volatile boolean stop;
        long[] lat = new long[1 << 22];
        int n;
        long max;

        Probe(int port) {
            this.port = port;
            setDaemon(true);
        }

        @Override
        public void run() {
            try (RespClient c = RespClient.connect(port)) {
                int i = 0;
                while (!stop) {
                    long t = System.nanoTime();
                    if ((i++ & 1) == 0) {
                        c.call("PING");
                    } else {
                        c.call("GET", "key:" + (i % 1000));
                    }
                    long us = (System.nanoTime() - t) / 1000;
                    if (recording.get() && n < lat.length) {
                        lat[n++] = us;
                        max = Math.max(max, us);
                    }
                }
            }
        }

        synchronized String report() {
            long[] s = Arrays.copyOf(lat, n);
            Arrays.sort(s);
            if (n == 0) {
                return "no samples";
            }
            return String.format("samples=%d p50=%dus p99=%dus p99.9=%dus max=%dus", n, s[n / 2],
                    s[(int) (n * 0.99)], s[(int) (n * 0.999)], s[n - 1]);
        }

        void reset() {
            n = 0;
            max = 0;
        }
    }

    @Test
    void longestPauseDuringBgsave() throws Exception {
        int keys = Integer.getInteger("bench.keys");
        long sliceUs = Long.getLong("bench.slice.us", 250);
        Path dir = Files.createTempDirectory("rm-bgsave-bench");
        try (ServerFixture s = ServerFixture.start("--dir", dir.toString())) {
            BackgroundSaver saver = s.server().saver();
            if (saver.format() == null) {
                saver.format(standIn());
            }
            saver.sliceNanos(sliceUs * 1000);
            load(s.port(), keys);
            System.gc();
            for (int round = 0; round < 3; round++) {
                Probe p = new Probe(s.port());
                p.start();
                Thread.sleep(1000); // warm the probe
                p.recording.set(true);
                Thread.sleep(3000);
                p.recording.set(false);
                String baseline = p.report();
                p.reset();
                long t0;
                long up0;
                try (RespClient c = s.client()) {
                    p.recording.set(true);
                    t0 = System.nanoTime();
                    up0 = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
                    String r = c.callString("BGSAVE");
                    if (!r.startsWith("+Background saving started")) {
                        throw new AssertionError(r);
                    }
                    while (BackgroundSaveTest.info(c, "rdb_bgsave_in_progress").equals("1")) {
                        Thread.sleep(5);
                    }
                }
                p.recording.set(false);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                p.stop = true;
                p.join();
                Thread.sleep(100);
                System.out.printf("BGSAVE pause bench: keys=%d slice=%dus%n  baseline (no save, 3 s): %s%n"
                        + "  during BGSAVE (%d ms, file %d bytes): %s%n  longest lock hold by the walk: %dus"
                        + " (JVM uptime %.3fs..%.3fs, to match against -Xlog:gc)%n",
                        keys, sliceUs, baseline, ms, Files.size(dir.resolve("dump.rdb")), p.report(),
                        saver.lastMaxSliceMicros, up0 / 1000.0, (up0 + ms) / 1000.0);
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

    /** Pipelined SETs "key:i" -> "val:i" in batches. */
    static void load(int port, int keys) {
        try (RespClient c = RespClient.connect(port)) {
            int batch = 10_000;
            for (int from = 0; from < keys; from += batch) {
                int to = Math.min(keys, from + batch);
                java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
                for (int i = from; i < to; i++) {
                    buf.writeBytes(RespClient.encode(RespClient.args("SET", "key:" + i, "val:" + i)));
                }
                c.send(buf.toByteArray());
                for (int i = from; i < to; i++) {
                    c.readReply();
                }
            }
        }
    }

}
