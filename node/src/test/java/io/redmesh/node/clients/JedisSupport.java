package io.redmesh.node.clients;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisProtocol;

/** Jedis connections as an application makes them: loopback, bounded timeouts, a chosen protocol. */
final class JedisSupport {
    static final int TIMEOUT_MILLIS = 5_000;

    private JedisSupport() {}

    static JedisClientConfig config(RedisProtocol protocol) {
        return DefaultJedisClientConfig.builder()
                .protocol(protocol)
                .connectionTimeoutMillis(TIMEOUT_MILLIS)
                .socketTimeoutMillis(TIMEOUT_MILLIS)
                .build();
    }

    static Jedis connect(ClientServer s, RedisProtocol protocol) {
        return new Jedis(new HostAndPort("127.0.0.1", s.port()), config(protocol));
    }

    static HostAndPort address(ClientServer s) {
        return new HostAndPort("127.0.0.1", s.port());
    }

    /** Waits until the server counts {@code n} blocked clients (INFO clients, as an operator sees it). */
    static void awaitBlocked(Jedis observer, int n) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            if (observer.info("clients").contains("blocked_clients:" + n + "\r\n")) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("never saw " + n + " blocked clients: " + observer.info("clients"));
    }
}
