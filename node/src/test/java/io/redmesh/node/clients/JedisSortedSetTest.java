package io.redmesh.node.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.args.SortedSetOption;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.ZAddParams;
import redis.clients.jedis.params.ZParams;
import redis.clients.jedis.params.ZRangeParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;
import redis.clients.jedis.util.KeyValue;

/**
 * Sorted sets through Jedis on RESP2 and RESP3 (where scores arrive as RESP3 doubles and
 * WITHSCORES replies are pairs): a leaderboard, ranges by rank/score/lex, set algebra, pops
 * (blocking ones served by another client), ZSCAN over a skiplist-encoded set.
 */
class JedisSortedSetTest {
    private static ClientServer server;
    private static ExecutorService threads;

    @BeforeAll
    static void start() {
        server = ClientServer.start();
        threads = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void stop() {
        threads.shutdownNow();
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
    void leaderboard(RedisProtocol protocol) {
        try (Jedis j = connect(protocol)) {
            Map<String, Double> scores = new HashMap<>();
            scores.put("ada", 100.0);
            scores.put("bob", 85.5);
            scores.put("cy", 92.0);
            assertEquals(3, j.zadd("board", scores));
            assertEquals("listpack", j.objectEncoding("board"));
            assertEquals(0, j.zadd("board", 101.0, "ada"));
            assertEquals(0, j.zadd("board", 1.0, "ada", ZAddParams.zAddParams().nx()));
            assertEquals(1, j.zadd("board", 70.0, "dee", ZAddParams.zAddParams().ch()));
            assertEquals(0, j.zadd("board", 200.0, "ada", ZAddParams.zAddParams().lt()));
            assertEquals(101.0, j.zscore("board", "ada"));
            assertNull(j.zscore("board", "nobody"));
            assertEquals(java.util.Arrays.asList(101.0, null), j.zmscore("board", "ada", "nobody"));
            assertEquals(4, j.zcard("board"));

            assertEquals(List.of("dee", "bob", "cy", "ada"), j.zrange("board", 0, -1));
            assertEquals(List.of("ada", "cy"), j.zrevrange("board", 0, 1));
            assertEquals(List.of(new Tuple("ada", 101.0), new Tuple("cy", 92.0)),
                    j.zrangeWithScores("board", ZRangeParams.zrangeParams(0, 1).rev()));
            assertEquals(0L, j.zrank("board", "dee"));
            assertEquals(0L, j.zrevrank("board", "ada"));
            assertNull(j.zrank("board", "nobody"));

            assertEquals(95.5, j.zincrby("board", 10.0, "bob"));
            assertEquals(List.of("cy", "bob"), j.zrangeByScore("board", 90, 100));
            assertEquals(List.of("bob", "ada"), j.zrangeByScore("board", "(92", "+inf"));
            assertEquals(List.of("cy"), j.zrange("board", ZRangeParams.zrangeByScoreParams(90, 100).limit(0, 1)));
            assertEquals(List.of("ada", "bob"),
                    j.zrange("board", ZRangeParams.zrangeByScoreParams(200, 93).rev()));
            assertEquals(List.of(new Tuple("ada", 101.0)), j.zrevrangeByScoreWithScores("board", "+inf", "-inf", 0, 1));
            assertEquals(3, j.zcount("board", "90", "+inf"));
            assertEquals(2, j.zrangestore("top2", "board", ZRangeParams.zrangeParams(0, 1).rev()));
            assertEquals(List.of("bob", "ada"), j.zrange("top2", 0, -1));

            // fractional, negative, infinite scores survive the round trip exactly
            j.zadd("odd", Map.of("tiny", 1e-300, "neg", -2.5, "pi", Math.PI, "inf", Double.POSITIVE_INFINITY,
                    "ninf", Double.NEGATIVE_INFINITY));
            List<Tuple> odd = j.zrangeWithScores("odd", 0, -1);
            assertEquals(List.of(new Tuple("ninf", Double.NEGATIVE_INFINITY), new Tuple("neg", -2.5),
                    new Tuple("tiny", 1e-300), new Tuple("pi", Math.PI), new Tuple("inf", Double.POSITIVE_INFINITY)), odd);
            JedisDataException nan = assertThrows(JedisDataException.class,
                    () -> j.zincrby("odd", Double.NEGATIVE_INFINITY, "inf"));
            assertEquals("ERR resulting score is not a number (NaN)", nan.getMessage());

            assertEquals(1, j.zrem("board", "dee", "nobody"));
            assertEquals(1, j.zremrangeByScore("board", "-inf", "93"));
            assertEquals(List.of("bob", "ada"), j.zrange("board", 0, -1));
            assertEquals(1, j.zremrangeByRank("board", -1, -1));
            assertEquals(List.of("bob"), j.zrange("board", 0, -1));
            j.set("str", "x");
            JedisDataException wrong = assertThrows(JedisDataException.class, () -> j.zadd("str", 1, "a"));
            assertEquals("WRONGTYPE Operation against a key holding the wrong kind of value", wrong.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(RedisProtocol.class)
    void lexRangesAndAlgebra(RedisProtocol protocol) {
        try (Jedis j = connect(protocol)) {
            j.zadd("lex", Map.of("a", 0.0, "b", 0.0, "c", 0.0, "d", 0.0, "e", 0.0));
            assertEquals(List.of("b", "c"), j.zrangeByLex("lex", "[b", "(d"));
            assertEquals(List.of("e", "d"), j.zrevrangeByLex("lex", "+", "[d"));
            assertEquals(5, j.zlexcount("lex", "-", "+"));
            assertEquals(2, j.zremrangeByLex("lex", "[a", "[b"));
            JedisDataException badLex = assertThrows(JedisDataException.class, () -> j.zrangeByLex("lex", "b", "c"));
            assertEquals("ERR min or max not valid string range item", badLex.getMessage());

            j.zadd("x", Map.of("a", 1.0, "b", 2.0, "c", 3.0));
            j.zadd("y", Map.of("b", 10.0, "c", 20.0, "d", 30.0));
            j.sadd("plain", "c", "d"); // a plain set counts as scores of 1
            assertEquals(List.of("b", "c"), j.zinter(new ZParams(), "x", "y"));
            assertEquals(List.of(new Tuple("b", 12.0), new Tuple("c", 23.0)), j.zinterWithScores(new ZParams(), "x", "y"));
            assertEquals(List.of(new Tuple("a", 1.0), new Tuple("b", 10.0), new Tuple("c", 20.0), new Tuple("d", 30.0)),
                    j.zunionWithScores(new ZParams().aggregate(ZParams.Aggregate.MAX), "x", "y"));
            assertEquals(List.of("a"), j.zdiff("x", "y"));
            assertEquals(List.of("a", "b"), j.zdiff("x", "plain"));
            assertEquals(2, j.zintercard("x", "y"));
            assertEquals(1, j.zintercard(1, "x", "y"));
            assertEquals(4, j.zunionstore("u", new ZParams().weights(2, 1), "x", "y"));
            assertEquals(List.of(new Tuple("a", 2.0), new Tuple("b", 14.0), new Tuple("c", 26.0), new Tuple("d", 30.0)),
                    j.zrangeWithScores("u", 0, -1));
            assertEquals(1, j.zinterstore("i", "x", "plain"));
            assertEquals(List.of(new Tuple("c", 4.0)), j.zrangeWithScores("i", 0, -1));
            j.set("d", "overwritten");
            assertEquals(0, j.zdiffstore("d", "y", "x", "plain"));
            assertEquals(0, j.exists("d") ? 1 : 0, "an empty result deletes the destination");
            assertEquals(2, j.zrandmember("x", 2).size());
            assertTrue(List.of("a", "b", "c").contains(j.zrandmember("x")));
        }
    }

    @ParameterizedTest
    @EnumSource(RedisProtocol.class)
    void popsAndBlockingPops(RedisProtocol protocol) throws Exception {
        try (Jedis j = connect(protocol); Jedis waiter = JedisSupport.connect(server, protocol)) {
            j.zadd("z", Map.of("a", 1.0, "b", 2.0, "c", 3.0, "d", 4.0));
            assertEquals(new Tuple("a", 1.0), j.zpopmin("z"));
            assertEquals(List.of(new Tuple("d", 4.0), new Tuple("c", 3.0)), j.zpopmax("z", 2));
            KeyValue<String, List<Tuple>> mpop = j.zmpop(SortedSetOption.MIN, 5, "none", "z");
            assertEquals("z", mpop.getKey());
            assertEquals(List.of(new Tuple("b", 2.0)), mpop.getValue());
            assertNull(j.zmpop(SortedSetOption.MAX, "z"));
            assertNull(j.zpopmin("z"));

            // BZPOPMIN parked until another client adds; BZMPOP with a timeout
            Future<KeyValue<String, Tuple>> pop = threads.submit(() -> waiter.bzpopmin(4.0, "other", "tasks"));
            JedisSupport.awaitBlocked(j, 1);
            j.zadd("tasks", Map.of("late", 5.0, "urgent", 1.0));
            KeyValue<String, Tuple> got = pop.get(5, TimeUnit.SECONDS);
            assertEquals("tasks", got.getKey());
            assertEquals(new Tuple("urgent", 1.0), got.getValue());
            assertEquals(List.of("late"), j.zrange("tasks", 0, -1));

            Future<KeyValue<String, List<Tuple>>> mpopWait =
                    threads.submit(() -> waiter.bzmpop(4.0, SortedSetOption.MAX, 10, "queue"));
            JedisSupport.awaitBlocked(j, 1);
            j.zadd("queue", 7.0, "x");
            assertEquals(List.of(new Tuple("x", 7.0)), mpopWait.get(5, TimeUnit.SECONDS).getValue());
            assertNull(waiter.bzpopmax(0.05, "empty"));
        }
    }

    @ParameterizedTest
    @EnumSource(RedisProtocol.class)
    void zscanOverASkiplist(RedisProtocol protocol) {
        try (Jedis j = connect(protocol)) {
            Map<String, Double> members = new HashMap<>();
            for (int i = 0; i < 400; i++) {
                members.put("m" + i, i / 4.0);
            }
            j.zadd("big", members);
            assertEquals("skiplist", j.objectEncoding("big"));
            Map<String, Double> scanned = new HashMap<>();
            String cursor = ScanParams.SCAN_POINTER_START;
            int calls = 0;
            do {
                ScanResult<Tuple> page = j.zscan("big", cursor, new ScanParams().count(25));
                page.getResult().forEach(t -> scanned.put(t.getElement(), t.getScore()));
                cursor = page.getCursor();
                assertTrue(++calls < 500);
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            assertEquals(members, scanned);
            assertTrue(calls > 1);
            assertEquals(List.of("m0", "m1"), j.zrange("big", 0, 1));
            assertEquals(399L, j.zrank("big", "m399"));
        }
    }
}
