package io.redmesh.node.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.GeneratedCertificates;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import io.redmesh.node.testing.TestCertificates;
import io.redmesh.node.testing.TestCertificates.Identity;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.time.Duration;
import javax.net.ssl.SSLParameters;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Certificate-bound users ({@code tls-auth-clients-user}, the {@code certonly} user flag) over
 * real TLS connections: a JDK TLS socket, Jedis, Lettuce and Debian's redis-cli presenting client
 * certificates made here with BouncyCastle.
 */
class CertificateLoginTest {
    private static final String ADMIN_PASS = "admin-secret";
    @GeneratedCertificates
    private static TestCertificates certs;

    /** A node with a password on the default user, TLS with optional client certificates. */
    private static ServerFixture start(String mode) {
        ServerFixture s = ServerFixture.start(certs.serverArgs("--tls-auth-clients", "optional",
                "--tls-auth-clients-user", mode, "--requirepass", ADMIN_PASS));
        try (RespClient admin = admin(s)) {
            assertEquals("+OK\r\n", admin.callString("ACL", "SETUSER", "alice", "on", "certonly", ">alice-pass",
                    "~alice:*", "+@all"));
            assertEquals("+OK\r\n", admin.callString("ACL", "SETUSER", "spiffe://prod.example/ns/cache/sa/api",
                    "on", "certonly", "~*", "+@read", "+acl|whoami"));
            assertEquals("+OK\r\n", admin.callString("ACL", "SETUSER", "bob", "on", ">bob-pass", "~*", "+@all"));
        }
        return s;
    }

    private static RespClient admin(ServerFixture s) {
        RespClient c = s.client();
        assertEquals("+OK\r\n", c.callString("AUTH", ADMIN_PASS));
        return c;
    }

    private static SSLSocket connect(ServerFixture s, Identity as) throws IOException {
        return TlsPeers.connect(s.tlsPort(), certs.clientContext(as));
    }

    private static String whoami(SSLSocket c) throws IOException {
        return TlsPeers.call(c, "ACL", "WHOAMI");
    }

    private static String lastLogEntry(ServerFixture s) {
        try (RespClient admin = admin(s)) {
            return admin.callString("ACL", "LOG", "1");
        }
    }

    @Test
    void aCertificateCommonNameLogsTheConnectionInAsThatUser() throws Exception {
        try (ServerFixture s = start("cn"); SSLSocket c = connect(s, certs.newClient("alice"))) {
            assertEquals("$5", whoami(c));
            assertEquals("alice", TlsPeers.readLine(c.getInputStream()));
            assertEquals("+OK", TlsPeers.call(c, "SET", "alice:1", "v"));
            assertTrue(TlsPeers.call(c, "SET", "bob:1", "v").startsWith("-NOPERM"));
            // RESET returns to the connection's own identity: the certificate's user
            assertEquals("+RESET", TlsPeers.call(c, "RESET"));
            assertEquals("$5", whoami(c));
            TlsPeers.readLine(c.getInputStream());
        }
    }

    @Test
    void certonlyUsersRefusePasswordLogins() throws Exception {
        try (ServerFixture s = start("cn"); RespClient plain = s.client()) {
            // the right password, but alice may only be used through a verified certificate
            assertEquals("-WRONGPASS invalid username-password pair or user is disabled.\r\n",
                    plain.callString("AUTH", "alice", "alice-pass"));
            assertTrue(lastLogEntry(s).contains("auth"));
            try (RespClient admin = admin(s)) {
                String list = admin.callString("ACL", "LIST");
                assertTrue(list.contains("user alice on certonly "), list);
                // the flag can be lifted, and then the password works as usual
                assertEquals("+OK\r\n", admin.callString("ACL", "SETUSER", "alice", "nocertonly"));
            }
            assertEquals("+OK\r\n", plain.callString("AUTH", "alice", "alice-pass"));
        }
    }

    @Test
    void anUnknownNameStaysOnTheDefaultUserAndIsLogged() throws Exception {
        try (ServerFixture s = start("cn"); SSLSocket c = connect(s, certs.newClient("mallory"))) {
            assertTrue(whoami(c).startsWith("-NOAUTH"));
            String log = lastLogEntry(s);
            assertTrue(log.contains("tls-cert") && log.contains("mallory"), log);
        }
    }

    @Test
    void ambiguousOrNulBearingCertificatesAreNeverMapped() throws Exception {
        X500Name twoCns = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, "mallory")
                .addRDN(BCStyle.CN, "alice").build();
        X500Name nul = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, "alice\0.evil").build();
        try (ServerFixture s = start("cn")) {
            for (X500Name subject : List.of(twoCns, nul)) {
                try (SSLSocket c = connect(s, certs.newClient(subject))) {
                    assertTrue(whoami(c).startsWith("-NOAUTH"), subject.toString());
                }
                assertTrue(lastLogEntry(s).contains("tls-cert"));
            }
        }
    }

    @Test
    void uriModeMapsTheOneSpiffeIdAndRefusesTwo() throws Exception {
        String id = "spiffe://prod.example/ns/cache/sa/api";
        try (ServerFixture s = start("uri")) {
            try (SSLSocket c = connect(s, certs.newClient(new X500Name("CN=alice"), id))) {
                assertEquals("$" + id.length(), whoami(c));
                assertEquals(id, TlsPeers.readLine(c.getInputStream()));
                assertTrue(TlsPeers.call(c, "SET", "k", "v").startsWith("-NOPERM")); // +@read only
            }
            try (SSLSocket c = connect(s, certs.newClient(new X500Name("CN=alice"), id, "spiffe://prod.example/x"))) {
                assertTrue(whoami(c).startsWith("-NOAUTH"));
            }
        }
    }

    @Test
    void offIgnoresCertificatesAndTheModeChangesAtRuntime() throws Exception {
        try (ServerFixture s = start("off")) {
            try (SSLSocket c = connect(s, certs.newClient("alice"))) {
                assertTrue(whoami(c).startsWith("-NOAUTH"));
            }
            try (RespClient admin = admin(s)) {
                assertEquals("+OK\r\n", admin.callString("CONFIG", "SET", "tls-auth-clients-user", "CN"));
                assertTrue(admin.callString("CONFIG", "GET", "tls-auth-clients-user").contains("cn"));
                assertTrue(admin.callString("CONFIG", "SET", "tls-auth-clients-user", "dn").startsWith("-ERR"));
            }
            try (SSLSocket c = connect(s, certs.newClient("alice"))) {
                assertEquals("$5", whoami(c));
            }
        }
    }

    @Test
    void deletingTheUserClosesItsCertificateConnections() throws Exception {
        try (ServerFixture s = start("cn"); SSLSocket c = connect(s, certs.newClient("alice"))) {
            assertEquals("$5", whoami(c));
            TlsPeers.readLine(c.getInputStream());
            try (RespClient admin = admin(s)) {
                assertEquals(":1\r\n", admin.callString("ACL", "DELUSER", "alice"));
            }
            assertThrows(IOException.class, () -> TlsPeers.call(c, "PING"));
        }
    }

    private static Jedis jedis(ServerFixture s, Identity as, String user, String pass) {
        SSLParameters p = new SSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder().ssl(true)
                .sslSocketFactory(certs.clientContext(as).getSocketFactory()).sslParameters(p).timeoutMillis(5000);
        if (user != null) {
            b.user(user).password(pass);
        }
        return new Jedis(new HostAndPort("127.0.0.1", s.tlsPort()), b.build());
    }

    @Test
    void jedisOverTlsRunsAsTheCertificateUserOrLogsInWithAPassword() {
        try (ServerFixture s = start("cn")) {
            try (Jedis alice = jedis(s, certs.newClient("alice"), null, null)) {
                assertEquals("alice", alice.aclWhoAmI());
                assertEquals("OK", alice.set("alice:j", "1"));
                assertThrows(JedisAccessControlException.class, () -> alice.get("bob:j"));
            }
            try (Jedis bob = jedis(s, null, "bob", "bob-pass")) {
                assertEquals("bob", bob.aclWhoAmI());
            }
            // a certificate for bob does not make AUTH as alice possible
            assertThrows(JedisAccessControlException.class, () -> {
                try (Jedis j = jedis(s, certs.newClient("bob"), "alice", "alice-pass")) {
                    j.ping();
                }
            });
        }
    }

    @Test
    void lettuceOverTlsRunsAsTheCertificateUser() {
        Identity alice = certs.newClient("alice");
        try (ServerFixture s = start("cn")) {
            SslOptions ssl = SslOptions.builder().jdkSslProvider().trustManager(certs.ca().certFile().toFile())
                    .keyManager(alice.certFile().toFile(), alice.keyFile().toFile(), null).build();
            RedisClient client = RedisClient.create(RedisURI.Builder.redis("127.0.0.1", s.tlsPort()).withSsl(true)
                    .withVerifyPeer(SslVerifyMode.FULL).withTimeout(Duration.ofSeconds(5)).build());
            client.setOptions(ClientOptions.builder().sslOptions(ssl).build());
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                assertEquals("alice", c.sync().aclWhoami());
                assertEquals("OK", c.sync().set("alice:l", "v"));
                assertThrows(RedisCommandExecutionException.class, () -> c.sync().get("other"));
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        }
    }

    @Test
    void redisCliWithAClientCertificateRunsAsItsUser() throws Exception {
        Assumptions.assumeTrue(TlsPeers.available("redis-cli"));
        Identity alice = certs.newClient("alice");
        try (ServerFixture s = start("cn")) {
            List<String> tls = List.of("--tls", "--cacert", certs.ca().certFile().toString(),
                    "--cert", alice.certFile().toString(), "--key", alice.keyFile().toString());
            assertEquals("alice", TlsPeers.redisCli(s.tlsPort(), tls, "ACL", "WHOAMI").output().trim());
            assertEquals("OK", TlsPeers.redisCli(s.tlsPort(), tls, "SET", "alice:k", "1").output().trim());
            String denied = TlsPeers.redisCli(s.tlsPort(), tls, "GET", "other").output();
            assertTrue(denied.contains("NOPERM"), denied);
            // no certificate: the default user, which needs a password
            List<String> noCert = List.of("--tls", "--cacert", certs.ca().certFile().toString());
            assertFalse(TlsPeers.redisCli(s.tlsPort(), noCert, "ACL", "WHOAMI").output().contains("alice"));
        }
    }
}
