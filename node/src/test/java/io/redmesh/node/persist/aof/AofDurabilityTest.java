package io.redmesh.node.persist.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.NodeProcess;
import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * No acknowledged write is lost: kill -9 with appendfsync always (and everysec, whose writes
 * reach the kernel before the reply), rewrites while writes continue, CONFIG SET appendonly yes.
 */
class AofDurabilityTest {
    private Path dir;

    @BeforeEach
    void setUp() throws Exception {
        dir = AofTestSupport.tempDir("aof-durable");
    }

    @AfterEach
    void tearDown() {
        AofTestSupport.deleteTree(dir);
    }

    @Test
    void killNineLosesNoAcknowledgedWriteWithAlways() throws Exception {
        killNine("always");
    }

    @Test
    void killNineLosesNoAcknowledgedWriteWithEverysec() throws Exception {
        // everysec fsyncs once a second, but the write reaches the kernel before the reply: a
        // process crash (not an OS crash) loses nothing acknowledged, as with Redis.
        killNine("everysec");
    }

    private long pipelinedAcked;

    private void killNine(String fsync) throws Exception {
        int threads = 4;
        AtomicLong[] acked = new AtomicLong[threads];
        try (NodeProcess node = NodeProcess.start(dir.resolve("node.log"), "--dir", dir.toString(),
                "--appendonly", "yes", "--appendfsync", fsync)) {
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                acked[t] = new AtomicLong();
                Thread w = new Thread(() -> {
                    try (RespClient c = RespClient.connect(node.port())) {
                        for (long i = 1; !stop.get(); i++) {
                            String r = c.callString("SET", "k" + id + ":" + i, "v" + i);
                            if (!r.equals("+OK\r\n")) {
                                return;
                            }
                            c.callString("INCR", "counter" + id);
                            acked[id].set(i);
                        }
                    } catch (RuntimeException e) {
                        // the kill
                    }
                });
                w.start();
                writers.add(w);
            }
            // and a pipelining client: batches of 50 SETs, acknowledged when all replies are in
            AtomicLong pipelined = new AtomicLong();
            Thread p = new Thread(() -> {
                try (RespClient c = RespClient.connect(node.port())) {
                    for (long base = 0; !stop.get(); base += 50) {
                        java.io.ByteArrayOutputStream batch = new java.io.ByteArrayOutputStream();
                        for (long i = base + 1; i <= base + 50; i++) {
                            batch.writeBytes(RespClient.encode(RespClient.args("SET", "p:" + i, "v" + i)));
                        }
                        c.send(batch.toByteArray());
                        for (int i = 0; i < 50; i++) {
                            if (!c.readReplyString().equals("+OK\r\n")) {
                                return;
                            }
                        }
                        pipelined.set(base + 50);
                    }
                } catch (RuntimeException e) {
                    // the kill
                }
            });
            p.start();
            writers.add(p);
            Thread.sleep(1500);
            node.kill9();
            stop.set(true);
            for (Thread w : writers) {
                w.join(10_000);
            }
            pipelinedAcked = pipelined.get();
            stop.set(true);
            for (Thread w : writers) {
                w.join(10_000);
            }
        }
        try (ServerFixture again = ServerFixture.start("--dir", dir.toString(), "--appendonly", "yes");
             RespClient c = again.client()) {
            long p = pipelinedAcked;
            assertTrue(p >= 50, "the pipelining writer made progress");
            for (long i = 1; i <= p; i++) {
                assertEquals("$" + ("v" + i).length() + "\r\nv" + i + "\r\n", c.callString("GET", "p:" + i));
            }
            for (int t = 0; t < threads; t++) {
                long n = acked[t].get();
                assertTrue(n > 10, "writer " + t + " made progress");
                assertEquals("$" + (Long.toString(n).length() + 1) + "\r\nv" + n + "\r\n", c.callString("GET", "k" + t + ":" + n));
                long counter = Long.parseLong(c.callString("GET", "counter" + t).split("\r\n")[1]);
                assertTrue(counter >= n, "counter" + t + " " + counter + " >= " + n);
            }
        }
    }

    /**
     * kill -9 in the middle of BGREWRITEAOF (a walk over 300k keys while acknowledged writes go
     * on): the manifest still names the old base and incr files plus the new incr file, so the
     * restart has every acknowledged write; the half-written temp base is ignored.
     */
    @Test
    void killNineDuringARewriteKeepsTheLastGoodFiles() throws Exception {
        int keys = 300_000;
        long acked = 0;
        try (NodeProcess node = NodeProcess.start(dir.resolve("node.log"), "--dir", dir.toString(),
                "--appendonly", "yes", "--appendfsync", "always");
             RespClient c = RespClient.connect(node.port())) {
            StringBuilder batch = new StringBuilder();
            for (int i = 0; i < keys; i += 1000) {
                List<String> argv = new ArrayList<>(List.of("MSET"));
                for (int k = i; k < i + 1000; k++) {
                    argv.add("key:" + k);
                    argv.add("value-" + k);
                }
                assertEquals("+OK\r\n", c.callString(argv.toArray(new String[0])));
            }
            assertEquals("+Background append only file rewriting started\r\n", c.callString("BGREWRITEAOF"));
            // acknowledged writes while the walk runs, then the crash mid-rewrite
            for (int i = 0; i < 20; i++) {
                assertEquals("+OK\r\n", c.callString("SET", "during:" + i, "v" + i));
                acked++;
            }
            assertTrue(c.callString("INFO", "persistence").contains("aof_rewrite_in_progress:1"),
                    "the crash must hit a rewrite in progress");
            node.kill9();
        }
        try (ServerFixture again = ServerFixture.start("--dir", dir.toString(), "--appendonly", "yes");
             RespClient c = again.client()) {
            assertEquals(":" + (keys + acked) + "\r\n", c.callString("DBSIZE"));
            assertEquals("$" + ("v" + (acked - 1)).length() + "\r\nv" + (acked - 1) + "\r\n",
                    c.callString("GET", "during:" + (acked - 1)));
            assertEquals("$12\r\nvalue-299999\r\n", c.callString("GET", "key:299999"));
        }
    }

    @Test
    void rewriteWhileWritesContinueLosesNothing() throws Exception {
        AtomicLong acked = new AtomicLong();
        try (ServerFixture node = ServerFixture.start("--dir", dir.toString(), "--appendonly", "yes",
                "--aof-use-rdb-preamble", "no")) {
            try (RespClient c = node.client()) {
                // enough keys that the snapshot walk takes many slices while the writer runs
                for (int batch = 0; batch < 50; batch++) {
                    String[] mset = new String[1 + 2 * 1000];
                    mset[0] = "MSET";
                    for (int i = 0; i < 1000; i++) {
                        mset[1 + 2 * i] = "key:" + batch + ":" + i;
                        mset[2 + 2 * i] = "v" + i;
                    }
                    c.callString(mset);
                }
            }
            AtomicBoolean stop = new AtomicBoolean();
            Thread w = new Thread(() -> {
                try (RespClient c = node.client()) {
                    while (!stop.get()) {
                        c.callString("SET", "key:" + (acked.get() % 50) + ":" + (acked.get() % 1000), "w" + acked.get());
                        c.callString("INCR", "n");
                        c.callString("RPUSH", "l", Long.toString(acked.get()));
                        acked.incrementAndGet();
                    }
                }
            });
            w.start();
            try (RespClient c = node.client()) {
                for (int i = 0; i < 5; i++) {
                    Thread.sleep(150);
                    assertEquals("+Background append only file rewriting started\r\n", c.callString("BGREWRITEAOF"));
                    AofInteropTest.waitRewrite(c);
                }
                stop.set(true);
                w.join();
                String info = c.callString("INFO", "persistence");
                assertTrue(info.contains("aof_rewrites:5"), info);
            }
        }
        // history files are gone, the manifest names one base and one incr
        Path aofDir = dir.resolve("appendonlydir");
        String manifest = Files.readString(aofDir.resolve("appendonly.aof.manifest"));
        assertEquals("file appendonly.aof.6.base.aof seq 6 type b\nfile appendonly.aof.6.incr.aof seq 6 type i\n", manifest);
        try (var files = Files.list(aofDir)) {
            assertEquals(3, files.count());
        }
        try (ServerFixture again = ServerFixture.start("--dir", dir.toString(), "--appendonly", "yes");
             RespClient c = again.client()) {
            long n = acked.get();
            assertEquals(":" + n + "\r\n", c.callString("INCR", "n").replace(":" + (n + 1), ":" + n));
            assertEquals(":" + n + "\r\n", c.callString("LLEN", "l"));
            assertEquals(":50002\r\n", c.callString("DBSIZE"));
            long last = n - 1;
            assertEquals("$" + ("w" + last).length() + "\r\nw" + last + "\r\n",
                    c.callString("GET", "key:" + (last % 50) + ":" + (last % 1000)));
        }
        if (RedisProcess.available()) {
            String[] check = AofTestSupport.run("redis-check-aof", aofDir.resolve("appendonly.aof.manifest").toString());
            assertEquals("0", check[0], check[1]);
        }
    }

    @Test
    void rewriteAskedDuringBgsaveIsScheduled() throws Exception {
        try {
            Class.forName("io.redmesh.node.db.Snapshot"); // BGSAVE and the fork-less snapshot
        } catch (ClassNotFoundException e) {
            org.junit.jupiter.api.Assumptions.abort("needs BGSAVE");
        }
        try (ServerFixture node = ServerFixture.start("--dir", dir.toString(), "--appendonly", "yes");
             RespClient c = node.client()) {
            for (int i = 0; i < 20_000; i++) {
                c.send(RespClient.encode(RespClient.args("SET", "k" + i, "v" + i)));
            }
            for (int i = 0; i < 20_000; i++) {
                c.readReply();
            }
            // both in one packet: the rewrite is asked while the BGSAVE walk runs
            c.send(concat(RespClient.encode(RespClient.args("BGSAVE")), RespClient.encode(RespClient.args("BGREWRITEAOF"))));
            String bgsave = c.readReplyString();
            String bgrewrite = c.readReplyString();
            // (BGSAVE answers "-ERR" while no RDB writer is plugged into it)
            org.junit.jupiter.api.Assumptions.assumeTrue(bgsave.equals("+Background saving started\r\n"), bgsave);
            assertEquals("+Background append only file rewriting scheduled\r\n", bgrewrite);
            for (int i = 0; i < 200 && !c.callString("INFO", "persistence").contains("aof_rewrites:1"); i++) {
                Thread.sleep(50);
            }
            String info = c.callString("INFO", "persistence");
            assertTrue(info.contains("aof_rewrites:1") && info.contains("aof_rewrite_scheduled:0"), info);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void configSetAppendonlyYesStartsWithARewrite() throws Exception {
        String before;
        try (ServerFixture node = ServerFixture.start("--dir", dir.toString(), "--aof-use-rdb-preamble", "no");
             RespClient c = node.client()) {
            AofTestSupport.populate(c);
            assertEquals("+OK\r\n", c.callString("CONFIG", "SET", "appendonly", "yes"));
            AofInteropTest.waitRewrite(c);
            c.callString("SET", "after", "on");
            before = AofTestSupport.dataset(c);
            assertTrue(c.callString("INFO", "persistence").contains("aof_enabled:1"));
        }
        assertEquals("file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n",
                Files.readString(dir.resolve("appendonlydir/appendonly.aof.manifest")));
        try (ServerFixture again = ServerFixture.start("--dir", dir.toString(), "--appendonly", "yes");
             RespClient c = again.client()) {
            assertEquals(before, AofTestSupport.dataset(c));
        }
    }
}
