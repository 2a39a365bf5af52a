package io.redmesh.node.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.support.caching.CacheAccessor;
import io.lettuce.core.support.caching.CacheFrontend;
import io.lettuce.core.support.caching.ClientSideCaching;
import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.StartedRedis;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.csc.CacheConfig;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Client-side caching as the clients do it: Lettuce's {@code ClientSideCaching} (CLIENT TRACKING
 * on a RESP3 connection, the local map emptied by invalidation pushes) caches a value and drops
 * it when another client writes it; the same in BCAST mode. Jedis 7.2's client-side cache asks
 * for Redis 7.4 by version and refuses a server that answers 7.0.15, RedMesh as redis-server.
 */
class ClientSideCachingClientsTest {
    private static final long WAIT_MILLIS = 5_000;
    @StartedRedis
    private static RedisProcess redis;
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

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("not within " + WAIT_MILLIS + " ms: " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void lettuceCachesThenDropsAValueAnotherClientWrites() throws InterruptedException {
        try (StatefulRedisConnection<String, String> tracked = lettuce.client(ProtocolVersion.RESP3).connect();
             StatefulRedisConnection<String, String> writer = lettuce.client(ProtocolVersion.RESP3).connect()) {
            RedisCommands<String, String> w = writer.sync();
            w.set("csc:user", "alice");
            Map<String, String> local = new ConcurrentHashMap<>();
            CacheFrontend<String, String> cache = ClientSideCaching.enable(CacheAccessor.forMap(local), tracked,
                    TrackingArgs.Builder.enabled());
            try {
                assertEquals("alice", cache.get("csc:user"));
                assertEquals("alice", local.get("csc:user"), "cached locally after the first read");
                assertTrue(w.clientList().contains(" flags=t "), "the tracking connection shows flag t");
                assertEquals("alice", cache.get("csc:user")); // from the local map
                w.set("csc:user", "bob");
                await(() -> !local.containsKey("csc:user"), "the invalidation push removed the cached key");
                assertEquals("bob", cache.get("csc:user"));
                assertEquals("bob", local.get("csc:user"));
                w.del("csc:user");
                await(() -> !local.containsKey("csc:user"), "DEL invalidated it too");
                w.set("csc:other", "x");
                assertFalse(local.containsKey("csc:other"));
            } finally {
                cache.close();
            }
        }
    }

    @Test
    void lettuceBroadcastModeDropsKeysUnderItsPrefix() throws InterruptedException {
        try (StatefulRedisConnection<String, String> tracked = lettuce.client(ProtocolVersion.RESP3).connect();
             StatefulRedisConnection<String, String> writer = lettuce.client(ProtocolVersion.RESP3).connect()) {
            RedisCommands<String, String> w = writer.sync();
            w.set("bc:a", "1");
            w.set("other:a", "1");
            Map<String, String> local = new ConcurrentHashMap<>();
            CacheFrontend<String, String> cache = ClientSideCaching.enable(CacheAccessor.forMap(local), tracked,
                    TrackingArgs.Builder.enabled().bcast().prefixes("bc:"));
            try {
                assertEquals("1", cache.get("bc:a"));
                assertEquals("1", cache.get("other:a"));
                w.set("bc:a", "2");
                await(() -> !local.containsKey("bc:a"), "bc:a invalidated by its prefix");
                assertTrue(local.containsKey("other:a"), "other:a is under no prefix of this client");
                assertEquals("2", cache.get("bc:a"));
                // (Lettuce 7.2's listener reads a flush's null invalidation as a key list and drops
                // it, against redis-server too: FLUSHALL is covered by ClientTrackingDiffTest.)
            } finally {
                cache.close();
            }
        }
    }

    @Test
    void jedisCacheRefusesA70ServerAsItRefusesRedis70() {
        CacheConfig cacheConfig = CacheConfig.builder().maxSize(100).build();
        DefaultJedisClientConfig config = DefaultJedisClientConfig.builder().protocol(RedisProtocol.RESP3)
                .timeoutMillis(JedisSupport.TIMEOUT_MILLIS).build();
        JedisException ours = assertThrows(JedisException.class, () -> {
            try (UnifiedJedis j = new UnifiedJedis(new HostAndPort("127.0.0.1", server.port()), config, cacheConfig)) {
                j.get("k");
            }
        });
        JedisException real = assertThrows(JedisException.class, () -> {
            try (UnifiedJedis j = new UnifiedJedis(new HostAndPort("127.0.0.1", redis.port()), config, cacheConfig)) {
                j.get("k");
            }
        });
        assertEquals(real.getMessage(), ours.getMessage());
        assertTrue(ours.getMessage().contains("7.4"), ours.getMessage());
    }
}
