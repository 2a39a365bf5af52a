package io.redmesh.node.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.KeyValue;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanStream;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Lettuce's asynchronous API (thousands of commands in flight on one connection, replies
 * completing the right futures; manual flushing; MULTI through futures) and its reactive API
 * (Flux/Mono over every data type, SCAN as a stream, blocking pops that time out as an empty
 * Mono), on RESP3 and RESP2.
 */
class LettuceAsyncReactiveTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
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

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void thousandsOfFuturesInFlight(ProtocolVersion protocol) throws Exception {
        int n = 5_000;
        try (StatefulRedisConnection<String, String> c = lettuce.client(protocol).connect()) {
            RedisAsyncCommands<String, String> a = c.async();
            a.flushall().get(5, TimeUnit.SECONDS);
            List<RedisFuture<String>> sets = new ArrayList<>(n);
            List<RedisFuture<Long>> incrs = new ArrayList<>(n);
            List<RedisFuture<String>> gets = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                sets.add(a.set("k" + i, "v" + i));
                incrs.add(a.incr("counter"));
                gets.add(a.get("k" + i));
            }
            List<RedisFuture<?>> all = new ArrayList<>();
            all.addAll(sets);
            all.addAll(incrs);
            all.addAll(gets);
            assertTrue(LettuceFutures.awaitAll(WAIT, all.toArray(RedisFuture[]::new)), "futures did not complete");
            for (int i = 0; i < n; i++) {
                assertEquals("OK", sets.get(i).get());
                assertEquals(i + 1, incrs.get(i).get());
                assertEquals("v" + i, gets.get(i).get());
            }

            // batched: nothing is written until flushCommands(), then it all goes at once
            c.setAutoFlushCommands(false);
            try {
                List<RedisFuture<Long>> pushes = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    pushes.add(a.rpush("batch", Integer.toString(i)));
                }
                assertFalse(pushes.get(0).isDone());
                c.flushCommands();
                assertTrue(LettuceFutures.awaitAll(WAIT, pushes.toArray(RedisFuture[]::new)));
                assertEquals(n, pushes.get(n - 1).get());
            } finally {
                c.setAutoFlushCommands(true);
            }
            assertEquals(n, a.llen("batch").get(5, TimeUnit.SECONDS));

            // an error completes its own future exceptionally and nothing else
            RedisFuture<Long> bad = a.incr("batch");
            RedisFuture<String> good = a.get("k1");
            assertTrue(bad.await(5, TimeUnit.SECONDS)); // awaitAll would rethrow the error
            assertTrue(good.await(5, TimeUnit.SECONDS));
            assertEquals("v1", good.get());
            assertTrue(bad.toCompletableFuture().isCompletedExceptionally());
            assertEquals("WRONGTYPE Operation against a key holding the wrong kind of value", bad.getError());
        }
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void asyncDataTypesAndTransaction(ProtocolVersion protocol) throws Exception {
        try (StatefulRedisConnection<String, String> c = lettuce.client(protocol).connect()) {
            RedisAsyncCommands<String, String> a = c.async();
            a.del("h", "l", "s", "z", "t").get(5, TimeUnit.SECONDS);
            Map<String, String> h = a.hset("h", Map.of("f1", "a", "f2", "b"))
                    .thenCompose(x -> a.hgetall("h")).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertEquals(Map.of("f1", "a", "f2", "b"), h);
            List<String> l = a.lpush("l", "1", "2", "3").thenCompose(x -> a.lrange("l", 0, -1))
                    .toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertEquals(List.of("3", "2", "1"), l);
            Set<String> s = a.sadd("s", "x", "y").thenCompose(x -> a.smembers("s"))
                    .toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertEquals(Set.of("x", "y"), s);
            List<ScoredValue<String>> z = a.zadd("z", 2.0, "two", 1.0, "one")
                    .thenCompose(x -> a.zrangeWithScores("z", 0, -1)).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertEquals(List.of(ScoredValue.just(1, "one"), ScoredValue.just(2, "two")), z);

            // MULTI through futures: queued commands complete when EXEC answers
            assertEquals("OK", a.multi().get(5, TimeUnit.SECONDS));
            RedisFuture<String> set = a.set("t", "1");
            RedisFuture<Long> incr = a.incr("t");
            RedisFuture<List<String>> range = a.lrange("l", 0, 0);
            assertFalse(incr.isDone());
            TransactionResult result = a.exec().get(5, TimeUnit.SECONDS);
            assertFalse(result.wasDiscarded());
            assertEquals("OK", set.get(5, TimeUnit.SECONDS));
            assertEquals(2L, incr.get(5, TimeUnit.SECONDS));
            assertEquals(List.of("3"), range.get(5, TimeUnit.SECONDS));
        }
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void reactive(ProtocolVersion protocol) {
        try (StatefulRedisConnection<String, String> c = lettuce.client(protocol).connect()) {
            RedisReactiveCommands<String, String> r = c.reactive();
            r.flushall().block(WAIT);
            Long written = Flux.range(0, 1000)
                    .flatMap(i -> r.set("rx:" + i, "v" + i))
                    .filter("OK"::equals)
                    .count()
                    .block(WAIT);
            assertEquals(1000L, written);
            List<KeyValue<String, String>> values = r.mget("rx:0", "rx:999", "nope").collectList().block(WAIT);
            assertEquals(List.of(KeyValue.just("rx:0", "v0"), KeyValue.just("rx:999", "v999"), KeyValue.empty("nope")),
                    values);

            Set<String> scanned = new HashSet<>(ScanStream.scan(r, ScanArgs.Builder.limit(50)).collectList().block(WAIT));
            assertEquals(1000, scanned.size());

            Map<String, String> hash = r.hset("rh", Map.of("a", "1", "b", "2"))
                    .thenMany(r.hgetall("rh"))
                    .collectMap(KeyValue::getKey, KeyValue::getValue)
                    .block(WAIT);
            assertEquals(Map.of("a", "1", "b", "2"), hash);
            assertEquals(List.of("c", "b", "a"),
                    r.lpush("rl", "a", "b", "c").thenMany(r.lrange("rl", 0, -1)).collectList().block(WAIT));
            assertEquals(Set.of("p", "q"),
                    new HashSet<>(r.sadd("rs", "p", "q").thenMany(r.smembers("rs")).collectList().block(WAIT)));
            assertEquals(List.of(ScoredValue.just(0.5, "half"), ScoredValue.just(3, "three")),
                    r.zadd("rz", 3.0, "three", 0.5, "half").thenMany(r.zrangeWithScores("rz", 0, -1)).collectList().block(WAIT));
            assertEquals(0.5, r.zscore("rz", "half").block(WAIT));

            // a missing key is an empty Mono, and so is a blocking pop that times out
            assertNull(r.get("missing").block(WAIT));
            long start = System.nanoTime();
            assertNull(r.blpop(0.1, "empty-list").block(WAIT));
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) >= 80);
            // errors arrive as error signals
            String error = r.incr("rl").map(Object::toString).onErrorResume(e -> Mono.just(e.getMessage())).block(WAIT);
            assertEquals("WRONGTYPE Operation against a key holding the wrong kind of value", error);
        }
    }
}
