package io.redmesh.node.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Listener-level behaviour: maxclients, idle timeout, protected mode and the unix socket. */
class ListenersTest {

    /** Opens clients until one is refused; returns the refused one's reply and closes all. */
    private static String fillUp(int port, int limit) {
        List<RespClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < limit; i++) {
                RespClient c = RespClient.connect(port);
                open.add(c);
                assertEquals("+PONG\r\n", c.callString("PING"), "client " + (i + 1) + " of " + limit);
            }
            RespClient extra = RespClient.connect(port);
            open.add(extra);
            String reply = extra.readReplyString();
            assertTrue(extra.closedByServer(5000), "the refused client is disconnected");
            // the ones inside the limit are unaffected
            for (int i = 0; i < limit; i++) {
                assertEquals("+PONG\r\n", open.get(i).callString("PING"));
            }
            return reply;
        } finally {
            open.forEach(RespClient::close);
        }
    }

    @Test
    void maxclientsRefusesTheClientBeyondTheLimitAsRedisDoes() throws Exception {
        String ours;
        try (ServerFixture s = ServerFixture.start("--maxclients", "3")) {
            ours = fillUp(s.port(), 3);
            // a freed slot is usable again once the server has noticed the close
            long deadline = System.currentTimeMillis() + 5000;
            while (s.context().sessions().size() > 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            try (RespClient c = s.client()) {
                assertEquals("+PONG\r\n", c.callString("PING"));
                assertEquals("+OK\r\n", c.callString("CONFIG", "SET", "maxclients", "1"));
                try (RespClient second = s.client()) {
                    assertEquals(ClientPipeline.MAXCLIENTS_ERROR, second.readReplyString());
                }
                assertTrue(c.callString("INFO", "stats").contains("rejected_connections:2\r\n"));
            }
        }
        assertEquals("-ERR max number of clients reached\r\n", ours);
        if (RedisProcess.available()) {
            try (RedisProcess r = RedisProcess.start("--maxclients", "3")) {
                assertEquals(fillUp(r.port(), 3), ours, "same refusal as redis-server");
            }
        }
    }

    @Test
    void timeoutClosesIdleClientsOnly() throws Exception {
        try (ServerFixture s = ServerFixture.start("--timeout", "1", "--hz", "50");
             RespClient idle = s.client(); RespClient busy = s.client(); RespClient subscriber = s.client()) {
            assertEquals("+PONG\r\n", idle.callString("PING"));
            assertTrue(subscriber.callString("SUBSCRIBE", "news").startsWith("*3\r\n$9\r\nsubscribe\r\n"));
            long until = System.currentTimeMillis() + 2500;
            while (System.currentTimeMillis() < until) {
                assertEquals("+PONG\r\n", busy.callString("PING"));
                Thread.sleep(250);
            }
            assertTrue(idle.closedByServer(3000), "idle for more than 'timeout' seconds: closed");
            assertEquals("+PONG\r\n", busy.callString("PING"));
            // Redis exempts Pub/Sub clients: they wait for messages by design
            try (RespClient pub = s.client()) {
                assertEquals(":1\r\n", pub.callString("PUBLISH", "news", "hello"));
            }
            assertEquals("*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$5\r\nhello\r\n", subscriber.readReplyString());
        }
    }

    @Test
    void protectedModeServesLoopbackAndRefusesOthersWithRedissMessage() throws Exception {
        // Only loopback traffic is allowed here, so the refusal itself is checked as a decision.
        try (ServerFixture s = ServerFixture.start("--protected-mode", "yes", "--bind", "* -::*");
             RespClient c = s.client()) {
            assertEquals("+PONG\r\n", c.callString("PING"));
            assertEquals("*2\r\n$14\r\nprotected-mode\r\n$3\r\nyes\r\n", c.callString("CONFIG", "GET", "protected-mode"));
        }
        InetSocketAddress outside = new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 1, 2, 3}), 40000);
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 40000);
        InetSocketAddress loopback6 = new InetSocketAddress(InetAddress.getByName("::1"), 40000);
        assertTrue(ClientPipeline.protectedModeRefuses(true, false, outside));
        assertFalse(ClientPipeline.protectedModeRefuses(true, false, loopback));
        assertFalse(ClientPipeline.protectedModeRefuses(true, false, loopback6));
        assertFalse(ClientPipeline.protectedModeRefuses(true, true, outside), "a password lifts it");
        assertFalse(ClientPipeline.protectedModeRefuses(false, false, outside));
        assertFalse(ClientPipeline.protectedModeRefuses(true, false, new io.netty.channel.unix.DomainSocketAddress("/x")));
        Path redis = Path.of("/usr/bin/redis-server");
        if (Files.isRegularFile(redis)) {
            // the message is redis-server's own, byte for byte (it is in the binary)
            String binary = new String(Files.readAllBytes(redis), StandardCharsets.ISO_8859_1);
            assertTrue(binary.contains(ClientPipeline.PROTECTED_MODE_ERROR), "DENIED text differs from Redis 7.0's");
        }
    }

    @Test
    void unixSocketServesRedisCli(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(io.netty.channel.epoll.Epoll.isAvailable());
        Path sock = dir.resolve("redmesh.sock");
        try (ServerFixture s = ServerFixture.start("--unixsocket", sock.toString(), "--unixsocketperm", "700")) {
            assertTrue(Files.exists(sock));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
            assertEquals("OK", cli(sock, "SET", "via", "unix").trim());
            assertEquals("unix", cli(sock, "GET", "via").trim());
            try (RespClient c = s.client()) {
                assertEquals("$4\r\nunix\r\n", c.callString("GET", "via"));
            }
            // CLIENT LIST shows the unix client the way Redis does (addr=/path:0)
            String list = cli(sock, "CLIENT", "LIST");
            assertTrue(list.contains("addr=" + sock + ":0"), list);
        }
        assertFalse(Files.exists(sock), "the socket file is removed on shutdown");
    }

    @Test
    void portAndBindChangeAtRuntimeWithoutDroppingClients() throws Exception {
        try (ServerFixture s = ServerFixture.start(); RespClient old = s.client()) {
            int first = s.port();
            int next = io.redmesh.node.testing.Ports.free();
            assertEquals("+OK\r\n", old.callString("CONFIG", "SET", "port", Integer.toString(next)));
            assertEquals(next, s.context().tcpPort());
            try (RespClient c = RespClient.connect(next)) {
                assertEquals("+PONG\r\n", c.callString("PING"));
            }
            assertFalse(canConnect(first), "the old port is closed");
            // the connection made on the old port is still served
            assertEquals("+PONG\r\n", old.callString("PING"));
            // same address, new bind words: listeners are reopened in place
            assertEquals("+OK\r\n", old.callString("CONFIG", "SET", "bind", "127.0.0.1 -::1"));
            try (RespClient c = RespClient.connect(next)) {
                assertEquals("*2\r\n$4\r\nbind\r\n$14\r\n127.0.0.1 -::1\r\n", c.callString("CONFIG", "GET", "bind"));
            }
            try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                assertEquals("-ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this "
                        + "port. Check server logs.\r\n",
                        old.callString("CONFIG", "SET", "port", Integer.toString(taken.getLocalPort())));
            }
            assertEquals(next, s.context().tcpPort());
            assertEquals("+PONG\r\n", old.callString("PING"));
        }
    }

    private static boolean canConnect(int port) {
        try (java.net.Socket sock = new java.net.Socket()) {
            sock.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String cli(Path sock, String... args) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/redis-cli")));
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-s", sock.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(15, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("redis-cli hung: " + cmd);
        }
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
