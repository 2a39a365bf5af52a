package io.redmesh.node.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.GeneratedCertificates;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import io.redmesh.node.testing.TestCertificates;
import io.redmesh.node.testing.TestCertificates.Identity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * CONFIG SET of TLS material: a rotation takes effect for new handshakes while established
 * connections keep working; bad material (missing file, a key that is not the certificate's,
 * a wrong passphrase) is refused with Redis's error, and what was in force stays in force.
 * Encrypted server keys (PKCS#8 and traditional PEM) load with tls-key-file-pass.
 */
class TlsReloadTest {
    private static final String REFUSED = "-ERR CONFIG SET failed (possibly related to argument '%s') - "
            + "Unable to update TLS configuration. Check server logs.\r\n";

    @GeneratedCertificates
    private static TestCertificates certs;

    private static Certificate served(ServerFixture s) throws IOException {
        try (SSLSocket c = TlsPeers.connect(s.tlsPort(), certs.clientContext(certs.client()))) {
            assertEquals("+PONG", TlsPeers.call(c, "PING"));
            return c.getSession().getPeerCertificates()[0];
        }
    }

    private static String configSet(ServerFixture s, String... pairs) {
        String[] args = new String[pairs.length + 2];
        args[0] = "CONFIG";
        args[1] = "SET";
        System.arraycopy(pairs, 0, args, 2, pairs.length);
        try (RespClient c = s.client()) {
            return c.callString(args);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void rotationAppliesToNewHandshakesAndKeepsEstablishedOnes(String provider) throws IOException {
        try (ServerFixture s = ServerFixture.start(certs.serverArgs("--tls-provider", provider))) {
            SSLSocket before = TlsPeers.connect(s.tlsPort(), certs.clientContext(certs.client()));
            try (before) {
                assertEquals("+OK", TlsPeers.call(before, "SET", "k", "v1"));
                assertEquals(certs.server().cert(), before.getSession().getPeerCertificates()[0]);
                long generation = s.server().tls().generation();

                Identity next = certs.newServer("Server-rotated");
                assertEquals("+OK\r\n", configSet(s, "tls-cert-file", next.certFile().toString(),
                        "tls-key-file", next.keyFile().toString()));
                assertEquals(generation + 1, s.server().tls().generation());
                assertEquals(next.cert(), served(s));
                // the connection made before the rotation goes on, on its old session
                assertEquals("+OK", TlsPeers.call(before, "SET", "k", "v2"));
                assertEquals("+PONG", TlsPeers.call(before, "PING"));
                assertEquals(certs.server().cert(), before.getSession().getPeerCertificates()[0]);

                // the material can also be replaced in place: same paths, new files
                Identity third = certs.newServer("Server-third");
                Files.copy(third.certFile(), next.certFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.copy(third.keyFile(), next.keyFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                assertEquals(next.cert(), served(s), "nothing changes until CONFIG SET asks");
                assertEquals("+OK\r\n", configSet(s, "tls-cert-file", next.certFile().toString()));
                assertEquals(third.cert(), served(s));
                assertEquals("+PONG", TlsPeers.call(before, "PING"));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void badMaterialIsRefusedAndTheOldStaysInForce(String provider) throws IOException {
        try (ServerFixture s = ServerFixture.start(certs.serverArgs("--tls-provider", provider));
             SSLSocket established = TlsPeers.connect(s.tlsPort(), certs.clientContext(certs.client()))) {
            String cert = certs.server().certFile().toString();
            String key = certs.server().keyFile().toString();
            Path missing = certs.dir().resolve("no-such.crt");

            assertEquals(String.format(REFUSED, "tls-cert-file"), configSet(s, "tls-cert-file", missing.toString()));
            assertEquals(String.format(REFUSED, "tls-key-file"),
                    configSet(s, "tls-key-file", certs.mismatchedKey().toString()));
            // a new certificate alone does not match the old key either
            Identity other = certs.newServer("Server-other");
            assertEquals(String.format(REFUSED, "tls-cert-file"),
                    configSet(s, "tls-cert-file", other.certFile().toString()));
            assertEquals(String.format(REFUSED, "tls-key-file"),
                    configSet(s, "tls-key-file", certs.serverKeyPkcs8Encrypted().toString(),
                            "tls-key-file-pass", "wrong passphrase"));
            assertEquals(String.format(REFUSED, "tls-key-file"),
                    configSet(s, "tls-key-file", certs.serverKeyTraditionalEncrypted().toString()));
            assertEquals(String.format(REFUSED, "tls-ca-cert-file"),
                    configSet(s, "tls-ca-cert-file", missing.toString()));
            assertEquals(String.format(REFUSED, "tls-ciphers"), configSet(s, "tls-ciphers", "NO-SUCH-CIPHER"));
            assertEquals(String.format(REFUSED, "tls-protocols"), configSet(s, "tls-protocols", "SSLv3"));
            // a key file that holds no key at all
            assertEquals(String.format(REFUSED, "tls-key-file"), configSet(s, "tls-key-file", cert));

            // every value is back, and the served material never changed
            try (RespClient c = s.client()) {
                assertEquals("*2\r\n$13\r\ntls-cert-file\r\n$" + cert.length() + "\r\n" + cert + "\r\n",
                        c.callString("CONFIG", "GET", "tls-cert-file"));
                assertEquals("*2\r\n$12\r\ntls-key-file\r\n$" + key.length() + "\r\n" + key + "\r\n",
                        c.callString("CONFIG", "GET", "tls-key-file"));
                assertEquals("*2\r\n$17\r\ntls-key-file-pass\r\n$0\r\n\r\n",
                        c.callString("CONFIG", "GET", "tls-key-file-pass"));
            }
            assertEquals(1, s.server().tls().generation());
            assertEquals(certs.server().cert(), served(s));
            assertEquals("+PONG", TlsPeers.call(established, "PING"));

            // the right passphrase loads the encrypted forms of the same key
            assertEquals("+OK\r\n", configSet(s, "tls-key-file", certs.serverKeyPkcs8Encrypted().toString(),
                    "tls-key-file-pass", TestCertificates.PASSPHRASE));
            assertEquals(certs.server().cert(), served(s));
            assertEquals("+OK\r\n", configSet(s, "tls-key-file", certs.serverKeyTraditionalEncrypted().toString()));
            assertEquals(certs.server().cert(), served(s));
            assertEquals("+PONG", TlsPeers.call(established, "PING"));
        }
    }

    @Test
    void theReasonGoesToTheLog() throws IOException {
        Path log = Files.createTempFile("redmesh-tls", ".log");
        try (ServerFixture s = ServerFixture.start(certs.serverArgs("--logfile", log.toString()))) {
            configSet(s, "tls-key-file", certs.mismatchedKey().toString());
            configSet(s, "tls-key-file", certs.serverKeyPkcs8Encrypted().toString(), "tls-key-file-pass", "nope");
            configSet(s, "tls-cert-file", "/nonexistent/server.crt");
            String text = Files.readString(log);
            assertTrue(text.contains("Failed to load private key: " + certs.mismatchedKey()
                    + ": private key " + certs.mismatchedKey() + " does not match certificate"), text);
            assertTrue(text.contains("cannot decrypt private key " + certs.serverKeyPkcs8Encrypted()
                    + " (wrong tls-key-file-pass?)"), text);
            assertTrue(text.contains("Failed to load certificate: /nonexistent/server.crt: file not found"), text);
        } finally {
            io.redmesh.node.util.ServerLog.logfile("");
            Files.deleteIfExists(log);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void encryptedKeysLoadAtStartUp(String provider) throws IOException {
        for (Path key : new Path[] {certs.serverKeyPkcs8Encrypted(), certs.serverKeyTraditionalEncrypted()}) {
            try (ServerFixture s = ServerFixture.start(certs.serverArgs("--tls-provider", provider,
                    "--tls-key-file", key.toString(), "--tls-key-file-pass", TestCertificates.PASSPHRASE))) {
                assertEquals(certs.server().cert(), served(s));
            }
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> ServerFixture.start(
                    certs.serverArgs("--tls-provider", provider, "--tls-key-file", key.toString(),
                            "--tls-key-file-pass", "wrong")).close());
            assertTrue(e.getMessage().contains("Failed to configure TLS"), e.getMessage());
        }
    }

    @Test
    void otherTlsDirectivesReloadToo() throws IOException {
        try (ServerFixture s = ServerFixture.start(certs.serverArgs("--tls-auth-clients", "yes"));
             SSLSocket established = TlsPeers.connect(s.tlsPort(), certs.clientContext(certs.client()))) {
            assertThrows(IOException.class, () -> {
                try (SSLSocket c = TlsPeers.connect(s.tlsPort(), certs.clientContext(null))) {
                    TlsPeers.call(c, "PING");
                }
            });
            assertEquals("+OK\r\n", configSet(s, "tls-auth-clients", "no"));
            try (SSLSocket c = TlsPeers.connect(s.tlsPort(), certs.clientContext(null))) {
                assertEquals("+PONG", TlsPeers.call(c, "PING"));
            }
            assertEquals("+OK\r\n", configSet(s, "tls-provider", "jdk"));
            assertEquals("JDK", s.server().tls().provider().name());
            assertEquals("+OK\r\n", configSet(s, "tls-provider", "openssl", "tls-protocols", "TLSv1.3"));
            assertEquals("OPENSSL", s.server().tls().provider().name());
            try (SSLSocket c = TlsPeers.connect(s.tlsPort(), certs.clientContext(null))) {
                assertEquals("TLSv1.3", c.getSession().getProtocol());
            }
            assertEquals("+PONG", TlsPeers.call(established, "PING"));
        }
    }
    @Test
    void tlsPortCanBeOpenedAndClosedAtRuntime() throws IOException {
        String[] args = certs.serverArgs();
        args[1] = "0"; // --tls-port 0: material configured, listener closed
        try (ServerFixture s = ServerFixture.start(args)) {
            assertEquals(0, s.tlsPort());
            int port = io.redmesh.node.testing.Ports.free();
            assertEquals("+OK\r\n", configSet(s, "tls-port", Integer.toString(port)));
            assertEquals(port, s.tlsPort());
            SSLSocket c = TlsPeers.connect(port, certs.clientContext(certs.client()));
            try (c) {
                assertEquals("+PONG", TlsPeers.call(c, "PING"));
                // setting the same port again changes nothing and drops nobody
                assertEquals("+OK\r\n", configSet(s, "tls-port", Integer.toString(port)));
                assertEquals("+PONG", TlsPeers.call(c, "PING"));
                // a port someone else holds is refused; the current listener stays
                try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
                        java.net.InetAddress.getByName("127.0.0.1"))) {
                    assertEquals("-ERR CONFIG SET failed (possibly related to argument 'tls-port') - Unable to "
                            + "listen on this port. Check server logs.\r\n",
                            configSet(s, "tls-port", Integer.toString(taken.getLocalPort())));
                }
                assertEquals(port, s.tlsPort());
                assertEquals(certs.server().cert(), served(s));
            }
            assertEquals("+OK\r\n", configSet(s, "tls-port", "0"));
            assertThrows(IOException.class, () -> TlsPeers.connect(port, certs.clientContext(certs.client())).close());
        }
    }

    @Test
    void clientSideMaterialIsCheckedToo() throws IOException {
        try (ServerFixture s = ServerFixture.start(certs.serverArgs())) {
            Identity outgoing = certs.newClient("replica-link");
            assertEquals("+OK\r\n", configSet(s, "tls-client-cert-file", outgoing.certFile().toString(),
                    "tls-client-key-file", outgoing.keyFile().toString()));
            assertEquals(String.format(REFUSED, "tls-client-key-file"),
                    configSet(s, "tls-client-key-file", certs.client().keyFile().toString()));
            assertEquals(String.format(REFUSED, "tls-client-cert-file"),
                    configSet(s, "tls-client-cert-file", certs.dir().resolve("absent.crt").toString()));
            assertEquals(certs.server().cert(), served(s));
        }
    }

    /** The tls-* directive names are Redis's, no more and no fewer (RedMesh's own are hidden). */
    @Test
    void tlsDirectiveNamesMatchRedis() {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.redmesh.node.testing.RedisProcess.available());
        java.util.Set<String> ours;
        java.util.Set<String> theirs;
        try (ServerFixture s = ServerFixture.start(); RespClient c = s.client()) {
            ours = names(c.callString("CONFIG", "GET", "tls-*"));
        }
        try (io.redmesh.node.testing.RedisProcess r = io.redmesh.node.testing.RedisProcess.start();
             RespClient c = r.client()) {
            theirs = names(c.callString("CONFIG", "GET", "tls-*"));
        }
        assertEquals(new java.util.TreeSet<>(theirs), new java.util.TreeSet<>(ours));
        assertTrue(ours.contains("tls-ciphersuites") && !ours.contains("tls-provider"), ours.toString());
    }

    /** The names of a CONFIG GET reply (every other bulk string). */
    private static java.util.Set<String> names(String reply) {
        String[] lines = reply.split("\r\n");
        java.util.Set<String> out = new java.util.HashSet<>();
        // *N, then $len name $len value pairs: names are lines 2, 6, 10 ...
        for (int i = 2; i < lines.length; i += 4) {
            out.add(lines[i]);
        }
        return out;
    }

    @Test
    void caDirectoryIsTrusted() throws IOException {
        java.nio.file.Path dir = Files.createTempDirectory("redmesh-ca-dir");
        try {
            Files.copy(certs.ca().certFile(), dir.resolve("ca.pem"));
            try (ServerFixture s = ServerFixture.start(certs.serverArgs("--tls-ca-cert-file", "",
                    "--tls-ca-cert-dir", dir.toString()))) {
                assertEquals(certs.server().cert(), served(s)); // served() presents the client certificate
                assertThrows(IOException.class, () -> {
                    try (SSLSocket c = TlsPeers.connect(s.tlsPort(), certs.clientContext(certs.untrustedClient()))) {
                        TlsPeers.call(c, "PING");
                    }
                });
            }
        } finally {
            try (var w = Files.walk(dir)) {
                w.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * TLS 1.2 sessions resume (one full handshake per client, not per connection). With
     * tls-session-caching no the server keeps no session cache, as Redis (SSL_SESS_CACHE_OFF);
     * like Redis with OpenSSL, stateless tickets still let a client resume, so "no" is only
     * checked to keep serving.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void sessionsResume(String provider) throws IOException {
        for (String caching : List.of("yes", "no")) {
            try (ServerFixture s = ServerFixture.start(certs.serverArgs("--tls-provider", provider,
                    "--tls-session-caching", caching))) {
                javax.net.ssl.SSLContext ctx = certs.clientContext(certs.client());
                String[] v12 = {"TLSv1.2"};
                byte[] first;
                try (SSLSocket a = TlsPeers.connect(s.tlsPort(), ctx, v12, null)) {
                    assertEquals("+PONG", TlsPeers.call(a, "PING"));
                    first = a.getSession().getId();
                }
                try (SSLSocket b = TlsPeers.connect(s.tlsPort(), ctx, v12, null)) {
                    assertEquals("+PONG", TlsPeers.call(b, "PING"));
                    if (caching.equals("yes")) {
                        assertTrue(java.util.Arrays.equals(first, b.getSession().getId()), provider + " resumes");
                    }
                }
            }
        }
    }
}
