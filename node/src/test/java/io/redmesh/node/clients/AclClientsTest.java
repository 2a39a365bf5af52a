package io.redmesh.node.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StaticCredentialsProvider;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.redmesh.node.testing.RedisProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.redmesh.node.testing.RespClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Real clients logging in as ACL users (username + password): Jedis and Lettuce on RESP2 and
 * RESP3, and redis-cli --user/--pass as a subprocess. A restricted user meets NOPERM; the
 * passwords never reach the server log.
 */
class AclClientsTest {
    private static final String ALICE_PW = "alice-Pw-9";
    private static final String BOB_PW = "bob pw with spaces";
    private static ClientServer server;
    private static ClientResources resources;

    @BeforeAll
    static void start() {
        server = ClientServer.start("--requirepass", "defaultpw",
                "--user", "alice", "on", ">" + ALICE_PW, "~*", "&*", "+@all",
                "--user", "bob", "on", ">" + BOB_PW, "~bob:*", "resetchannels", "-@all", "+@read", "+@write",
                "+@connection", "-@dangerous", "+acl|whoami");
        resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
    }

    @AfterAll
    static void stop() {
        try {
            resources.shutdown(0, 5000, TimeUnit.MILLISECONDS).awaitUninterruptibly(5000);
            server.assertHealthy();
            for (String line : server.logLines()) {
                assertFalse(line.contains(ALICE_PW) || line.contains(BOB_PW) || line.contains("defaultpw"), line);
            }
        } finally {
            server.close();
        }
    }

    private static DefaultJedisClientConfig jedis(RedisProtocol p, String user, String pw) {
        return DefaultJedisClientConfig.builder().protocol(p).user(user).password(pw)
                .connectionTimeoutMillis(JedisSupport.TIMEOUT_MILLIS).socketTimeoutMillis(JedisSupport.TIMEOUT_MILLIS)
                .build();
    }

    @ParameterizedTest
    @EnumSource(RedisProtocol.class)
    void jedisWithUsernameAndPassword(RedisProtocol p) {
        try (Jedis j = new Jedis(JedisSupport.address(server), jedis(p, "alice", ALICE_PW))) {
            assertEquals("alice", j.aclWhoAmI());
            assertEquals("OK", j.set("k", "v"));
            assertEquals("v", j.get("k"));
        }
        try (Jedis j = new Jedis(JedisSupport.address(server), jedis(p, "bob", BOB_PW))) {
            assertEquals("bob", j.aclWhoAmI());
            assertEquals("OK", j.set("bob:1", "x"));
            JedisAccessControlException key = assertThrows(JedisAccessControlException.class, () -> j.get("k"));
            assertEquals("NOPERM this user has no permissions to access one of the keys used as arguments",
                    key.getMessage());
            JedisAccessControlException cmd = assertThrows(JedisAccessControlException.class, () -> j.flushAll());
            assertEquals("NOPERM this user has no permissions to run the 'flushall' command", cmd.getMessage());
        }
        JedisException bad = assertThrows(JedisException.class, () -> {
            try (Jedis j = new Jedis(JedisSupport.address(server), jedis(p, "alice", "wrong"))) {
                j.ping();
            }
        });
        String all = String.valueOf(bad.getMessage()) + (bad.getCause() == null ? "" : bad.getCause().getMessage());
        assertTrue(all.contains("WRONGPASS"), all);
        // AUTH user pass on a connection that started as nobody
        try (Jedis j = new Jedis(JedisSupport.address(server), jedis(null, null, null))) {
            assertThrows(JedisDataException.class, () -> j.get("k"));
            assertEquals("OK", j.auth("alice", ALICE_PW));
            assertEquals("v", j.get("k"));
        }
    }

    private static RedisClient lettuce(ProtocolVersion p, String user, String pw) {
        RedisURI uri = RedisURI.builder().withHost("127.0.0.1").withPort(server.port())
                // Generous: a first Lettuce connect on a loaded 2-core machine was seen past 5 s.
                .withTimeout(Duration.ofSeconds(20))
                .withAuthentication(new StaticCredentialsProvider(user, pw.toCharArray())).build();
        RedisClient c = RedisClient.create(resources, uri);
        c.setOptions(ClientOptions.builder().protocolVersion(p).autoReconnect(false).build());
        return c;
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void lettuceWithUsernameAndPassword(ProtocolVersion p) {
        RedisClient good = lettuce(p, "bob", BOB_PW);
        try (StatefulRedisConnection<String, String> c = good.connect()) {
            assertEquals("OK", c.sync().set("bob:l", "1"));
            assertEquals("bob", c.sync().aclWhoami());
            RedisCommandExecutionException e = assertThrows(RedisCommandExecutionException.class,
                    () -> c.sync().get("other"));
            assertTrue(e.getMessage().startsWith("NOPERM"), e.getMessage());
        } finally {
            good.shutdown(Duration.ZERO, Duration.ofSeconds(5));
        }
        RedisClient bad = lettuce(p, "bob", "nope");
        try {
            RedisConnectionException e = assertThrows(RedisConnectionException.class, bad::connect);
            // Lettuce usually reports the server's WRONGPASS as the root cause; now and then its
            // handshake teardown wins the race and the chain ends in "RedisHandshakeHandler not
            // registered" instead. Either way the server must have refused bob's password: ACL LOG
            // says so with reason "auth".
            String chain = causes(e);
            if (!chain.contains("WRONGPASS")) {
                try (RespClient admin = RespClient.connect(server.port())) {
                    admin.callString("AUTH", "alice", ALICE_PW);
                    String log = admin.callString("ACL", "LOG", "1");
                    assertTrue(log.contains("auth") && log.contains("bob"), chain + " / ACL LOG: " + log);
                }
            }
        } finally {
            bad.shutdown(Duration.ZERO, Duration.ofSeconds(5));
        }
    }

    /** Every message of an exception's cause chain and their suppressed exceptions. */
    private static String causes(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append(" | ");
            for (Throwable s : c.getSuppressed()) {
                sb.append(causes(s));
            }
        }
        return sb.toString();
    }

    static String redisCli(int port, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port)));
        cmd.addAll(List.of(args));
        Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(proc.waitFor(10, TimeUnit.SECONDS), "redis-cli finished");
        return new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void redisCliUserAndPass() throws Exception {
        Assumptions.assumeTrue(RedisProcess.available());
        int port = server.port();
        assertEquals("alice\n", redisCli(port, "--user", "alice", "--pass", ALICE_PW, "--no-auth-warning",
                "ACL", "WHOAMI"));
        assertEquals("OK\n", redisCli(port, "--user", "bob", "--pass", BOB_PW, "--no-auth-warning",
                "SET", "bob:cli", "1"));
        String denied = redisCli(port, "--user", "bob", "--pass", BOB_PW, "--no-auth-warning", "GET", "nope");
        assertTrue(denied.contains("NOPERM this user has no permissions to access one of the keys"), denied);
        String wrong = redisCli(port, "--user", "bob", "--pass", "wrong", "--no-auth-warning", "PING");
        assertTrue(wrong.contains("WRONGPASS"), wrong);
        assertEquals("OK\n", redisCli(port, "-a", "defaultpw", "--no-auth-warning", "SET", "x", "1"));
    }
}
