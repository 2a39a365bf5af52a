package io.redmesh.node.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A server with requirepass, as Jedis users meet it: no password (NOAUTH), a wrong one at connect
 * time and through AUTH (WRONGPASS), the right one (HELLO 3 AUTH on RESP3, AUTH on RESP2), and
 * connection naming and introspection: CLIENT SETNAME/GETNAME/INFO/LIST, Jedis's CLIENT SETINFO.
 */
class JedisAuthAndClientTest {
    private static final String PASSWORD = "s3cret pass";
    private static final String WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";
    private static ClientServer server;

    @BeforeAll
    static void start() {
        server = ClientServer.start("--requirepass", PASSWORD);
    }

    @AfterAll
    static void stop() {
        try {
            server.assertHealthy();
        } finally {
            server.close();
        }
    }

    /** protocol null: Jedis's default, which sends no HELLO at all. */
    private static JedisClientConfig config(RedisProtocol protocol, String password, String name) {
        return DefaultJedisClientConfig.builder()
                .protocol(protocol)
                .connectionTimeoutMillis(JedisSupport.TIMEOUT_MILLIS)
                .socketTimeoutMillis(JedisSupport.TIMEOUT_MILLIS)
                .password(password)
                .clientName(name)
                .build();
    }

    @ParameterizedTest
    @EnumSource(RedisProtocol.class)
    void passwordRequired(RedisProtocol protocol) {
        // with an explicit protocol and no password, Jedis's HELLO is refused at connect time
        JedisAccessControlException hello = assertThrows(JedisAccessControlException.class, () -> {
            try (Jedis j = new Jedis(JedisSupport.address(server), config(protocol, null, null))) {
                j.ping();
            }
        });
        assertTrue(hello.getMessage().startsWith("NOAUTH HELLO must be called with the client already authenticated"),
                hello.getMessage());

        // Jedis's default protocol sends no HELLO: it connects, then every command is refused
        try (Jedis j = new Jedis(JedisSupport.address(server), config(null, null, null))) {
            JedisDataException noauth = assertThrows(JedisDataException.class, () -> j.get("k"));
            assertEquals("NOAUTH Authentication required.", noauth.getMessage());
            JedisException wrong = assertThrows(JedisException.class, () -> j.auth("not it"));
            assertEquals(WRONGPASS, wrong.getMessage());
            assertEquals("OK", j.auth(PASSWORD));
            assertEquals("OK", j.set("k", "v"));
            // AUTH with a wrong password on an authenticated connection fails and changes nothing
            JedisAccessControlException again = assertThrows(JedisAccessControlException.class, () -> j.auth("nope"));
            assertEquals(WRONGPASS, again.getMessage());
            assertEquals("v", j.get("k"));
            // the two-argument form names the default user
            assertEquals("OK", j.auth("default", PASSWORD));
        }

        // a wrong password in the client config fails the connection itself
        JedisException atConnect = assertThrows(JedisException.class, () -> {
            try (Jedis j = new Jedis(JedisSupport.address(server), config(protocol, "wrong", null))) {
                j.ping();
            }
        });
        assertTrue(messages(atConnect).contains("WRONGPASS"), messages(atConnect));

        // the right one, on either protocol (RESP3 authenticates inside HELLO 3 AUTH)
        try (Jedis j = new Jedis(JedisSupport.address(server), config(protocol, PASSWORD, null))) {
            assertEquals("PONG", j.ping());
            assertEquals("v", j.get("k"));
            assertEquals(protocol == RedisProtocol.RESP3 ? "resp=3" : "resp=2",
                    field(j.clientInfo(), "resp"));
        }

        try (JedisPooled pooled = new JedisPooled(JedisSupport.address(server), config(protocol, PASSWORD, null))) {
            pooled.del("pooled");
            assertEquals(5, pooled.incrBy("pooled", 5));
        }
    }

    private static String messages(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage()).append(" / ");
        }
        return sb.toString();
    }

    /**
     * "name=value" for one field of a CLIENT INFO / CLIENT LIST line. On RESP3 these are verbatim
     * strings, and Jedis hands them over with their "txt:" format prefix (as it does with Redis).
     */
    private static String field(String clientLine, String name) {
        String line = clientLine.startsWith("txt:") ? clientLine.substring(4) : clientLine;
        for (String f : line.trim().split(" ")) {
            if (f.startsWith(name + "=")) {
                return f;
            }
        }
        throw new AssertionError("no " + name + " in " + clientLine);
    }

    @ParameterizedTest
    @EnumSource(RedisProtocol.class)
    void clientNamesAndInfo(RedisProtocol protocol) {
        try (Jedis j = new Jedis(JedisSupport.address(server), config(protocol, PASSWORD, "from-config"));
                Jedis observer = new Jedis(JedisSupport.address(server), config(protocol, PASSWORD, null))) {
            // a name from the client config is set on connect
            assertEquals("from-config", j.clientGetname());
            assertEquals("OK", j.clientSetname("worker-1"));
            assertEquals("worker-1", j.clientGetname());

            String info = j.clientInfo();
            assertEquals("name=worker-1", field(info, "name"));
            assertEquals("id=" + j.clientId(), field(info, "id"));
            assertEquals("db=0", field(info, "db"));
            assertEquals("cmd=client|info", field(info, "cmd"));
            // Jedis announces itself with CLIENT SETINFO on connect
            assertEquals("lib-name=jedis", field(info, "lib-name"));
            assertTrue(field(info, "lib-ver").length() > "lib-ver=".length(), info);

            // CLIENT LIST seen from another connection has the name and the id
            String list = observer.clientList();
            String line = list.lines().filter(l -> l.contains("id=" + j.clientId() + " ")).findFirst().orElseThrow();
            assertEquals("name=worker-1", field(line, "name"));

            JedisDataException spaces = assertThrows(JedisDataException.class, () -> j.clientSetname("has space"));
            assertEquals("ERR Client names cannot contain spaces, newlines or special characters.", spaces.getMessage());
            assertEquals("worker-1", j.clientGetname(), "a refused name changes nothing");

            // an empty name clears it
            assertEquals("OK", j.clientSetname(""));
            assertEquals(null, j.clientGetname());
            assertEquals("name=", field(j.clientInfo(), "name"));
        }
    }
}
