package io.redmesh.node.resp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A command split anywhere between two reads, even between '\r' and '\n', decodes whole. */
class RespDecoderSplitTest {
    private static final RespDecoder.Limits LIMITS = new RespDecoder.Limits() {
        @Override
        public long protoMaxBulkLen() {
            return 512L * 1024 * 1024;
        }

        @Override
        public long queryBufferLimit() {
            return 1L << 30;
        }

        @Override
        public boolean authenticated() {
            return true;
        }
    };

    @Test
    void everySplitPointDecodesTheSameCommand() {
        byte[] wire = "*3\r\n$4\r\nHSET\r\n$13\r\nkey\r\nwith\r\nnl\r\n$0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[][] expected = {"HSET".getBytes(StandardCharsets.ISO_8859_1),
                "key\r\nwith\r\nnl".getBytes(StandardCharsets.ISO_8859_1), new byte[0]};
        for (int split = 1; split < wire.length; split++) {
            EmbeddedChannel ch = new EmbeddedChannel(new RespDecoder(LIMITS));
            ch.writeInbound(Unpooled.wrappedBuffer(wire, 0, split));
            ch.writeInbound(Unpooled.wrappedBuffer(wire, split, wire.length - split));
            Object first = ch.readInbound();
            if (first instanceof RespDecoder.ProtocolError e) {
                throw new AssertionError("split at " + split + ": " + e.message());
            }
            byte[][] got = (byte[][]) first;
            assertArrayEquals(expected, got, "split at " + split);
            assertNull(ch.readInbound(), "one command only, split at " + split);
            ch.finishAndReleaseAll();
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void pipelinedCommandsSplitAnywhere() {
        byte[] wire = b("*2\r\n$4\r\nECHO\r\n$3\r\nabc\r\n*1\r\n$4\r\nPING\r\n");
        for (int cut = 1; cut < wire.length; cut++) {
            EmbeddedChannel ch = new EmbeddedChannel(new RespDecoder(LIMITS));
            ch.writeInbound(Unpooled.wrappedBuffer(wire, 0, cut));
            ch.writeInbound(Unpooled.wrappedBuffer(wire, cut, wire.length - cut));
            byte[][] first = ch.readInbound();
            byte[][] second = ch.readInbound();
            assertArrayEquals(new byte[][] {b("ECHO"), b("abc")}, first, "cut at " + cut);
            assertArrayEquals(new byte[][] {b("PING")}, second, "cut at " + cut);
            assertNull(ch.readInbound());
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void byteByByte() {
        byte[] wire = b("*3\r\n$5\r\nRPUSH\r\n$1\r\nk\r\n$10\r\n0123456789\r\n");
        EmbeddedChannel ch = new EmbeddedChannel(new RespDecoder(LIMITS));
        for (byte x : wire) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {x}));
        }
        byte[][] cmd = ch.readInbound();
        assertArrayEquals(new byte[][] {b("RPUSH"), b("k"), b("0123456789")}, cmd);
        ch.finishAndReleaseAll();
    }

    /** Only '\r' ends a header line, as in Redis: a bare '\n' makes the count invalid. */
    @Test
    void bareLineFeedInHeaderIsAProtocolError() {
        EmbeddedChannel ch = new EmbeddedChannel(new RespDecoder(LIMITS));
        ch.writeInbound(Unpooled.wrappedBuffer(b("*1\n$4\r\nPING\r\n")));
        Object o = ch.readInbound();
        assertInstanceOf(RespDecoder.ProtocolError.class, o);
        assertEquals("invalid multibulk length", ((RespDecoder.ProtocolError) o).message());
        ch.finishAndReleaseAll();
    }
}
