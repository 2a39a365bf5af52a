package io.redmesh.node.persist.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * RESTORE of corrupted payloads (with a valid checksum, so the body parser is what is tested):
 * every reply is +OK or "Bad data format", every restored value is usable, and the server keeps
 * serving.
 */
class RestoreFuzzTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void corruptedPayloadsNeverBreakTheServer() {
        try (ServerFixture s = ServerFixture.start(); RespClient c = s.client()) {
            c.call("SET", "str", "x".repeat(100));
            c.call("RPUSH", "list", "a", "1", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "300000");
            c.call("SADD", "intset", "1", "2", "70000");
            c.call("SADD", "set", "a", "b", "c");
            c.call("HSET", "hash", "f", "v", "g", "12");
            c.call("ZADD", "zset", "1", "a", "2.5", "b");
            String[] big = new String[202];
            big[0] = "ZADD";
            big[1] = "zbig";
            for (int i = 0; i < 100; i++) {
                big[2 + 2 * i] = Integer.toString(i);
                big[3 + 2 * i] = "m" + i;
            }
            c.call(big);
            Random r = new Random(42);
            int ok = 0;
            for (String key : new String[] {"str", "list", "intset", "set", "hash", "zset", "zbig"}) {
                byte[] payload = DumpDifferentialTest.bulk(c.call("DUMP", key));
                byte[] body = Arrays.copyOf(payload, payload.length - 10);
                for (int round = 0; round < 300; round++) {
                    byte[] m = body.clone();
                    int flips = 1 + r.nextInt(3);
                    for (int f = 0; f < flips; f++) {
                        m[r.nextInt(m.length)] = (byte) r.nextInt(256);
                    }
                    if (r.nextInt(5) == 0) {
                        m = Arrays.copyOf(m, r.nextInt(m.length + 1));
                    }
                    String reply = new String(c.call(b("RESTORE"), b("fz"), b("0"),
                            DumpDifferentialTest.withFooter(m), b("REPLACE")), StandardCharsets.ISO_8859_1);
                    if (reply.equals("+OK\r\n")) {
                        ok++;
                        assertTrue(c.callString("DUMP", "fz").startsWith("$"));
                        c.call("DEL", "fz");
                    } else {
                        assertEquals("-ERR Bad data format\r\n", reply);
                    }
                }
            }
            assertTrue(ok > 0);
            assertEquals("+PONG\r\n", c.callString("PING"));
        }
    }
}
