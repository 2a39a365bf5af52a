package io.redmesh.agent.enroll;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redmesh.agent.pki.CertificateAuthority;
import io.redmesh.agent.pki.CertificateRequests;
import io.redmesh.agent.pki.Role;
import io.redmesh.agent.pki.SanPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The enrollment endpoint accepts connections from anyone (a first enrollment has no
 * certificate): a client that dribbles bytes, or a flood of idle connections, must not keep
 * the issuer from answering real requests, nor hold sockets open.
 */
class EnrollmentServerAbuseTest {

    private static Collection<X509Certificate> trust;

    private static EnrollmentServer server(int deadlineMillis) throws Exception {
        CertificateAuthority root = CertificateAuthority.createRoot("abuse-root", Duration.ofDays(1));
        KeyPair keys = CertificateRequests.newKeyPair();
        var csr = CertificateRequests.parse(CertificateRequests.create(keys, "issuer", List.of("localhost"),
                List.of("127.0.0.1")));
        X509Certificate leaf = root.signLeaf(csr, "issuer", Role.NODE, Duration.ofHours(1), SanPolicy.defaults());
        TlsIdentity.Material m = new TlsIdentity.Material(keys.getPrivate(), root.leafChain(leaf));
        trust = List.of(root.certificate());
        return new EnrollmentServer("127.0.0.1", 0, () -> m, () -> trust,
                (req, peer) -> "OK".getBytes(StandardCharsets.UTF_8), deadlineMillis);
    }

    @Test
    void slowClientsAreCutOffAndRealRequestsServed() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<Socket> slow = new ArrayList<>();
        try (EnrollmentServer s = server(1000)) {
            // Two connections (as many as there are workers) that send a TLS record header announcing
            // 16 KB and then one byte every 300 ms: each read succeeds, no read timeout ever fires.
            for (int i = 0; i < 2; i++) {
                Socket raw = new Socket();
                raw.connect(new InetSocketAddress("127.0.0.1", s.port()), 2000);
                slow.add(raw);
            }
            Thread dribbler = new Thread(() -> {
                try {
                    for (Socket raw : slow) {
                        raw.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x40, 0x00});
                    }
                    while (!stop.get()) {
                        for (Socket raw : slow) {
                            try {
                                raw.getOutputStream().write(1);
                            } catch (IOException closed) {
                                // cut off by the server: what we want
                            }
                        }
                        Thread.sleep(300);
                    }
                } catch (IOException | InterruptedException e) {
                    // end
                }
            });
            dribbler.setDaemon(true);
            dribbler.start();
            Thread.sleep(200);
            byte[] answer = EnrollmentClient.call("127.0.0.1", s.port(), trust, () -> null, new byte[] {1});
            assertArrayEquals("OK".getBytes(StandardCharsets.UTF_8), answer);
        } finally {
            stop.set(true);
            for (Socket raw : slow) {
                raw.close();
            }
        }
    }

    @Test
    void connectionsBeyondTheQueueAreClosedNotLeaked() throws Exception {
        List<Socket> idle = new ArrayList<>();
        try (EnrollmentServer s = server(5000)) {
            for (int i = 0; i < 2 + 32 + 5; i++) { // workers + queue + 5 more
                Socket raw = new Socket();
                raw.connect(new InetSocketAddress("127.0.0.1", s.port()), 2000);
                idle.add(raw);
            }
            // The last ones found no worker and no queue slot: the server must close them now.
            Socket last = idle.get(idle.size() - 1);
            last.setSoTimeout(2000);
            InputStream in = last.getInputStream();
            assertEquals(-1, in.read(), "a connection the endpoint cannot serve is closed at once");
        } finally {
            for (Socket raw : idle) {
                raw.close();
            }
        }
    }
}
