package io.redmesh.node.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.GeneratedCertificates;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import io.redmesh.node.testing.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * CVE-2026-81934 (Redis 8.8.2 / 7.4.11 / 7.2.16 / 6.2.24, Debian deb12u10): a use-after-free in
 * tlsProcessPendingData(): a command run for one TLS connection with decrypted data pending
 * closed another connection of the pending list (CLIENT KILL), which was then used. RedMesh's TLS
 * is Netty's SslHandler (BoringSSL or the JDK), which owns each connection's buffers and drops
 * them with the channel, so it is not affected by construction. The replay: TLS clients that
 * keep writing pipelines larger than a TLS record while a TLS admin client kills them with its
 * own pipeline, on one and two I/O threads and with both TLS providers; TLS clients that reset
 * in the middle of a record; and a TLS client that never reads its replies. The node must keep
 * serving and forget every killed connection.
 */
class Cve2026_81934TlsPendingDataTest {
    @GeneratedCertificates
    private static TestCertificates certs;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static SSLSocket tls(int port, int receiveBuffer) throws IOException {
        return tlsOver(plain(port, receiveBuffer));
    }

    /** The TCP connection under a TLS client: closing it aborts a write the server holds up. */
    private static java.net.Socket plain(int port, int receiveBuffer) throws IOException {
        java.net.Socket raw = new java.net.Socket();
        if (receiveBuffer > 0) {
            raw.setReceiveBufferSize(receiveBuffer);
        }
        raw.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        raw.setSoTimeout(10_000);
        return raw;
    }

    private static SSLSocket tlsOver(java.net.Socket raw) throws IOException {
        SSLSocket s = (SSLSocket) certs.clientContext(certs.client()).getSocketFactory()
                .createSocket(raw, "127.0.0.1", raw.getPort(), true);
        s.startHandshake();
        return s;
    }

    private static long connectedClients(RespClient c) {
        String info = c.callString("INFO", "clients");
        return Long.parseLong(info.replaceAll("(?s).*connected_clients:(\\d+).*", "$1"));
    }

    @Test
    void killingTlsClientsWhileTheirPipelinesArePending() throws Exception {
        for (String[] variant : new String[][] {{"1", "openssl"}, {"2", "openssl"}, {"2", "jdk"}}) {
            try (ServerFixture ours = ServerFixture.start(certs.serverArgs("--io-threads", variant[0],
                    "--tls-provider", variant[1]));
                 RespClient plain = ours.client()) {
                ExecutorService pool = Executors.newFixedThreadPool(9);
                long end = System.currentTimeMillis() + 3000;
                List<Future<?>> work = new ArrayList<>();
                byte[] pipeline = pipelineOfSets(200, 300); // ~70 KB: several TLS records per write
                for (int v = 0; v < 8; v++) {
                    work.add(pool.submit(() -> {
                        while (System.currentTimeMillis() < end) {
                            try (SSLSocket s = tls(ours.tlsPort(), 0)) {
                                OutputStream out = s.getOutputStream();
                                for (int k = 0; k < 20 && System.currentTimeMillis() < end; k++) {
                                    out.write(pipeline);
                                }
                            } catch (IOException killed) {
                                // killed by the admin mid-pipeline: what this test provokes
                            }
                        }
                        return null;
                    }));
                }
                work.add(pool.submit(() -> {
                    try (SSLSocket admin = tls(ours.tlsPort(), 0)) {
                        OutputStream out = admin.getOutputStream();
                        InputStream in = admin.getInputStream();
                        // every connection of the TLS listener but this one (the plaintext client stays)
                        byte[] kill = RespClient.encode(b("CLIENT"), b("KILL"), b("LADDR"),
                                b("127.0.0.1:" + ours.tlsPort()), b("SKIPME"), b("yes"));
                        byte[] ping = RespClient.encode(b("PING"));
                        while (System.currentTimeMillis() < end) {
                            out.write(kill);
                            out.write(kill);
                            out.write(ping);
                            skipUntilPong(in);
                        }
                    }
                    return null;
                }));
                for (Future<?> f : work) {
                    f.get(30, TimeUnit.SECONDS);
                }
                pool.shutdownNow();
                assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
                assertEquals("+PONG\r\n", plain.callString("PING"), "variant " + String.join("/", variant));
                long deadline = System.currentTimeMillis() + 10_000;
                while (connectedClients(plain) != 1 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(50);
                }
                assertEquals(1, connectedClients(plain), "every killed TLS connection is gone");
                try (SSLSocket after = tls(ours.tlsPort(), 0)) {
                    after.getOutputStream().write(RespClient.encode(b("PING")));
                    assertEquals("+PONG\r\n", new String(after.getInputStream().readNBytes(7), StandardCharsets.ISO_8859_1));
                }
            }
        }
    }

    private static byte[] pipelineOfSets(int commands, int valueBytes) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < commands; i++) {
            out.writeBytes(RespClient.encode(b("SET"), b("tls:" + i), b("v".repeat(valueBytes))));
        }
        return out.toByteArray();
    }

    /** Reads (and drops) the kill counts until the +PONG after them. */
    private static void skipUntilPong(InputStream in) throws IOException {
        StringBuilder tail = new StringBuilder();
        while (!tail.toString().endsWith("+PONG\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("admin connection closed");
            }
            tail.append((char) c);
            if (tail.length() > 64) {
                tail.delete(0, tail.length() - 16);
            }
        }
    }

    /** A TLS client writes most of a large request and resets the connection, again and again. */
    @Test
    void tlsClientsThatResetInTheMiddleOfARecord() throws Exception {
        try (ServerFixture ours = ServerFixture.start(certs.serverArgs()); RespClient plain = ours.client()) {
            byte[] big = RespClient.encode(b("SET"), b("big"), b("x".repeat(200_000)));
            for (int i = 0; i < 100; i++) {
                try (SSLSocket s = tls(ours.tlsPort(), 0)) {
                    s.getOutputStream().write(big, 0, big.length / 2 + i * 37);
                    s.setSoLinger(true, 0);
                }
            }
            assertEquals("+PONG\r\n", plain.callString("PING"));
            assertEquals("$-1\r\n", plain.callString("GET", "big"), "no half request ran");
            long deadline = System.currentTimeMillis() + 10_000;
            while (connectedClients(plain) != 1 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(1, connectedClients(plain));
        }
    }

    /**
     * A TLS client that floods ECHO and never reads is throttled like a plaintext one: after a
     * while it can write no more (the node stopped reading it), and what the node holds for it
     * (encrypted records included) stays near its share.
     */
    @Test
    void aTlsClientThatNeverReadsIsThrottled() throws Exception {
        for (String provider : new String[] {"openssl", "jdk"}) {
            try (ServerFixture ours = ServerFixture.start(certs.serverArgs("--client-reply-ceiling", "16mb",
                    "--tls-provider", provider));
                 RespClient plain = ours.client()) {
                java.net.Socket raw = plain(ours.tlsPort(), 4096);
                SSLSocket s = tlsOver(raw);
                byte[] chunk = pipelineOfEchoes(150);
                long[] written = {0};
                Thread writer = new Thread(() -> {
                    try {
                        OutputStream out = s.getOutputStream();
                        while (!Thread.currentThread().isInterrupted()) {
                            out.write(chunk);
                            written[0] += chunk.length;
                        }
                    } catch (IOException e) {
                        // closed at the end of the test
                    }
                });
                writer.setDaemon(true);
                writer.start();
                long maxHeld = 0;
                long before = 0;
                long deadline = System.currentTimeMillis() + 5000;
                while (System.currentTimeMillis() < deadline) {
                    maxHeld = Math.max(maxHeld, ClientOutputBufferLimitTest.heldBy(plain.callString("CLIENT", "LIST"),
                            "cmd=echo"));
                    if (deadline - System.currentTimeMillis() < 1500 && before == 0) {
                        before = written[0];
                    }
                    Thread.sleep(50);
                }
                long growth = written[0] - before;
                assertTrue(growth < 1 << 20, provider + ": the writer still got " + growth + " bytes through in its last second");
                assertTrue(maxHeld < 12L << 20, provider + ": held " + maxHeld);
                assertEquals("+PONG\r\n", plain.callString("PING"));
                raw.close(); // SSLSocket.close() would wait for the writer's lock
                writer.join(5000);
            }
        }
    }

    private static byte[] pipelineOfEchoes(int n) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            out.writeBytes(RespClient.encode(b("ECHO"), b("y".repeat(100))));
        }
        return out.toByteArray();
    }
}
