package io.redmesh.node.clients;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.KeyValue;
import io.lettuce.core.LMPopArgs;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.SetArgs;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Lettuce's synchronous API on RESP3 (HELLO 3, Lettuce's default) and RESP2: the handshake
 * (HELLO, CLIENT SETINFO) leaves no error behind, every data type in short form, SCAN cursors
 * through ScanIterator, blocking pops with timeouts, MULTI/EXEC and WATCH, binary values.
 */
class LettuceSyncTest {
    private static ClientServer server;
    private static LettuceSupport lettuce;

    @BeforeAll
    static void start() {
        server = ClientServer.start();
        lettuce = new LettuceSupport(server);
    }

    @AfterAll
    static void stop() {
        try {
            lettuce.close();
            server.assertHealthy();
        } finally {
            server.close();
        }
    }

    private static long errorReplies() {
        return server.fixture.context().stats.totalErrorReplies;
    }

    private static String commandStat(RedisCommands<String, String> r, String command) {
        return r.info("commandstats").lines().filter(l -> l.startsWith("cmdstat_" + command + ":"))
                .map(l -> l.replaceAll("usec=[^,]*,usec_per_call=[^,]*,", "")).findFirst().orElse("none");
    }

    /**
     * Lettuce's handshake: HELLO 3 (unless told RESP2), CLIENT SETINFO LIB-NAME and LIB-VER, and
     * CLIENT MAINT_NOTIFICATIONS, a Redis 8 command that Redis 7.0 and RedMesh refuse ("unknown
     * subcommand"; Lettuce logs "Maintenance events not supported" and carries on). SETINFO and
     * HELLO must succeed, and that refusal must be the only error each connection causes.
     */
    @Test
    void defaultHandshakeNegotiatesResp3AndSetsClientInfo() {
        try (StatefulRedisConnection<String, String> observer = lettuce.client(ProtocolVersion.RESP2).connect()) {
            RedisCommands<String, String> o = observer.sync();
            o.configResetstat();
            long errorsBefore = errorReplies();
            // a client with no options at all, as most applications create it
            RedisClient plain = RedisClient.create("redis://127.0.0.1:" + server.port());
            try (StatefulRedisConnection<String, String> c = plain.connect()) {
                String info = c.sync().clientInfo();
                assertTrue(info.contains(" resp=3"), info);
                assertTrue(info.contains(" lib-name=Lettuce"), info);
                assertTrue(info.matches("(?s).* lib-ver=\\d+\\.\\d+.*"), info);
                assertEquals("PONG", c.sync().ping());
            } finally {
                plain.shutdown(java.time.Duration.ZERO, LettuceSupport.TIMEOUT);
            }
            for (ProtocolVersion p : ProtocolVersion.values()) {
                try (StatefulRedisConnection<String, String> c = lettuce.client(p).connect()) {
                    String info = c.sync().clientInfo();
                    assertTrue(info.contains(p == ProtocolVersion.RESP3 ? " resp=3" : " resp=2"), info);
                    assertTrue(info.contains(" lib-name=Lettuce"), info);
                }
            }
            assertEquals("cmdstat_client|setinfo:calls=6,rejected_calls=0,failed_calls=0", commandStat(o, "client|setinfo"));
            assertEquals("cmdstat_hello:calls=2,rejected_calls=0,failed_calls=0", commandStat(o, "hello"));
            assertEquals(3, errorReplies() - errorsBefore, "one refused MAINT_NOTIFICATIONS per connection, nothing else: "
                    + server.fixture.context().stats.errorCounts());
        }
        assertEquals(List.of(), server.alarmingLogLines());
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void dataTypes(ProtocolVersion protocol) {
        try (StatefulRedisConnection<String, String> c = lettuce.client(protocol).connect()) {
            RedisCommands<String, String> r = c.sync();
            r.flushall();
            // strings and keys
            assertEquals("OK", r.set("s", "v", SetArgs.Builder.ex(100)));
            assertTrue(r.ttl("s") > 90);
            assertEquals("v", r.getset("s", "w"));
            assertEquals(List.of(KeyValue.just("s", "w"), KeyValue.empty("nope")), r.mget("s", "nope"));
            assertEquals(5L, r.incrby("n", 5));
            assertEquals(7.5, r.incrbyfloat("n", 2.5));
            assertEquals("string", r.type("n"));
            assertTrue(r.pexpire("n", 20));
            assertEquals(1L, r.exists("s", "nope"));
            RedisCommandExecutionException notInt = assertThrows(RedisCommandExecutionException.class, () -> r.incr("s"));
            assertEquals("ERR value is not an integer or out of range", notInt.getMessage());

            // hashes
            assertEquals(2L, r.hset("h", Map.of("a", "1", "b", "2")));
            assertEquals(Map.of("a", "1", "b", "2"), r.hgetall("h"));
            assertEquals(3L, r.hincrby("h", "a", 2));
            assertEquals(List.of(KeyValue.just("a", "3"), KeyValue.empty("zz")), r.hmget("h", "a", "zz"));
            assertEquals(1L, r.hdel("h", "b"));

            // lists
            assertEquals(3L, r.rpush("l", "a", "b", "c"));
            assertEquals(List.of("a", "b", "c"), r.lrange("l", 0, -1));
            assertEquals(List.of("c", "b"), r.rpop("l", 2));
            assertEquals(KeyValue.just("l", List.of("a")), r.lmpop(LMPopArgs.Builder.left().count(3), "l"));
            assertEquals(0L, r.exists("l"));

            // sets
            assertEquals(3L, r.sadd("set", "x", "y", "z"));
            assertEquals(Set.of("x", "y", "z"), r.smembers("set"));
            assertEquals(List.of(true, false), r.smismember("set", "x", "q"));
            assertEquals(Set.of(), r.sinter("set", "set2"));
            assertEquals(Set.of("x", "y", "z"), r.sunion("set", "set2"));

            // sorted sets: RESP3 sends scores as doubles, RESP2 as strings; Lettuce hides both
            assertEquals(3L, r.zadd("z", ScoredValue.just(1, "a"), ScoredValue.just(2.5, "b"), ScoredValue.just(-1, "c")));
            assertEquals(List.of(ScoredValue.just(-1, "c"), ScoredValue.just(1, "a"), ScoredValue.just(2.5, "b")),
                    r.zrangeWithScores("z", 0, -1));
            assertEquals(List.of("a", "b"), r.zrangebyscore("z", Range.create(0, 10)));
            assertEquals(2.5, r.zscore("z", "b"));
            assertEquals(ScoredValue.just(2.5, "b"), r.zpopmax("z"));
            assertEquals(12.0, r.zincrby("z", 11, "a"));
            assertEquals(1L, r.zrank("z", "a"));

            // server and connection
            assertTrue(r.dbsize() >= 4);
            assertTrue(r.info("server").contains("redis_version:7.0.15"));
            assertEquals("OK", r.clientSetname("lettuce-" + protocol));
            assertEquals("lettuce-" + protocol, r.clientGetname());
        }
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void scanIterators(ProtocolVersion protocol) {
        try (StatefulRedisConnection<String, String> c = lettuce.client(protocol).connect()) {
            RedisCommands<String, String> r = c.sync();
            r.flushall();
            Map<String, String> batch = new HashMap<>();
            for (int i = 0; i < 1200; i++) {
                batch.put("key:" + i, "v");
            }
            assertEquals("OK", r.mset(batch));
            Set<String> seen = new HashSet<>();
            ScanIterator<String> keys = ScanIterator.scan(r, ScanArgs.Builder.limit(100));
            while (keys.hasNext()) {
                seen.add(keys.next());
            }
            assertEquals(batch.keySet(), seen);

            Set<String> matched = new HashSet<>();
            ScanIterator.scan(r, ScanArgs.Builder.matches("key:1??").limit(300)).stream().forEach(matched::add);
            assertEquals(100, matched.size());

            Map<String, String> fields = new HashMap<>();
            List<String> members = new ArrayList<>();
            List<ScoredValue<String>> scored = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                fields.put("f" + i, "v" + i);
                members.add("m" + i);
                scored.add(ScoredValue.just(i, "m" + i));
            }
            r.hset("h", fields);
            r.sadd("s", members.toArray(String[]::new));
            r.zadd("z", scored.toArray(ScoredValue[]::new));
            Map<String, String> hs = new HashMap<>();
            ScanIterator.hscan(r, "h", ScanArgs.Builder.limit(20)).stream().forEach(kv -> hs.put(kv.getKey(), kv.getValue()));
            assertEquals(fields, hs);
            Set<String> ss = new HashSet<>();
            ScanIterator.sscan(r, "s", ScanArgs.Builder.limit(20)).stream().forEach(ss::add);
            assertEquals(new HashSet<>(members), ss);
            Set<ScoredValue<String>> zs = new HashSet<>();
            ScanIterator.zscan(r, "z", ScanArgs.Builder.limit(20)).stream().forEach(zs::add);
            assertEquals(new HashSet<>(scored), zs);
        }
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void blockingPopsWithTimeout(ProtocolVersion protocol) throws Exception {
        RedisClient client = lettuce.client(protocol);
        try (StatefulRedisConnection<String, String> waiter = client.connect();
                StatefulRedisConnection<String, String> producer = client.connect()) {
            producer.sync().del("bq", "bz");
            long start = System.nanoTime();
            assertNull(waiter.sync().blpop(0.2, "bq"));
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(waited >= 150 && waited < 3_000, "waited " + waited + " ms");

            var pending = waiter.async().brpop(4, "bq");
            awaitBlocked(producer.sync());
            producer.sync().lpush("bq", "one");
            assertEquals(KeyValue.just("bq", "one"), pending.get(5, TimeUnit.SECONDS));

            var zpending = waiter.async().bzpopmin(4, "bz");
            awaitBlocked(producer.sync());
            producer.sync().zadd("bz", 3, "three");
            assertEquals(KeyValue.just("bz", ScoredValue.just(3, "three")), zpending.get(5, TimeUnit.SECONDS));
            assertNull(waiter.sync().bzpopmax(0.05, "bz"));
        }
    }

    static void awaitBlocked(RedisCommands<String, String> observer) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!observer.info("clients").contains("blocked_clients:1\r\n")) {
            assertTrue(System.nanoTime() < deadline, "the waiter never blocked");
            Thread.sleep(5);
        }
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void transactions(ProtocolVersion protocol) {
        RedisClient client = lettuce.client(protocol);
        try (StatefulRedisConnection<String, String> c = client.connect();
                StatefulRedisConnection<String, String> other = client.connect()) {
            RedisCommands<String, String> r = c.sync();
            r.del("acct", "log");
            r.set("acct", "10");
            assertEquals("OK", r.multi());
            assertNull(r.incrby("acct", 5)); // queued: sync calls return null inside MULTI
            r.rpush("log", "deposit");
            r.get("acct");
            TransactionResult result = r.exec();
            assertFalse(result.wasDiscarded());
            assertEquals(List.of(15L, 1L, "15"), List.of(result.get(0), result.get(1), result.get(2)));

            // a run-time error inside EXEC is one of the results
            r.multi();
            r.lpush("acct", "x");
            r.incr("acct");
            result = r.exec();
            Object failed = result.get(0);
            assertTrue(failed instanceof RedisCommandExecutionException, String.valueOf(failed));
            assertEquals("WRONGTYPE Operation against a key holding the wrong kind of value",
                    ((Exception) failed).getMessage());
            assertEquals(16L, (Long) result.get(1));

            // WATCH conflict from another connection
            assertEquals("OK", r.watch("acct"));
            other.sync().incr("acct");
            r.multi();
            r.set("acct", "0");
            assertTrue(r.exec().wasDiscarded());
            assertEquals("17", r.get("acct"));

            assertEquals("OK", r.multi());
            r.set("acct", "discarded");
            assertEquals("OK", r.discard());
            assertEquals("17", r.get("acct"));
        }
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void binaryValuesWithByteArrayCodec(ProtocolVersion protocol) {
        byte[] every = new byte[256];
        for (int i = 0; i < 256; i++) {
            every[i] = (byte) i;
        }
        byte[] crlf = "\r\n$-1\r\n*0\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        byte[] empty = new byte[0];
        try (StatefulRedisConnection<byte[], byte[]> c = lettuce.client(protocol).connect(ByteArrayCodec.INSTANCE)) {
            RedisCommands<byte[], byte[]> r = c.sync();
            r.set(every, crlf);
            assertArrayEquals(crlf, r.get(every));
            r.set(empty, every);
            assertArrayEquals(every, r.get(empty));
            r.set(crlf, empty);
            assertArrayEquals(empty, r.get(crlf));
            r.hset("bh".getBytes(), every, empty);
            assertArrayEquals(empty, r.hget("bh".getBytes(), every));
            r.zadd("bz".getBytes(), 1.5, every);
            assertArrayEquals(every, r.zrange("bz".getBytes(), 0, -1).get(0));
        }
    }
}
