package io.redmesh.node.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.ServerFixture;
import io.redmesh.node.testing.TestCertificates;
import io.redmesh.node.testing.TestCertificates.Identity;
import java.io.IOException;
import java.util.Set;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * A revoked certificate serial (the agent gossips them) is refused at the next handshake and
 * connections that already presented it are closed; other clients are untouched.
 */
class RevocationTest {

    /** A request on a refused connection fails one way or another (alert, EOF, reset). */
    private static boolean refused(int port, TestCertificates certs, Identity as) {
        try (SSLSocket s = TlsPeers.connect(port, certs.clientContext(as))) {
            String line = TlsPeers.call(s, "PING");
            return line == null || line.isEmpty();
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * A client that reconnects with the same SSLContext resumes its TLS session (cache or
     * ticket), and a resumed handshake never shows the certificate to the trust manager again:
     * the revocation must still hold.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"openssl", "jdk"})
    void aResumedSessionDoesNotBringARevokedCertificateBack(String provider) throws Exception {
        try (TestCertificates certs = TestCertificates.create();
             ServerFixture s = ServerFixture.start(certs.serverArgs("--tls-auth-clients", "yes",
                     "--tls-provider", provider))) {
            Identity mallory = certs.newClient("mallory");
            javax.net.ssl.SSLContext ctx = certs.clientContext(mallory);
            for (int i = 0; i < 2; i++) { // the second connection may already resume
                try (SSLSocket m = TlsPeers.connect(s.tlsPort(), ctx)) {
                    assertEquals("+PONG", TlsPeers.call(m, "PING"));
                }
            }
            s.server().revokeCertificates(Set.of(mallory.cert().getSerialNumber()));
            for (int i = 0; i < 3; i++) {
                boolean refused;
                try (SSLSocket m = TlsPeers.connect(s.tlsPort(), ctx)) {
                    m.setSoTimeout(3000);
                    String line = TlsPeers.call(m, "PING");
                    refused = line == null || line.isEmpty();
                } catch (IOException e) {
                    refused = true;
                }
                assertTrue(refused, "reconnection " + i + " with the revoked certificate (" + provider + ")");
            }
        }
    }

    @Test
    void revokedClientIsRefusedAndDisconnected() throws Exception {
        try (TestCertificates certs = TestCertificates.create();
             ServerFixture s = ServerFixture.start(certs.serverArgs("--tls-auth-clients", "yes"))) {
            Identity mallory = certs.newClient("mallory");
            Identity alice = certs.newClient("alice");
            SSLSocket m = TlsPeers.connect(s.tlsPort(), certs.clientContext(mallory));
            SSLSocket a = TlsPeers.connect(s.tlsPort(), certs.clientContext(alice));
            assertEquals("+PONG", TlsPeers.call(m, "PING"));
            assertEquals("+PONG", TlsPeers.call(a, "PING"));

            int closed = s.server().revokeCertificates(Set.of(mallory.cert().getSerialNumber()));
            assertEquals(1, closed);
            m.setSoTimeout(3000);
            assertEquals(-1, m.getInputStream().read(), "the revoked client's connection is closed");
            assertTrue(refused(s.tlsPort(), certs, mallory), "a new handshake with the revoked certificate fails");
            assertEquals("+PONG", TlsPeers.call(a, "PING"), "other clients keep their connection");
            try (SSLSocket again = TlsPeers.connect(s.tlsPort(), certs.clientContext(alice))) {
                assertEquals("+PONG", TlsPeers.call(again, "PING"));
            }
            // revocation survives a reload of the TLS material
            s.client().callString("CONFIG", "SET", "tls-cert-file", certs.server().certFile().toString());
            assertTrue(refused(s.tlsPort(), certs, mallory));
            m.close();
            a.close();
        }
    }
}
