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
