package io.redmesh.node.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.util.KeyValue;

/**
 * Jedis from many threads: BLPOP served by a push from another client, FIFO among waiters,
 * timeouts, and a JedisPooled shared by 20 threads whose INCRs must all land (the exact final
 * count shows no increment was lost or doubled).
 */
class JedisConcurrencyTest {
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

    @ParameterizedTest
    @EnumSource(RedisProtocol.class)
    void blpopIsServedByAnotherClientsPush(RedisProtocol protocol) throws Exception {
        try (Jedis waiter = JedisSupport.connect(server, protocol);
                Jedis producer = JedisSupport.connect(server, protocol)) {
            producer.del("jobs", "other");
            Future<KeyValue<String, String>> popped = threads.submit(() -> waiter.blpop(4.0, "other", "jobs"));
            JedisSupport.awaitBlocked(producer, 1);
            long pushedAt = System.nanoTime();
            assertEquals(1, producer.rpush("jobs", "job-1"));
            KeyValue<String, String> got = popped.get(5, TimeUnit.SECONDS);
            long servedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - pushedAt);
            assertEquals("jobs", got.getKey());
            assertEquals("job-1", got.getValue());
            assertTrue(servedMillis < 2_000, "served " + servedMillis + " ms after the push, not by the timeout");
            assertEquals(0, producer.llen("jobs"), "the pushed element went to the waiter");
            JedisSupport.awaitBlocked(producer, 0);

            // timeout: a nil reply after about the timeout, and the connection still works
            long start = System.nanoTime();
            assertNull(waiter.blpop(0.2, "jobs"));
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(waited >= 150 && waited < 3_000, "waited " + waited + " ms");
            assertEquals("PONG", waiter.ping());
        }
    }

    @ParameterizedTest
    @EnumSource(RedisProtocol.class)
    void waitersAreServedFirstComeFirstServed(RedisProtocol protocol) throws Exception {
        int n = 3;
        List<Jedis> waiters = new ArrayList<>();
        try (Jedis producer = JedisSupport.connect(server, protocol)) {
            producer.del("fifo");
            List<Future<List<String>>> pops = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Jedis w = JedisSupport.connect(server, protocol);
                waiters.add(w);
                pops.add(threads.submit(() -> w.brpop(4, "fifo")));
                JedisSupport.awaitBlocked(producer, i + 1); // so the arrival order is known
            }
            // one push of three elements serves the three waiters in the order they blocked
            assertEquals(3, producer.rpush("fifo", "a", "b", "c"));
            for (int i = 0; i < n; i++) {
                List<String> got = pops.get(i).get(5, TimeUnit.SECONDS);
                assertEquals(List.of("fifo", List.of("c", "b", "a").get(i)), got, "waiter " + i);
            }
            assertEquals(0, producer.exists("fifo") ? 1 : 0);
        } finally {
            waiters.forEach(Jedis::close);
        }
    }

    @ParameterizedTest
    @EnumSource(RedisProtocol.class)
    void pooledIncrFromTwentyThreadsIsExact(RedisProtocol protocol) throws Exception {
        int threadCount = 20;
        int perThread = 250;
        GenericObjectPoolConfig<Connection> poolConfig = new GenericObjectPoolConfig<>();
        poolConfig.setMaxTotal(threadCount);
        poolConfig.setMaxWait(java.time.Duration.ofSeconds(5));
        try (JedisPooled pooled = new JedisPooled(JedisSupport.address(server), JedisSupport.config(protocol),
                poolConfig)) {
            pooled.del("hits", "per-thread");
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Long>> workers = new ArrayList<>();
            for (int t = 0; t < threadCount; t++) {
                String field = "t" + t;
                workers.add(threads.submit(() -> {
                    go.await();
                    long last = 0;
                    for (int i = 0; i < perThread; i++) {
                        long v = pooled.incr("hits");
                        assertTrue(v > last, "INCR replies seen by one thread only grow");
                        last = v;
                        pooled.hincrBy("per-thread", field, 1);
                    }
                    return last;
                }));
            }
            go.countDown();
            long maxSeen = 0;
            for (Future<Long> w : workers) {
                maxSeen = Math.max(maxSeen, w.get(30, TimeUnit.SECONDS));
            }
            long total = (long) threadCount * perThread;
            assertEquals(Long.toString(total), pooled.get("hits"));
            assertEquals(total, maxSeen, "the last INCR of all answered the total");
            assertEquals(threadCount, pooled.hlen("per-thread"));
            pooled.hvals("per-thread").forEach(v -> assertEquals(Integer.toString(perThread), v));
        }
    }
}
