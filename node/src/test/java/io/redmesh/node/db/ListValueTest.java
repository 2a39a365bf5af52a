package io.redmesh.node.db;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ListValueTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> contents(ListValue l) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < l.length(); i++) {
            out.add(new String(l.get(i), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** The byte estimate recomputed from scratch, to check the incremental one. */
    private static long expectedElementBytes(List<String> model) {
        long n = 0;
        for (String s : model) {
            n += MemoryEstimator.byteArray(s.getBytes(StandardCharsets.UTF_8).length);
        }
        return n;
    }

    @Test
    void pushPopBothEndsWrapAround() {
        ListValue l = new ListValue();
        assertNull(l.popHead());
        assertNull(l.popTail());
        for (int i = 0; i < 5; i++) {
            l.pushHead(b("h" + i));
            l.pushTail(b("t" + i));
        }
        assertEquals(List.of("h4", "h3", "h2", "h1", "h0", "t0", "t1", "t2", "t3", "t4"), contents(l));
        assertEquals("h4", new String(l.popHead(), StandardCharsets.UTF_8));
        assertEquals("t4", new String(l.popTail(), StandardCharsets.UTF_8));
        assertEquals(8, l.length());
        assertEquals("quicklist", l.encoding());
        assertEquals("list", l.typeName());
    }

    @Test
    void insertRemoveTrimAndMatching() {
        ListValue l = new ListValue();
        for (String s : List.of("a", "b", "a", "c", "a", "d")) {
            l.pushTail(b(s));
        }
        l.insert(0, b("x"));
        l.insert(l.length(), b("y"));
        l.insert(3, b("m"));
        assertEquals(List.of("x", "a", "b", "m", "a", "c", "a", "d", "y"), contents(l));
        assertEquals("m", new String(l.removeAt(3), StandardCharsets.UTF_8));
        assertEquals(1, l.indexOf(b("a")));
        assertEquals(-1, l.indexOf(b("zz")));
        assertEquals(2, l.removeMatching(b("a"), 2, true)); // the last two "a"
        assertEquals(List.of("x", "a", "b", "c", "d", "y"), contents(l));
        assertEquals(1, l.removeMatching(b("a"), 0, false));
        assertEquals(2, l.trim(1, 3));
        assertEquals(List.of("b", "c", "d"), contents(l));
        assertEquals(3, l.trim(1, 0));
        assertTrue(l.isEmpty());
    }

    @Test
    void copyIsIndependent() {
        ListValue l = new ListValue();
        l.pushTail(b("a"));
        l.pushTail(b("b"));
        ListValue c = l.copy();
        assertEquals(l.bytes(), c.bytes());
        c.set(0, b("zzz"));
        c.pushHead(b("q"));
        assertEquals(List.of("a", "b"), contents(l));
        assertEquals(List.of("q", "zzz", "b"), contents(c));
        assertEquals(l.bytes() - MemoryEstimator.byteArray(1) + MemoryEstimator.byteArray(3)
                + MemoryEstimator.byteArray(1), c.bytes());
    }

    /** Random operations against a plain ArrayList model, checking contents and byte estimate. */
    @Test
    void randomOperationsMatchModel() {
        Random rnd = new Random(42);
        ListValue l = new ListValue();
        List<String> model = new ArrayList<>();
        long base = new ListValue().bytes();
        for (int step = 0; step < 20000; step++) {
            String v = "v" + rnd.nextInt(20) + "x".repeat(rnd.nextInt(30));
            int op = rnd.nextInt(10);
            switch (op) {
                case 0, 1 -> {
                    l.pushHead(b(v));
                    model.add(0, v);
                }
                case 2, 3 -> {
                    l.pushTail(b(v));
                    model.add(v);
                }
                case 4 -> {
                    byte[] p = l.popHead();
                    assertEquals(model.isEmpty() ? null : model.remove(0), p == null ? null : new String(p, StandardCharsets.UTF_8));
                }
                case 5 -> {
                    byte[] p = l.popTail();
                    assertEquals(model.isEmpty() ? null : model.remove(model.size() - 1),
                            p == null ? null : new String(p, StandardCharsets.UTF_8));
                }
                case 6 -> {
                    int i = rnd.nextInt(model.size() + 1);
                    l.insert(i, b(v));
                    model.add(i, v);
                }
                case 7 -> {
                    if (!model.isEmpty()) {
                        int i = rnd.nextInt(model.size());
                        assertArrayEquals(b(model.remove(i)), l.removeAt(i));
                    }
                }
                case 8 -> {
                    if (!model.isEmpty()) {
                        int i = rnd.nextInt(model.size());
                        l.set(i, b(v));
                        model.set(i, v);
                    }
                }
                default -> {
                    String target = "v" + rnd.nextInt(20);
                    int limit = rnd.nextInt(3);
                    boolean fromTail = rnd.nextBoolean();
                    int expected = 0;
                    if (fromTail) {
                        for (int i = model.size() - 1; i >= 0 && (limit == 0 || expected < limit); i--) {
                            if (model.get(i).equals(target)) {
                                model.remove(i);
                                expected++;
                            }
                        }
                    } else {
                        for (int i = 0; i < model.size() && (limit == 0 || expected < limit); ) {
                            if (model.get(i).equals(target)) {
                                model.remove(i);
                                expected++;
                            } else {
                                i++;
                            }
                        }
                    }
                    assertEquals(expected, l.removeMatching(b(target), limit, fromTail));
                }
            }
            if (step % 97 == 0 && model.size() > 4 && rnd.nextInt(4) == 0) {
                int from = rnd.nextInt(model.size());
                int to = from + rnd.nextInt(model.size() - from);
                l.trim(from, to);
                List<String> kept = new ArrayList<>(model.subList(from, to + 1));
                model.clear();
                model.addAll(kept);
            }
            assertEquals(model.size(), l.length());
            if (step % 50 == 0) {
                assertEquals(model, contents(l));
                long arrays = l.bytes() - base - expectedElementBytes(model);
                assertTrue(arrays >= -MemoryEstimator.align(4L * 8) && arrays <= 4L * 4 * (model.size() + 8),
                        "array estimate out of bounds: " + arrays);
            }
        }
        assertEquals(model, contents(l));
        // Drained lists give their backing array back.
        while (l.popHead() != null) {
            // drain
        }
        assertEquals(base, l.bytes());
    }
}
