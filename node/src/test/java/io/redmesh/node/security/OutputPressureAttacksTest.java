package io.redmesh.node.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * Issue #10's change attacked through what a node holds for clients that do not read: output
 * that others push (MONITOR, PUBLISH to subscribers and patterns, from the same I/O thread and
 * from another), many clients each within its own bound, and the other side of backpressure, a
 * client that writes its whole pipeline before it reads a reply, which Redis serves and a node
 * that stops reading too early would never answer. Each test bounds its waits and checks that
 * PING is still answered.
 */
class OutputPressureAttacksTest {
    private static final long CEILING = 4 << 20;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A connection with a small receive window that sends {@code request} and never reads. */
    private static Socket nonReader(int port, byte[]... requests) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        for (byte[] r : requests) {
            s.getOutputStream().write(r);
        }
        return s;
    }

    /** Whether the server closed {@code s} (what it sent meanwhile is skipped), within the time. */
    private static boolean closedByServer(Socket s, long millis) throws IOException {
        s.setSoTimeout(200);
        InputStream in = s.getInputStream();
        byte[] sink = new byte[1 << 16];
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            try {
                if (in.read(sink) < 0) {
                    return true;
                }
            } catch (java.net.SocketTimeoutException e) {
                // nothing yet
            } catch (java.net.SocketException e) {
                return true; // reset by the server
            }
        }
        return false;
    }

    /** The bytes the node holds for all clients (CLIENT LIST obl + omem). */
    private static long heldByAll(RespClient c) {
        long total = 0;
        for (String line : c.callString("CLIENT", "LIST").split("\n")) {
            java.util.regex.Matcher obl = java.util.regex.Pattern.compile(" obl=(\\d+)").matcher(line);
            java.util.regex.Matcher omem = java.util.regex.Pattern.compile(" omem=(\\d+)").matcher(line);
            if (obl.find() && omem.find()) {
                total += Long.parseLong(obl.group(1)) + Long.parseLong(omem.group(1));
            }
        }
        return total;
    }

    /**
     * A Jedis pipeline of two million SETs is written whole before sync() reads a reply: Redis
     * answers it; a node that stops reading once 64 KB of replies wait would wait for ever.
     */
    @Test
    void aPipelineWrittenWholeBeforeReadingIsAnswered() {
        try (ServerFixture ours = ServerFixture.start()) {
            pipelineOfTwoMillionSets(ours.port());
        }
    }

    private static void pipelineOfTwoMillionSets(int port) {
        assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
            try (Jedis j = new Jedis("127.0.0.1", port, 60_000)) {
                Pipeline p = j.pipelined();
                for (int i = 0; i < 2_000_000; i++) {
                    p.set("key:" + i, "value-" + i);
                }
                p.sync();
                assertEquals(2_000_000L, j.dbSize());
            }
        });
    }

    /** MONITOR is a normal client (no limit in Redis); one that never reads must not take the heap. */
    @Test
    void aMonitorThatNeverReadsIsClosedAtTheCeiling() throws Exception {
        try (ServerFixture ours = ServerFixture.start("--client-reply-ceiling", Long.toString(CEILING));
             RespClient c = ours.client()) {
            Socket monitor = nonReader(ours.port(), RespClient.encode(b("MONITOR")));
            Thread.sleep(200);
            byte[] value = new byte[10_000];
            long maxHeld = 0;
            long deadline = System.currentTimeMillis() + 20_000;
            boolean closed = false;
            while (!closed && System.currentTimeMillis() < deadline) {
                for (int i = 0; i < 50; i++) {
                    c.call(b("SET"), b("k"), value);
                }
                maxHeld = Math.max(maxHeld, heldByAll(c));
                closed = !c.callString("CLIENT", "LIST").contains("cmd=monitor");
            }
            assertTrue(closed, "the monitor is closed once it holds more than the ceiling; held " + maxHeld);
            assertTrue(maxHeld < 3 * CEILING, "held at most " + maxHeld);
            assertTrue(closedByServer(monitor, 5000));
            assertEquals("+PONG\r\n", c.callString("PING"));
        }
    }

    /** With the pubsub limits turned off (as Redis allows), subscribers that never read are still bounded. */
    @Test
    void subscribersThatNeverReadAreClosedAtTheCeilingWhenLimitsAreOff() throws Exception {
        for (String threads : new String[] {"1", "2"}) {
            try (ServerFixture ours = ServerFixture.start("--client-reply-ceiling", Long.toString(CEILING),
                    "--client-output-buffer-limit", "pubsub 0 0 0", "--io-threads", threads);
                 RespClient c = ours.client()) {
                List<Socket> subscribers = new ArrayList<>();
                // channels, a pattern matching all, many patterns: connections land on both loops
                subscribers.add(nonReader(ours.port(), RespClient.encode(b("SUBSCRIBE"), b("news"))));
                subscribers.add(nonReader(ours.port(), RespClient.encode(b("PSUBSCRIBE"), b("*"))));
                byte[][] many = new byte[1001][];
                many[0] = b("PSUBSCRIBE");
                for (int i = 1; i <= 1000; i++) {
                    many[i] = b("[n" + i + "]*"); // 1000 distinct patterns, each matching "news"
                }
                subscribers.add(nonReader(ours.port(), RespClient.encode(many)));
                Thread.sleep(300);
                byte[] message = new byte[20_000];
                long maxHeld = 0;
                long deadline = System.currentTimeMillis() + 20_000;
                int left = subscribers.size();
                while (left > 0 && System.currentTimeMillis() < deadline) {
                    java.io.ByteArrayOutputStream burst = new java.io.ByteArrayOutputStream();
                    for (int i = 0; i < 100; i++) {
                        burst.writeBytes(RespClient.encode(b("PUBLISH"), b("news"), message));
                    }
                    c.send(burst.toByteArray());
                    for (int i = 0; i < 100; i++) {
                        c.readReply();
                    }
                    maxHeld = Math.max(maxHeld, heldByAll(c));
                    left = Integer.parseInt(c.callString("INFO", "clients").replaceAll("(?s).*connected_clients:(\\d+).*", "$1")) - 1;
                }
                assertEquals(0, left, "io-threads " + threads + ": every non-reading subscriber closed; held " + maxHeld);
                assertTrue(maxHeld < 3 * CEILING * subscribers.size(), "io-threads " + threads + ": held " + maxHeld);
                for (Socket s : subscribers) {
                    assertTrue(closedByServer(s, 5000));
                }
                assertEquals("+PONG\r\n", c.callString("PING"));
            }
        }
    }

    /**
     * Many clients, each under its own bound, flooding without reading: what the node holds for
     * all of them together stays bounded (the ceiling is shared out among the connections).
     */
    @Test
    void manyNonReadingClientsAreBoundedTogether() throws Exception {
        try (ServerFixture ours = ServerFixture.start("--client-reply-ceiling", Long.toString(CEILING));
             RespClient c = ours.client()) {
            List<NonReadingClient> floods = new ArrayList<>();
            byte[] echo = RespClient.encode(b("ECHO"), b("y".repeat(100)));
            try {
                for (int i = 0; i < 40; i++) {
                    floods.add(NonReadingClient.start(ours.port(), new byte[0], echo, 6_000));
                }
                long maxHeld = 0;
                long worstPing = 0;
                long deadline = System.currentTimeMillis() + 4_000;
                while (System.currentTimeMillis() < deadline) {
                    long t = System.nanoTime();
                    assertEquals("+PONG\r\n", c.callString("PING"));
                    worstPing = Math.max(worstPing, (System.nanoTime() - t) / 1_000_000);
                    maxHeld = Math.max(maxHeld, heldByAll(c));
                    Thread.sleep(50);
                }
                // the shared budget (twice the ceiling) plus one read batch of replies per client
                assertTrue(maxHeld < 2 * CEILING + 40L * (256 << 10), "held for 40 flooding clients: " + maxHeld);
                assertTrue(worstPing < 2000, "PING answered meanwhile, worst " + worstPing + " ms");
            } finally {
                for (NonReadingClient f : floods) {
                    f.close();
                }
            }
        }
    }

    /** The same pipeline against redis-server, so the test above asks for nothing Redis does not do. */
    @Test
    void redisAnswersTheWholePipelineToo() {
        Assumptions.assumeTrue(RedisProcess.available(), "redis-server not installed");
        try (RedisProcess real = RedisProcess.start()) {
            pipelineOfTwoMillionSets(real.port());
        }
    }
}
