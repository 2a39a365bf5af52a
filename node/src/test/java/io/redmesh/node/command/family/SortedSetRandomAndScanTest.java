package io.redmesh.node.command.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import io.redmesh.node.testing.StartedNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What differential tests cannot compare byte for byte because Redis's answer is random or
 * depends on its hash seed: ZRANDMEMBER samples and ZSCAN over a "skiplist" set. Checked here
 * by their contracts. Also COPY/RENAME of sorted sets and their memory accounting.
 */
class SortedSetRandomAndScanTest {
    @StartedNode
    static ServerFixture server;

    /** Bulk strings of a (possibly nested) reply, in order; RESP3 doubles are included as text. */
    static List<String> items(byte[] reply) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("\\$(\\d+)\\r\\n|,([^\\r]*)\\r\\n").matcher(new String(reply, StandardCharsets.ISO_8859_1));
        String s = new String(reply, StandardCharsets.ISO_8859_1);
        int pos = 0;
        while (m.find(pos)) {
            if (m.group(1) != null) {
                int len = Integer.parseInt(m.group(1));
                out.add(s.substring(m.end(), m.end() + len));
                pos = m.end() + len + 2;
            } else {
                out.add(m.group(2));
                pos = m.end();
            }
        }
        return out;
    }

    static void fill(RespClient c, String key, int n) {
        List<String> args = new ArrayList<>(List.of("ZADD", key));
        for (int i = 0; i < n; i++) {
            args.add(Integer.toString(i));
            args.add("m" + i);
        }
        c.call(args.toArray(new String[0]));
    }

    @Test
    void zrandmemberDistinctAndRepeatedSamples() {
        try (RespClient c = server.client()) {
            c.call("FLUSHALL");
            for (String key : List.of("small", "large")) {
                fill(c, key, key.equals("small") ? 20 : 300);
                int size = key.equals("small") ? 20 : 300;
                for (int count : new int[] {1, 5, size / 2, size - 1}) {
                    List<String> got = items(c.call("ZRANDMEMBER", key, Integer.toString(count)));
                    assertEquals(count, got.size());
                    assertEquals(count, new HashSet<>(got).size(), "distinct members");
                    got.forEach(m -> assertTrue(m.matches("m\\d+")));
                }
                List<String> rep = items(c.call("ZRANDMEMBER", key, "-" + (size * 3)));
                assertEquals(size * 3, rep.size());
                assertTrue(new HashSet<>(rep).size() < rep.size(), "negative counts repeat members");
                // WITHSCORES pairs each member with its own score, flat in RESP2.
                List<String> ws = items(c.call("ZRANDMEMBER", key, "7", "WITHSCORES"));
                assertEquals(14, ws.size());
                for (int i = 0; i < ws.size(); i += 2) {
                    assertEquals(ws.get(i).substring(1), ws.get(i + 1));
                }
                String single = c.callString("ZRANDMEMBER", key);
                assertTrue(single.startsWith("$"), single);
            }
            // Random enough: 50 single draws from 300 are not all the same.
            Set<String> draws = new HashSet<>();
            for (int i = 0; i < 50; i++) {
                draws.add(c.callString("ZRANDMEMBER", "large"));
            }
            assertTrue(draws.size() > 10);
            // RESP3: nested [member, double] pairs.
            c.call("HELLO", "3");
            String r3 = c.callString("ZRANDMEMBER", "small", "-3", "WITHSCORES");
            assertTrue(r3.startsWith("*3\r\n*2\r\n$"), r3);
            assertTrue(r3.contains("\r\n,"), r3);
            assertEquals("*3\r\n", c.callString("ZRANDMEMBER", "small", "3").substring(0, 4));
        }
    }

    @Test
    void zscanOverASkiplistReturnsEveryMemberWithItsScore() {
        try (RespClient c = server.client()) {
            c.call("FLUSHALL");
            fill(c, "big", 1000);
            assertEquals("$8\r\nskiplist\r\n", c.callString("OBJECT", "ENCODING", "big"));
            Map<String, String> seen = new HashMap<>();
            String cursor = "0";
            int calls = 0;
            do {
                List<String> it = items(c.call("ZSCAN", "big", cursor, "COUNT", "20"));
                cursor = it.get(0);
                for (int i = 1; i < it.size(); i += 2) {
                    seen.put(it.get(i), it.get(i + 1));
                }
                calls++;
            } while (!cursor.equals("0"));
            assertEquals(1000, seen.size());
            assertEquals("17", seen.get("m17"));
            assertTrue(calls > 10, "COUNT limits each call: " + calls);

            // MATCH filters the members (and their scores) out of what a step visited.
            Set<String> matched = new HashSet<>();
            cursor = "0";
            do {
                List<String> it = items(c.call("ZSCAN", "big", cursor, "MATCH", "m1*", "COUNT", "100"));
                cursor = it.get(0);
                for (int i = 1; i < it.size(); i += 2) {
                    assertTrue(it.get(i).startsWith("m1"));
                    matched.add(it.get(i));
                }
            } while (!cursor.equals("0"));
            assertEquals(111, matched.size()); // m1, m10-m19, m100-m199

            // Scores are "%.17g" bulk strings even in RESP3.
            c.call("ZADD", "big", "1.1", "m0");
            c.call("HELLO", "3");
            boolean found = false;
            cursor = "0";
            do {
                byte[] raw = c.call("ZSCAN", "big", cursor, "COUNT", "1000");
                String s = new String(raw, StandardCharsets.ISO_8859_1);
                assertTrue(!s.contains("\r\n,"), "no RESP3 doubles in ZSCAN");
                List<String> it = items(raw);
                cursor = it.get(0);
                for (int i = 1; i < it.size(); i += 2) {
                    if (it.get(i).equals("m0")) {
                        assertEquals("1.1000000000000001", it.get(i + 1));
                        found = true;
                    }
                }
            } while (!cursor.equals("0"));
            assertTrue(found);
        }
    }

    @Test
    void copyAndRenameKeepAnIndependentSortedSet() {
        try (RespClient c = server.client()) {
            c.call("FLUSHALL");
            fill(c, "src", 200);
            c.call("ZADD", "lp", "1", "a", "2", "b");
            assertEquals(":1\r\n", c.callString("COPY", "src", "dst"));
            assertEquals(":1\r\n", c.callString("COPY", "lp", "lp2"));
            c.call("ZREM", "src", "m0");
            c.call("ZADD", "lp", "3", "c");
            assertEquals(":200\r\n", c.callString("ZCARD", "dst"));
            assertEquals(":2\r\n", c.callString("ZCARD", "lp2"));
            assertEquals("$8\r\nskiplist\r\n", c.callString("OBJECT", "ENCODING", "dst"));
            assertEquals("$8\r\nlistpack\r\n", c.callString("OBJECT", "ENCODING", "lp2"));
            assertEquals(":0\r\n", c.callString("ZRANK", "dst", "m0"));
            assertEquals("+OK\r\n", c.callString("RENAME", "dst", "moved"));
            assertEquals(":199\r\n", c.callString("ZRANK", "moved", "m199"));
            assertEquals("+zset\r\n", c.callString("TYPE", "moved"));
        }
    }

    static long usedMemory(RespClient c) {
        Matcher m = Pattern.compile("used_memory:(\\d+)").matcher(c.callString("INFO", "memory"));
        assertTrue(m.find());
        return Long.parseLong(m.group(1));
    }

    @Test
    void memoryAccountingFollowsTheSortedSet() {
        try (RespClient c = server.client()) {
            c.call("FLUSHALL");
            long base = usedMemory(c);
            fill(c, "mem", 5000);
            long full = usedMemory(c);
            assertTrue(full - base > 5000 * 40, "5000 members cost " + (full - base));
            c.call("ZREMRANGEBYRANK", "mem", "0", "3999");
            long part = usedMemory(c);
            assertTrue(part < full - 4000 * 40, full + " -> " + part);
            c.call("DEL", "mem");
            assertTrue(Math.abs(usedMemory(c) - base) < 1024, "back to the baseline");
        }
    }
}
