package io.redmesh.node.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.redmesh.node.command.ServerContext;
import io.redmesh.node.util.ServerLog;
import java.nio.charset.StandardCharsets;

/**
 * Counts TLS handshakes and logs failures the way Redis does ("Error accepting a client
 * connection"). A connection refused at accept time (protected mode) is told why once the
 * handshake makes it possible to say anything, then closed.
 */
final class TlsHandshakeListener extends ChannelInboundHandlerAdapter {
    private final ServerContext context;
    /** The error to send after the handshake instead of serving the client, or null. */
    private final String refusal;

    TlsHandshakeListener(ServerContext context, String refusal) {
        this.context = context;
        this.refusal = refusal;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent e) {
            if (e.isSuccess()) {
                context.stats.tlsHandshakesOk++;
                if (refusal != null) {
                    ctx.writeAndFlush(Unpooled.copiedBuffer(refusal, StandardCharsets.US_ASCII))
                            .addListener(ChannelFutureListener.CLOSE);
                    return;
                }
            } else {
                context.stats.tlsHandshakesFailed++;
                ServerLog.verbose("Error accepting a client connection: " + e.cause().getMessage()
                        + " (addr=" + ClientChannelHandler.format(ctx.channel().remoteAddress()) + ")");
                ctx.close();
            }
            ctx.pipeline().remove(this);
        }
        ctx.fireUserEventTriggered(evt);
    }
}
