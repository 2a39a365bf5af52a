package io.redmesh.node.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.util.Bytes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SetValueTest {
    private static final long MAX = 512;

    private static byte[] b(String s) {
        return Bytes.of(s);
    }

    private static List<String> members(SetValue s) {
        List<String> out = new ArrayList<>();
        s.forEach(m -> out.add(Bytes.latin1(m)));
        return out;
    }

    @Test
    void intsetIsSortedAndUsesRedisIntegerRules() {
        SetValue s = new SetValue();
        assertEquals("intset", s.encoding());
        assertEquals("set", s.typeName());
        for (String m : new String[] {"5", "-3", "100", "0", "5", "9223372036854775807", "-9223372036854775808"}) {
            s.add(b(m), MAX);
        }
        assertEquals(List.of("-9223372036854775808", "-3", "0", "5", "100", "9223372036854775807"), members(s));
        assertEquals("intset", s.encoding());
        assertTrue(s.contains(b("5")));
        assertFalse(s.contains(b("05")));  // not the integer 5 for Redis: a different member
        assertFalse(s.contains(b("+5")));
        assertFalse(s.contains(b("abc")));
        assertFalse(s.remove(b("05")));
        assertTrue(s.remove(b("-3")));
        assertFalse(s.remove(b("-3")));
        assertEquals(5, s.length());
    }

    @Test
    void nonIntegerMembersConvert() {
        for (String m : new String[] {"abc", "01", "+1", "1.0", "-0", "9223372036854775808", " 1", ""}) {
            SetValue s = new SetValue();
            s.add(b("1"), MAX);
            assertTrue(s.add(b(m), MAX), m);
            assertEquals("hashtable", s.encoding(), m);
            assertTrue(s.contains(b(m)));
            assertTrue(s.contains(b("1")));
            assertEquals(2, s.length());
        }
    }

    @Test
    void convertsPastTheEntryLimitAndNeverBack() {
        SetValue s = new SetValue();
        for (int i = 0; i < 3; i++) {
            s.add(b(Integer.toString(i)), 3);
        }
        assertEquals("intset", s.encoding());
        assertFalse(s.add(b("2"), 3));
        assertEquals("intset", s.encoding());
        s.add(b("3"), 3);
        assertEquals("hashtable", s.encoding());
        s.remove(b("3"));
        s.remove(b("2"));
        assertEquals("hashtable", s.encoding());
        assertEquals(Set.of("0", "1"), new HashSet<>(members(s)));

        SetValue z = new SetValue();
        z.add(b("1"), 0);
        assertEquals("hashtable", z.encoding());
    }

    @Test
    void bytesAreKeptIncrementallyAndMatchARecount() {
        Random r = new Random(7);
        SetValue s = new SetValue();
        long empty = s.bytes();
        Set<String> model = new HashSet<>();
        for (int step = 0; step < 5000; step++) {
            String m = step > 2500 && r.nextInt(10) == 0 ? "m" + r.nextInt(200) : Integer.toString(r.nextInt(700));
            if (r.nextInt(3) == 0) {
                assertEquals(model.remove(m), s.remove(b(m)));
            } else {
                assertEquals(model.add(m), s.add(b(m), MAX));
            }
            assertEquals(s.recountPayload(), s.payload(), "payload at step " + step);
            assertEquals(model.size(), s.length());
        }
        assertEquals("hashtable", s.encoding());
        assertEquals(model, new HashSet<>(members(s)));
        for (String m : model) {
            s.remove(b(m));
        }
        assertEquals(0, s.payload());
        assertTrue(s.bytes() > 0 && s.bytes() < empty + 4096, "an emptied set holds no payload");
    }

    @Test
    void intsetBytesGrowWithCapacity() {
        SetValue s = new SetValue();
        long before = s.bytes();
        for (int i = 0; i < 100; i++) {
            s.add(b(Integer.toString(i)), MAX);
        }
        assertTrue(s.bytes() >= before + 8L * 96);
        s.convert();
        assertEquals("hashtable", s.encoding());
        assertEquals(s.recountPayload(), s.payload());
        assertEquals(100, s.length());
    }

    @Test
    void copyIsDeepForBothEncodings() {
        for (String extra : new String[] {"3", "x"}) {
            SetValue s = new SetValue();
            s.add(b("1"), MAX);
            s.add(b("2"), MAX);
            s.add(b(extra), MAX);
            SetValue c = s.copy();
            assertEquals(s.encoding(), c.encoding());
            assertEquals(new HashSet<>(members(s)), new HashSet<>(members(c)));
            assertEquals(s.bytes(), c.bytes());
            c.remove(b("1"));
            c.add(b("99"), MAX);
            assertTrue(s.contains(b("1")));
            assertFalse(s.contains(b("99")));
            assertEquals(3, s.length());
            assertEquals(c.recountPayload(), c.payload());
        }
    }

    @Test
    void popScanAndSampling() {
        for (String kind : new String[] {"int", "str"}) {
            SetValue s = new SetValue();
            Set<String> all = new HashSet<>();
            for (int i = 0; i < 30; i++) {
                String m = kind.equals("int") ? Integer.toString(i) : "m" + i;
                s.add(b(m), MAX);
                all.add(m);
            }
            Set<String> seen = new HashSet<>();
            long cursor = 0;
            do {
                cursor = s.scan(cursor, m -> seen.add(Bytes.latin1(m)));
            } while (cursor != 0);
            assertEquals(all, seen);
            for (int k = 1; k < 30; k++) {
                Set<String> got = new HashSet<>();
                for (byte[] m : s.randomDistinct(k)) {
                    assertTrue(all.contains(Bytes.latin1(m)));
                    got.add(Bytes.latin1(m));
                }
                assertEquals(k, got.size());
            }
            Set<String> popped = new HashSet<>();
            while (s.length() > 0) {
                assertTrue(popped.add(Bytes.latin1(s.popRandom())));
            }
            assertEquals(all, popped);
            assertNull(s.popRandom());
            assertNull(s.randomMember());
        }
    }
}
