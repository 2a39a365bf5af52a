package io.redmesh.node.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.redmesh.node.spi.link.LinkFactory;
import io.redmesh.node.spi.link.LinkOptions;
import io.redmesh.node.spi.link.LinkRefusedException;
import io.redmesh.node.spi.link.OutboundLink;
import io.redmesh.node.tls.TlsContextProvider;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;

/**
 * Opens {@link OutboundLink}s on the node's I/O event loops: TCP, then (with
 * {@link LinkOptions#tls()}) a TLS handshake from the node's client material in force now (see
 * {@link TlsContextProvider#clientContext()}: a certificate rotated since applies to the next
 * link, a live link keeps its session), then the expected peer name against the certificate's
 * SANs. Only then is the link handed out, so nothing (no AUTH) is ever sent to a peer that
 * failed a check.
 */
final class OutboundLinks implements LinkFactory {
    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> channelClass;
    private final TlsContextProvider tls;

    OutboundLinks(EventLoopGroup group, Class<? extends SocketChannel> channelClass, TlsContextProvider tls) {
        this.group = group;
        this.channelClass = channelClass;
        this.tls = tls;
    }

    @Override
    public CompletableFuture<OutboundLink> connect(LinkOptions o) {
        CompletableFuture<OutboundLink> result = new CompletableFuture<>();
        SslContext ssl = o.tls() ? tls.clientContext() : null;
        if (o.tls() && ssl == null) {
            result.completeExceptionally(new LinkRefusedException(
                    "TLS is not configured (tls-cert-file, tls-key-file, tls-ca-cert-file)"));
            return result;
        }
        String where = o.host() + ":" + o.port();
        Bootstrap b = new Bootstrap().group(group).channel(channelClass)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, o.connectTimeoutMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (ssl != null) {
                            SslHandler h = ssl.newHandler(ch.alloc(), o.host(), o.port());
                            h.setHandshakeTimeoutMillis(o.connectTimeoutMillis());
                            ch.pipeline().addLast("tls", h);
                        }
                        RespLink link = new RespLink(ch, o.maxReplyBytes());
                        ch.pipeline().addLast("ready", new ReadyGate(link, o, where, result));
                        ch.pipeline().addLast("link", link);
                    }
                });
        ChannelFuture cf;
        try {
            cf = b.connect(o.host(), o.port());
        } catch (RuntimeException e) {
            result.completeExceptionally(new LinkRefusedException("cannot connect to " + where + ": " + e.getMessage(), e));
            return result;
        }
        cf.addListener(f -> {
            if (!f.isSuccess()) {
                Throwable c = f.cause();
                result.completeExceptionally(new LinkRefusedException("cannot connect to " + where + ": "
                        + (c.getMessage() == null ? c.toString() : c.getMessage()), c));
            } else if (ssl == null) {
                Channel ch = cf.channel();
                result.complete(ch.pipeline().get(RespLink.class));
            }
        });
        return result;
    }

    /**
     * Completes the connect future once the TLS handshake succeeded and the peer name matched,
     * or fails it (closing the channel) with the reason; then steps out of the pipeline.
     */
    private static final class ReadyGate extends io.netty.channel.ChannelInboundHandlerAdapter {
        private final RespLink link;
        private final LinkOptions o;
        private final String where;
        private final CompletableFuture<OutboundLink> result;

        ReadyGate(RespLink link, LinkOptions o, String where, CompletableFuture<OutboundLink> result) {
            this.link = link;
            this.o = o;
            this.where = where;
            this.result = result;
        }

        @Override
        public void userEventTriggered(io.netty.channel.ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent e) {
                if (!e.isSuccess()) {
                    Throwable c = e.cause();
                    result.completeExceptionally(new LinkRefusedException("TLS handshake with " + where + " failed: "
                            + (c.getMessage() == null ? c.toString() : c.getMessage()), c));
                    ctx.close();
                } else {
                    X509Certificate peer = RespLink.peerCertificate(ctx.channel());
                    String expected = o.expectedPeerName();
                    if (expected != null && !expected.isEmpty() && (peer == null || !PeerNames.matches(peer, expected))) {
                        result.completeExceptionally(new LinkRefusedException("peer " + where + " is not '" + expected
                                + "': its certificate (" + (peer == null ? "none" : peer.getSubjectX500Principal().getName()
                                + ", SANs " + PeerNames.describe(peer)) + ") does not carry that name"));
                        ctx.close();
                    } else {
                        result.complete(link);
                    }
                }
                ctx.pipeline().remove(this);
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(io.netty.channel.ChannelHandlerContext ctx) {
            result.completeExceptionally(new LinkRefusedException("connection to " + where + " closed during the handshake"));
            ctx.fireChannelInactive();
        }
    }
}
