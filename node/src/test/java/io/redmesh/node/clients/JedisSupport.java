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
}
