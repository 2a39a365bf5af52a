package io.redmesh.node.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import io.redmesh.node.testing.StartedNode;
import io.redmesh.node.testing.StartedRedis;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bounds of client-side caching and the buffer fields of CLIENT LIST: a tracking table at
 * tracking-table-max-keys sends invalidations for what it forgets and stays at its size (as many
 * as redis-server sends), a client with a huge PREFIX list costs no quadratic check, a tracking
 * client that never reads its invalidations is closed by the output buffer limit while the
 * server goes on, and qbuf/argv-mem/multi-mem/omem show the connection's real buffers.
 */
class ClientTrackingLimitsTest {
    @StartedNode
    private static ServerFixture node;
    @StartedRedis
    private static RedisProcess redis;

    @AfterEach
    void reset() {
        try (RespClient c = node.client()) {
            c.call("CONFIG", "SET", "tracking-table-max-keys", "1000000");
            c.call("CONFIG", "SET", "client-output-buffer-limit", "normal 0 0 0");
            c.call("FLUSHALL");
        }
        try (RespClient c = redis.client()) {
            c.call("CONFIG", "SET", "tracking-table-max-keys", "1000000");
            c.call("FLUSHALL");
        }
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static long infoField(RespClient c, String section, String field) {
        Matcher m = Pattern.compile(field + ":(\\d+)").matcher(text(c.call("INFO", section)));
        assertTrue(m.find(), field);
        return Long.parseLong(m.group(1));
    }

    /** Reads N GETs in a pipeline and counts the invalidation pushes met among their replies. */
    private static long[] trackManyKeys(RespClient a, int keys) {
        ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
        for (int i = 0; i < keys; i++) {
            pipeline.writeBytes(RespClient.encode(RespClient.args("GET", "key:" + i)));
        }
        a.send(pipeline.toByteArray());
        long replies = 0;
        long pushes = 0;
        while (replies < keys) {
            String r = a.readReplyString();
            if (r.startsWith(">2\r\n$10\r\ninvalidate")) {
                pushes++;
            } else {
                replies++;
            }
        }
        return new long[] {replies, pushes};
    }

    private static long[] boundedTable(RespClient a, RespClient observer) {
        observer.call("CONFIG", "SET", "tracking-table-max-keys", "100");
        a.call("HELLO", "3");
        a.call("CLIENT", "TRACKING", "on");
        long[] counts = trackManyKeys(a, 3000);
        a.send(RespClient.encode(RespClient.args("PING")));
        long more = 0;
        while (!a.readReplyString().equals("+PONG\r\n")) {
            more++; // the table was cut before PING ran: one more invalidation
        }
        long keys = infoField(observer, "stats", "tracking_total_keys");
        return new long[] {counts[1] + more, keys};
    }

    @Test
    void aFullTableForgetsKeysWithInvalidationsAndStaysBounded() {
        long[] ours;
        long[] real;
        try (RespClient a = node.client(); RespClient o = node.client()) {
            ours = boundedTable(a, o);
        }
        try (RespClient a = redis.client(); RespClient o = redis.client()) {
            real = boundedTable(a, o);
        }
        assertEquals(100, ours[1], "tracking_total_keys at the limit");
        assertEquals(real[1], ours[1]);
        assertEquals(2900, ours[0], "one invalidation per forgotten key");
        assertEquals(real[0], ours[0], "as many invalidations as redis-server sends");
    }

    @Test
    void aHugePrefixListIsCheckedInLinearithmicTime() {
        int n = 50_000;
        try (RespClient a = node.client(); RespClient b = node.client()) {
            a.call("HELLO", "3");
            String[] args = new String[4 + 2 * n];
            args[0] = "CLIENT";
            args[1] = "TRACKING";
            args[2] = "on";
            args[3] = "BCAST";
            for (int i = 0; i < n; i++) {
                args[4 + 2 * i] = "PREFIX";
                args[5 + 2 * i] = String.format("p%07d:", i);
            }
            long start = System.nanoTime();
            assertEquals("+OK\r\n", text(a.call(args)));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 5_000, "50k prefixes took " + millis + " ms"); // Redis compares all 1.25e9 pairs
            assertEquals(n, infoField(b, "stats", "tracking_total_prefixes"));
            b.call("SET", "p0012345:x", "1");
            assertEquals(">2\r\n$10\r\ninvalidate\r\n*1\r\n$10\r\np0012345:x\r\n", a.readReplyString());
            b.call("SET", "q", "1"); // under no prefix
            assertEquals("+PONG\r\n", text(a.call("PING")));
            assertEquals("+OK\r\n", text(a.call("CLIENT", "TRACKING", "off")));
            args[args.length - 1] = "p0000001:x"; // one overlap among new prefixes, at the end
            start = System.nanoTime();
            String overlap = text(a.call(args));
            millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals("-ERR Prefix 'p0000001:' overlaps with another provided prefix 'p0000001:x'. "
                    + "Prefixes for a single client must not overlap.\r\n", overlap);
            assertTrue(millis < 5_000, "found in " + millis + " ms");
            assertEquals("+OK\r\n", text(a.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "p0000000:")));
            args[args.length - 1] = "p0000001:"; // overlapping an existing prefix: answered at once
            start = System.nanoTime();
            String err = text(a.call(args));
            assertTrue(err.startsWith("-ERR Prefix 'p0000000:' overlaps with an existing prefix 'p0000000:'"), err);
            assertEquals("+OK\r\n", text(a.call("CLIENT", "TRACKING", "off")));
            assertEquals(0, infoField(b, "stats", "tracking_total_prefixes"));
        }
    }

    /**
     * Redis 7.0 answers an overlap that does not involve the first prefix with the error and then
     * +OK, tracking enabled (checkPrefixCollisionsOrReply returns i); the documented departure:
     * one reply, the error, and nothing enabled.
     */
    @Test
    void anOverlapPastTheFirstPrefixIsOneErrorAndNoChange() {
        try (RespClient a = node.client()) {
            assertEquals("-ERR Prefix 'b' overlaps with another provided prefix 'bc'. Prefixes for a single client "
                    + "must not overlap.\r\n", text(a.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a", "PREFIX", "b",
                    "PREFIX", "bc")));
            assertEquals("+PONG\r\n", text(a.call("PING")));
            assertTrue(text(a.call("CLIENT", "TRACKINGINFO")).contains("off"));
        }
    }

    @Test
    void aClientThatNeverReadsItsInvalidationsIsClosedByItsLimit() {
        try (RespClient a = node.client(); RespClient b = node.client()) {
            b.call("CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 0 0");
            a.call("HELLO", "3");
            a.call("CLIENT", "TRACKING", "on", "BCAST");
            long id = Long.parseLong(text(a.call("CLIENT", "ID")).substring(1).trim());
            a.socket().setReceiveBufferSize(4096);
            String name = "k".repeat(1000);
            boolean gone = false;
            for (int i = 0; i < 20_000 && !gone; i++) {
                b.call("SET", name + i, "v");
                if (i % 500 == 0) {
                    gone = !text(b.call("CLIENT", "LIST", "ID", String.valueOf(id))).contains("id=" + id + " ");
                }
            }
            assertTrue(gone, "the client holding 20 MB of unread invalidations was closed");
            assertEquals("+PONG\r\n", text(b.call("PING")));
            assertEquals(0, infoField(b, "clients", "tracking_clients"));
        } catch (java.net.SocketException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * With Redis's default limits (normal 0 0 0) too: invalidations others' writes push to a
     * client that never reads are closed at the reply ceiling, as unread pub/sub messages are
     * (docs/SECURITY.md); reading less from it would not slow them.
     */
    @Test
    void aClientThatNeverReadsItsInvalidationsIsClosedAtTheReplyCeiling() {
        try (RespClient a = node.client(); RespClient b = node.client()) {
            b.call("CONFIG", "SET", "client-output-buffer-limit", "normal 0 0 0");
            b.call("CONFIG", "SET", "client-reply-ceiling", "2mb");
            try {
                a.call("HELLO", "3");
                a.call("CLIENT", "TRACKING", "on", "BCAST");
                long id = Long.parseLong(text(a.call("CLIENT", "ID")).substring(1).trim());
                a.socket().setReceiveBufferSize(4096);
                String name = "c".repeat(1000);
                boolean gone = false;
                for (int i = 0; i < 20_000 && !gone; i++) {
                    b.call("SET", name + i, "v");
                    if (i % 500 == 0) {
                        gone = !text(b.call("CLIENT", "LIST", "ID", String.valueOf(id))).contains("id=" + id + " ");
                    }
                }
                assertTrue(gone, "the client holding 20 MB of unread invalidations was closed");
                assertEquals("+PONG\r\n", text(b.call("PING")));
            } finally {
                b.call("CONFIG", "SET", "client-reply-ceiling", "0");
            }
        } catch (java.net.SocketException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Clients that read a key nobody writes and leave do not grow its set of IDs for ever (Redis
     * 7.0 keeps every ID until the key is invalidated; valkey #4143): the IDs of clients that are
     * gone are dropped as the set doubles.
     */
    @Test
    void idsOfClientsThatLeftDoNotAccumulate() {
        try (RespClient b = node.client()) {
            b.call("SET", "popular", "v");
            for (int i = 0; i < 300; i++) {
                try (RespClient a = node.client()) {
                    a.call("HELLO", "3");
                    a.call("CLIENT", "TRACKING", "on");
                    a.call("GET", "popular");
                }
            }
            long items = infoField(b, "stats", "tracking_total_items");
            assertTrue(items < 64, "items held for 300 clients that left: " + items);
            b.call("DEL", "popular");
            assertEquals(0, infoField(b, "stats", "tracking_total_items"));
        }
    }

    @Test
    void clientListBufferFieldsAreTheConnectionsOwn() {
        String ours = partialRequestFields(node.client(), node.client());
        String real = partialRequestFields(redis.client(), redis.client());
        assertEquals(real, ours);
        assertEquals("qbuf=3 argv-mem=4", ours);
        try (RespClient a = node.client(); RespClient b = node.client()) {
            String id = text(a.call("CLIENT", "ID")).substring(1).trim();
            a.call("MULTI");
            a.call("SET", "k", "vvvv");
            assertTrue(field(b, id, "multi-mem") >= 8, "queued SET k vvvv");
            a.call("DISCARD");
            assertEquals(0, field(b, id, "multi-mem"));
            b.call("SET", "big", "x".repeat(1 << 20));
            ByteArrayOutputStream gets = new ByteArrayOutputStream();
            for (int i = 0; i < 30; i++) {
                gets.writeBytes(RespClient.encode(RespClient.args("GET", "big")));
            }
            a.send(gets.toByteArray()); // 30 MB of replies it does not read yet
            long deadline = System.currentTimeMillis() + 5_000;
            long omem = 0;
            while (omem == 0 && System.currentTimeMillis() < deadline) {
                omem = field(b, id, "omem");
            }
            assertTrue(omem > 0, "unsent replies show in omem");
            assertTrue(field(b, id, "tot-mem") > omem);
        }
    }

    /** qbuf and argv-mem of a client that sent half a SET (the bulk's first 3 bytes of 10). */
    private static String partialRequestFields(RespClient a, RespClient b) {
        try (a; b) {
            String id = text(a.call("CLIENT", "ID")).substring(1).trim();
            a.send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$10\r\nabc".getBytes(StandardCharsets.US_ASCII));
            long deadline = System.currentTimeMillis() + 5_000;
            while (field(b, id, "qbuf") != 3 && System.currentTimeMillis() < deadline) {
                Thread.onSpinWait();
            }
            return "qbuf=" + field(b, id, "qbuf") + " argv-mem=" + field(b, id, "argv-mem");
        }
    }

    private static long field(RespClient observer, String id, String name) {
        String line = text(observer.call("CLIENT", "LIST", "ID", id));
        Matcher m = Pattern.compile(" " + name + "=(\\d+)").matcher(line);
        assertTrue(m.find(), name + " in " + line);
        return Long.parseLong(m.group(1));
    }
}
