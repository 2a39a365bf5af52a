package io.redmesh.node.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.redmesh.node.resp.ReplyParser;
import io.redmesh.node.spi.link.LinkRefusedException;
import io.redmesh.node.spi.link.LinkReply;
import io.redmesh.node.spi.link.OutboundLink;
import io.redmesh.node.spi.link.RawStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * One outbound RESP connection (see {@link OutboundLink}): the last handler of its pipeline.
 * Requests are written in order and their replies matched in order; once a {@link #callRaw}
 * request's turn comes, every later byte goes to its raw stream. All state is touched on the
 * channel's event loop only.
 */
final class RespLink extends ChannelInboundHandlerAdapter implements OutboundLink {
    /** A pending request: a future for its reply, or the raw stream or push handler that takes over. */
    private record Pending(CompletableFuture<LinkReply> reply, RawStream raw,
                           java.util.function.Consumer<LinkReply> pushes) {
        Pending(CompletableFuture<LinkReply> reply, RawStream raw) {
            this(reply, raw, null);
        }
    }

    private final Channel channel;
    private final ReplyParser parser;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private ByteBuf cumulation;
    private RawStream raw;
    /** After a subscribe(): every reply goes here. */
    private java.util.function.Consumer<LinkReply> pushes;
    private volatile boolean closing;

    RespLink(Channel channel, int maxReplyBytes) {
        this.channel = channel;
        this.parser = new ReplyParser(maxReplyBytes);
    }

    // ------------------------------------------------------------------ OutboundLink

    @Override
    public CompletableFuture<LinkReply> call(byte[]... argv) {
        CompletableFuture<LinkReply> f = new CompletableFuture<>();
        onLoop(() -> enqueue(new Pending(f, null), argv));
        return f;
    }

    @Override
    public java.util.List<CompletableFuture<LinkReply>> callAll(java.util.List<byte[][]> requests) {
        java.util.List<CompletableFuture<LinkReply>> out = new java.util.ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            out.add(new CompletableFuture<>());
        }
        onLoop(() -> {
            for (int i = 0; i < requests.size(); i++) {
                Pending p = new Pending(out.get(i), null);
                if (!channel.isActive()) {
                    fail(p, new LinkRefusedException("link closed"));
                    continue;
                }
                pending.add(p);
                channel.write(encode(channel, requests.get(i)), channel.voidPromise());
            }
            channel.flush();
        });
        return out;
    }

    @Override
    public void send(byte[]... argv) {
        onLoop(() -> {
            if (channel.isActive()) {
                channel.writeAndFlush(encode(channel, argv), channel.voidPromise());
            }
        });
    }

    @Override
    public void callRaw(RawStream stream, byte[]... argv) {
        onLoop(() -> enqueue(new Pending(null, stream), argv));
    }

    @Override
    public void subscribe(java.util.function.Consumer<LinkReply> handler, byte[]... argv) {
        onLoop(() -> enqueue(new Pending(null, null, handler), argv));
    }

    private void enqueue(Pending p, byte[][] argv) {
        if (!channel.isActive()) {
            fail(p, new LinkRefusedException("link closed"));
            return;
        }
        pending.add(p);
        channel.writeAndFlush(encode(channel, argv), channel.voidPromise());
    }

    private void onLoop(Runnable r) {
        if (channel.eventLoop().inEventLoop()) {
            r.run();
        } else {
            channel.eventLoop().execute(r);
        }
    }

    static ByteBuf encode(Channel ch, byte[][] argv) {
        int size = 16;
        for (byte[] a : argv) {
            size += a.length + 16;
        }
        ByteBuf b = ch.alloc().buffer(size);
        b.writeCharSequence("*" + argv.length + "\r\n", StandardCharsets.US_ASCII);
        for (byte[] a : argv) {
            b.writeCharSequence("$" + a.length + "\r\n", StandardCharsets.US_ASCII);
            b.writeBytes(a);
            b.writeByte('\r').writeByte('\n');
        }
        return b;
    }

    @Override
    public void autoRead(boolean on) {
        channel.config().setAutoRead(on);
    }

    @Override
    public void execute(Runnable task) {
        channel.eventLoop().execute(task);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable task, long delayMillis) {
        return channel.eventLoop().schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public boolean inEventLoop() {
        return channel.eventLoop().inEventLoop();
    }

    @Override
    public X509Certificate peerCertificate() {
        return peerCertificate(channel);
    }

    static X509Certificate peerCertificate(Channel ch) {
        SslHandler ssl = ch.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return null;
        }
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x ? x : null;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    @Override
    public String localAddress() {
        return ClientChannelHandler.format(channel.localAddress());
    }

    @Override
    public String remoteAddress() {
        return ClientChannelHandler.format(channel.remoteAddress());
    }

    @Override
    public boolean isOpen() {
        return channel.isActive() && !closing;
    }

    @Override
    public CompletableFuture<Void> closed() {
        return closed;
    }

    @Override
    public void close() {
        closing = true;
        channel.close();
    }

    // ------------------------------------------------------------------ inbound

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            if (raw != null && (cumulation == null || !cumulation.isReadable())) {
                raw.data(in);
                return;
            }
            if (cumulation == null) {
                cumulation = ctx.alloc().heapBuffer(Math.max(256, in.readableBytes()));
            }
            cumulation.writeBytes(in);
            drain();
        } catch (ReplyParser.BadReplyException e) {
            failAll(new LinkRefusedException("bad reply from " + remoteAddress() + ": " + e.getMessage()));
            ctx.close();
        } catch (RuntimeException e) {
            failAll(new LinkRefusedException("link to " + remoteAddress() + " failed: " + e, e));
            ctx.close();
        } finally {
            in.release();
        }
    }

    /** Matches replies to requests; hands the rest to the raw stream once its request is next. */
    private void drain() {
        while (cumulation.isReadable()) {
            if (raw != null) {
                raw.data(cumulation);
                break;
            }
            Pending p = pending.peek();
            if (p != null && p.raw != null) {
                pending.poll();
                raw = p.raw;
                continue;
            }
            if (p != null && p.pushes != null) {
                pending.poll();
                pushes = p.pushes;
                continue;
            }
            LinkReply r = parser.parse(cumulation);
            if (r == null) {
                break;
            }
            if (pushes != null) {
                pushes.accept(r);
                continue;
            }
            pending.poll();
            if (p != null) {
                p.reply.complete(r);
            }
        }
        if (!cumulation.isReadable()) {
            cumulation.release();
            cumulation = null;
        } else {
            cumulation.discardSomeReadBytes();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
        LinkRefusedException why = new LinkRefusedException("connection to " + remoteAddress() + " lost");
        failAll(why);
        if (closing) {
            closed.complete(null);
        } else {
            closed.completeExceptionally(why);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LinkRefusedException why = new LinkRefusedException("link to " + remoteAddress() + " failed: "
                + (cause.getMessage() == null ? cause.toString() : cause.getMessage()), cause);
        failAll(why);
        if (!closed.isDone() && !closing) {
            closed.completeExceptionally(why);
        }
        ctx.close();
    }

    private void failAll(Throwable why) {
        Pending p;
        while ((p = pending.poll()) != null) {
            fail(p, why);
        }
    }

    private static void fail(Pending p, Throwable why) {
        if (p.reply != null) {
            p.reply.completeExceptionally(why);
        }
    }
}
