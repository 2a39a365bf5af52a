package io.redmesh.node.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.redmesh.node.command.ServerContext;
import io.redmesh.node.util.ServerLog;

/** Counts TLS handshakes and logs failures the way Redis does ("Error accepting a client connection"). */
final class TlsHandshakeListener extends ChannelInboundHandlerAdapter {
    private final ServerContext context;

    TlsHandshakeListener(ServerContext context) {
        this.context = context;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent e) {
            if (e.isSuccess()) {
                context.stats.tlsHandshakesOk++;
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
