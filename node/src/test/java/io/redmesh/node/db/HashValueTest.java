package io.redmesh.node.db;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.util.Bytes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HashValueTest {
    private static final long ENTRIES = 128;
    private static final long VALUE = 64;

    private static byte[] b(String s) {
        return Bytes.of(s);
    }

    private static List<String> flat(HashValue h) {
        List<String> out = new ArrayList<>();
        h.forEach((f, v) -> {
            out.add(Bytes.latin1(f));
            out.add(Bytes.latin1(v));
        });
        return out;
    }

    private static List<String> pairs(HashValue h) {
        List<String> out = new ArrayList<>();
        h.forEach((f, v) -> out.add(Bytes.latin1(f) + "=" + Bytes.latin1(v)));
        return out;
    }

    @Test
    void listpackKeepsInsertionOrderLikeRedis() {
        HashValue h = new HashValue();
        assertEquals("listpack", h.encoding());
        assertEquals("hash", h.typeName());
        assertTrue(h.set(b("a"), b("1"), ENTRIES, VALUE));
        assertTrue(h.set(b("b"), b("2"), ENTRIES, VALUE));
        assertTrue(h.set(b("c"), b("3"), ENTRIES, VALUE));
        assertFalse(h.set(b("a"), b("updated"), ENTRIES, VALUE)); // keeps its place
        assertEquals(List.of("a", "updated", "b", "2", "c", "3"), flat(h));
        assertTrue(h.remove(b("b")));
        assertFalse(h.remove(b("b")));
        assertTrue(h.set(b("b"), b("again"), ENTRIES, VALUE)); // appended at the end
        assertEquals(List.of("a", "updated", "c", "3", "b", "again"), flat(h));
        assertEquals(3, h.length());
        assertArrayEquals(b("3"), h.get(b("c")));
        assertNull(h.get(b("zz")));
        assertTrue(h.contains(b("a")));
        assertFalse(h.contains(b("zz")));
    }

    /**
     * Random writes against a reference map (a LinkedHashMap keeps a listpack's order: an update
     * keeps its place, a re-added field goes last), with copies taken on the way that must not
     * change, through conversions at random sizes; the packed form is checked against a fresh
     * encoding of the model after every step.
     */
    @Test
    void behavesLikeAnInsertionOrderedMapThroughConversions() {
        Random r = new Random(1616);
        for (int round = 0; round < 40; round++) {
            long maxEntries = 1 + r.nextInt(40);
            long maxValue = 1 + r.nextInt(200);
            HashValue h = new HashValue();
            Map<String, String> model = new java.util.LinkedHashMap<>();
            List<Map.Entry<HashValue, List<String>>> copies = new ArrayList<>();
            for (int step = 0; step < 300; step++) {
                String f = "f" + r.nextInt(60);
                int op = r.nextInt(10);
                if (op < 3) {
                    assertEquals(model.remove(f) != null, h.remove(b(f)));
                } else if (op < 9) {
                    // mostly short values, sometimes one of 128+ bytes (a two-byte length prefix)
                    String v = "v".repeat(r.nextInt(20) == 0 ? 128 + r.nextInt(200) : r.nextInt(12));
                    assertEquals(!model.containsKey(f), h.set(b(f), b(v), maxEntries, maxValue));
                    model.put(f, v);
                } else {
                    copies.add(Map.entry(h.copy(), flat(h)));
                }
                assertEquals(model.size(), h.length());
                String probe = "f" + r.nextInt(60);
                assertEquals(model.containsKey(probe), h.contains(b(probe)));
                assertEquals(model.get(probe), h.get(b(probe)) == null ? null : Bytes.latin1(h.get(b(probe))));
                if (h.isListpack()) {
                    List<String> expected = new ArrayList<>();
                    model.forEach((k, v) -> {
                        expected.add(k);
                        expected.add(v);
                    });
                    assertEquals(expected, flat(h), "listpack order at step " + step);
                    byte[] fresh = PackedPairs.EMPTY;
                    for (String e : expected) {
                        fresh = PackedPairs.append(fresh, b(e));
                    }
                    assertArrayEquals(fresh, h.packed());
                    assertEquals(32 + MemoryEstimator.byteArray(fresh.length), h.bytes());
                } else {
                    Set<String> expected = new HashSet<>();
                    model.forEach((k, v) -> expected.add(k + "=" + v));
                    assertEquals(expected, new HashSet<>(pairs(h)));
                    assertEquals(h.recountPayload(), h.payload());
                }
            }
            for (Map.Entry<HashValue, List<String>> c : copies) {
                if (c.getKey().isListpack()) {
                    assertEquals(c.getValue(), flat(c.getKey()), "a copy does not change with its original");
                } else {
                    assertEquals(new HashSet<>(c.getValue()), new HashSet<>(flat(c.getKey())));
                }
            }
        }
    }

    @Test
    void listpackOfPacksAnRdbListpackAsFieldByFieldWritesWould() {
        List<byte[]> flat = new ArrayList<>();
        HashValue oneByOne = new HashValue();
        for (int i = 0; i < 50; i++) {
            byte[] f = b("field" + i);
            byte[] v = b("v".repeat(i * 7));
            flat.add(f);
            flat.add(v);
            oneByOne.set(f, v, ENTRIES, 1000);
        }
        HashValue packed = HashValue.listpackOf(flat);
        assertArrayEquals(oneByOne.packed(), packed.packed());
        assertEquals(oneByOne.length(), packed.length());
        assertEquals(oneByOne.bytes(), packed.bytes());
        assertEquals(flat(oneByOne), flat(packed));
        flat.add(b("field7"));
        flat.add(b("again"));
        assertNull(HashValue.listpackOf(flat), "a repeated field is the caller's error to report");
        assertEquals(0, HashValue.listpackOf(List.of()).length());
    }

    @Test
    void convertsPastTheEntryLimitAndNeverBack() {
        HashValue h = new HashValue();
        for (int i = 0; i < 4; i++) {
            h.set(b("f" + i), b("v"), 4, VALUE);
        }
        assertEquals("listpack", h.encoding());
        h.set(b("f0"), b("w"), 4, VALUE); // an update does not grow it
        assertEquals("listpack", h.encoding());
        h.set(b("f4"), b("v"), 4, VALUE);
        assertEquals("hashtable", h.encoding());
        for (int i = 0; i < 5; i++) {
            h.remove(b("f" + i));
        }
        assertEquals(0, h.length());
        assertEquals("hashtable", h.encoding());
        h.set(b("x"), b("y"), 4, VALUE);
        assertEquals("hashtable", h.encoding());
        assertArrayEquals(b("y"), h.get(b("x")));
    }

    @Test
    void convertsForALongFieldOrValue() {
        HashValue v = new HashValue();
        v.set(b("a"), b("x".repeat(64)), ENTRIES, VALUE);
        assertEquals("listpack", v.encoding());
        v.set(b("b"), b("x".repeat(65)), ENTRIES, VALUE);
        assertEquals("hashtable", v.encoding());
        assertEquals(2, v.length());

        HashValue f = new HashValue();
        f.set(b("y".repeat(65)), b("1"), ENTRIES, VALUE);
        assertEquals("hashtable", f.encoding());

        HashValue t = new HashValue();
        byte[][] argv = {b("HSET"), b("k"), b("a"), b("1"), b("b"), b("z".repeat(65))};
        t.tryConversion(argv, 2, 3, VALUE);
        assertEquals("listpack", t.encoding());
        t.tryConversion(argv, 2, 5, VALUE);
        assertEquals("hashtable", t.encoding());
    }

    @Test
    void zeroEntryLimitConvertsOnFirstField() {
        HashValue h = new HashValue();
        h.set(b("a"), b("1"), 0, VALUE);
        assertEquals("hashtable", h.encoding());
    }

    @Test
    void bytesAreKeptIncrementallyAndMatchARecount() {
        Random r = new Random(42);
        HashValue h = new HashValue();
        long empty = h.bytes();
        Map<String, String> model = new HashMap<>();
        for (int step = 0; step < 5000; step++) {
            String f = "f" + r.nextInt(300);
            if (r.nextInt(3) == 0) {
                assertEquals(model.remove(f) != null, h.remove(b(f)));
            } else {
                String v = "v".repeat(r.nextInt(step > 2500 ? 100 : 10));
                assertEquals(model.put(f, v) == null, h.set(b(f), b(v), ENTRIES, VALUE));
            }
            assertEquals(h.recountPayload(), h.payload(), "payload at step " + step);
            assertEquals(model.size(), h.length());
        }
        assertEquals("hashtable", h.encoding());
        for (String f : new ArrayList<>(model.keySet())) {
            h.remove(b(f));
        }
        assertEquals(0, h.payload());
        assertTrue(h.bytes() > 0 && h.bytes() < empty + 4096, "an emptied hash holds no payload");
    }

    @Test
    void bytesGrowWithContent() {
        HashValue h = new HashValue();
        long before = h.bytes();
        h.set(b("field"), b("x".repeat(50)), ENTRIES, VALUE);
        long after = h.bytes();
        assertTrue(after >= before + 50 + 5, "a listpack counts its packed bytes");
        h.set(b("field"), b("x"), ENTRIES, VALUE);
        assertTrue(h.bytes() < after);
        h.convert();
        assertTrue(h.bytes() > 0);
        assertEquals(h.recountPayload(), h.payload());
    }

    @Test
    void copyIsDeepForBothEncodings() {
        for (long limit : new long[] {ENTRIES, 1}) {
            HashValue h = new HashValue();
            h.set(b("a"), b("1"), limit, VALUE);
            h.set(b("b"), b("2"), limit, VALUE);
            HashValue c = h.copy();
            assertEquals(h.encoding(), c.encoding());
            if (h.encoding().equals("listpack")) {
                assertEquals(flat(h), flat(c), "a listpack copy keeps the order");
            } else {
                // A hashtable's order is its chains' order, which a copy rebuilds differently.
                assertEquals(new java.util.TreeSet<>(pairs(h)), new java.util.TreeSet<>(pairs(c)));
            }
            assertEquals(h.bytes(), c.bytes());
            c.set(b("a"), b("changed"), limit, VALUE);
            c.remove(b("b"));
            c.set(b("c"), b("3"), limit, VALUE);
            assertArrayEquals(b("1"), h.get(b("a")));
            assertArrayEquals(b("2"), h.get(b("b")));
            assertNull(h.get(b("c")));
            assertEquals(2, h.length());
            assertEquals(h.recountPayload(), h.payload());
            assertEquals(c.recountPayload(), c.payload());
        }
    }

    @Test
    void scanAndRandomSampling() {
        for (long limit : new long[] {ENTRIES, 4}) {
            HashValue h = new HashValue();
            Set<String> fields = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                h.set(b("f" + i), b("v" + i), limit, VALUE);
                fields.add("f" + i);
            }
            Set<String> seen = new HashSet<>();
            long cursor = 0;
            do {
                cursor = h.scan(cursor, (f, v) -> seen.add(Bytes.latin1(f)));
            } while (cursor != 0);
            assertEquals(fields, seen);
            for (int n = 1; n < 20; n++) {
                List<byte[][]> pick = h.randomDistinct(n);
                Set<String> got = new HashSet<>();
                for (byte[][] e : pick) {
                    String f = Bytes.latin1(e[0]);
                    assertTrue(fields.contains(f));
                    assertEquals("v" + f.substring(1), Bytes.latin1(e[1]));
                    got.add(f);
                }
                assertEquals(n, got.size());
            }
            assertTrue(fields.contains(Bytes.latin1(h.randomEntry()[0])));
        }
        assertNull(new HashValue().randomEntry());
    }

    @Test
    void listpackSamplingKeepsListpackOrder() {
        HashValue h = new HashValue();
        for (int i = 0; i < 10; i++) {
            h.set(b(Character.toString('a' + i)), b("v"), ENTRIES, VALUE);
        }
        for (int round = 0; round < 50; round++) {
            List<byte[][]> pick = h.randomDistinct(4);
            for (int i = 1; i < pick.size(); i++) {
                assertTrue(Bytes.compare(pick.get(i - 1)[0], pick.get(i)[0]) < 0);
            }
        }
    }
}
