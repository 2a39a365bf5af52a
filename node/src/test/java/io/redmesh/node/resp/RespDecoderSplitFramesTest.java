package io.redmesh.node.resp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Requests arrive in arbitrary pieces (TLS records end anywhere, often between "\r" and "\n");
 * the decoder must give the same commands however the bytes are cut.
 */
class RespDecoderSplitFramesTest {
    private static final RespDecoder.Limits LIMITS = new RespDecoder.Limits() {
        @Override
        public long protoMaxBulkLen() {
            return 512L << 20;
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

    private static final String PIPELINE = "*3\r\n$4\r\nMSET\r\n$5\r\nkey:1\r\n$3\r\nVXK\r\n"
            + "PING\r\n"
            + "*2\r\n$3\r\nGET\r\n$10\r\nkey:\r\n1234\r\n";

    @Test
    void everyCutGivesTheSameCommands() {
        byte[] all = PIPELINE.getBytes(StandardCharsets.ISO_8859_1);
        for (int chunk = 1; chunk <= all.length; chunk++) {
            EmbeddedChannel ch = new EmbeddedChannel(new RespDecoder(LIMITS));
            for (int i = 0; i < all.length; i += chunk) {
                ch.writeInbound(Unpooled.wrappedBuffer(all, i, Math.min(chunk, all.length - i)));
            }
            assertCommand(ch.readInbound(), "MSET", "key:1", "VXK");
            assertCommand(ch.readInbound(), "PING");
            assertCommand(ch.readInbound(), "GET", "key:\r\n1234");
            assertNull(ch.readInbound(), "chunk " + chunk);
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void aHeaderCutBetweenCrAndLfWaitsForTheLf() {
        EmbeddedChannel ch = new EmbeddedChannel(new RespDecoder(LIMITS));
        ch.writeInbound(Unpooled.copiedBuffer("*1\r", StandardCharsets.ISO_8859_1));
        ch.writeInbound(Unpooled.copiedBuffer("\n$4\r", StandardCharsets.ISO_8859_1));
        assertNull(ch.readInbound());
        ch.writeInbound(Unpooled.copiedBuffer("\nPING\r\n", StandardCharsets.ISO_8859_1));
        assertCommand(ch.readInbound(), "PING");
        assertEquals(true, ch.isActive());
        ch.finishAndReleaseAll();
    }

    private static void assertCommand(Object decoded, String... expected) {
        byte[][] argv = (byte[][]) decoded;
        assertEquals(expected.length, argv.length);
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i].getBytes(StandardCharsets.ISO_8859_1), argv[i]);
        }
    }
}
