package io.redmesh.node.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.api.StatefulRedisConnection;
import io.redmesh.node.testing.GeneratedCertificates;
import io.redmesh.node.testing.ServerFixture;
import io.redmesh.node.testing.TestCertificates;
import io.redmesh.node.testing.TestCertificates.Identity;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * The clients people use, over TLS and mutual TLS, against both TLS providers: Debian's
 * redis-cli (--tls --cacert [--cert --key]), Jedis and Lettuce, under each tls-auth-clients mode.
 */
class TlsClientsTest {
    @GeneratedCertificates
    private static TestCertificates certs;

    private static ServerFixture start(String provider, String authClients) {
        return ServerFixture.start(certs.serverArgs("--tls-provider", provider, "--tls-auth-clients", authClients));
    }

    private static List<String> cliTls(Identity as) {
        if (as == null) {
            return List.of("--tls", "--cacert", certs.ca().certFile().toString());
        }
        return List.of("--tls", "--cacert", certs.ca().certFile().toString(),
                "--cert", as.certFile().toString(), "--key", as.keyFile().toString());
    }

    // ------------------------------------------------------------------ redis-cli

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void redisCliWithClientCertificate(String provider) throws Exception {
        Assumptions.assumeTrue(TlsPeers.available("redis-cli"));
        try (ServerFixture s = start(provider, "yes")) {
            assertEquals(provider.equals("jdk") ? "JDK" : "OPENSSL", s.server().tls().provider().name());
            TlsPeers.Run set = TlsPeers.redisCli(s.tlsPort(), cliTls(certs.client()), "SET", "greeting", "hello tls");
            assertEquals("OK", set.output().trim(), set.output());
            TlsPeers.Run get = TlsPeers.redisCli(s.tlsPort(), cliTls(certs.client()), "GET", "greeting");
            assertEquals("hello tls", get.output().trim(), get.output());
            // the same data over the plaintext port: one keyspace behind both listeners
            TlsPeers.Run plain = TlsPeers.redisCli(s.port(), List.of(), "GET", "greeting");
            assertEquals("hello tls", plain.output().trim(), plain.output());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void redisCliWithoutCertificateIsRefusedWhenClientsMustAuthenticate(String provider) throws Exception {
        Assumptions.assumeTrue(TlsPeers.available("redis-cli"));
        try (ServerFixture s = start(provider, "yes")) {
            TlsPeers.Run r = TlsPeers.redisCli(s.tlsPort(), cliTls(null), "PING");
            assertFalse(r.output().contains("PONG"), r.output());
            // and the server is still serving
            assertEquals("PONG", TlsPeers.redisCli(s.tlsPort(), cliTls(certs.client()), "PING").output().trim());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void authClientsNoNeedsNoCertificateAndNoCa(String provider) throws Exception {
        Assumptions.assumeTrue(TlsPeers.available("redis-cli"));
        // Redis needs a CA only when it verifies peers; "no" works without one.
        try (ServerFixture s = ServerFixture.start(certs.serverArgs("--tls-provider", provider,
                "--tls-auth-clients", "no", "--tls-ca-cert-file", ""))) {
            TlsPeers.Run r = TlsPeers.redisCli(s.tlsPort(), cliTls(null), "PING");
            assertEquals("PONG", r.output().trim(), r.output());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void authClientsOptionalTakesBothButChecksWhatIsPresented(String provider) throws Exception {
        Assumptions.assumeTrue(TlsPeers.available("redis-cli"));
        try (ServerFixture s = start(provider, "optional")) {
            assertEquals("PONG", TlsPeers.redisCli(s.tlsPort(), cliTls(null), "PING").output().trim());
            assertEquals("PONG", TlsPeers.redisCli(s.tlsPort(), cliTls(certs.client()), "PING").output().trim());
            // optional does not mean unchecked: an untrusted certificate is still refused
            TlsPeers.Run bad = TlsPeers.redisCli(s.tlsPort(), cliTls(certs.untrustedClient()), "PING");
            assertFalse(bad.output().contains("PONG"), bad.output());
        }
    }

    // ------------------------------------------------------------------ Jedis

    private static Jedis jedis(int port, Identity as) {
        SSLParameters p = new SSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        return new Jedis(new HostAndPort("127.0.0.1", port), DefaultJedisClientConfig.builder()
                .ssl(true).sslSocketFactory(certs.clientContext(as).getSocketFactory()).sslParameters(p)
                .timeoutMillis(5000).build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void jedisOverTlsAndMutualTls(String provider) {
        try (ServerFixture s = start(provider, "optional")) {
            try (Jedis tls = jedis(s.tlsPort(), null); Jedis mtls = jedis(s.tlsPort(), certs.client())) {
                assertEquals("PONG", tls.ping());
                assertEquals("OK", tls.set("k", "v"));
                assertEquals("v", mtls.get("k"));
                for (int i = 0; i < 200; i++) {
                    mtls.append("log", "entry-" + i + ";");
                }
                assertTrue(tls.get("log").startsWith("entry-0;entry-1;") && tls.get("log").endsWith("entry-199;"));
                byte[] big = new byte[1 << 20];
                new java.util.Random(7).nextBytes(big);
                assertEquals("OK", tls.set("big".getBytes(), big));
                assertTrue(java.util.Arrays.equals(big, mtls.get("big".getBytes())), "1 MB value over TLS");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void jedisWithoutCertificateIsRefusedUnderYes(String provider) {
        try (ServerFixture s = start(provider, "yes")) {
            assertThrows(Exception.class, () -> {
                try (Jedis j = jedis(s.tlsPort(), null)) {
                    j.ping();
                }
            });
            try (Jedis j = jedis(s.tlsPort(), certs.client())) {
                assertEquals("PONG", j.ping());
            }
        }
    }

    // ------------------------------------------------------------------ Lettuce

    private static RedisClient lettuce(int port, Identity as) {
        SslOptions.Builder ssl = SslOptions.builder().jdkSslProvider().trustManager(certs.ca().certFile().toFile());
        if (as != null) {
            ssl.keyManager(as.certFile().toFile(), as.keyFile().toFile(), null);
        }
        RedisClient c = RedisClient.create(RedisURI.Builder.redis("127.0.0.1", port).withSsl(true)
                .withVerifyPeer(SslVerifyMode.FULL).withTimeout(Duration.ofSeconds(5)).build());
        c.setOptions(ClientOptions.builder().sslOptions(ssl.build()).build());
        return c;
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void lettuceOverTlsAndMutualTls(String provider) {
        try (ServerFixture s = start(provider, "optional")) {
            RedisClient plain = lettuce(s.tlsPort(), null);
            RedisClient mutual = lettuce(s.tlsPort(), certs.client());
            try (StatefulRedisConnection<String, String> a = plain.connect();
                 StatefulRedisConnection<String, String> b = mutual.connect()) {
                assertEquals("PONG", a.sync().ping());
                assertEquals("OK", a.sync().set("lk", "lv"));
                assertEquals("lv", b.sync().get("lk"));
                assertEquals(5L, b.sync().incrby("counter", 5));
                // pipelined async commands over one TLS connection
                var futures = new java.util.ArrayList<io.lettuce.core.RedisFuture<Long>>();
                for (int i = 0; i < 500; i++) {
                    futures.add(a.async().incr("counter"));
                }
                for (var f : futures) {
                    assertTrue(io.lettuce.core.LettuceFutures.awaitAll(Duration.ofSeconds(10), f));
                }
                assertEquals("505", b.sync().get("counter"));
            } finally {
                plain.shutdown(Duration.ZERO, Duration.ofSeconds(2));
                mutual.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void lettuceWithUntrustedCertificateIsRefused(String provider) {
        try (ServerFixture s = start(provider, "yes")) {
            RedisClient intruder = lettuce(s.tlsPort(), certs.untrustedClient());
            RedisClient good = lettuce(s.tlsPort(), certs.client());
            try {
                assertThrows(Exception.class, () -> {
                    try (StatefulRedisConnection<String, String> c = intruder.connect()) {
                        c.sync().ping();
                    }
                });
                try (StatefulRedisConnection<String, String> c = good.connect()) {
                    assertEquals("PONG", c.sync().ping());
                }
            } finally {
                intruder.shutdown(Duration.ZERO, Duration.ofSeconds(2));
                good.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        }
    }

    /** A raw JDK socket sees the served certificate chain (SAN 127.0.0.1 verified by the client). */
    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void servesTheConfiguredCertificate(String provider) throws IOException {
        try (ServerFixture s = start(provider, "no");
             SSLSocket c = TlsPeers.connect(s.tlsPort(), certs.clientContext(null))) {
            assertEquals(certs.server().cert(), c.getSession().getPeerCertificates()[0]);
            assertEquals("+PONG", TlsPeers.call(c, "PING"));
        }
    }
}
