package io.redmesh.node.clients;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.args.ExpiryOption;
import redis.clients.jedis.args.ListDirection;
import redis.clients.jedis.args.ListPosition;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.GetExParams;
import redis.clients.jedis.params.LPosParams;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.util.KeyValue;

/**
 * Jedis as an application uses it, over RESP2 and RESP3 (Jedis sends HELLO 3 for the latter):
 * strings, keys (SCAN walks, TTLs), hashes, lists and sets, through Jedis's typed API, so every
 * reply has to parse into what Jedis expects.
 */
class JedisDataTypesTest {
    private static ClientServer server;

    @BeforeAll
    static void start() {
        server = ClientServer.start();
    }

    @AfterAll
    static void stop() {
        try {
            server.assertHealthy();
        } finally {
            server.close();
        }
    }

    private static Jedis connect(RedisProtocol protocol) {
        Jedis j = JedisSupport.connect(server, protocol);
        j.flushAll();
        return j;
    }

    @ParameterizedTest
    @EnumSource(RedisProtocol.class)
    void strings(RedisProtocol protocol) {
        try (Jedis j = connect(protocol)) {
            assertEquals("OK", j.set("s", "hello"));
            assertEquals("hello", j.get("s"));
            assertNull(j.get("missing"));
            assertEquals(11, j.append("s", " world"));
            assertEquals(11, j.strlen("s"));
            assertEquals("world", j.getrange("s", 6, -1));
            assertEquals(11, j.setrange("s", 0, "HELLO"));
            assertEquals("HELLO world", j.get("s"));
            assertEquals("HELLO world", j.getSet("s", "v2"));
            assertEquals("v2", j.getDel("s"));
            assertFalse(j.exists("s"));

            assertEquals(1, j.setnx("n", "1"));
            assertEquals(0, j.setnx("n", "2"));
            assertEquals(2, j.incr("n"));
            assertEquals(12, j.incrBy("n", 10));
            assertEquals(11, j.decr("n"));
            assertEquals(1, j.decrBy("n", 10));
            assertEquals(3.5, j.incrByFloat("n", 2.5));
            assertEquals("3.5", j.get("n"));
            JedisDataException notInt = assertThrows(JedisDataException.class, () -> j.incr("n"));
            assertEquals("ERR value is not an integer or out of range", notInt.getMessage());

            // SET's options: NX/XX, GET, expiry, KEEPTTL
            assertNull(j.set("o", "x", SetParams.setParams().xx()));
            assertEquals("OK", j.set("o", "a", SetParams.setParams().nx().ex(100)));
            assertNull(j.set("o", "b", SetParams.setParams().nx()));
            assertEquals("a", j.setGet("o", "c", SetParams.setParams().keepTtl()));
            assertTrue(j.ttl("o") > 90 && j.ttl("o") <= 100);
            assertEquals("OK", j.set("o", "d", SetParams.setParams().px(50_000)));
            assertTrue(j.pttl("o") > 40_000);
            assertEquals("d", j.getEx("o", GetExParams.getExParams().persist()));
            assertEquals(-1, j.ttl("o"));

            assertEquals("OK", j.mset("a", "1", "b", "2", "c", "3"));
            List<String> values = j.mget("a", "nope", "c");
            assertEquals(List.of("1", "3"), List.of(values.get(0), values.get(2)));
            assertNull(values.get(1));
            assertEquals(0, j.msetnx("a", "x", "new", "y"));
            assertFalse(j.exists("new"));
            assertEquals("OK", j.setex("e", 100, "v"));
            assertEquals("OK", j.psetex("pe", 100_000, "v"));
            assertTrue(j.pttl("pe") > 90_000);

            JedisDataException wrong = assertThrows(JedisDataException.class, () -> {
                j.lpush("list", "x");
                j.get("list");
            });
            assertEquals("WRONGTYPE Operation against a key holding the wrong kind of value", wrong.getMessage());
            assertEquals("PONG", j.ping());
        }
    }

    @ParameterizedTest
    @EnumSource(RedisProtocol.class)
    void keysAndTtls(RedisProtocol protocol) throws InterruptedException {
        try (Jedis j = connect(protocol)) {
            for (int i = 0; i < 10; i++) {
                j.set("k" + i, "v" + i);
            }
            assertEquals(10, j.dbSize());
            assertEquals(3, j.exists("k1", "k2", "k1"));
            assertEquals("string", j.type("k1"));
            assertEquals("none", j.type("nothing"));
            assertEquals(Set.of("k1"), j.keys("k1"));
            assertEquals(10, j.keys("k?").size());
            assertTrue(j.randomKey().startsWith("k"));

            assertEquals("OK", j.rename("k0", "renamed"));
            assertEquals(0, j.renamenx("k1", "renamed"));
            JedisDataException noKey = assertThrows(JedisDataException.class, () -> j.rename("gone", "x"));
            assertEquals("ERR no such key", noKey.getMessage());
            assertTrue(j.copy("renamed", "copied", false));
            assertFalse(j.copy("renamed", "copied", false));
            assertEquals("v0", j.get("copied"));

            assertEquals(-1, j.ttl("k2"));
            assertEquals(-2, j.ttl("nothing"));
            assertEquals(1, j.expire("k2", 100));
            assertEquals(0, j.expire("k2", 200, ExpiryOption.NX));
            assertEquals(1, j.expire("k2", 200, ExpiryOption.GT));
            assertTrue(j.ttl("k2") > 190);
            long at = System.currentTimeMillis() / 1000 + 1000;
            assertEquals(1, j.expireAt("k3", at));
            assertEquals(at, j.expireTime("k3"));
            assertEquals(1, j.persist("k3"));
            assertEquals(-1, j.expireTime("k3"));
            assertEquals(-1, j.ttl("k3"));

            // a short TTL really expires, seen both by a read and by EXISTS
            assertEquals(1, j.pexpire("k4", 30));
            assertEquals(1, j.pexpire("k5", 30));
            Thread.sleep(80);
            assertNull(j.get("k4"));
            assertFalse(j.exists("k5"));

            assertEquals(2, j.del("k6", "k7", "nope"));
            assertEquals(1, j.unlink("k8"));
            assertEquals(2, j.touch("k9", "renamed"));

            // MOVE to another database and SELECT it
            assertEquals(1, j.move("k9", 3));
            assertEquals("OK", j.select(3));
            assertEquals("v9", j.get("k9"));
            assertEquals("OK", j.select(0));
            assertNull(j.get("k9"));
        }
    }

    @ParameterizedTest
    @EnumSource(RedisProtocol.class)
    void scanWalksEveryKeyOnce(RedisProtocol protocol) {
        try (Jedis j = connect(protocol)) {
            Set<String> expected = new HashSet<>();
            for (int i = 0; i < 1500; i++) {
                String key = (i % 3 == 0 ? "user:" : "item:") + i;
                expected.add(key);
            }
            // loaded in a pipeline, as a bulk import would
            var p = j.pipelined();
            for (String k : expected) {
                p.set(k, "x");
            }
            p.sync();
            j.rpush("a-list", "1");
            j.sadd("a-set", "1");

            Set<String> seen = new HashSet<>();
            int calls = 0;
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = j.scan(cursor, new ScanParams().count(100));
                seen.addAll(page.getResult());
                cursor = page.getCursor();
                calls++;
                assertTrue(calls < 1000, "SCAN never finished");
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            Set<String> all = new HashSet<>(expected);
            all.add("a-list");
            all.add("a-set");
            assertEquals(all, seen);
            assertTrue(calls > 5, "COUNT 100 over 1502 keys should take several calls, took " + calls);

            // MATCH and TYPE filter what comes back, never what is walked
            Set<String> users = new HashSet<>();
            cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = j.scan(cursor, new ScanParams().match("user:*").count(200));
                users.addAll(page.getResult());
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            assertEquals(500, users.size());
            assertTrue(users.stream().allMatch(k -> k.startsWith("user:")));

            Set<String> lists = new HashSet<>();
            cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = j.scan(cursor, new ScanParams().count(500), "list");
                lists.addAll(page.getResult());
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            assertEquals(Set.of("a-list"), lists);
        }
    }

    @ParameterizedTest
    @EnumSource(RedisProtocol.class)
    void hashes(RedisProtocol protocol) {
        try (Jedis j = connect(protocol)) {
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("name", "ada");
            fields.put("born", "1815");
            assertEquals(2, j.hset("h", fields));
            assertEquals(0, j.hset("h", "name", "Ada"));
            assertEquals("Ada", j.hget("h", "name"));
            assertNull(j.hget("h", "nope"));
            assertEquals(Map.of("name", "Ada", "born", "1815"), j.hgetAll("h"));
            assertEquals(Map.of(), j.hgetAll("no-hash"));
            assertEquals(List.of("Ada", "1815"), j.hmget("h", "name", "born"));
            assertEquals(1852, j.hincrBy("h", "born", 37));
            assertEquals(0.5, j.hincrByFloat("h", "f", 0.5));
            assertTrue(j.hexists("h", "f"));
            assertEquals(0, j.hsetnx("h", "f", "1"));
            assertEquals(3, j.hlen("h"));
            assertEquals(Set.of("name", "born", "f"), j.hkeys("h"));
            assertEquals(Set.of("Ada", "1852", "0.5"), new HashSet<>(j.hvals("h")));
            assertEquals(3, j.hstrlen("h", "name"));
            assertTrue(fieldsOf(j.hrandfieldWithValues("h", 2)).size() == 2);
            assertEquals(1, j.hdel("h", "f", "nope"));
            assertEquals("listpack", j.objectEncoding("h"));

            // grown past hash-max-listpack-entries: HSCAN now pages with a real cursor
            Map<String, String> big = new HashMap<>();
            for (int i = 0; i < 700; i++) {
                big.put("f" + i, "v" + i);
            }
            j.hset("big", big);
            assertEquals("hashtable", j.objectEncoding("big"));
            Map<String, String> scanned = new HashMap<>();
            String cursor = ScanParams.SCAN_POINTER_START;
            int calls = 0;
            do {
                ScanResult<Map.Entry<String, String>> page = j.hscan("big", cursor, new ScanParams().count(50));
                page.getResult().forEach(e -> scanned.put(e.getKey(), e.getValue()));
                cursor = page.getCursor();
                assertTrue(++calls < 500);
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            assertEquals(big, scanned);
            assertTrue(calls > 1);
        }
    }

    private static Map<String, String> fieldsOf(List<Map.Entry<String, String>> entries) {
        Map<String, String> m = new HashMap<>();
        entries.forEach(e -> m.put(e.getKey(), e.getValue()));
        return m;
    }

    @ParameterizedTest
    @EnumSource(RedisProtocol.class)
    void lists(RedisProtocol protocol) {
        try (Jedis j = connect(protocol)) {
            assertEquals(3, j.rpush("l", "b", "c", "d"));
            assertEquals(4, j.lpush("l", "a"));
            assertEquals(List.of("a", "b", "c", "d"), j.lrange("l", 0, -1));
            assertEquals("c", j.lindex("l", -2));
            assertEquals("OK", j.lset("l", 1, "B"));
            assertEquals(5, j.linsert("l", ListPosition.AFTER, "B", "b2"));
            assertEquals(-1, j.linsert("l", ListPosition.BEFORE, "zz", "x"));
            assertEquals(5, j.llen("l"));
            assertEquals(2L, j.lpos("l", "b2"));
            j.rpush("l", "a", "a");
            assertEquals(List.of(0L, 5L, 6L), j.lpos("l", "a", LPosParams.lPosParams(), 0));
            assertEquals(2, j.lrem("l", -2, "a"));
            assertEquals("OK", j.ltrim("l", 1, -1));
            assertEquals(List.of("B", "b2", "c", "d"), j.lrange("l", 0, -1));
            assertEquals(List.of("B", "b2"), j.lpop("l", 2));
            assertEquals("d", j.rpop("l"));
            assertEquals("c", j.lmove("l", "dst", ListDirection.LEFT, ListDirection.RIGHT));
            assertFalse(j.exists("l"), "a list emptied by a pop is deleted");
            j.rpush("src", "1", "2");
            assertEquals("2", j.rpoplpush("src", "dst"));
            assertEquals(List.of("2", "c"), j.lrange("dst", 0, -1));
            KeyValue<String, List<String>> popped = j.lmpop(ListDirection.RIGHT, 5, "none", "dst");
            assertEquals("dst", popped.getKey());
            assertEquals(List.of("c", "2"), popped.getValue());
            assertNull(j.lmpop(ListDirection.LEFT, "none"));
            assertNull(j.lpop("none"));
            // blocking pops with data present answer at once
            j.rpush("q", "job");
            KeyValue<String, String> job = j.blpop(1.0, "empty", "q");
            assertEquals("q", job.getKey());
            assertEquals("job", job.getValue());
            assertNull(j.brpop(0.05, "empty"));
            assertEquals(0, j.rpushx("none", "x"));
        }
    }

    @ParameterizedTest
    @EnumSource(RedisProtocol.class)
    void sets(RedisProtocol protocol) {
        try (Jedis j = connect(protocol)) {
            assertEquals(3, j.sadd("a", "1", "2", "3"));
            assertEquals("intset", j.objectEncoding("a"));
            assertEquals(2, j.sadd("b", "3", "x"));
            assertEquals("hashtable", j.objectEncoding("b")); // Redis 7.0 has no listpack sets (7.2 does)
            assertEquals(Set.of("1", "2", "3"), j.smembers("a"));
            assertTrue(j.sismember("a", "2"));
            assertEquals(List.of(true, false), j.smismember("a", "1", "9"));
            assertEquals(3, j.scard("a"));
            assertEquals(Set.of("3"), j.sinter("a", "b"));
            assertEquals(Set.of("1", "2", "3", "x"), j.sunion("a", "b"));
            assertEquals(Set.of("1", "2"), j.sdiff("a", "b"));
            assertEquals(1, j.sinterstore("i", "a", "b"));
            assertEquals(4, j.sunionstore("u", "a", "b"));
            assertEquals(2, j.sdiffstore("d", "a", "b"));
            assertEquals(1, j.sintercard("a", "b"));
            assertEquals(1, j.smove("a", "b", "1"));
            assertEquals(0, j.smove("a", "b", "nope"));
            assertEquals(1, j.srem("a", "2", "nope"));
            assertTrue(Set.of("3", "x", "1").contains(j.srandmember("b")));
            assertEquals(3, j.srandmember("b", 10).size());
            assertEquals(5, j.srandmember("b", -5).size());
            Set<String> popped = j.spop("u", 10);
            assertEquals(Set.of("1", "2", "3", "x"), popped);
            assertFalse(j.exists("u"));
            assertNull(j.spop("u"));

            List<String> members = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                members.add("m" + i);
            }
            j.sadd("big", members.toArray(String[]::new));
            assertEquals("hashtable", j.objectEncoding("big"));
            Set<String> scanned = new HashSet<>();
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = j.sscan("big", cursor, new ScanParams().count(20).match("m1*"));
                scanned.addAll(page.getResult());
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            assertEquals(members.stream().filter(m -> m.startsWith("m1")).collect(java.util.stream.Collectors.toSet()),
                    scanned);
        }
    }

    @ParameterizedTest
    @EnumSource(RedisProtocol.class)
    void binarySafeKeysAndValues(RedisProtocol protocol) {
        try (Jedis j = connect(protocol)) {
            byte[] every = new byte[256];
            for (int i = 0; i < 256; i++) {
                every[i] = (byte) i;
            }
            byte[] crlf = "line1\r\nline2\r\n$3\r\n*1\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            byte[] empty = new byte[0];

            assertEquals("OK", j.set(every, crlf));
            assertArrayEquals(crlf, j.get(every));
            assertEquals("OK", j.set(crlf, every));
            assertArrayEquals(every, j.get(crlf));
            assertEquals("OK", j.set(empty, empty));
            assertArrayEquals(empty, j.get(empty));
            assertTrue(j.exists(empty));
            assertEquals(0, j.strlen(empty));
            assertEquals(crlf.length, j.strlen(every));

            // every single byte value as its own key, each holding itself
            var p = j.pipelined();
            for (int i = 0; i < 256; i++) {
                p.set(new byte[] {(byte) i}, new byte[] {(byte) i, (byte) i});
            }
            p.sync();
            for (int i = 0; i < 256; i++) {
                assertArrayEquals(new byte[] {(byte) i, (byte) i}, j.get(new byte[] {(byte) i}), "byte " + i);
            }
            Set<byte[]> keys = j.keys("*".getBytes());
            assertEquals(256 + 3, keys.size());

            // inside collections too
            assertEquals(1, j.hset("bh".getBytes(), every, crlf));
            assertArrayEquals(crlf, j.hget("bh".getBytes(), every));
            assertEquals(1, j.hset("bh".getBytes(), empty, empty));
            assertArrayEquals(empty, j.hget("bh".getBytes(), empty));
            assertEquals(3, j.rpush("bl".getBytes(), every, empty, crlf));
            List<byte[]> list = j.lrange("bl".getBytes(), 0, -1);
            assertArrayEquals(every, list.get(0));
            assertArrayEquals(empty, list.get(1));
            assertArrayEquals(crlf, list.get(2));
            assertEquals(3, j.sadd("bs".getBytes(), every, empty, crlf));
            assertTrue(j.sismember("bs".getBytes(), every));
            assertTrue(j.sismember("bs".getBytes(), empty));
            assertEquals(256, j.append(empty, every));
            assertArrayEquals(every, j.get(empty));
        }
    }
}
