package io.redmesh.node.resp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
}
