package io.redmesh.cluster.bus;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.redmesh.node.spi.NodeLog;
import io.redmesh.node.spi.cluster.BusTls;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;

/**
 * The bus's sockets: one listener on the cluster port and the links this node opens, on one
 * event loop of their own. Whether a connection speaks TLS is decided when it is made, from
 * {@code tls-cluster} at that moment, on the same port (so changing tls-cluster at runtime
 * never advertises a port nothing listens on). Under TLS a link is handed to the cluster only
 * after the handshake (client certificate required, CA-verified) and the identity rule
 * ({@link PeerIdentity}); nothing is read from a peer before that.
 */
public final class BusTransport {
    /** What the cluster is told about links. Called on the bus event loop. */
    public interface Events {
        void message(BusLink link, BusMessage m);

        void closed(BusLink link);
    }

    private final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Events events;
    private final BusTls tls;
    private final BooleanSupplier tlsCluster;
    private final AtomicLongArray sent = new AtomicLongArray(BusMessage.TYPE_COUNT);
    private final AtomicLongArray received = new AtomicLongArray(BusMessage.TYPE_COUNT);
    private Channel listener;

    public BusTransport(Events events, BusTls tls, BooleanSupplier tlsCluster) {
        this.events = events;
        this.tls = tls;
        this.tlsCluster = tlsCluster;
    }

    /** Binds the cluster port on {@code bindAddress}. */
    public void listen(String bindAddress, int port) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        setUp(ch, true, null, null);
                    }
                });
        ChannelFuture f = b.bind(new InetSocketAddress(bindAddress, port)).sync();
        listener = f.channel();
    }

    /** Opens a link to a node's bus port; the future completes once it may carry messages. */
    public CompletableFuture<BusLink> connect(String host, int port, long timeoutMillis) {
        CompletableFuture<BusLink> ready = new CompletableFuture<>();
        Bootstrap b = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMillis))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        setUp(ch, false, ready, new InetSocketAddress(host, port));
                    }
                });
        b.connect(host, port).addListener(f -> {
            if (!f.isSuccess()) {
                ready.completeExceptionally(f.cause());
            }
        });
        loop.schedule(() -> {
            if (ready.completeExceptionally(new java.util.concurrent.TimeoutException("bus connect timed out"))) {
                NodeLog.verbose("Cluster bus connection to " + host + ":" + port + " timed out");
            }
        }, timeoutMillis + 1000, TimeUnit.MILLISECONDS);
        return ready;
    }

    private void setUp(SocketChannel ch, boolean inbound, CompletableFuture<BusLink> ready, InetSocketAddress to) {
        BusLink link = new BusLink(ch, inbound, this);
        boolean useTls = tlsCluster.getAsBoolean();
        if (useTls) {
            SslHandler ssl = inbound ? tls.accepting(ch.alloc())
                    : tls.connecting(ch.alloc(), to.getHostString(), to.getPort());
            ch.pipeline().addLast("tls", ssl);
        }
        ch.pipeline().addLast("frames", new BusFrameDecoder(link));
        ch.pipeline().addLast("link", new LinkHandler(link, useTls, ready));
    }

    void counted(int type, boolean out) {
        if (type >= 0 && type < BusMessage.TYPE_COUNT) {
            (out ? sent : received).incrementAndGet(type);
        }
    }

    public long sent(int type) {
        return sent.get(type);
    }

    public long received(int type) {
        return received.get(type);
    }

    void log(String line) {
        NodeLog.warning(line);
    }

    /** The loop the bus runs on (the cluster's cron is scheduled there too). */
    public EventLoopGroup loop() {
        return loop;
    }

    public void close() {
        if (listener != null) {
            listener.close().awaitUninterruptibly(2000);
        }
        loop.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }

    /** Hands a link to the cluster once it is usable, then its messages, then its end. */
    private final class LinkHandler extends SimpleChannelInboundHandler<BusMessage> {
        private final BusLink link;
        private final boolean tlsLink;
        private final CompletableFuture<BusLink> ready;
        private boolean admitted;

        LinkHandler(BusLink link, boolean tlsLink, CompletableFuture<BusLink> ready) {
            this.link = link;
            this.tlsLink = tlsLink;
            this.ready = ready;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            if (!tlsLink) {
                admit();
            }
            super.channelActive(ctx);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof SslHandshakeCompletionEvent e) {
                if (!e.isSuccess()) {
                    NodeLog.warning("Cluster bus TLS handshake " + (link.inbound ? "from " : "to ")
                            + link.remoteAddress() + " failed: " + e.cause().getMessage());
                    fail(ctx, e.cause());
                    return;
                }
                SslHandler ssl = ctx.pipeline().get(SslHandler.class);
                String node = PeerIdentity.nodeName(ssl.engine().getSession().getPeerCertificates());
                if (node == null) {
                    NodeLog.warning("Cluster bus peer " + link.remoteAddress()
                            + " refused: its certificate does not name a cluster node (" + PeerIdentity.NODE_PREFIX
                            + "...)");
                    fail(ctx, new javax.net.ssl.SSLPeerUnverifiedException("not a cluster node certificate"));
                    return;
                }
                admit();
            }
            super.userEventTriggered(ctx, evt);
        }

        private void admit() {
            admitted = true;
            if (ready != null) {
                ready.complete(link);
            }
        }

        private void fail(ChannelHandlerContext ctx, Throwable cause) {
            if (ready != null) {
                ready.completeExceptionally(cause);
            }
            ctx.close();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, BusMessage m) {
            if (!admitted) {
                ctx.close(); // nothing counts before the peer proved who it is
                return;
            }
            counted(m.type, false);
            events.message(link, m);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (ready != null) {
                ready.completeExceptionally(new java.io.IOException("bus link closed"));
            }
            if (admitted) {
                events.closed(link);
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
