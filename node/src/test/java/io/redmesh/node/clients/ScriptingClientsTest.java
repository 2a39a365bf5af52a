package io.redmesh.node.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Scripts as applications write them, through Jedis and Lettuce over RESP2 and RESP3: a lock
 * (SET NX PX to take it, a compare-and-delete script to release it) and a fixed-window rate
 * limiter (INCR + EXPIRE), both by EVALSHA after SCRIPT LOAD, with NOSCRIPT falling back to EVAL.
 */
class ScriptingClientsTest {
    static final String RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then "
            + "return redis.call('del', KEYS[1]) else return 0 end";
    static final String LIMIT = "local n = redis.call('incr', KEYS[1]) "
            + "if n == 1 then redis.call('expire', KEYS[1], ARGV[1]) end "
            + "if n > tonumber(ARGV[2]) then return 0 end return 1";
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
    @EnumSource(RedisProtocol.class)
    void jedisLockAndRateLimiter(RedisProtocol protocol) {
        try (Jedis j = JedisSupport.connect(server, protocol)) {
            j.flushAll();
            j.scriptFlush();
            assertThrows(JedisNoScriptException.class, () -> j.evalsha(
                    "0000000000000000000000000000000000000000", List.of("k"), List.of("v")));
            String release = j.scriptLoad(RELEASE);
            assertEquals(true, j.scriptExists(release));
            assertEquals("OK", j.set("lock", "me", new redis.clients.jedis.params.SetParams().nx().px(10_000)));
            assertNull(j.set("lock", "other", new redis.clients.jedis.params.SetParams().nx().px(10_000)));
            assertEquals(0L, j.evalsha(release, List.of("lock"), List.of("other")));
            assertEquals(1L, j.evalsha(release, List.of("lock"), List.of("me")));
            assertEquals(0L, j.exists("lock") ? 1L : 0L);

            String limit = j.scriptLoad(LIMIT);
            long allowed = 0;
            for (int i = 0; i < 15; i++) {
                allowed += (Long) j.evalsha(limit, List.of("rate:user1"), List.of("60", "10"));
            }
            assertEquals(10, allowed);
            long ttl = j.ttl("rate:user1");
            assertTrue(ttl > 0 && ttl <= 60, "ttl " + ttl);
            assertEquals(List.of(1L, 2L, "three"), j.eval("return {1, 2, 'three'}", 0));
        }
    }

    @ParameterizedTest
    @EnumSource(value = ProtocolVersion.class, names = {"RESP2", "RESP3"})
    void lettuceLockAndRateLimiter(ProtocolVersion protocol) {
        try (StatefulRedisConnection<String, String> c = lettuce.client(protocol).connect()) {
            RedisCommands<String, String> r = c.sync();
            r.flushall();
            String release = r.scriptLoad(RELEASE);
            r.set("lock", "token");
            Long kept = r.evalsha(release, ScriptOutputType.INTEGER, new String[] {"lock"}, "nope");
            assertEquals(0L, kept);
            Long released = r.evalsha(release, ScriptOutputType.INTEGER, new String[] {"lock"}, "token");
            assertEquals(1L, released);
            String limit = r.scriptLoad(LIMIT);
            long allowed = 0;
            for (int i = 0; i < 8; i++) {
                Long ok = r.evalsha(limit, ScriptOutputType.INTEGER, new String[] {"rate:l"}, "60", "5");
                allowed += ok;
            }
            assertEquals(5, allowed);
            String status = r.eval("return redis.status_reply('FINE')", ScriptOutputType.STATUS);
            assertEquals("FINE", status);
            List<Object> multi = r.eval("return {1, 'x', {2}}", ScriptOutputType.MULTI);
            assertEquals(3, multi.size());
            assertThrows(io.lettuce.core.RedisCommandExecutionException.class,
                    () -> r.eval("return redis.call('nosuch')", ScriptOutputType.VALUE));
        }
    }
}
