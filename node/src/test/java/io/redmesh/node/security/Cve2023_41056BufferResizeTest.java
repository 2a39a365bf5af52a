package io.redmesh.node.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RespClient;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * CVE-2023-41056 (Redis 7.0.15 / 7.2.4): when Redis resized a buffer it could account for the
 * wrong usable size and write past the allocation (the query buffer and reply buffers, grown and
 * shrunk around large arguments). RedMesh's buffers are Java arrays and Netty ByteBufs that carry
 * their own bounds, so it is not affected by construction; what the replay proves is that the
 * same paths, driven hard, keep every byte: arguments at every buffer boundary Redis has (16 KB
 * reply chunk, 32 KB big-argument threshold, 64 KB inline limit) and far beyond, delivered in
 * random pieces, replies that grow then shrink, collections whose tables grow then shrink, and
 * the query-buffer and bulk-length limits. Every reply is compared with redis-server's.
 */
class Cve2023_41056BufferResizeTest {
    private static final int[] SIZES = {16383, 16384, 16385, 32767, 32768, 32769, 65535, 65536, 65537,
        (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 8 << 20, 40 << 20};

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] data(int n, long seed) {
        byte[] d = new byte[n];
        new Random(seed).nextBytes(d);
        return d;
    }

    private static String sha(byte[] reply) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(reply));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void argumentsAtEveryBufferBoundaryRoundTrip() {
        try (Peers p = Peers.start()) {
            for (RespClient c : new RespClient[] {p.redis, p.node}) {
                // one pipeline, big and small arguments interleaved: the query buffer grows and
                // is trimmed between commands
                java.io.ByteArrayOutputStream pipeline = new java.io.ByteArrayOutputStream();
                for (int size : SIZES) {
                    pipeline.writeBytes(RespClient.encode(b("SET"), b("k" + size), data(size, size)));
                    pipeline.writeBytes(RespClient.encode(b("SET"), b("small" + size), b("x")));
                }
                c.send(pipeline.toByteArray());
                for (int i = 0; i < 2 * SIZES.length; i++) {
                    assertEquals("+OK\r\n", new String(c.readReply(), StandardCharsets.ISO_8859_1));
                }
            }
            for (int size : SIZES) {
                String key = "k" + size;
                p.same("STRLEN", key);
                for (int at : new int[] {0, 16383, 16384, 32767, 32768, size - 2}) {
                    p.same("GETRANGE", key, Integer.toString(at), Integer.toString(at + 1));
                }
                assertEquals(sha(p.redis.call("GET", key)), sha(p.node.call("GET", key)), key);
                assertEquals(sha(bulk(data(size, size))), sha(p.node.call("GET", key)), key + " is what was sent");
            }
            p.bothAlive();
        }
    }

    private static byte[] bulk(byte[] v) {
        byte[] head = b("$" + v.length + "\r\n");
        byte[] out = new byte[head.length + v.length + 2];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(v, 0, out, head.length, v.length);
        out[out.length - 2] = '\r';
        out[out.length - 1] = '\n';
        return out;
    }

    /** A 6 MB argument sent in random pieces of 1 byte to 64 KB: every boundary falls somewhere. */
    @Test
    void aHugeArgumentInRandomPieces() throws Exception {
        try (Peers p = Peers.start()) {
            byte[] cmd = RespClient.encode(b("SET"), b("pieces"), data(6 << 20, 42));
            for (RespClient c : new RespClient[] {p.redis, p.node}) {
                Random r = new Random(7);
                OutputStream out = c.socket().getOutputStream();
                for (int at = 0; at < cmd.length; ) {
                    int n = Math.min(cmd.length - at, r.nextInt(8) == 0 ? 1 + r.nextInt(16) : 1 + r.nextInt(65536));
                    out.write(cmd, at, n);
                    out.flush();
                    at += n;
                }
                assertEquals("+OK\r\n", new String(c.readReply(), StandardCharsets.ISO_8859_1));
            }
            assertEquals(sha(p.redis.call("GET", "pieces")), sha(p.node.call("GET", "pieces")));
            p.bothAlive();
        }
    }

    /** APPEND and SETRANGE grow one string step by step; its reply buffer grows, then small replies follow. */
    @Test
    void growingValuesAndRepliesThatGrowThenShrink() throws Exception {
        try (Peers p = Peers.start()) {
            byte[] chunk = data(1 << 20, 3);
            for (int i = 0; i < 24; i++) {
                p.same(b("APPEND"), b("grown"), chunk);
            }
            p.same("SETRANGE", "grown", Integer.toString(30 << 20), "tail");
            p.same("STRLEN", "grown");
            p.same("GETRANGE", "grown", Integer.toString((24 << 20) - 3), Integer.toString((24 << 20) + 3));
            assertEquals(sha(p.redis.call("GET", "grown")), sha(p.node.call("GET", "grown")));
            for (int i = 0; i < 200; i++) {
                p.same("ECHO", "small " + i); // after a 30 MB reply, the buffers shrink back
            }
            Thread.sleep(1500); // Redis's cron resizes idle clients' buffers
            assertEquals(sha(p.redis.call("GET", "grown")), sha(p.node.call("GET", "grown")));
            p.same("ECHO", "after");
            p.bothAlive();
        }
    }

    /** Hash and set tables grow to 200k entries and shrink back while SCAN walks them. */
    @Test
    void tablesGrowAndShrink() {
        try (Peers p = Peers.start()) {
            for (RespClient c : new RespClient[] {p.redis, p.node}) {
                for (int i = 0; i < 200_000; i += 5000) {
                    pipelined(c, i, i + 5000, f -> RespClient.encode(b("HSET"), b("h"), b("f" + f), b("v" + f)));
                }
                for (int i = 0; i < 199_990; i += 5000) {
                    pipelined(c, i, Math.min(199_990, i + 5000), f -> RespClient.encode(b("HDEL"), b("h"), b("f" + f)));
                }
            }
            p.same("HLEN", "h");
            java.util.List<String> redisFields = new java.util.ArrayList<>(java.util.List.of(
                    new String(p.redis.call("HKEYS", "h"), StandardCharsets.ISO_8859_1).split("\r\n")));
            java.util.List<String> ourFields = new java.util.ArrayList<>(java.util.List.of(
                    new String(p.node.call("HKEYS", "h"), StandardCharsets.ISO_8859_1).split("\r\n")));
            java.util.Collections.sort(redisFields);
            java.util.Collections.sort(ourFields);
            assertEquals(redisFields, ourFields);
            p.same("HGET", "h", "f199999");
            p.bothAlive();
        }
    }

    /**
     * Requests from..to in one write, then their replies (in batches: RedMesh stops reading a
     * client that does not read its replies, so an unbounded pipeline would wait on itself).
     */
    private static void pipelined(RespClient c, int from, int to, java.util.function.IntFunction<byte[]> request) {
        java.io.ByteArrayOutputStream batch = new java.io.ByteArrayOutputStream();
        for (int i = from; i < to; i++) {
            batch.writeBytes(request.apply(i));
        }
        c.send(batch.toByteArray());
        for (int i = from; i < to; i++) {
            c.readReply();
        }
    }

    /** The limits on what one argument and one client's query buffer may hold, as Redis applies them. */
    @Test
    void queryBufferAndBulkLengthLimits() {
        try (Peers p = Peers.start()) {
            p.same("CONFIG", "SET", "proto-max-bulk-len", "1048576");
            for (RespClient c : new RespClient[] {p.redis, p.node}) {
                sendAll(c, RespClient.encode(b("SET"), b("over"), data((1 << 20) + 1, 1)));
            }
            String r = new String(p.redis.readReply(), StandardCharsets.ISO_8859_1);
            String o = new String(p.node.readReply(), StandardCharsets.ISO_8859_1);
            assertEquals(r, o);
            assertTrue(r.startsWith("-ERR Protocol error: invalid bulk length"), r);
            assertTrue(p.redis.closedByServer(3000) && p.node.closedByServer(3000), "closed after the protocol error");
        }
        try (Peers p = Peers.start("--client-query-buffer-limit", "1mb")) {
            for (RespClient c : new RespClient[] {p.redis, p.node}) {
                sendAll(c, RespClient.encode(b("SET"), b("over"), data(2 << 20, 1)));
                assertTrue(c.closedByServer(5000), "a client past client-query-buffer-limit is closed");
            }
            p.bothAlive();
        }
    }

    /** Sends a request the server may refuse, and close on, before it has read all of it. */
    private static void sendAll(RespClient c, byte[] request) {
        try {
            c.send(request);
        } catch (IllegalStateException closedMeanwhile) {
            // the server closed while the request was still being written
        }
    }
}
