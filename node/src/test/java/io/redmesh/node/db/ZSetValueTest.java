package io.redmesh.node.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.util.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Both encodings of a sorted set behave alike; conversions, memory estimate, scan, ranges. */
class ZSetValueTest {
    static final ZSetValue.Limits DEFAULT = new ZSetValue.Limits(128, 64);

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static List<String> members(ZSetValue z) {
        List<String> out = new ArrayList<>();
        z.forEach((m, s) -> out.add(Bytes.utf8(m) + "=" + s));
        return out;
    }

    @Test
    void convertsToSkiplistOnCountOrMemberLength() {
        ZSetValue z = new ZSetValue();
        for (int i = 0; i < 128; i++) {
            z.insert(b("m" + i), i, DEFAULT);
        }
        assertEquals("listpack", z.encoding());
        z.insert(b("one-more"), 1000, DEFAULT);
        assertEquals("skiplist", z.encoding());
        for (int i = 0; i < 120; i++) {
            z.remove(b("m" + i));
        }
        assertEquals("skiplist", z.encoding(), "conversion is one-way");

        ZSetValue y = new ZSetValue();
        y.insert(b("x".repeat(64)), 1, DEFAULT);
        assertEquals("listpack", y.encoding());
        y.insert(b("x".repeat(65)), 1, DEFAULT);
        assertEquals("skiplist", y.encoding());
        assertEquals(2, y.length());
    }

    @Test
    void negativeZeroIsZeroInTheCompactForm() {
        ZSetValue lp = new ZSetValue();
        lp.insert(b("a"), -0.0, DEFAULT);
        assertEquals(0, Double.compare(0.0, lp.scoreOrNaN(b("a"))));
        ZSetValue sl = ZSetValue.newSkiplist();
        sl.insert(b("a"), -0.0, DEFAULT);
        assertEquals(0, Double.compare(-0.0, sl.scoreOrNaN(b("a"))));
        sl.convertToListpackIfFits(DEFAULT);
        assertEquals("listpack", sl.encoding());
        assertEquals(0, Double.compare(0.0, sl.scoreOrNaN(b("a"))));
    }

    @Test
    void bothEncodingsAgreeOnRandomOperations() {
        Random rnd = new Random(7);
        ZSetValue lp = new ZSetValue();
        ZSetValue sl = ZSetValue.newSkiplist();
        ZSetValue.Limits unlimited = new ZSetValue.Limits(Long.MAX_VALUE, Long.MAX_VALUE);
        for (int op = 0; op < 3000; op++) {
            byte[] m = b("k" + rnd.nextInt(60));
            double s = rnd.nextInt(20) - 10;
            double cur = lp.scoreOrNaN(m);
            assertEquals(Double.isNaN(cur), Double.isNaN(sl.scoreOrNaN(m)));
            if (Double.isNaN(cur)) {
                lp.insert(m, s, unlimited);
                sl.insert(m, s, unlimited);
            } else if (rnd.nextBoolean()) {
                lp.updateScore(m, s);
                sl.updateScore(m, s);
            } else {
                assertTrue(lp.remove(m));
                assertTrue(sl.remove(m));
            }
            if (op % 100 == 0) {
                assertEquals(members(lp), members(sl));
                for (int i = 0; i < 60; i++) {
                    byte[] q = b("k" + i);
                    assertEquals(lp.rank(q, false), sl.rank(q, false));
                    assertEquals(lp.rank(q, true), sl.rank(q, true));
                }
                ZRangeSpec r = new ZRangeSpec.Score(-3, 4, rnd.nextBoolean(), rnd.nextBoolean());
                assertEquals(lp.count(r), sl.count(r));
                List<String> a = new ArrayList<>();
                List<String> bb = new ArrayList<>();
                boolean rev = rnd.nextBoolean();
                lp.forRange(r, 1, 5, rev, (mm, ss) -> a.add(Bytes.utf8(mm)));
                sl.forRange(r, 1, 5, rev, (mm, ss) -> bb.add(Bytes.utf8(mm)));
                assertEquals(a, bb);
            }
        }
        assertEquals("listpack", lp.encoding());
        assertEquals(lp.length(), sl.length());
        if (lp.length() > 4) {
            List<String> a = new ArrayList<>();
            List<String> bb = new ArrayList<>();
            lp.forRankRange(1, 3, true, (m, s) -> a.add(Bytes.utf8(m)));
            sl.forRankRange(1, 3, true, (m, s) -> bb.add(Bytes.utf8(m)));
            assertEquals(a, bb);
            assertEquals(lp.removeRankRange(0, 1), sl.removeRankRange(0, 1));
            ZRangeSpec r = new ZRangeSpec.Score(-2, 2, false, false);
            assertEquals(lp.removeRange(r), sl.removeRange(r));
            assertEquals(members(lp), members(sl));
        }
    }

    @Test
    void bytesGrowAndShrinkWithTheElements() {
        for (ZSetValue z : List.of(new ZSetValue(), ZSetValue.newSkiplist())) {
            long empty = z.bytes();
            for (int i = 0; i < 50; i++) {
                z.insert(b("member-" + i), i, DEFAULT);
            }
            long full = z.bytes();
            assertTrue(full > empty + 50 * 24, z.encoding() + " " + empty + " -> " + full);
            for (int i = 0; i < 50; i++) {
                z.updateScore(b("member-" + i), 100 - i);
            }
            for (int i = 0; i < 50; i++) {
                z.remove(b("member-" + i));
            }
            assertTrue(z.bytes() < full);
            assertTrue(z.bytes() <= empty + 64, z.encoding() + " " + empty + " vs " + z.bytes());
        }
    }

    @Test
    void copyIsIndependent() {
        for (ZSetValue z : List.of(new ZSetValue(), ZSetValue.newSkiplist())) {
            z.insert(b("a"), 1, DEFAULT);
            z.insert(b("b"), 2, DEFAULT);
            ZSetValue c = z.copy();
            c.remove(b("a"));
            c.insert(b("c"), 3, DEFAULT);
            assertEquals(List.of("a=1.0", "b=2.0"), members(z));
            assertEquals(List.of("b=2.0", "c=3.0"), members(c));
            assertEquals(z.encoding(), c.encoding());
        }
    }

    @Test
    void scanVisitsEveryMemberAcrossCalls() {
        ZSetValue z = ZSetValue.newSkiplist();
        for (int i = 0; i < 1000; i++) {
            z.insert(b("m" + i), i, DEFAULT);
        }
        Set<String> seen = new HashSet<>();
        long cursor = 0;
        int calls = 0;
        do {
            cursor = z.scan(cursor, (m, s) -> seen.add(Bytes.utf8(m)));
            calls++;
            if (calls == 10) {
                for (int i = 1000; i < 1500; i++) {
                    z.insert(b("m" + i), i, DEFAULT); // grows the table mid-scan
                }
            }
        } while (cursor != 0);
        for (int i = 0; i < 1000; i++) {
            assertTrue(seen.contains("m" + i), "m" + i);
        }
        assertTrue(calls > 1);
    }

    @Test
    void popAndRandom() {
        ZSetValue z = new ZSetValue();
        z.insert(b("a"), 1, DEFAULT);
        z.insert(b("b"), 2, DEFAULT);
        z.insert(b("c"), 3, DEFAULT);
        List<String> got = new ArrayList<>();
        z.pop(true, (m, s) -> got.add(Bytes.utf8(m)));
        z.pop(false, (m, s) -> got.add(Bytes.utf8(m)));
        assertEquals(List.of("c", "a"), got);
        z.visitRandom((m, s) -> assertEquals("b", Bytes.utf8(m)));
        assertFalse(z.contains(b("a")));
    }

    @Test
    void scoreRangeParsingFollowsStrtod() {
        assertNotNull(ZRangeSpec.Score.parse(b(""), b("(")));
        assertNotNull(ZRangeSpec.Score.parse(b(" 1"), b("1e400")));
        assertEquals(Double.POSITIVE_INFINITY, ZRangeSpec.Score.parse(b("0"), b("1e400")).max());
        assertEquals(16.0, ZRangeSpec.Score.parse(b("0x10"), b("inf")).min());
        assertTrue(ZRangeSpec.Score.parse(b("(1"), b("2")).minex());
        assertEquals(1.0, ZRangeSpec.Score.parse(b("1\0junk"), b("2")).min());
        assertNull(ZRangeSpec.Score.parse(b("1 "), b("2")));
        assertNull(ZRangeSpec.Score.parse(b("   "), b("2")));
        assertNull(ZRangeSpec.Score.parse(b("nan"), b("2")));
        assertNull(ZRangeSpec.Score.parse(b("1"), b("((2")));
        assertNull(ZRangeSpec.Score.parse(b("1"), b("x")));
    }

    @Test
    void lexRangeParsing() {
        assertNotNull(ZRangeSpec.Lex.parse(b("-"), b("+")));
        assertNotNull(ZRangeSpec.Lex.parse(b("[a"), b("(b")));
        assertNotNull(ZRangeSpec.Lex.parse(b("["), b("(")));
        assertNull(ZRangeSpec.Lex.parse(b("a"), b("+")));
        assertNull(ZRangeSpec.Lex.parse(b(""), b("+")));
        assertNull(ZRangeSpec.Lex.parse(b("-a"), b("+")));
        assertNull(ZRangeSpec.Lex.parse(b("-"), b("++")));
    }
}
