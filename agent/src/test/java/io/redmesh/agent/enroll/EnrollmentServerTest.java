package io.redmesh.agent.enroll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.TestCertificates;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** The issuer's enrollment endpoint: one framed request per TLS connection; bad input never breaks it. */
class EnrollmentServerTest {

    @Test
    void answersRequestsWithAndWithoutClientCertificates() throws Exception {
        try (TestCertificates certs = TestCertificates.create()) {
            TestCertificates.Identity server = certs.server();
            TestCertificates.Identity client = certs.client();
            AtomicReference<X509Certificate[]> seenPeer = new AtomicReference<>();
            try (EnrollmentServer s = new EnrollmentServer("127.0.0.1", 0,
                    () -> new TlsIdentity.Material(server.key(), List.of(server.cert())),
                    () -> List.of(certs.ca().cert()), (req, peer) -> {
                        seenPeer.set(peer);
                        return ("echo " + new String(req, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                    })) {
                byte[] a = EnrollmentClient.call("127.0.0.1", s.port(), List.of(certs.ca().cert()), () -> null,
                        "first".getBytes(StandardCharsets.UTF_8));
                assertEquals("echo first", new String(a, StandardCharsets.UTF_8));
                assertNull(seenPeer.get(), "no client certificate: first enrollment");
                byte[] b = EnrollmentClient.call("127.0.0.1", s.port(), List.of(certs.ca().cert()),
                        () -> new TlsIdentity.Material(client.key(), List.of(client.cert())),
                        "renew".getBytes(StandardCharsets.UTF_8));
                assertEquals("echo renew", new String(b, StandardCharsets.UTF_8));
                assertEquals(client.cert(), seenPeer.get()[0]);

                // garbage: plain bytes instead of a TLS handshake, then an oversized frame
                try (Socket raw = new Socket("127.0.0.1", s.port())) {
                    raw.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    raw.setSoTimeout(15_000);
                    int first = raw.getInputStream().read();
                    assertTrue(first == -1 || first == 21, "a TLS alert (21) or a close, got " + first);
                }
                SSLSocket tls = (SSLSocket) TlsIdentity.context(() -> null, List.of(certs.ca().cert()))
                        .getSocketFactory().createSocket("127.0.0.1", s.port());
                try (tls) {
                    DataOutputStream out = new DataOutputStream(tls.getOutputStream());
                    out.writeInt(EnrollmentServer.MAX_FRAME + 1);
                    out.flush();
                    DataInputStream in = new DataInputStream(tls.getInputStream());
                    byte[] answer = new byte[in.readInt()];
                    in.readFully(answer);
                    assertTrue(new String(answer, StandardCharsets.UTF_8).contains("request too large"));
                }
                // an untrusted server is refused by the client
                assertThrows(IOException.class, () -> EnrollmentClient.call("127.0.0.1", s.port(),
                        List.of(certs.untrustedCa().cert()), () -> null, new byte[1]));
                // and it still serves
                byte[] c = EnrollmentClient.call("127.0.0.1", s.port(), List.of(certs.ca().cert()), () -> null,
                        "again".getBytes(StandardCharsets.UTF_8));
                assertEquals("echo again", new String(c, StandardCharsets.UTF_8));
            }
        }
    }
}
