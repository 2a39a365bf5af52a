package io.redmesh.node.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's redis-server 7.0.15 (with its security backports) and a RedMesh node started with the
 * same directives, one client on each: an advisory's replay is sent to both and the replies must
 * be byte for byte the same. Where RedMesh departs from Redis on purpose the test says so.
 */
final class Peers implements AutoCloseable {
    final RedisProcess real;
    final ServerFixture ours;
    final RespClient redis;
    final RespClient node;

    private Peers(RedisProcess real, ServerFixture ours) {
        this.real = real;
        this.ours = ours;
        this.redis = real.client();
        this.node = ours.client();
    }

    static Peers start(String... directives) {
        Assumptions.assumeTrue(RedisProcess.available(), "redis-server not installed");
        RedisProcess r = RedisProcess.start(directives);
        try {
            return new Peers(r, ServerFixture.start(directives));
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
    }

    /** Sends one command to both; fails unless the raw replies are equal; returns the reply. */
    String same(String... args) {
        byte[][] a = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            a[i] = args[i].getBytes(StandardCharsets.ISO_8859_1);
        }
        return same(a);
    }

    String same(byte[]... args) {
        String want = new String(redis.call(args), StandardCharsets.ISO_8859_1);
        String got = new String(node.call(args), StandardCharsets.ISO_8859_1);
        assertEquals(shorten(want), shorten(got), "reply to " + show(args));
        return got;
    }

    /** Both servers still answer (the replay crashed or hung neither). */
    void bothAlive() {
        try (RespClient a = real.client(); RespClient b = ours.client()) {
            assertEquals("+PONG\r\n", a.callString("PING"), "redis-server still answers");
            assertEquals("+PONG\r\n", b.callString("PING"), "RedMesh still answers");
        }
    }

    private static String shorten(String s) {
        return s.length() > 2000 ? s.substring(0, 2000) + "...(" + s.length() + ")" : s;
    }

    private static String show(byte[][] args) {
        StringBuilder sb = new StringBuilder();
        for (byte[] x : args) {
            String s = new String(x, StandardCharsets.ISO_8859_1);
            sb.append(s.length() > 40 ? s.substring(0, 40) + "..." : s).append(' ');
        }
        return sb.toString().trim();
    }

    @Override
    public void close() {
        node.close();
        redis.close();
        try {
            ours.close();
        } finally {
            real.close();
        }
    }
}
