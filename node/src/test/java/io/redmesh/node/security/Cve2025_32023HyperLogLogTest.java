package io.redmesh.node.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * CVE-2025-32023 (fixed in Redis 7.2.10; 7.0.15 is still exposed): a crafted sparse HyperLogLog
 * whose runs add up past 2^31 registers made the register index wrap and write out of bounds.
 * Here every operation on such a sketch (count, merge, conversion, add) answers INVALIDOBJ or
 * leaves it corrupt, and the server goes on serving; so does a sketch whose value runs overflow
 * the registers (CVE-2019-10192/10193's shape).
 */
class Cve2025_32023HyperLogLogTest {
    private static final String INVALID = "-INVALIDOBJ Corrupted HLL object detected\r\n";

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A sparse sketch header followed by {@code body}. */
    private static byte[] sketch(byte[] body) {
        byte[] s = new byte[16 + body.length];
        System.arraycopy(b("HYLL"), 0, s, 0, 4);
        s[4] = 1; // sparse
        s[15] = (byte) 0x80; // no cached count
        System.arraycopy(body, 0, s, 16, body.length);
        return s;
    }

    @Test
    void runsPastTwoToTheThirtyOneRegisters() {
        int xzeros = 131_073; // 131073 x 16384 > 2^31
        byte[] body = new byte[2 * xzeros + 1];
        for (int i = 0; i < xzeros; i++) {
            body[2 * i] = 0x7f;
            body[2 * i + 1] = (byte) 0xff;
        }
        body[body.length - 1] = (byte) 0xfc; // VAL 32 x 1 after the wrap
        try (ServerFixture s = ServerFixture.start(); RespClient c = s.client()) {
            assertEquals("+OK\r\n", new String(c.call(b("SET"), b("evil"), sketch(body)), StandardCharsets.ISO_8859_1));
            c.call("PFADD", "good", "a", "b", "c");
            assertEquals(INVALID, c.callString("PFCOUNT", "evil"));
            assertEquals(INVALID, c.callString("PFCOUNT", "evil", "good"));
            assertEquals(INVALID, c.callString("PFMERGE", "dst", "good", "evil"));
            assertEquals(INVALID, c.callString("PFDEBUG", "TODENSE", "evil"));
            c.callString("PFADD", "evil", "x"); // splits the first run; the sketch stays corrupt
            assertEquals(INVALID, c.callString("PFCOUNT", "evil"));
            assertEquals(":3\r\n", c.callString("PFCOUNT", "good"));
            assertEquals("+PONG\r\n", c.callString("PING"));
        }
    }

    @Test
    void valueRunsPastTheLastRegister() {
        byte[] body = new byte[2 + 2];
        body[0] = 0x7f; // XZERO 16384: every register
        body[1] = (byte) 0xff;
        body[2] = (byte) 0x83; // VAL 1 x 4 beyond the end
        body[3] = (byte) 0x83;
        try (ServerFixture s = ServerFixture.start(); RespClient c = s.client()) {
            c.call(b("SET"), b("evil"), sketch(body));
            assertEquals(INVALID, c.callString("PFCOUNT", "evil"));
            assertEquals(INVALID, c.callString("PFCOUNT", "evil", "nokey"));
            assertEquals(INVALID, c.callString("PFDEBUG", "GETREG", "evil"));
            assertEquals(INVALID, c.callString("PFMERGE", "evil2", "evil"));
            assertEquals("+PONG\r\n", c.callString("PING"));
        }
    }
}
