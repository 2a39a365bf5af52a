package io.redmesh.node.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.GeneratedCertificates;
import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import io.redmesh.node.testing.TestCertificates;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * CVE-2025-48367 (Redis 7.2.10 / 8.0.3, Debian deb12u5): an unauthenticated connection could
 * provoke repeated errors at accept and protocol level, starving the other clients. The replay
 * floods a node, and redis-server beside it, with connections that end in every erroneous way an
 * unauthenticated peer has (reset at once, a protocol error, an absurd multibulk length, plaintext
 * or a cut handshake on the TLS port) while a client sends PING: its worst wait stays bounded on
 * both, and new clients are still accepted and served when the flood ends.
 */
class Cve2025_48367ConnectionErrorFloodTest {
    @GeneratedCertificates
    private static TestCertificates certs;

    private static final byte[][] BAD_REQUESTS = {
        "*-5\r\n".getBytes(StandardCharsets.US_ASCII),
        "*99999999999\r\n$3\r\nSET\r\n".getBytes(StandardCharsets.US_ASCII),
        "*1\r\n$-3\r\n".getBytes(StandardCharsets.US_ASCII),
        "*3\r\n$3\r\nSET\r\n$1\r\nk\r\nnot-a-bulk\r\n".getBytes(StandardCharsets.US_ASCII),
        "\"unbalanced quote\r\n".getBytes(StandardCharsets.US_ASCII),
        new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00}, // a TLS record header, cut short
    };

    /** One erroneous connection of kind {@code i}: connect, perhaps send junk, reset or close. */
    private static void badConnection(int port, int i) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            if (i % (BAD_REQUESTS.length + 1) != 0) {
                s.getOutputStream().write(BAD_REQUESTS[i % (BAD_REQUESTS.length + 1) - 1]);
            }
            if (i % 2 == 0) {
                s.setSoLinger(true, 0); // reset instead of close
            }
        } catch (IOException e) {
            // refused or reset by the server: what a flood meets
        }
    }

    /** Floods {@code ports} for {@code millis} while PINGing {@code port}; returns the worst PING in ms. */
    private static long worstPingDuringFlood(int port, int[] ports, long millis) throws Exception {
        // The client whose service the flood must not starve is connected first, as the
        // advisory's victims are (a connect during the flood races the accept queue, which on a
        // loaded 2-core machine can take longer than the connect timeout on either server).
        RespClient c = RespClient.connect(port);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        long end = System.currentTimeMillis() + millis;
        List<Future<?>> flood = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            int thread = t;
            flood.add(pool.submit(() -> {
                for (int i = thread; System.currentTimeMillis() < end; i += 6) {
                    badConnection(ports[i % ports.length], i);
                }
            }));
        }
        long worst = 0;
        try (c) {
            assertEquals("+OK\r\n", c.callString("AUTH", "secret"));
            while (System.currentTimeMillis() < end) {
                long t = System.nanoTime();
                assertEquals("+PONG\r\n", c.callString("PING"));
                worst = Math.max(worst, (System.nanoTime() - t) / 1_000_000);
                Thread.sleep(20);
            }
        } finally {
            for (Future<?> f : flood) {
                f.get(30, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
        return worst;
    }

    @Test
    void aFloodOfErroneousConnectionsStarvesNoClient() throws Exception {
        try (ServerFixture ours = ServerFixture.start(certs.serverArgs("--requirepass", "secret"))) {
            long worst = worstPingDuringFlood(ours.port(), new int[] {ours.port(), ours.tlsPort()}, 4000);
            assertTrue(worst < 1000, "RedMesh: worst PING during the flood " + worst + " ms");
            try (RespClient late = ours.client()) {
                assertTrue(late.callString("PING").startsWith("-NOAUTH"), "a new client is accepted and answered");
                assertEquals("+OK\r\n", late.callString("AUTH", "secret"));
            }
        }
        if (RedisProcess.available()) {
            try (RedisProcess real = RedisProcess.start("--requirepass", "secret")) {
                long worst = worstPingDuringFlood(real.port(), new int[] {real.port()}, 4000);
                assertTrue(worst < 1000, "redis-server: worst PING during the flood " + worst + " ms");
            }
        }
    }
}
