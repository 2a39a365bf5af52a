package io.redmesh.node.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.unix.UnixChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.redmesh.node.command.ServerContext;
import io.redmesh.node.command.Session;
import io.redmesh.node.command.SessionTransport;
import io.redmesh.node.resp.RespDecoder;
import io.redmesh.node.util.ServerLog;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The last stage of a connection's pipeline: hands decoded requests to the dispatcher and
 * flushes the session's replies once per read batch (so a pipeline of N commands costs one
 * write). It is the session's {@link SessionTransport}.
 */
final class ClientChannelHandler extends ChannelInboundHandlerAdapter implements SessionTransport {
    private final ServerContext server;
    private Channel channel;
    private Session session;
    /** Why reading is paused: a bit per reason; the channel reads only when none is left. */
    private int readPauses;
    private static final int PAUSED_BLOCKED = 1;
    private static final int PAUSED_UNREAD_REPLIES = 2;

    ClientChannelHandler(ServerContext server) {
        this.server = server;
    }

    Session session() {
        return session;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        session = server.openSession(this);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof byte[][] argv) {
            long in = 0;
            for (byte[] a : argv) {
                in += a.length + 16;
            }
            session.netInput += in;
            server.stats.netInputBytes += in;
            server.dispatcher().process(session, argv);
        } else if (msg instanceof RespDecoder.ProtocolError err) {
            if (err.message() != null) {
                ServerLog.protocolError("id=" + session.id + " addr=" + remoteAddress(), err.message());
                session.reply.error("ERR Protocol error: " + err.message());
            }
            session.closeAfterReply = true;
            session.flush();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        session.flush();
    }

    /**
     * Backpressure: the output limits pause reading from a client that holds more unread
     * replies than its share (OutputBufferLimits.readPauseThreshold, never below the channel's
     * high-water mark), so a client that never reads cannot make the node produce replies
     * without end; reading resumes here, once the outbound buffer has drained below the
     * low-water mark.
     */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (session != null && session.isReplica()) {
            // A replica link's backlog is the master's to bound (client-output-buffer-limit
            // replica); its ACKs must keep being read meanwhile.
            session.writabilityChanged(ctx.channel().isWritable());
            ctx.fireChannelWritabilityChanged();
            return;
        }
        if (ctx.channel().isWritable()) {
            pauseReading(PAUSED_UNREAD_REPLIES, false);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void pauseReadingForReplies() {
        if (!channel.isWritable()) {
            pauseReading(PAUSED_UNREAD_REPLIES, true);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent e && e.isSuccess()) {
            server.accessControl().tlsHandshakeDone(session, peerCertificates());
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (session != null) {
            server.closeSession(session);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Connection resets and TLS failures end this connection only.
        ServerLog.verbose("Closing client connection on error: " + cause
                + " (addr=" + format(ctx.channel().remoteAddress()) + ")");
        ctx.close();
    }

    // ------------------------------------------------------------------ SessionTransport

    @Override
    public void write(ByteBuf buf) {
        channel.writeAndFlush(buf, channel.voidPromise());
    }

    @Override
    public void execute(Runnable task) {
        channel.eventLoop().execute(task);
    }

    @Override
    public Future<?> schedule(Runnable task, long delayMillis) {
        return channel.eventLoop().schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public boolean inIoThread() {
        return channel.eventLoop().inEventLoop();
    }

    @Override
    public void close() {
        channel.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void closeNow() {
        channel.close();
    }

    @Override
    public void autoRead(boolean on) {
        pauseReading(PAUSED_BLOCKED, !on);
    }

    /** Sets or clears one reason to pause reading; called from any thread. */
    private synchronized void pauseReading(int reason, boolean pause) {
        readPauses = pause ? readPauses | reason : readPauses & ~reason;
        channel.config().setAutoRead(readPauses == 0);
    }

    @Override
    public boolean writable() {
        return channel.isWritable();
    }

    @Override
    public ByteBufAllocator alloc() {
        return channel.alloc();
    }

    @Override
    public int queryBufferBytes() {
        RespDecoder d = decoder();
        return d == null ? 0 : d.queryBufferBytes();
    }

    @Override
    public int queryBufferFree() {
        RespDecoder d = decoder();
        return d == null ? 0 : d.queryBufferFree();
    }

    @Override
    public long partialArgvBytes() {
        RespDecoder d = decoder();
        return d == null ? 0 : d.partialArgvBytes();
    }

    private RespDecoder decoder() {
        return channel.pipeline().get(RespDecoder.class);
    }

    @Override
    public long pendingOutputBytes() {
        io.netty.channel.ChannelOutboundBuffer ob = channel.unsafe().outboundBuffer();
        return ob == null ? 0 : ob.totalPendingWriteBytes();
    }

    @Override
    public int pendingOutputEntries() {
        io.netty.channel.ChannelOutboundBuffer ob = channel.unsafe().outboundBuffer();
        return ob == null ? 0 : ob.size();
    }

    @Override
    public String remoteAddress() {
        if (channel instanceof io.netty.channel.unix.DomainSocketChannel) {
            // Redis names both ends of a unix connection after the socket: "addr=/path:0" (the
            // configured path: the socket may have been bound elsewhere and renamed into place)
            return server.config.getString("unixsocket") + ":0";
        }
        return format(channel.remoteAddress());
    }

    @Override
    public String localAddress() {
        if (channel instanceof io.netty.channel.unix.DomainSocketChannel) {
            return server.config.getString("unixsocket") + ":0";
        }
        return format(channel.localAddress());
    }

    static String format(SocketAddress a) {
        if (a instanceof InetSocketAddress i) {
            String host = i.getAddress() == null ? i.getHostString() : i.getAddress().getHostAddress();
            int pct = host.indexOf('%');
            if (pct >= 0) {
                host = host.substring(0, pct);
            }
            return host + ":" + i.getPort();
        }
        if (a instanceof io.netty.channel.unix.DomainSocketAddress d) {
            return d.path() + ":0";
        }
        return a == null ? "" : a.toString();
    }

    @Override
    public Certificate[] peerCertificates() {
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return null;
        }
        try {
            return ssl.engine().getSession().getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    @Override
    public boolean tls() {
        return channel.pipeline().get(SslHandler.class) != null;
    }

    @Override
    public int fd() {
        if (channel instanceof UnixChannel u) {
            return u.fd().intValue();
        }
        return -1;
    }
}
