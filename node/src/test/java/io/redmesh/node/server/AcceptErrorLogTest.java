package io.redmesh.node.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.NotSslRecordException;
import io.redmesh.node.testing.GeneratedCertificates;
import io.redmesh.node.testing.ServerFixture;
import io.redmesh.node.testing.TestCertificates;
import io.redmesh.node.util.ServerLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/**
 * redis/redis#8789: plaintext clients on a TLS port are logged once per peer per interval, not
 * once per attempt; the table of peers stays bounded.
 */
class AcceptErrorLogTest {
    @GeneratedCertificates
    private static TestCertificates certs;

    private static InetSocketAddress peer(String ip, int port) {
        return new InetSocketAddress(ip, port);
    }

    @Test
    void oncePerPeerPerIntervalThenTheCountOfWhatWasLeftOut() {
        AcceptErrorLog log = new AcceptErrorLog(60_000);
        Throwable plaintext = new NotSslRecordException("not an SSL/TLS record: 2a310d0a24340d0a50494e470d0a");
        String first = log.line(peer("127.0.0.1", 40001), plaintext, 1_000);
        assertEquals("Error accepting a client connection: not a TLS record (a plaintext client on the TLS port?)"
                + " (addr=127.0.0.1:40001)", first);
        for (int i = 0; i < 500; i++) {
            assertNull(log.line(peer("127.0.0.1", 40002 + i), plaintext, 2_000 + i), "same address, other port");
        }
        assertNotNull(log.line(peer("127.0.0.2", 40001), plaintext, 3_000), "another peer has its own line");
        String next = log.line(peer("127.0.0.1", 41000), new SSLHandshakeException("Empty client certificate chain"),
                61_000);
        assertEquals("Error accepting a client connection: Empty client certificate chain (addr=127.0.0.1:41000; "
                + "500 more from 127.0.0.1 in the last 60 s not logged)", next);
    }

    @Test
    void theTableIsBoundedAndTheRestShareOneLine() {
        AcceptErrorLog log = new AcceptErrorLog(60_000);
        Throwable t = new SSLHandshakeException("x".repeat(10_000));
        for (int i = 0; i < AcceptErrorLog.MAX_PEERS; i++) {
            String line = log.line(peer("10.0." + (i / 256) + "." + (i % 256), 1), t, 0);
            assertTrue(line.length() < 300, "a long reason is cut: " + line.length());
        }
        assertNotNull(log.line(peer("10.9.9.9", 1), t, 1), "the first of the others is logged");
        assertEquals(AcceptErrorLog.MAX_PEERS + 1, limiterSize(log), "bounded");
        assertNull(log.line(peer("10.9.9.10", 1), t, 2), "then they share the interval");
        assertNotNull(log.line(peer("10.9.9.11", 1), t, 60_000), "old entries make room again");
    }

    private static int limiterSize(AcceptErrorLog log) {
        try {
            java.lang.reflect.Field f = AcceptErrorLog.class.getDeclaredField("limiter");
            f.setAccessible(true);
            return ((io.redmesh.node.util.LogLimiter) f.get(log)).size();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aClientWithAnUntrustedCertificateRetryingIsLoggedOnce() throws IOException {
        Path file = Files.createTempFile("redmesh-accept", ".log");
        try (ServerFixture s = ServerFixture.start(certs.serverArgs("--logfile", file.toString()))) {
            javax.net.ssl.SSLContext rogue = certs.clientContext(certs.untrustedClient());
            for (int i = 0; i < 20; i++) {
                try (javax.net.ssl.SSLSocket c = (javax.net.ssl.SSLSocket) rogue.getSocketFactory()
                        .createSocket("127.0.0.1", s.tlsPort())) {
                    c.setSoTimeout(5_000);
                    c.startHandshake();
                    c.getOutputStream().write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
                    c.getOutputStream().flush();
                    while (c.getInputStream().read() >= 0) {
                        // until the server's alert closes it
                    }
                } catch (IOException refused) {
                    // the alert, as expected
                }
            }
            assertEquals("+PONG\r\n", s.client().callString("PING"), "the server stays up");
            String text = Files.readString(file);
            // a JDK client keeps a certificate the server's CA list does not name to itself; a node's
            // outgoing link presents it anyway (the sentinel module's BadInputTest counts those lines)
            assertTrue(text.lines().filter(l -> l.contains("TLS client certificate refused")).count() <= 1, text);
            assertEquals(1, text.lines().filter(l -> l.contains("Error accepting a client connection")).count(), text);
        } finally {
            ServerLog.logfile("");
            Files.deleteIfExists(file);
        }
    }

    @Test
    void plaintextClientsHammeringTheTlsPortLogOneLine() throws IOException {
        Path file = Files.createTempFile("redmesh-accept", ".log");
        try (ServerFixture s = ServerFixture.start(certs.serverArgs("--logfile", file.toString()))) {
            for (int i = 0; i < 50; i++) {
                try (Socket c = new Socket("127.0.0.1", s.tlsPort())) {
                    c.setSoTimeout(5_000);
                    OutputStream out = c.getOutputStream();
                    out.write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    InputStream in = c.getInputStream();
                    while (in.read() >= 0) {
                        // until the server closes it (bounded by the socket timeout)
                    }
                } catch (java.net.SocketException | java.net.SocketTimeoutException closed) {
                    // reset by the server: as good as closed
                }
            }
            assertEquals("+PONG\r\n", s.client().callString("PING"), "the server stays up");
            String text = Files.readString(file);
            long lines = text.lines().filter(l -> l.contains("Error accepting a client connection")).count();
            assertEquals(1, lines, text);
            assertTrue(text.contains("# Error accepting a client connection: not a TLS record"), text);
        } finally {
            ServerLog.logfile("");
            Files.deleteIfExists(file);
        }
    }
}
