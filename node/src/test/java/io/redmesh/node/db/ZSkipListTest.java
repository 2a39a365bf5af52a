package io.redmesh.node.db;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.redmesh.node.util.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The indexable skiplist against a TreeMap model: order, ranks, spans, ranges, deletions. */
class ZSkipListTest {
    /** (score, member) as the model's key. */
    record Elem(double score, byte[] member) {}

    static final Comparator<Elem> ORDER = (a, b) -> a.score < b.score ? -1 : a.score > b.score ? 1
            : Bytes.compare(a.member, b.member);

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Checks every link's span equals the rank distance it jumps, and the backward links. */
    static void checkInvariants(ZSkipList l) {
        List<ZSkipList.Node> order = new ArrayList<>();
        for (ZSkipList.Node n = l.first(); n != null; n = n.next[0]) {
            order.add(n);
        }
        assertEquals(order.size(), l.length);
        java.util.IdentityHashMap<ZSkipList.Node, Integer> rank = new java.util.IdentityHashMap<>();
        rank.put(l.header, 0);
        for (int i = 0; i < order.size(); i++) {
            rank.put(order.get(i), i + 1);
            assertSame(i == 0 ? null : order.get(i - 1), order.get(i).backward);
        }
        assertSame(order.isEmpty() ? null : order.get(order.size() - 1), l.tail);
        for (int lvl = 0; lvl < l.level; lvl++) {
            ZSkipList.Node x = l.header;
            while (x.next[lvl] != null) {
                assertEquals(rank.get(x.next[lvl]) - rank.get(x), x.span[lvl], "span at level " + lvl);
                x = x.next[lvl];
            }
        }
        for (int lvl = l.level; lvl < ZSkipList.MAX_LEVEL; lvl++) {
            assertNull(l.header.next[lvl]);
        }
    }

    @Test
    void insertKeepsScoreThenMemberOrderAndRanks() {
        ZSkipList l = new ZSkipList();
        l.insert(2, b("b"));
        l.insert(1, b("z"));
        l.insert(2, b("a"));
        l.insert(-0.0, b("m"));
        l.insert(0.0, b("c"));
        l.insert(Double.NEGATIVE_INFINITY, b("n"));
        l.insert(Double.POSITIVE_INFINITY, b("p"));
        l.insert(2, b("\u00ff")); // unsigned comparison: 0xC3 0xBF sorts after "b"
        List<String> got = new ArrayList<>();
        for (ZSkipList.Node n = l.first(); n != null; n = n.next[0]) {
            got.add(Bytes.utf8(n.member));
        }
        // -0 and 0 are the same score, so "c" < "m" by member.
        assertEquals(List.of("n", "c", "m", "z", "a", "b", "\u00ff", "p"), got);
        assertEquals(1, l.rank(Double.NEGATIVE_INFINITY, b("n")));
        assertEquals(3, l.rank(0.0, b("m")));
        assertEquals(8, l.rank(Double.POSITIVE_INFINITY, b("p")));
        assertEquals(0, l.rank(2, b("nosuch")));
        assertEquals("a", Bytes.utf8(l.byRank(5).member));
        assertNull(l.byRank(0));
        assertNull(l.byRank(9));
        checkInvariants(l);
    }

    @Test
    void updateScoreInPlaceAndMoving() {
        ZSkipList l = new ZSkipList();
        ZSkipList.Node a = l.insert(1, b("a"));
        l.insert(2, b("b"));
        l.insert(3, b("c"));
        assertSame(a, l.updateScore(a, 1.5)); // still between its neighbours
        ZSkipList.Node moved = l.updateScore(a, 10);
        assertEquals(3, l.rank(10, b("a")));
        assertEquals(10, moved.score);
        checkInvariants(l);
    }

    @Test
    void randomizedAgainstTreeMap() {
        Random rnd = new Random(42);
        for (int round = 0; round < 20; round++) {
            ZSkipList l = new ZSkipList();
            TreeMap<Elem, Boolean> model = new TreeMap<>(ORDER);
            java.util.Map<String, Double> scoreOf = new java.util.HashMap<>();
            int ops = 300 + rnd.nextInt(300);
            for (int op = 0; op < ops; op++) {
                String m = "m" + rnd.nextInt(150);
                double s = rnd.nextInt(40) / 4.0; // many ties on score
                Double old = scoreOf.get(m);
                int kind = rnd.nextInt(10);
                if (old == null && kind < 6) {
                    l.insert(s, b(m));
                    model.put(new Elem(s, b(m)), true);
                    scoreOf.put(m, s);
                } else if (old != null && kind < 8) {
                    assertNotNull(l.delete(old, b(m)));
                    model.remove(new Elem(old, b(m)));
                    scoreOf.remove(m);
                } else if (old != null) {
                    ZSkipList.Node n = l.byRank(l.rank(old, b(m)));
                    l.updateScore(n, s);
                    model.remove(new Elem(old, b(m)));
                    model.put(new Elem(s, b(m)), true);
                    scoreOf.put(m, s);
                }
            }
            checkInvariants(l);
            List<Elem> expected = new ArrayList<>(model.keySet());
            assertEquals(expected.size(), l.length);
            for (int i = 0; i < expected.size(); i++) {
                Elem e = expected.get(i);
                assertEquals(i + 1, l.rank(e.score, e.member));
                ZSkipList.Node n = l.byRank(i + 1);
                assertArrayEquals(e.member, n.member);
                assertEquals(e.score, n.score);
            }
            // Score ranges, open and closed.
            for (int q = 0; q < 50; q++) {
                double min = rnd.nextInt(44) / 4.0 - 0.5;
                double max = min + rnd.nextInt(20) / 4.0 - 1;
                boolean minex = rnd.nextBoolean();
                boolean maxex = rnd.nextBoolean();
                ZRangeSpec r = new ZRangeSpec.Score(min, max, minex, maxex);
                List<Elem> in = expected.stream().filter(e -> r.gteMin(e.member, e.score) && r.lteMax(e.member, e.score)).toList();
                ZSkipList.Node first = l.firstInRange(r);
                ZSkipList.Node last = l.lastInRange(r);
                if (in.isEmpty()) {
                    assertNull(first);
                    assertNull(last);
                } else {
                    assertArrayEquals(in.get(0).member, first.member);
                    assertArrayEquals(in.get(in.size() - 1).member, last.member);
                }
            }
            // Delete a rank range, then a score range, and compare again.
            if (!expected.isEmpty()) {
                int start = 1 + rnd.nextInt(expected.size());
                int end = start + rnd.nextInt(10);
                List<byte[]> removed = new ArrayList<>();
                long n = l.deleteRangeByRank(start, end, x -> removed.add(x.member));
                int stop = Math.min(end, expected.size());
                assertEquals(stop - start + 1, n);
                for (int i = start; i <= stop; i++) {
                    model.remove(expected.get(i - 1));
                }
                assertEquals(removed.size(), n);
                ZRangeSpec r = new ZRangeSpec.Score(2, 4, false, true);
                long m = l.deleteRange(r, x -> { });
                long before = model.size();
                model.keySet().removeIf(e -> e.score >= 2 && e.score < 4);
                assertEquals(before - model.size(), m);
                checkInvariants(l);
                List<Elem> left = new ArrayList<>(model.keySet());
                int i = 0;
                for (ZSkipList.Node x = l.first(); x != null; x = x.next[0], i++) {
                    assertArrayEquals(left.get(i).member, x.member);
                }
                assertEquals(left.size(), i);
            }
        }
    }

    @Test
    void lexRangesOnEqualScores() {
        ZSkipList l = new ZSkipList();
        for (String m : List.of("a", "b", "c", "d", "e")) {
            l.insert(0, b(m));
        }
        ZRangeSpec.Lex r = ZRangeSpec.Lex.parse(b("(a"), b("[d"));
        assertEquals("b", Bytes.utf8(l.firstInRange(r).member));
        assertEquals("d", Bytes.utf8(l.lastInRange(r).member));
        ZRangeSpec.Lex all = ZRangeSpec.Lex.parse(b("-"), b("+"));
        assertEquals("a", Bytes.utf8(l.firstInRange(all).member));
        assertEquals("e", Bytes.utf8(l.lastInRange(all).member));
        assertNull(l.firstInRange(ZRangeSpec.Lex.parse(b("+"), b("-"))));
        assertNull(l.firstInRange(ZRangeSpec.Lex.parse(b("-"), b("-"))));
        assertNull(l.firstInRange(ZRangeSpec.Lex.parse(b("(c"), b("(c"))));
        assertEquals(3, l.deleteRange(r, x -> { }));
        checkInvariants(l);
        assertEquals(2, l.length);
    }
}
