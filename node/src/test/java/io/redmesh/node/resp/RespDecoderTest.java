package io.redmesh.node.resp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** RespDecoder on its own: exact framing, Redis's error texts, and robustness to garbage. */
class RespDecoderTest {
    private boolean authenticated = true;
    private long protoMax = 512L << 20;
    private long queryLimit = 1L << 30;

    private EmbeddedChannel channel() {
        return new EmbeddedChannel(new RespDecoder(new RespDecoder.Limits() {
            @Override
            public long protoMaxBulkLen() {
                return protoMax;
            }

            @Override
            public long queryBufferLimit() {
                return queryLimit;
            }

            @Override
            public boolean authenticated() {
                return authenticated;
            }
        }));
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static List<Object> feed(EmbeddedChannel ch, byte[]... chunks) {
        for (byte[] c : chunks) {
            ch.writeInbound(Unpooled.wrappedBuffer(c));
        }
        List<Object> out = new ArrayList<>();
        Object o;
        while ((o = ch.readInbound()) != null) {
            out.add(o);
        }
        return out;
    }

    private static String error(Object o) {
        assertInstanceOf(RespDecoder.ProtocolError.class, o);
        return ((RespDecoder.ProtocolError) o).message();
    }

    @Test
    void multibulkAndInlineFraming() {
        List<Object> out = feed(channel(), b("*2\r\n$3\r\nGET\r\n$1\r\nk\r\nPING\r\n  SET  a \"b c\" 'd'\r\n\r\n*0\r\n*-1\r\n"));
        assertEquals(3, out.size());
        assertArrayEquals(new byte[][] {b("GET"), b("k")}, (byte[][]) out.get(0));
        assertArrayEquals(new byte[][] {b("PING")}, (byte[][]) out.get(1));
        assertArrayEquals(new byte[][] {b("SET"), b("a"), b("b c"), b("d")}, (byte[][]) out.get(2));
    }

    @Test
    void headerSplitBetweenCarriageReturnAndLineFeed() {
        // A read boundary right after '\r' used to corrupt the reader index.
        byte[] cmd = b("*3\r\n$6\r\nCONFIG\r\n$3\r\nGET\r\n$2\r\nhz\r\n");
        for (int cut = 1; cut < cmd.length; cut++) {
            byte[] a = java.util.Arrays.copyOfRange(cmd, 0, cut);
            byte[] c = java.util.Arrays.copyOfRange(cmd, cut, cmd.length);
            List<Object> out = feed(channel(), a, c);
            assertEquals(1, out.size(), "cut at " + cut);
            assertArrayEquals(new byte[][] {b("CONFIG"), b("GET"), b("hz")}, (byte[][]) out.get(0), "cut at " + cut);
        }
    }

    @Test
    void countsFollowString2ll() {
        assertEquals("invalid multibulk length", error(feed(channel(), b("*01\r\n")).get(0)));
        assertEquals("invalid multibulk length", error(feed(channel(), b("*+1\r\n")).get(0)));
        assertEquals("invalid multibulk length", error(feed(channel(), b("*\r\n")).get(0)));
        assertEquals("invalid multibulk length", error(feed(channel(), b("*2147483648\r\n")).get(0)));
        assertEquals("invalid bulk length", error(feed(channel(), b("*1\r\n$04\r\n")).get(0)));
        assertEquals("invalid bulk length", error(feed(channel(), b("*1\r\n$-1\r\n")).get(0)));
        assertEquals("expected '$', got 'f'", error(feed(channel(), b("*1\r\nfoo\r\n")).get(0)));
        assertEquals("unbalanced quotes in request", error(feed(channel(), b("SET a \"b\r\n")).get(0)));
    }

    @Test
    void hugeBulkHeaderIsRefusedBeforeItsData() {
        List<Object> out = feed(channel(), b("*1\r\n$4294967296\r\n"));
        assertEquals("invalid bulk length", error(out.get(0)));
        protoMax = 8L << 30; // even when configured above what a Java array can hold
        out = feed(channel(), b("*1\r\n$4294967296\r\n"));
        assertEquals("invalid bulk length", error(out.get(0)));
    }

    @Test
    void unauthenticatedLimits() {
        authenticated = false;
        assertEquals("unauthenticated multibulk length", error(feed(channel(), b("*11\r\n")).get(0)));
        assertEquals("unauthenticated bulk length", error(feed(channel(), b("*1\r\n$16385\r\n")).get(0)));
        // proto-max-bulk-len is checked first, as in Redis
        assertEquals("invalid bulk length", error(feed(channel(), b("*1\r\n$4294967296\r\n")).get(0)));
        assertEquals(1, feed(channel(), b("*1\r\n$4\r\nPING\r\n")).size());
    }

    @Test
    void tooLongLinesAndQueryBufferLimit() {
        byte[] longLine = new byte[RespDecoder.INLINE_MAX + 10];
        java.util.Arrays.fill(longLine, (byte) 'a');
        assertEquals("too big inline request", error(feed(channel(), longLine).get(0)));
        longLine[0] = '*';
        assertEquals("too big mbulk count string", error(feed(channel(), longLine).get(0)));
        queryLimit = 1000;
        List<Object> out = feed(channel(), b("*1\r\n$2000\r\n"), new byte[1500]);
        assertNull(error(out.get(0)), "query buffer overflow closes without a reply");
    }

    @Test
    void nothingAfterAnErrorIsDecoded() {
        EmbeddedChannel ch = channel();
        List<Object> out = feed(ch, b("*x\r\n*1\r\n$4\r\nPING\r\n"), b("*1\r\n$4\r\nPING\r\n"));
        assertEquals(1, out.size());
    }

    /** Valid commands cut at random points decode to exactly what was encoded. */
    @Test
    void randomSplitsOfValidCommands() {
        Random rnd = new Random(42);
        for (int round = 0; round < 300; round++) {
            List<byte[][]> cmds = new ArrayList<>();
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            int n = 1 + rnd.nextInt(20);
            for (int i = 0; i < n; i++) {
                byte[][] argv = new byte[1 + rnd.nextInt(6)][];
                for (int j = 0; j < argv.length; j++) {
                    argv[j] = new byte[rnd.nextInt(40)];
                    rnd.nextBytes(argv[j]);
                }
                cmds.add(argv);
                wire.writeBytes(b("*" + argv.length + "\r\n"));
                for (byte[] a : argv) {
                    wire.writeBytes(b("$" + a.length + "\r\n"));
                    wire.writeBytes(a);
                    wire.writeBytes(b("\r\n"));
                }
            }
            byte[] all = wire.toByteArray();
            EmbeddedChannel ch = channel();
            List<Object> out = new ArrayList<>();
            int pos = 0;
            while (pos < all.length) {
                int len = Math.min(all.length - pos, 1 + rnd.nextInt(50));
                out.addAll(feed(ch, java.util.Arrays.copyOfRange(all, pos, pos + len)));
                pos += len;
            }
            assertEquals(cmds.size(), out.size());
            for (int i = 0; i < cmds.size(); i++) {
                assertArrayEquals(cmds.get(i), (byte[][]) out.get(i));
            }
        }
    }

    /** Garbage never throws out of the decoder nor hangs it; at most one error, then silence. */
    @Test
    @Timeout(60)
    void fuzzedGarbage() {
        Random rnd = new Random(7);
        byte[] alphabet = b("*$\r\n-0123456789 \"'\\x\u0000abcPING");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        for (int round = 0; round < 20000 && System.nanoTime() < deadline; round++) {
            authenticated = rnd.nextBoolean();
            EmbeddedChannel ch = channel();
            int chunks = 1 + rnd.nextInt(8);
            int errors = 0;
            for (int c = 0; c < chunks; c++) {
                byte[] data = new byte[rnd.nextInt(64)];
                for (int i = 0; i < data.length; i++) {
                    data[i] = rnd.nextInt(4) == 0 ? (byte) rnd.nextInt(256) : alphabet[rnd.nextInt(alphabet.length)];
                }
                ByteBuf buf = Unpooled.wrappedBuffer(data);
                ch.writeInbound(buf);
                Object o;
                while ((o = ch.readInbound()) != null) {
                    if (o instanceof RespDecoder.ProtocolError) {
                        errors++;
                    } else {
                        assertInstanceOf(byte[][].class, o);
                        assertTrue(errors == 0, "a command decoded after a protocol error");
                    }
                }
            }
            assertTrue(errors <= 1);
            ch.finishAndReleaseAll();
        }
    }
}
