package io.redmesh.node.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redmesh.node.command.ServerContext;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot through the real command paths: every write command family runs (pipelined, on
 * two connections) while a BGSAVE walks slowly, and the file must equal the keyspace at the
 * instant. A command that changed a collection in place without Database.lookupWrite, or a TTL
 * or key without the Database write methods, shows up here as a difference.
 */
class CommandsDuringBgsaveTest {
    @TempDir
    Path dir;

    static final int KEYS = 150;

    static String k(Random r, String type) {
        return type + ":" + r.nextInt(KEYS);
    }

    static String n(Random r) {
        return Integer.toString(r.nextInt(100));
    }

    /** A random write command over keys of every type (many hit the wrong type: errors are fine). */
    static String[] randomCommand(Random r) {
        String s = k(r, "s");
        String h = k(r, "h");
        String l = k(r, "l");
        String t = k(r, "t");
        String z = k(r, "z");
        switch (r.nextInt(49)) {
            case 0: return new String[] {"SET", s, n(r)};
            case 1: return new String[] {"APPEND", s, "x"};
            case 2: return new String[] {"INCR", s};
            case 3: return new String[] {"SETRANGE", s, "2", "yy"};
            case 4: return new String[] {"GETDEL", s};
            case 5: return new String[] {"GETEX", s, "PX", "100000"};
            case 6: return new String[] {"SET", s, "k", "KEEPTTL"};
            case 7: return new String[] {"MSET", s, "m", k(r, "s"), "m2"};
            case 8: return new String[] {"SETEX", s, "1000", "e"};
            case 9: return new String[] {"DEL", s, h};
            case 10: return new String[] {"UNLINK", l, z};
            case 11: return new String[] {"EXPIRE", h, "1000"};
            case 12: return new String[] {"PEXPIRE", t, "50"}; // expires during the save: lazy/active expiry
            case 13: return new String[] {"PERSIST", k(r, String.valueOf("stlhz".charAt(r.nextInt(5))))};
            case 14: return new String[] {"RENAME", s, k(r, "s")};
            case 15: return new String[] {"RENAMENX", h, k(r, "h")};
            case 16: return new String[] {"MOVE", z, Integer.toString(r.nextInt(4))};
            case 17: return new String[] {"COPY", l, k(r, "l"), "DB", Integer.toString(r.nextInt(4)), "REPLACE"};
            case 18: return r.nextInt(10) == 0 ? new String[] {"SWAPDB", "0", Integer.toString(1 + r.nextInt(3))}
                    : new String[] {"PING"};
            case 19: return r.nextInt(40) == 0 ? new String[] {"FLUSHDB"} : new String[] {"PING"};
            case 20: return new String[] {"HSET", h, "f" + n(r), n(r)};
            case 21: return new String[] {"HDEL", h, "f" + n(r)};
            case 22: return new String[] {"HINCRBY", h, "c", "1"};
            case 23: return new String[] {"HSETNX", h, "f" + n(r), "nx"};
            case 24: return new String[] {"LPUSH", l, n(r)};
            case 25: return new String[] {"RPOP", l};
            case 26: return new String[] {"LSET", l, "0", "set"};
            case 27: return new String[] {"LTRIM", l, "0", "5"};
            case 28: return new String[] {"LREM", l, "1", "3"};
            case 29: return new String[] {"LINSERT", l, "BEFORE", "3", "ins"};
            case 30: return new String[] {"LMOVE", l, k(r, "l"), "LEFT", "RIGHT"};
            case 31: return new String[] {"RPOPLPUSH", l, k(r, "l")};
            case 32: return new String[] {"SADD", t, n(r), "a" + n(r)};
            case 33: return new String[] {"SREM", t, n(r)};
            case 34: return new String[] {"SPOP", t};
            case 35: return new String[] {"SMOVE", t, k(r, "t"), n(r)};
            case 36: return new String[] {"SINTERSTORE", t, k(r, "t"), k(r, "t")};
            case 37: return new String[] {"SDIFFSTORE", k(r, "t"), t, k(r, "t")};
            case 38: return new String[] {"ZADD", z, n(r), "m" + n(r)};
            case 39: return new String[] {"ZINCRBY", z, "1.5", "m" + n(r)};
            case 40: return new String[] {"ZREM", z, "m" + n(r)};
            case 41: return new String[] {"ZPOPMIN", z};
            case 42: return new String[] {"ZREMRANGEBYRANK", z, "0", "1"};
            case 43: return new String[] {"ZUNIONSTORE", k(r, "z"), "2", z, k(r, "z")};
            case 44: return new String[] {"HINCRBYFLOAT", h, "fl", "0.5"};
            // bit commands change strings of 4 KB and more in place: the snapshot must still
            // see each as it was at the instant
            case 45: return new String[] {"SETBIT", s, Integer.toString(r.nextInt(60_000)), Integer.toString(r.nextInt(2))};
            case 46: return new String[] {"BITFIELD", s, "INCRBY", "u8", "#" + r.nextInt(7000), "1"};
            case 47: return new String[] {"BITOP", "XOR", s, s, k(r, "s")};
            default: return new String[] {"SPOP", t, "2"};
        }
    }

    static void populate(RespClient c, Random r) {
        List<byte[]> batch = new ArrayList<>();
        for (int db = 0; db < 4; db++) {
            batch.add(RespClient.encode(RespClient.args("SELECT", Integer.toString(db))));
            for (int i = 0; i < KEYS; i++) {
                batch.add(RespClient.encode(RespClient.args("SET", "s:" + i, "v" + i)));
                batch.add(RespClient.encode(RespClient.args("HSET", "h:" + i, "a", "1", "b", "2")));
                batch.add(RespClient.encode(RespClient.args("RPUSH", "l:" + i, "1", "2", "3", "4")));
                batch.add(RespClient.encode(RespClient.args("SADD", "t:" + i, "1", "2", "x")));
                batch.add(RespClient.encode(RespClient.args("ZADD", "z:" + i, "1", "m1", "2", "m2")));
                if (i % 3 == 0) {
                    // big encodings too: hashtable hash, skiplist zset, hashtable set
                    List<String> a = new ArrayList<>(List.of("HSET", "h:" + i));
                    List<String> zz = new ArrayList<>(List.of("ZADD", "z:" + i));
                    List<String> ss = new ArrayList<>(List.of("SADD", "t:" + i));
                    for (int j = 0; j < 200; j++) {
                        a.add("f" + j);
                        a.add("v" + j);
                        zz.add(Integer.toString(j));
                        zz.add("m" + j);
                        ss.add("x" + j);
                    }
                    batch.add(RespClient.encode(RespClient.args(a.toArray(new String[0]))));
                    batch.add(RespClient.encode(RespClient.args(zz.toArray(new String[0]))));
                    batch.add(RespClient.encode(RespClient.args(ss.toArray(new String[0]))));
                }
                if (r.nextInt(5) == 0) {
                    batch.add(RespClient.encode(RespClient.args("PEXPIRE", "s:" + i, Integer.toString(20 + r.nextInt(300)))));
                }
            }
        }
        for (byte[] b : batch) {
            c.send(b);
        }
        for (int i = 0; i < batch.size(); i++) {
            c.readReply();
        }
    }

    @RepeatedTest(2)
    void aBgsaveUnderEveryWriteCommandHoldsTheInstant() throws Exception {
        TextFormat f = new TextFormat();
        f.entryDelayNanos = 100_000;
        long seed = System.nanoTime();
        try (ServerFixture s = ServerFixture.start("--dir", dir.toString(), "--hz", "100")) {
            ServerContext ctx = s.context();
            BackgroundSaver saver = s.server().saver();
            saver.format(f);
            saver.sliceNanos(100_000);
            try (RespClient c = s.client()) {
                populate(c, new Random(seed));
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong sent = new AtomicLong();
            java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                Random r = new Random(seed + w + 1);
                Thread t = new Thread(() -> {
                    try (RespClient c = s.client()) {
                        while (!stop.get()) {
                            List<String[]> batch = new ArrayList<>();
                            batch.add(new String[] {"SELECT", Integer.toString(r.nextInt(4))});
                            for (int i = 0; i < 30; i++) {
                                batch.add(randomCommand(r));
                            }
                            for (String[] cmd : batch) {
                                c.send(RespClient.encode(RespClient.args(cmd)));
                            }
                            for (int i = 0; i < batch.size(); i++) {
                                c.readReply();
                            }
                            sent.addAndGet(batch.size());
                        }
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                });
                writers.add(t);
                t.start();
            }
            Thread.sleep(100); // writers running before the instant
            Map<String, String> expected;
            ctx.lock.lock();
            try {
                expected = TextFormat.instant(ctx.keyspace);
                assertEquals(true, saver.startBackground());
            } finally {
                ctx.lock.unlock();
            }
            long sentAtStart = sent.get();
            long t0 = System.nanoTime();
            BackgroundSaveTest.await(() -> {
                ctx.lock.lock();
                try {
                    return !saver.inProgress();
                } finally {
                    ctx.lock.unlock();
                }
            }, "the save");
            stop.set(true);
            for (Thread t : writers) {
                t.join();
            }
            if (failure.get() != null) {
                throw new AssertionError("a writer failed", failure.get());
            }
            long during = sent.get() - sentAtStart;
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(true, saver.lastOk());
            Map<String, String> got = TextFormat.read(dir.resolve("dump.rdb"));
            assertEquals("", SnapshotDiff.diff(expected, got), "seed " + seed + ", commands during the save: " + during);
            System.out.println("CommandsDuringBgsaveTest: " + expected.size() + " keys, " + during
                    + " commands ran during the save (" + ms + " ms), " + sentAtStart + " before");
        }
    }
}
