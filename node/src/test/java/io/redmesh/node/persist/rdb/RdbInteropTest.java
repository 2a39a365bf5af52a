package io.redmesh.node.persist.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RDB files across implementations: redis-check-rdb accepts ours, a real redis-server loads ours
 * and we load a real redis-server's, with every key's type, encoding, value and TTL equal; bad
 * files refuse start-up with a message naming the file and the problem.
 */
class RdbInteropTest {
    @TempDir
    Path dir;

    @BeforeEach
    void needRedis() {
        Assumptions.assumeTrue(RedisProcess.available(), "redis-server not installed");
    }

    /** Every type and encoding, in three databases, some keys with TTLs. */
    static void populate(RespClient c) {
        for (int db : new int[] {0, 1, 5}) {
            ok(c.callString("SELECT", Integer.toString(db)));
            String p = "db" + db + ":";
            c.call("SET", p + "int", "12345");
            c.call("SET", p + "bigint", "9223372036854775807");
            c.call("SET", p + "str", "hello world");
            c.call("SET", p + "lzf", "abc".repeat(100));
            c.call("SET", p + "empty", "");
            c.call("SET", p + "ttl", "v", "PX", "500000");
            List<String> l = new ArrayList<>(List.of("RPUSH", p + "list"));
            for (int i = 0; i < 2500; i++) {
                l.add(i % 3 == 0 ? "item" + i : Integer.toString(i - 1000));
            }
            c.call(l.toArray(new String[0]));
            c.call("RPUSH", p + "biglist", "x".repeat(10000), "y", "z".repeat(20000));
            c.call("SADD", p + "intset", "1", "2", "-70000", "5");
            c.call("SADD", p + "set", "a", "b", "c", "1");
            List<String> s = new ArrayList<>(List.of("SADD", p + "bigintset"));
            for (int i = 0; i < 600; i++) {
                s.add(Integer.toString(i));
            }
            c.call(s.toArray(new String[0]));
            c.call("HSET", p + "hash", "f", "v", "n", "1", "neg", "-5");
            c.call("HSET", p + "hashlong", "f", "v".repeat(100));
            List<String> h = new ArrayList<>(List.of("HSET", p + "bighash"));
            for (int i = 0; i < 300; i++) {
                h.add("f" + i);
                h.add("v" + i);
            }
            c.call(h.toArray(new String[0]));
            c.call("ZADD", p + "zset", "1", "a", "2.5", "b", "-inf", "c", "inf", "d", "1e30", "e");
            List<String> z = new ArrayList<>(List.of("ZADD", p + "bigzset"));
            for (int i = 0; i < 300; i++) {
                z.add(Double.toString(i / 3.0));
                z.add("m" + i);
            }
            c.call(z.toArray(new String[0]));
            c.call("ZADD", p + "zsetlong", "1", "m".repeat(100));
            for (int i = 1; i <= 230; i++) {
                c.call("XADD", p + "stream", i + "-" + (i % 2), "f", "v" + i, i % 5 == 0 ? "extra" : "g", "x".repeat(i % 40));
            }
            c.call("XDEL", p + "stream", "3-1", "100-0");
            c.call("XGROUP", "CREATE", p + "stream", "grp", "0");
            c.call("XGROUP", "CREATECONSUMER", p + "stream", "grp", "idle");
            c.call("XREADGROUP", "GROUP", "grp", "alice", "COUNT", "7", "STREAMS", p + "stream", ">");
            c.call("XGROUP", "CREATE", p + "emptystream", "g", "$", "MKSTREAM");
            c.call("EXPIRE", p + "list", "3000");
            c.call("PEXPIREAT", p + "hash", Long.toString(System.currentTimeMillis() + 86_400_000L));
        }
        ok(c.callString("SELECT", "0"));
    }

    private static void ok(String r) {
        assertEquals("+OK\r\n", r);
    }

    /** A comparable description of every key of databases 0..15: type, encoding, TTL, content. */
    static List<String> describe(RespClient c) {
        List<String> out = new ArrayList<>();
        for (int db = 0; db < 16; db++) {
            c.call("SELECT", Integer.toString(db));
            String[] keys = c.callString("KEYS", "*").split("\r\n");
            List<String> names = new ArrayList<>();
            for (int i = 2; i < keys.length; i += 2) {
                names.add(keys[i]);
            }
            names.sort(null);
            for (String k : names) {
                // The absolute expiry: equal across servers however long the test takes.
                long pttl = Long.parseLong(c.callString("PEXPIRETIME", k).substring(1).trim());
                out.add(db + " " + k + " " + c.callString("OBJECT", "ENCODING", k).trim() + " " + content(c, k)
                        + " ttl=" + pttl);
            }
        }
        c.call("SELECT", "0");
        return out;
    }

    /** Same keys, encodings and values; expiry times equal within a second (-1 exactly). */
    static void assertSameKeys(List<String> expected, List<String> actual) {
        assertEquals(strip(expected), strip(actual));
        for (int i = 0; i < expected.size(); i++) {
            long e = ttl(expected.get(i));
            long a = ttl(actual.get(i));
            assertTrue(e < 0 ? a == e : Math.abs(a - e) <= 1000, expected.get(i) + " vs " + actual.get(i));
        }
    }

    private static List<String> strip(List<String> l) {
        return l.stream().map(x -> x.substring(0, x.lastIndexOf(" ttl="))
                + (ttl(x) < 0 ? " ttl=" + ttl(x) : " ttl>0")).toList();
    }

    private static long ttl(String line) {
        return Long.parseLong(line.substring(line.lastIndexOf(" ttl=") + 5));
    }

    static String content(RespClient c, String k) {
        String type = c.callString("TYPE", k).trim();
        switch (type) {
            case "+string":
                return type + c.callString("GET", k);
            case "+list":
                return type + c.callString("LRANGE", k, "0", "-1").hashCode();
            case "+stream":
                return type + c.callString("XRANGE", k, "-", "+").hashCode() + c.callString("XINFO", "GROUPS", k)
                        + c.callString("XPENDING", k, "grp") + c.callString("XINFO", "STREAM", k)
                        .replaceAll("radix-tree-nodes\r\n:\\d+", "");
            case "+zset":
                return type + c.callString("ZRANGE", k, "0", "-1", "WITHSCORES").hashCode();
            case "+set": {
                List<String> m = new ArrayList<>(Arrays.asList(c.callString("SMEMBERS", k).split("\r\n")));
                m.sort(null);
                return type + m.hashCode();
            }
            case "+hash": {
                String[] l = c.callString("HGETALL", k).split("\r\n");
                List<String> m = new ArrayList<>();
                for (int i = 2; i + 2 < l.length; i += 4) {
                    m.add(l[i] + "=" + l[i + 2]);
                }
                m.sort(null);
                return type + m.hashCode();
            }
            default:
                return type;
        }
    }

    private static String checkRdb(Path file) throws Exception {
        Process p = new ProcessBuilder("redis-check-rdb", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void realRedisLoadsOurRdbAndCheckRdbAcceptsIt() throws Exception {
        List<String> expected;
        try (ServerFixture ours = ServerFixture.start("--dir", dir.toString(), "--dbfilename", "ours.rdb");
             RespClient c = ours.client()) {
            populate(c);
            expected = describe(c);
            ok(c.callString("SAVE"));
            String last = c.callString("LASTSAVE");
            assertTrue(Math.abs(Long.parseLong(last.substring(1).trim()) - System.currentTimeMillis() / 1000) <= 2);
        }
        Path file = dir.resolve("ours.rdb");
        assertTrue(Files.exists(file));
        try (var s = Files.list(dir)) {
            assertEquals(List.of(file), s.toList(), "no temp file left behind");
        }
        String report = checkRdb(file);
        assertEquals("REDIS0010", new String(Files.readAllBytes(file), 0, 9, StandardCharsets.ISO_8859_1));
        assertTrue(report.contains("Checksum OK"), report);
        assertTrue(report.contains("redis-ver = '7.0.15'"), report);
        try (RedisProcess real = RedisProcess.start("--dir", dir.toString(), "--dbfilename", "ours.rdb");
             RespClient c = real.client()) {
            assertSameKeys(expected, describe(c));
        }
    }

    @Test
    void weLoadARealRedisRdb() throws Exception {
        List<String> expected;
        try (RedisProcess real = RedisProcess.start("--dir", dir.toString(), "--dbfilename", "real.rdb");
             RespClient c = real.client()) {
            populate(c);
            expected = describe(c);
            ok(c.callString("SAVE"));
        }
        try (ServerFixture ours = ServerFixture.start("--dir", dir.toString(), "--dbfilename", "real.rdb");
             RespClient c = ours.client()) {
            assertSameKeys(expected, describe(c));
            // And our own save of it is still a valid file Redis can check.
            ok(c.callString("SAVE"));
        }
        checkRdb(dir.resolve("real.rdb"));
    }

    @Test
    void uncompressedUnchecksummedAndLruFilesInterop() throws Exception {
        List<String> expected;
        try (ServerFixture ours = ServerFixture.start("--dir", dir.toString(), "--dbfilename", "plain.rdb",
                "--rdbcompression", "no", "--rdbchecksum", "no", "--maxmemory-policy", "allkeys-lru");
             RespClient c = ours.client()) {
            populate(c);
            expected = describe(c);
            ok(c.callString("SAVE"));
        }
        byte[] raw = Files.readAllBytes(dir.resolve("plain.rdb"));
        for (int i = raw.length - 8; i < raw.length; i++) {
            assertEquals(0, raw[i], "rdbchecksum no writes a zero checksum");
        }
        checkRdb(dir.resolve("plain.rdb"));
        try (RedisProcess real = RedisProcess.start("--dir", dir.toString(), "--dbfilename", "plain.rdb",
                "--maxmemory-policy", "allkeys-lru");
             RespClient c = real.client()) {
            assertSameKeys(expected, describe(c));
        }
        try (ServerFixture ours = ServerFixture.start("--dir", dir.toString(), "--dbfilename", "lfu.rdb",
                "--maxmemory-policy", "allkeys-lfu");
             RespClient c = ours.client()) {
            populate(c);
            ok(c.callString("SAVE"));
        }
        checkRdb(dir.resolve("lfu.rdb"));
    }

    @Test
    void expiredKeysAreDroppedAtLoad() throws Exception {
        try (ServerFixture ours = ServerFixture.start("--dir", dir.toString());
             RespClient c = ours.client()) {
            c.call("SET", "short", "v", "PX", "300");
            c.call("SET", "long", "v", "EX", "1000");
            ok(c.callString("SAVE"));
        }
        Thread.sleep(400);
        try (ServerFixture ours = ServerFixture.start("--dir", dir.toString());
             RespClient c = ours.client()) {
            assertEquals(":0\r\n", c.callString("EXISTS", "short"));
            assertEquals(":1\r\n", c.callString("EXISTS", "long"));
            assertEquals("*1\r\n$4\r\nlong\r\n", c.callString("KEYS", "*"));
        }
    }

    // ------------------------------------------------------------------ bad files

    /** A string value the RDB stores verbatim (not an integer, too short for LZF). */
    private static final String PROBE_VALUE = "checksum-probe";

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private byte[] goodFile() throws IOException {
        try (ServerFixture ours = ServerFixture.start("--dir", dir.toString(), "--dbfilename", "good.rdb");
             RespClient c = ours.client()) {
            c.call("SET", "a", "1");
            c.call("RPUSH", "l", "x", "y");
            c.call("HSET", "h", "f", "v");
            c.call("SET", "probe", PROBE_VALUE);
            ok(c.callString("SAVE"));
        }
        return Files.readAllBytes(dir.resolve("good.rdb"));
    }

    private String refusal(byte[] content) throws IOException {
        Files.write(dir.resolve("bad.rdb"), content);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ServerFixture.start("--dir", dir.toString(), "--dbfilename", "bad.rdb").close());
        assertTrue(e.getMessage().contains(dir.resolve("bad.rdb").toString()), e.getMessage());
        // The bad file is left as it was for the operator.
        assertEquals(Arrays.hashCode(content), Arrays.hashCode(Files.readAllBytes(dir.resolve("bad.rdb"))));
        return e.getMessage();
    }

    @Test
    void truncatedFileRefusesStartup() throws Exception {
        byte[] good = goodFile();
        for (int cut : new int[] {5, 20, good.length / 2, good.length - 9, good.length - 1}) {
            String m = refusal(Arrays.copyOf(good, cut));
            assertTrue(m.contains("truncated") || m.contains("signature"), m);
        }
    }

    @Test
    void flippedByteFailsTheChecksum() throws Exception {
        byte[] good = goodFile();
        byte[] bad = good.clone();
        // Flip a byte inside a string value, never a structural one (key order follows a per-process
        // hash seed, so a fixed offset from the end could hit a length): only the CRC can see it.
        int at = indexOf(good, PROBE_VALUE.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertTrue(at > 0, "probe value not found in the RDB file");
        bad[at + PROBE_VALUE.length() / 2] ^= 0x01;
        String m = refusal(bad);
        assertTrue(m.contains("checksum"), m);
        // A flipped byte in the stored checksum itself.
        byte[] tail = good.clone();
        tail[tail.length - 1] ^= 0x01;
        assertTrue(refusal(tail).contains("checksum"));
    }

    @Test
    void unknownTypeOrStreamRefusesStartupNamingIt() throws Exception {
        byte[] good = goodFile();
        // Find the first value type byte after RESIZEDB (SELECTDB 0, RESIZEDB n m): 0xFE 00 0xFB.
        int at = -1;
        for (int i = 9; i < good.length - 5; i++) {
            if ((good[i] & 0xff) == 0xFE && good[i + 1] == 0 && (good[i + 2] & 0xff) == 0xFB) {
                at = i + 5;
                break;
            }
        }
        assertTrue(at > 0);
        byte[] stream = good.clone();
        stream[at] = 15;
        String m = refusal(stream);
        // Streams load now: a value that is not one is refused where its bytes stop making sense.
        assertTrue(m.contains("offset "), m);
        byte[] unknown = good.clone();
        unknown[at] = 100;
        m = refusal(unknown);
        assertTrue(m.contains("type 100"), m);
        byte[] module = good.clone();
        module[at] = 7;
        assertTrue(refusal(module).contains("module"));
        byte[] version = good.clone();
        version[8] = '9' + 2;
        assertTrue(refusal(version).contains("signature") || refusal(version).contains("version"));
    }
}
