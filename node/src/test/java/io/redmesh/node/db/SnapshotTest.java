package io.redmesh.node.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * The fork-less snapshot against its contract: the sink receives every key exactly once, as it
 * was at the instant, whatever writers do meanwhile. The reference is a deep copy taken at the
 * instant; a writer thread hammers the keyspace through every Database write path while the
 * walk runs in small slices.
 */
class SnapshotTest {
    private static final int DBS = 4;

    /** A value as text, so a deep copy and a sink's view compare with equals. */
    static String render(DictEntry e) {
        StringBuilder sb = new StringBuilder();
        Object v = e.value;
        if (v instanceof byte[]) {
            sb.append("s:").append(new String((byte[]) v, StandardCharsets.ISO_8859_1));
        } else if (v instanceof ListValue) {
            ListValue l = (ListValue) v;
            sb.append("l:");
            for (int i = 0; i < l.length(); i++) {
                sb.append(new String(l.get(i), StandardCharsets.ISO_8859_1)).append(',');
            }
        } else if (v instanceof HashValue) {
            List<String> fields = new ArrayList<>();
            ((HashValue) v).forEach((f, x) -> fields.add(new String(f, StandardCharsets.ISO_8859_1) + "="
                    + new String(x, StandardCharsets.ISO_8859_1)));
            fields.sort(null);
            sb.append("h:").append(fields);
        } else {
            sb.append("?").append(v);
        }
        return sb.append(" ttl=").append(e.expireAt).toString();
    }

    static String hex(byte[] k) {
        return HexFormat.of().formatHex(k);
    }

    /** Records what it is given and checks the protocol: begin once, each key once, end once. */
    static final class RecordingSink implements SnapshotSink {
        final List<Map<String, String>> got = new ArrayList<>();
        long[] keys;
        int ends;
        volatile int failAfter = -1;
        int count;

        @Override
        public void begin(long[] keys, long[] volatileKeys) {
            assertNull(this.keys, "begin twice");
            this.keys = keys;
            for (int i = 0; i < keys.length; i++) {
                got.add(new HashMap<>());
            }
        }

        @Override
        public void entry(int db, DictEntry e) throws IOException {
            if (failAfter >= 0 && count >= failAfter) {
                throw new IOException("disk full");
            }
            count++;
            assertEquals(0, ends);
            String prev = got.get(db).put(hex(e.key), render(e));
            if (prev != null) {
                fail("key given twice: db " + db + " " + hex(e.key));
            }
        }

        @Override
        public void end() {
            ends++;
        }
    }

    /** The first few differences, short enough to read in a failure message. */
    static String diff(Map<String, String> want, Map<String, String> got) {
        StringBuilder sb = new StringBuilder();
        int n = 0;
        for (Map.Entry<String, String> w : want.entrySet()) {
            String g = got.get(w.getKey());
            if (!w.getValue().equals(g) && n++ < 5) {
                sb.append(w.getKey()).append(": want ").append(w.getValue()).append(" got ").append(g).append('\n');
            }
        }
        for (String k : got.keySet()) {
            if (!want.containsKey(k) && n++ < 10) {
                sb.append(k).append(": not at the instant, got ").append(got.get(k)).append('\n');
            }
        }
        return n == 0 ? "" : n + " differences\n" + sb;
    }

    static List<Map<String, String>> deepCopy(Keyspace ks) {
        List<Map<String, String>> out = new ArrayList<>();
        for (int i = 0; i < ks.count(); i++) {
            Map<String, String> m = new HashMap<>();
            ks.db(i).dict().forEach(e -> m.put(hex(e.key), render(e)));
            out.add(m);
        }
        return out;
    }

    static byte[] key(Random r) {
        return ("k" + r.nextInt(30_000)).getBytes(StandardCharsets.ISO_8859_1);
    }

    static void populate(Keyspace ks, Random r, int n) {
        long now = System.currentTimeMillis();
        for (int i = 0; i < n; i++) {
            Database db = ks.db(r.nextInt(ks.count()));
            byte[] k = key(r);
            Object v;
            int t = r.nextInt(3);
            if (t == 0) {
                v = ("v" + r.nextInt()).getBytes(StandardCharsets.ISO_8859_1);
            } else if (t == 1) {
                ListValue l = new ListValue();
                for (int j = r.nextInt(5); j >= 0; j--) {
                    l.pushTail(("e" + j).getBytes(StandardCharsets.ISO_8859_1));
                }
                v = l;
            } else {
                HashValue h = new HashValue();
                for (int j = r.nextInt(60); j >= 0; j--) {
                    h.set(("f" + j).getBytes(StandardCharsets.ISO_8859_1), ("x" + r.nextInt(9)).getBytes(StandardCharsets.ISO_8859_1), 128, 64);
                }
                v = h;
            }
            DictEntry e = db.set(k, v, false);
            if (r.nextInt(4) == 0) {
                db.setExpire(e, now + r.nextInt(400) - 50); // some already past, some expire during the walk
            }
        }
    }

    /** One random write through a Database write path. */
    static void randomWrite(Keyspace ks, Random r) {
        Database db = ks.db(r.nextInt(DBS));
        byte[] k = key(r);
        long now = System.currentTimeMillis();
        switch (r.nextInt(20)) {
            case 0: case 1: case 2:
                db.set(k, ("w" + r.nextInt()).getBytes(StandardCharsets.ISO_8859_1), r.nextBoolean());
                break;
            case 3: case 4:
                db.delete(k);
                break;
            case 5: case 6: {
                Object v = db.lookupWrite(k);
                if (v instanceof ListValue) {
                    ListValue l = (ListValue) v;
                    if (r.nextBoolean()) {
                        l.pushHead(("p" + r.nextInt(9)).getBytes(StandardCharsets.ISO_8859_1));
                    } else if (l.length() > 1) {
                        l.popTail();
                    }
                } else if (v instanceof HashValue) {
                    ((HashValue) v).set(("f" + r.nextInt(300)).getBytes(StandardCharsets.ISO_8859_1),
                            ("y" + r.nextInt(9)).getBytes(StandardCharsets.ISO_8859_1), 128, 64);
                } else if (v == null && !db.exists(k)) {
                    ListValue l = new ListValue();
                    l.pushTail("new".getBytes(StandardCharsets.ISO_8859_1));
                    db.add(k, l);
                }
                break;
            }
            case 7: {
                DictEntry e = db.entry(k); // lazy expiry
                if (e != null) {
                    db.setExpire(e, now + r.nextInt(300));
                }
                break;
            }
            case 8: {
                DictEntry e = db.entry(k);
                if (e != null) {
                    db.persist(e);
                }
                break;
            }
            case 9:
                ks.activeExpireCycle(1_000_000);
                break;
            case 10:
                db.randomEntry();
                db.lookup(k);
                break;
            case 11: {
                // RENAME / MOVE: remove here, add there
                Object v = db.remove(k);
                if (v != null) {
                    Database to = ks.db(r.nextInt(DBS));
                    to.delete(k);
                    to.add(k, v);
                }
                break;
            }
            case 12:
                if (r.nextInt(60) == 0) {
                    db.clear(); // FLUSHDB
                }
                break;
            case 13:
                if (r.nextInt(20) == 0) {
                    ks.swap(r.nextInt(DBS), r.nextInt(DBS));
                }
                break;
            case 14:
                if (r.nextInt(200) == 0) {
                    for (Database d : ks.all()) {
                        d.clear(); // FLUSHALL
                    }
                }
                break;
            case 15:
                // bursts that grow and shrink dicts, so the walk crosses resizes
                for (int i = 0; i < 300; i++) {
                    db.set(("burst" + r.nextInt(100_000)).getBytes(StandardCharsets.ISO_8859_1), new byte[] {1}, false);
                }
                break;
            case 16:
                for (byte[] b : db.keys("burst*".getBytes(StandardCharsets.ISO_8859_1))) {
                    db.delete(b);
                }
                break;
            case 17:
                if (r.nextInt(10) == 0) {
                    ks.configureEviction(EvictionPolicy.ALLKEYS_RANDOM, 5, 10, 1);
                    ks.evict(Math.max(1, ks.usedBytes() - 2000));
                    ks.configureEviction(EvictionPolicy.NOEVICTION, 5, 10, 1);
                }
                break;
            default:
                db.set(k, ("z" + r.nextInt()).getBytes(StandardCharsets.ISO_8859_1), false);
        }
    }

    @RepeatedTest(6)
    void snapshotUnderRandomWritesEqualsTheInstant() throws Exception {
        long seed = System.nanoTime();
        Random r = new Random(seed);
        Keyspace ks = new Keyspace(DBS);
        ReentrantLock lock = new ReentrantLock();
        populate(ks, r, 8_000);
        RecordingSink sink = new RecordingSink();
        List<Map<String, String>> expected;
        Snapshot snap;
        lock.lock();
        try {
            expected = deepCopy(ks);
            snap = Snapshot.begin(ks, lock, sink, 50_000); // 50 µs slices: many interleavings
        } finally {
            lock.unlock();
        }
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        Random wr = new Random(seed + 1);
        Thread writer = new Thread(() -> {
            try {
                while (!done.get()) {
                    lock.lock();
                    try {
                        for (int i = 0; i < 20; i++) {
                            randomWrite(ks, wr);
                        }
                    } finally {
                        lock.unlock();
                    }
                }
            } catch (Throwable t) {
                writerFailure.set(t);
            }
        });
        writer.start();
        try {
            snap.walk();
        } finally {
            done.set(true);
            writer.join();
        }
        if (writerFailure.get() != null) {
            throw new AssertionError("writer failed, seed " + seed, writerFailure.get());
        }
        assertEquals(1, sink.ends);
        assertFalse(ks.snapshotRunning());
        for (int i = 0; i < DBS; i++) {
            assertEquals(expected.get(i).size(), sink.keys[i], "begin count db " + i);
            assertEquals("", diff(expected.get(i), sink.got.get(i)), "db " + i + " differs, seed " + seed);
        }
    }

    @Test
    void secondSnapshotSeesTheKeysTheFirstOneStamped() throws Exception {
        Keyspace ks = new Keyspace(2);
        ReentrantLock lock = new ReentrantLock();
        populate(ks, new Random(7), 500);
        for (int round = 0; round < 3; round++) {
            RecordingSink sink = new RecordingSink();
            List<Map<String, String>> expected;
            Snapshot s;
            lock.lock();
            try {
                expected = deepCopy(ks).subList(0, 2);
                s = Snapshot.begin(ks, lock, sink);
                ks.db(0).set("during".getBytes(), "x".getBytes(), false); // born after the instant
            } finally {
                lock.unlock();
            }
            s.walk();
            assertEquals(expected, sink.got);
            lock.lock();
            ks.db(0).delete("during".getBytes());
            lock.unlock();
        }
    }

    @Test
    void onlyOneSnapshotAtATimeAndBeginNeedsTheLock() throws Exception {
        Keyspace ks = new Keyspace(1);
        ReentrantLock lock = new ReentrantLock();
        assertThrows(IllegalStateException.class, () -> Snapshot.begin(ks, lock, new RecordingSink()));
        lock.lock();
        try {
            Snapshot s = Snapshot.begin(ks, lock, new RecordingSink());
            assertTrue(ks.snapshotRunning());
            assertThrows(IllegalStateException.class, () -> Snapshot.begin(ks, lock, new RecordingSink()));
            s.abort();
            assertFalse(ks.snapshotRunning());
        } finally {
            lock.unlock();
        }
    }

    @Test
    void abortEndsTheWalkWithoutCallingEnd() throws Exception {
        Keyspace ks = new Keyspace(1);
        ReentrantLock lock = new ReentrantLock();
        populate(ks, new Random(1), 100);
        RecordingSink sink = new RecordingSink();
        lock.lock();
        Snapshot s;
        try {
            s = Snapshot.begin(ks, lock, sink);
            s.abort();
        } finally {
            lock.unlock();
        }
        assertThrows(CancellationException.class, s::walk);
        assertEquals(0, sink.ends);
        assertFalse(ks.snapshotRunning());
    }

    @Test
    void aSinkFailureFromAWriterStopsTheSnapshotNotTheWriter() throws Exception {
        Keyspace ks = new Keyspace(1);
        ReentrantLock lock = new ReentrantLock();
        populate(ks, new Random(2), 2000);
        RecordingSink sink = new RecordingSink();
        sink.failAfter = 0;
        lock.lock();
        Snapshot s;
        try {
            s = Snapshot.begin(ks, lock, sink);
            // A key without a TTL: populate() gives some keys a past expiry, and deleting one of
            // those reports it as already gone.
            DictEntry victim = ks.db(0).dict().randomEntry();
            while (victim.expireAt != 0) {
                victim = ks.db(0).dict().randomEntry();
            }
            assertTrue(ks.db(0).delete(victim.key)); // the writer succeeds although the sink failed
            assertFalse(ks.snapshotRunning());
        } finally {
            lock.unlock();
        }
        IOException e = assertThrows(IOException.class, s::walk);
        assertEquals("disk full", e.getMessage());
        assertEquals(0, sink.ends);
    }

    @Test
    void aSinkFailureDuringTheWalkIsThrown() throws Exception {
        Keyspace ks = new Keyspace(1);
        ReentrantLock lock = new ReentrantLock();
        populate(ks, new Random(3), 2000);
        RecordingSink sink = new RecordingSink();
        sink.failAfter = 10;
        lock.lock();
        Snapshot s;
        try {
            s = Snapshot.begin(ks, lock, sink);
        } finally {
            lock.unlock();
        }
        assertThrows(IOException.class, s::walk);
        assertFalse(ks.snapshotRunning());
        assertFalse(lock.isLocked());
    }
}
