package io.redmesh.node.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue #10's change attacked where connections end: a blocked client (BLPOP) whose pipeline
 * waits behind it while backpressure also holds it, CLIENT KILL and CLIENT UNBLOCK racing the
 * clients' own closes, and (CVE-2026-23479's shape: Redis 7.2-8.6 freed a client while its
 * unblocked command was being run again) a blocked client closed by its output limit at the
 * moment it is served, with another client blocked on the same key. The node must keep serving,
 * answer in order, and forget every closed client (no blocked or connected ghost).
 */
class ConnectionLifecycleAttacksTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static long infoField(RespClient c, String field) {
        String info = c.callString("INFO", "clients");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(field + ":(\\d+)").matcher(info);
        assertTrue(m.find(), info);
        return Long.parseLong(m.group(1));
    }

    /** Waits (bounded) until INFO clients shows {@code connected} clients and none blocked. */
    private static void settles(RespClient admin, long connected) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline
                && (infoField(admin, "connected_clients") != connected || infoField(admin, "blocked_clients") != 0)) {
            Thread.sleep(50);
        }
        assertEquals(connected, infoField(admin, "connected_clients"), "connected clients");
        assertEquals(0, infoField(admin, "blocked_clients"), "blocked clients");
    }

    /**
     * BLPOP, then 100,000 ECHOs sent behind it without reading: they wait while it is blocked,
     * run once it is served until the replies fill the client's share, and all arrive in order
     * when it finally reads.
     */
    @Test
    void aBlockedClientsPipelineWaitsThenRunsInOrderUnderBackpressure() throws Exception {
        try (ServerFixture ours = ServerFixture.start("--client-reply-ceiling", "4mb"); RespClient admin = ours.client()) {
            Socket s = new Socket();
            s.setReceiveBufferSize(4096);
            s.connect(new InetSocketAddress("127.0.0.1", ours.port()), 2000);
            s.setSoTimeout(20_000);
            int n = 100_000;
            Thread writer = new Thread(() -> {
                try {
                    ByteArrayOutputStream req = new ByteArrayOutputStream();
                    req.writeBytes(RespClient.encode(b("BLPOP"), b("list"), b("0")));
                    for (int i = 0; i < n; i++) {
                        req.writeBytes(RespClient.encode(b("ECHO"), b(String.format("%07d", i) + "y".repeat(93))));
                    }
                    s.getOutputStream().write(req.toByteArray());
                } catch (java.io.IOException e) {
                    // closed by the test
                }
            });
            writer.setDaemon(true);
            writer.start();
            long deadline = System.currentTimeMillis() + 10_000;
            while (infoField(admin, "blocked_clients") == 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(1, infoField(admin, "blocked_clients"));
            Thread.sleep(300); // the ECHOs read so far wait behind it
            assertEquals(":1\r\n", admin.callString("RPUSH", "list", "x"));
            Thread.sleep(500); // the ECHOs run until the client holds its share, then reading pauses
            InputStream in = new java.io.BufferedInputStream(s.getInputStream());
            String served = "*2\r\n$4\r\nlist\r\n$1\r\nx\r\n";
            assertEquals(served, new String(in.readNBytes(served.length()), StandardCharsets.ISO_8859_1));
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                for (int i = 0; i < n; i++) {
                    String expected = "$100\r\n" + String.format("%07d", i) + "y".repeat(93) + "\r\n";
                    assertEquals(expected, new String(in.readNBytes(expected.length()), StandardCharsets.ISO_8859_1),
                            "reply " + i);
                }
            });
            s.close();
            writer.join(5000);
            settles(admin, 1);
        }
    }

    /** A blocked client held by backpressure as well is killed: gone, and never served afterwards. */
    @Test
    void killingABlockedClientThatDoesNotRead() throws Exception {
        try (ServerFixture ours = ServerFixture.start(); RespClient admin = ours.client()) {
            Socket s = new Socket();
            s.setReceiveBufferSize(4096);
            s.connect(new InetSocketAddress("127.0.0.1", ours.port()), 2000);
            s.getOutputStream().write(RespClient.encode(b("CLIENT"), b("SETNAME"), b("victim")));
            s.getOutputStream().write(RespClient.encode(b("BLPOP"), b("q"), b("0")));
            Thread.sleep(300);
            assertEquals(":1\r\n", admin.callString("CLIENT", "KILL", "USER", "default", "SKIPME", "yes"));
            settles(admin, 1);
            assertEquals(":1\r\n", admin.callString("RPUSH", "q", "kept"));
            assertEquals(":1\r\n", admin.callString("LLEN", "q"), "nothing was popped for the killed client");
            s.close();
        }
    }

    /**
     * Clients block and close themselves at once, many times, while CLIENT KILL, CLIENT UNBLOCK
     * and pushes race their closes: the node keeps answering and ends with no ghost client.
     */
    @Test
    void killAndUnblockRacingClientsThatClose() throws Exception {
        try (ServerFixture ours = ServerFixture.start("--io-threads", "2"); RespClient admin = ours.client()) {
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                long end = System.currentTimeMillis() + 4000;
                List<Future<?>> work = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int id = t;
                    work.add(pool.submit(() -> {
                        while (System.currentTimeMillis() < end) {
                            try (Socket s = new Socket()) {
                                s.connect(new InetSocketAddress("127.0.0.1", ours.port()), 2000);
                                s.getOutputStream().write(RespClient.encode(b("BLPOP"), b("k" + id), b("0")));
                                s.getOutputStream().write(RespClient.encode(b("ECHO"), b("after")));
                                if (System.nanoTime() % 2 == 0) {
                                    s.setSoLinger(true, 0); // a reset instead of a close
                                }
                            } catch (java.io.IOException e) {
                                // the server may have killed it first
                            }
                        }
                        return null;
                    }));
                }
                work.add(pool.submit(() -> {
                    java.util.Random r = new java.util.Random(1);
                    java.util.regex.Pattern blocked = java.util.regex.Pattern.compile("id=(\\d+) .*cmd=blpop");
                    try (RespClient killer = ours.client()) {
                        while (System.currentTimeMillis() < end) {
                            for (String line : killer.callString("CLIENT", "LIST").split("\n")) {
                                java.util.regex.Matcher m = blocked.matcher(line);
                                if (!m.find()) {
                                    continue;
                                }
                                if (r.nextBoolean()) {
                                    killer.callString("CLIENT", "KILL", "ID", m.group(1));
                                } else {
                                    killer.callString("CLIENT", "UNBLOCK", m.group(1), "ERROR");
                                }
                            }
                        }
                    }
                    return null;
                }));
                work.add(pool.submit(() -> {
                    try (RespClient pusher = ours.client()) {
                        while (System.currentTimeMillis() < end) {
                            pusher.callString("RPUSH", "k" + (System.nanoTime() % 4), "v");
                        }
                    }
                    return null;
                }));
                for (Future<?> f : work) {
                    f.get(30, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
                pool.awaitTermination(10, TimeUnit.SECONDS);
            }
            assertEquals("+PONG\r\n", admin.callString("PING"));
            settles(admin, 1);
        }
    }

    /**
     * CVE-2026-23479's shape in RedMesh: a blocked client is closed by its output limit while its
     * BLPOP is served (the popped element is larger than its hard limit), a second client blocked
     * on the same key is served next, and the first one's pipelined requests never run.
     */
    @Test
    void aClientClosedWhileItsBlockedCommandIsServed() throws Exception {
        try (ServerFixture ours = ServerFixture.start("--client-output-buffer-limit", "normal 64kb 0 0");
             RespClient admin = ours.client(); RespClient second = ours.client()) {
            Socket first = new Socket();
            first.connect(new InetSocketAddress("127.0.0.1", ours.port()), 2000);
            first.getOutputStream().write(RespClient.encode(b("BLPOP"), b("k"), b("0")));
            first.getOutputStream().write(RespClient.encode(b("SET"), b("ran"), b("yes")));
            Thread.sleep(200);
            second.send(RespClient.encode(b("BLPOP"), b("k"), b("0")));
            Thread.sleep(200);
            assertEquals(2, infoField(admin, "blocked_clients"));
            admin.call(b("RPUSH"), b("k"), new byte[200_000], b("small"));
            assertEquals("*2\r\n$1\r\nk\r\n$5\r\nsmall\r\n", second.readReplyString());
            first.setSoTimeout(5000);
            InputStream in = first.getInputStream();
            byte[] sink = new byte[1 << 16];
            long deadline = System.currentTimeMillis() + 5000;
            boolean closed = false;
            while (!closed && System.currentTimeMillis() < deadline) {
                try {
                    closed = in.read(sink) < 0;
                } catch (java.net.SocketException e) {
                    closed = true;
                }
            }
            assertTrue(closed, "the first client is closed by its hard limit");
            assertEquals("$-1\r\n", admin.callString("GET", "ran"), "its pipelined SET never ran");
            assertEquals(":0\r\n", admin.callString("LLEN", "k"));
            settles(admin, 2);
            first.close();
        }
    }
}
