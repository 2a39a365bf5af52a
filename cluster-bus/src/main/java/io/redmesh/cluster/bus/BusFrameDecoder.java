package io.redmesh.cluster.bus;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Frames the bus byte stream into messages. The header's first 16 bytes are judged before the
 * rest is waited for ({@link BusCodec#expectedLength}), so a peer cannot make us buffer more than
 * its type allows; anything invalid closes the link (clusterReadHandler's "Bad message length or
 * signature") and reaches no state.
 */
final class BusFrameDecoder extends ByteToMessageDecoder {
    private final BusLink link;

    BusFrameDecoder(BusLink link) {
        this.link = link;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (true) {
            int len;
            try {
                len = BusCodec.expectedLength(in);
                if (len < 0 || in.readableBytes() < len) {
                    return;
                }
                out.add(BusCodec.decode(in, len));
                in.skipBytes(len);
            } catch (BusCodec.Invalid e) {
                link.invalid(e.getMessage());
                in.skipBytes(in.readableBytes());
                ctx.close();
                return;
            }
        }
    }
}
