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
 * connection", at warning level), once per peer per interval ({@link AcceptErrorLog}). A connection refused at accept time (protected mode) is told why once the
 * handshake makes it possible to say anything, then closed.
 */
final class TlsHandshakeListener extends ChannelInboundHandlerAdapter {
    private final ServerContext context;
    /** The error to send after the handshake instead of serving the client, or null. */
    private final String refusal;
    /** The revocation check, repeated here because a resumed TLS session skips the trust manager. */
    private final io.redmesh.node.tls.TlsContextProvider tls;

    private final AcceptErrorLog acceptErrors;

    TlsHandshakeListener(ServerContext context, String refusal, io.redmesh.node.tls.TlsContextProvider tls,
                         AcceptErrorLog acceptErrors) {
        this.context = context;
        this.acceptErrors = acceptErrors;
        this.refusal = refusal;
        this.tls = tls;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent e) {
            if (e.isSuccess() && revoked(ctx)) {
                // A session resumed from the cache (or a ticket) does not show the client's
                // certificate to the trust manager again: a certificate revoked since then would
                // get back in on every reconnection.
                context.stats.tlsHandshakesFailed++;
                ServerLog.verbose("Error accepting a client connection: certificate revoked (resumed session) (addr="
                        + ClientChannelHandler.format(ctx.channel().remoteAddress()) + ")");
                ctx.close();
                return;
            }
            if (e.isSuccess()) {
                context.stats.tlsHandshakesOk++;
                if (refusal != null) {
                    ctx.writeAndFlush(Unpooled.copiedBuffer(refusal, StandardCharsets.US_ASCII))
                            .addListener(ChannelFutureListener.CLOSE);
                    return;
                }
            } else {
                context.stats.tlsHandshakesFailed++;
                acceptErrors.failed(ctx.channel().remoteAddress(), e.cause());
                ctx.close();
            }
            ctx.pipeline().remove(this);
        }
        ctx.fireUserEventTriggered(evt);
    }

    private boolean revoked(ChannelHandlerContext ctx) {
        io.netty.handler.ssl.SslHandler ssl = ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class);
        if (tls == null || ssl == null || !tls.hasRevocations()) {
            return false;
        }
        try {
            return tls.isRevoked(ssl.engine().getSession().getPeerCertificates());
        } catch (javax.net.ssl.SSLPeerUnverifiedException none) {
            return false;
        }
    }
}
