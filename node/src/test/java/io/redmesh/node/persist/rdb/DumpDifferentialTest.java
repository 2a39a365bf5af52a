package io.redmesh.node.persist.rdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redmesh.node.testing.RespClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DUMP against a real Redis 7.0.15: for every type and encoding whose serialization does not
 * depend on hash-table order, the payload must be byte-identical; hashtable sets and hashes are
 * checked by RESTOREing each side's payload on the other. RESTORE's errors must match too.
 */
class DumpDifferentialTest extends BothServers {
    @BeforeEach
    void flush() {
        both("FLUSHALL");
        both("CONFIG", "SET", "rdbcompression", "yes");
        both("CONFIG", "SET", "list-max-listpack-size", "-2");
        both("CONFIG", "SET", "list-compress-depth", "0");
    }

    private void both(byte[]... cmd) {
        assertEquals(new String(real.call(cmd), StandardCharsets.ISO_8859_1),
                new String(ours.call(cmd), StandardCharsets.ISO_8859_1));
    }

    static byte[] bulk(byte[] reply) {
        String s = new String(reply, StandardCharsets.ISO_8859_1);
        if (!s.startsWith("$")) {
            throw new AssertionError("not a bulk: " + s);
        }
        int nl = s.indexOf("\r\n");
        int len = Integer.parseInt(s.substring(1, nl));
        return Arrays.copyOfRange(reply, nl + 2, nl + 2 + len);
    }

    private void sameDump(String what, String... setup) {
        both("DEL", "k");
        // Long argument lists are sent in chunks so no single command is huge.
        both(setup);
        byte[] r = real.call("DUMP", "k");
        byte[] o = ours.call("DUMP", "k");
        if (!Arrays.equals(r, o)) {
            try {
                java.nio.file.Files.write(java.nio.file.Path.of("target/dump-real.bin"), bulk(r));
                java.nio.file.Files.write(java.nio.file.Path.of("target/dump-ours.bin"), bulk(o));
            } catch (java.io.IOException e) {
                // diagnostics only
            }
            String rh = hex(bulk(r));
            String oh = hex(bulk(o));
            int i = 0;
            while (i < Math.min(rh.length(), oh.length()) && rh.charAt(i) == oh.charAt(i)) {
                i++;
            }
            throw new AssertionError(what + ": DUMP differs at hex offset " + i + " (payload lengths "
                    + rh.length() / 2 + " vs " + oh.length() / 2 + ")\nreal=" + clip(rh, i) + "\nours=" + clip(oh, i));
        }
        assertEquals(real.callString("OBJECT", "ENCODING", "k"), ours.callString("OBJECT", "ENCODING", "k"), what);
        // And each side restores the other's payload to the same value and encoding.
        crossRestore(what);
    }

    private void crossRestore(String what) {
        byte[] r = bulk(real.call("DUMP", "k"));
        byte[] o = bulk(ours.call("DUMP", "k"));
        assertEquals("+OK\r\n", new String(ours.call(b("RESTORE"), b("k2"), b("0"), r), StandardCharsets.ISO_8859_1), what);
        assertEquals("+OK\r\n", new String(real.call(b("RESTORE"), b("k2"), b("0"), o), StandardCharsets.ISO_8859_1), what);
        assertEquals(real.callString("OBJECT", "ENCODING", "k2"), ours.callString("OBJECT", "ENCODING", "k2"), what);
        assertEquals(canonical(real, "k"), canonical(real, "k2"), what + ": real restored ours differently");
        assertEquals(canonical(real, "k"), canonical(ours, "k2"), what + ": we restored real's differently");
        both("DEL", "k2");
    }

    /** The key's content in an order-independent form. */
    private static String canonical(RespClient c, String key) {
        String type = c.callString("TYPE", key);
        List<String> parts = new ArrayList<>();
        switch (type) {
            case "+string\r\n":
                return c.callString("GET", key);
            case "+list\r\n":
                return c.callString("LRANGE", key, "0", "-1");
            case "+zset\r\n":
                return c.callString("ZRANGE", key, "0", "-1", "WITHSCORES");
            case "+set\r\n":
                parts.addAll(Arrays.asList(c.callString("SMEMBERS", key).split("\r\n")));
                break;
            case "+hash\r\n": {
                String[] l = c.callString("HGETALL", key).split("\r\n");
                for (int i = 1; i + 3 < l.length + 1; i += 4) {
                    parts.add(l[i] + l[i + 1] + "=" + l[i + 2] + l[i + 3]);
                }
                break;
            }
            default:
                return type;
        }
        parts.sort(null);
        return type + parts;
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String clip(String h, int at) {
        return h.substring(Math.max(0, at - 40), Math.min(h.length(), at + 80));
    }

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(String.format("%02x", x));
        }
        return sb.toString();
    }

    private static String[] cmd(String first, String key, List<String> rest) {
        List<String> l = new ArrayList<>();
        l.add(first);
        l.add(key);
        l.addAll(rest);
        return l.toArray(new String[0]);
    }

    // ------------------------------------------------------------------ strings

    @Test
    void strings() {
        String[] values = {"1", "-5", "0", "127", "128", "-129", "32767", "65535", "123456", "-2147483648",
            "2147483648", "9223372036854775807", "12345678901234567890123", "007", "+1", "1.5", "hello", "",
            "a".repeat(21), "a".repeat(30), "ab".repeat(500), "abcdefghijklmnopqrstuvwxyz0123456789",
            "The quick brown fox jumps over the lazy dog. The quick brown fox jumps over the lazy dog."};
        for (String v : values) {
            sameDump("string " + v, "SET", "k", v);
        }
        both("CONFIG", "SET", "rdbcompression", "no");
        sameDump("uncompressed", "SET", "k", "a".repeat(100));
    }

    // ------------------------------------------------------------------ lists

    @Test
    void lists() {
        sameDump("small list", "RPUSH", "k", "a", "1", "-1", "300", "70000", "hello", "4294967296", "x".repeat(70));
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            many.add(i % 7 == 0 ? "value-" + i + "-" + "z".repeat(i % 50) : Integer.toString(i * 37));
        }
        sameDump("multi-node list", cmd("RPUSH", "k", many));
        sameDump("big elements", "RPUSH", "k", "a".repeat(5000), "b", "c".repeat(9000), "d".repeat(3000), "e");
        for (String depth : new String[] {"1", "2", "7"}) {
            both("CONFIG", "SET", "list-compress-depth", depth);
            sameDump("compress depth " + depth, cmd("RPUSH", "k", many));
            both("CONFIG", "SET", "rdbcompression", "no");
            sameDump("compress depth, rdbcompression no " + depth, cmd("RPUSH", "k", many));
            both("CONFIG", "SET", "rdbcompression", "yes");
        }
        both("CONFIG", "SET", "list-compress-depth", "0");
        for (String fill : new String[] {"-1", "-3", "-5", "5", "128"}) {
            both("CONFIG", "SET", "list-max-listpack-size", fill);
            sameDump("fill " + fill, cmd("RPUSH", "k", many.subList(0, 1000)));
        }
    }

    // ------------------------------------------------------------------ sets

    @Test
    void sets() {
        sameDump("intset16", "SADD", "k", "3", "1", "2", "-7");
        sameDump("intset32", "SADD", "k", "1", "-100000", "5");
        sameDump("intset64", "SADD", "k", "1", "9223372036854775807", "-9223372036854775808");
        both("DEL", "k");
        both("SADD", "k", "1", "2", "9223372036854775807");
        both("SREM", "k", "9223372036854775807");
        byte[] r = real.call("DUMP", "k");
        assertArrayEquals(r, ours.call("DUMP", "k"), "an intset keeps its width after SREM");
        crossRestore("wide intset after SREM");
        List<String> ints = new ArrayList<>();
        for (int i = 0; i < 512; i++) {
            ints.add(Integer.toString(i * 3));
        }
        sameDump("intset 512", cmd("SADD", "k", ints));
        // Hashtable sets: order differs by design; crossRestore checks content and encoding.
        both("DEL", "k");
        both("SADD", "k", "a", "b", "1");
        crossRestore("small hashtable set");
        List<String> m = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            m.add(Integer.toString(i));
        }
        both("DEL", "k");
        both(cmd("SADD", "k", m));
        crossRestore("set over set-max-intset-entries");
    }

    // ------------------------------------------------------------------ hashes

    @Test
    void hashes() {
        sameDump("listpack hash", "HSET", "k", "f1", "v1", "n", "12", "neg", "-40000", "big", "99999999999", "s",
                "x".repeat(64));
        both("DEL", "k");
        both("HSET", "k", "f", "x".repeat(65));
        crossRestore("hash with a long value");
        List<String> fv = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            fv.add("field" + i);
            fv.add(Integer.toString(i));
        }
        both("DEL", "k");
        both(cmd("HSET", "k", fv));
        crossRestore("hashtable hash");
    }

    // ------------------------------------------------------------------ sorted sets

    @Test
    void sortedSets() {
        sameDump("listpack zset", "ZADD", "k", "1", "a", "2.5", "b", "-3", "c", "inf", "d", "-inf", "e", "0", "f",
                "1e20", "g", "9007199254740993", "h", "4503599627370496", "i", "0.1", "j", "-0", "l");
        List<String> sm = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            sm.add(Double.toString(i * 1.25));
            sm.add("m" + i);
        }
        sameDump("skiplist zset", cmd("ZADD", "k", sm));
        sameDump("long member", "ZADD", "k", "1", "x".repeat(65), "2", "y");
    }

    // ------------------------------------------------------------------ RESTORE options and errors

    @Test
    void restoreErrorsMatchRedis() {
        both("SET", "src", "value");
        byte[] good = bulk(real.call("DUMP", "src"));
        both(b("RESTORE"), b("src"), b("0"), good);
        both(b("RESTORE"), b("n"), b("-1"), good);
        both(b("RESTORE"), b("n"), b("abc"), good);
        both(b("RESTORE"), b("n"), b("0"), good, b("IDLETIME"), b("-1"));
        both(b("RESTORE"), b("n"), b("0"), good, b("FREQ"), b("256"));
        both(b("RESTORE"), b("n"), b("0"), good, b("FREQ"), b("1"), b("IDLETIME"), b("1"));
        both(b("RESTORE"), b("n"), b("0"), good, b("BOGUS"));
        both(b("RESTORE"), b("n"), b("0"), b("garbage"));
        both(b("RESTORE"), b("n"), b("0"), b(""));
        byte[] flipped = good.clone();
        flipped[1] ^= 1;
        both(b("RESTORE"), b("n"), b("0"), flipped);
        byte[] newer = good.clone();
        newer[newer.length - 10] = 11;
        both(b("RESTORE"), b("n"), b("0"), newer);
        // Correct footer and CRC but a body that is not a value.
        for (byte[] body : new byte[][] {{(byte) 200, 1, 2}, {0}, {2, 0}, {16, 3, 1, 2, 3}, {14, 1, 1, 1},
            {18, 1, 2, 5, 'a', 'b', 'c', 'd', 'e'}, {11, 2, 0, 0}}) {
            both(b("RESTORE"), b("n"), b("0"), withFooter(body));
        }
        both("EXISTS", "n");
        both(b("RESTORE"), b("src"), b("0"), good, b("REPLACE"));
        both(b("RESTORE"), b("t"), b("100000"), good);
        both(b("RESTORE"), b("old"), b("1"), good, b("ABSTTL"));
        both("EXISTS", "old");
        both(b("RESTORE"), b("idle"), b("0"), good, b("IDLETIME"), b("1000"));
        both("PING");
        String pttl = ours.callString("PTTL", "t");
        long ms = Long.parseLong(pttl.substring(1).trim());
        assertEquals(true, ms > 98_000 && ms <= 100_000, pttl);
        long idle = Long.parseLong(ours.callString("OBJECT", "IDLETIME", "idle").substring(1).trim());
        assertEquals(true, idle >= 999 && idle <= 1001, "idle " + idle);
    }

    /** {@code body} + RDB version 10 + its CRC-64, as a DUMP payload. */
    static byte[] withFooter(byte[] body) {
        return io.redmesh.node.testing.DumpPayloads.withFooter(body);
    }
}
