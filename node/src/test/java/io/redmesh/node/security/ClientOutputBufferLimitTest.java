package io.redmesh.node.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * client-output-buffer-limit as Redis applies it (hard limit: closed at once; soft limit: closed
 * once over it for soft-seconds), judged against Debian's redis-server with the same settings,
 * and the backpressure that keeps a client that never reads from making the node produce
 * replies without end (the first half of issue #10's denial of service).
 */
class ClientOutputBufferLimitTest {
    private static final byte[] ECHO = RespClient.encode(b("ECHO"), b("y".repeat(100)));

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void hardLimitClosesTheClientAsRedisDoes() throws Exception {
        Assumptions.assumeTrue(RedisProcess.available(), "redis-server not installed");
        try (RedisProcess real = RedisProcess.start("--client-output-buffer-limit", "normal 1mb 0 0");
             ServerFixture ours = ServerFixture.start("--client-output-buffer-limit", "normal 1mb 0 0")) {
            for (int port : new int[] {real.port(), ours.port()}) {
                try (RespClient c = RespClient.connect(port)) {
                    assertEquals("+OK\r\n", c.callString("SET", "big", "v".repeat(2 << 20)));
                    assertEquals(":2097152\r\n", c.callString("STRLEN", "big"));
                    c.send(RespClient.encode(b("GET"), b("big")));
                    assertTrue(c.closedByServer(5000), "a 2 MB reply over a 1 MB hard limit closes the client (port " + port + ")");
                }
                try (RespClient c = RespClient.connect(port)) {
                    assertEquals("+PONG\r\n", c.callString("PING"));
                    assertEquals(":2097152\r\n", c.callString("STRLEN", "big"), "no data is lost");
                }
            }
        }
    }

    @Test
    void softLimitClosesASubscriberThatStaysOverIt() throws Exception {
        Assumptions.assumeTrue(RedisProcess.available(), "redis-server not installed");
        String limit = "pubsub 0 64kb 1";
        try (RedisProcess real = RedisProcess.start("--client-output-buffer-limit", limit);
             ServerFixture ours = ServerFixture.start("--client-output-buffer-limit", limit)) {
            for (int port : new int[] {real.port(), ours.port()}) {
                try (Socket sub = slowSubscriber(port, "news"); RespClient pub = RespClient.connect(port)) {
                    long start = System.currentTimeMillis();
                    boolean closed = false;
                    String message = "m".repeat(4096);
                    while (!closed && System.currentTimeMillis() - start < 15_000) {
                        pub.callString("PUBLISH", "news", message);
                        closed = !pub.callString("PUBSUB", "NUMSUB", "news").endsWith(":1\r\n");
                    }
                    long took = System.currentTimeMillis() - start;
                    assertTrue(closed, "a subscriber over its soft limit for 1 s is closed (port " + port + ")");
                    assertTrue(took >= 900, "not before the soft seconds passed: " + took + " ms (port " + port + ")");
                }
            }
        }
    }

    /** A subscriber with a small window that never reads what it is sent. */
    private static Socket slowSubscriber(int port, String channel) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        s.setSoTimeout(5000);
        s.getOutputStream().write(RespClient.encode(b("SUBSCRIBE"), b(channel)));
        InputStream in = s.getInputStream();
        byte[] confirm = "*3\r\n$9\r\nsubscribe\r\n".getBytes(StandardCharsets.US_ASCII);
        assertTrue(in.readNBytes(confirm.length).length == confirm.length);
        return s;
    }

    /**
     * With a 16 MB reply ceiling the budget is 32 MB, and each of the two connections may hold
     * 8 MB (half the ceiling) before reading stops: the flooding client is held near that.
     */
    @Test
    void aClientThatNeverReadsIsThrottledNotBuffered() throws Exception {
        try (ServerFixture ours = ServerFixture.start("--client-reply-ceiling", "16mb");
             NonReadingClient flood = NonReadingClient.start(ours.port(), new byte[0], ECHO, 4_000);
             RespClient other = ours.client()) {
            long worstPing = 0;
            long maxHeld = 0;
            long deadline = System.currentTimeMillis() + 3_000;
            while (System.currentTimeMillis() < deadline) {
                long t = System.nanoTime();
                assertEquals("+PONG\r\n", other.callString("PING"));
                worstPing = Math.max(worstPing, (System.nanoTime() - t) / 1_000_000);
                maxHeld = Math.max(maxHeld, heldBy(other.callString("CLIENT", "LIST"), "cmd=echo"));
                Thread.sleep(20);
            }
            assertTrue(flood.flooding(), "the slow reader is throttled, not closed");
            // What the node holds for it stays near its read-pause threshold (8 MB) plus one
            // read batch of replies, however long it floods.
            assertTrue(maxHeld < 12L << 20, "held for the non-reading client: " + maxHeld);
            String info = other.callString("INFO", "commandstats");
            Matcher m = Pattern.compile("cmdstat_echo:calls=(\\d+)").matcher(info);
            assertTrue(m.find());
            assertTrue(Long.parseLong(m.group(1)) < 2_000_000, "ECHOs executed: " + m.group(1));
            assertTrue(worstPing < 1000, "PING answered meanwhile, worst " + worstPing + " ms");
            assertFalse(other.callString("INFO", "clients").contains("client_recent_max_output_buffer:0\r\n"));
        }
    }

    /** omem + obl of the CLIENT LIST line containing {@code marker}. */
    static long heldBy(String clientList, String marker) {
        for (String line : clientList.split("\n")) {
            if (line.contains(marker)) {
                Matcher obl = Pattern.compile(" obl=(\\d+)").matcher(line);
                Matcher omem = Pattern.compile(" omem=(\\d+)").matcher(line);
                assertTrue(obl.find() && omem.find(), line);
                return Long.parseLong(obl.group(1)) + Long.parseLong(omem.group(1));
            }
        }
        return 0;
    }
}
