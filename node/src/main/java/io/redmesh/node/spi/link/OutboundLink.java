package io.redmesh.node.spi.link;

import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * A connection this node opened to a peer (its master, later sentinels and cluster peers),
 * speaking RESP: requests out, replies in, in order. It runs on one of the node's event loops;
 * every method may be called from any thread. Replies are bounded
 * ({@link LinkOptions#maxReplyBytes}); a reply that is not RESP, or too large, closes the link.
 */
public interface OutboundLink {
    /** Sends a request; the future completes with its reply (an error reply is a reply). */
    CompletableFuture<LinkReply> call(byte[]... argv);

    /**
     * Sends several requests as one pipeline (written together, one flush: what Redis's MIGRATE
     * KEYS does before reading the replies); the futures complete with their replies, in order.
     */
    default java.util.List<CompletableFuture<LinkReply>> callAll(java.util.List<byte[][]> requests) {
        java.util.List<CompletableFuture<LinkReply>> out = new java.util.ArrayList<>(requests.size());
        for (byte[][] argv : requests) {
            out.add(call(argv));
        }
        return out;
    }

    /** Sends a request whose reply nobody waits for (a peer that answers none, e.g. REPLCONF ACK). */
    void send(byte[]... argv);

    /**
     * Sends a request after which the peer switches to raw bytes (PSYNC): once the replies of the
     * earlier {@link #call}s are read, every byte that arrives, starting with this request's
     * reply, goes to {@code stream}.
     */
    void callRaw(RawStream stream, byte[]... argv);

    /**
     * Sends a request after which the peer pushes replies nobody asked for (SUBSCRIBE): once the
     * replies of the earlier {@link #call}s are read, every reply, starting with this request's,
     * goes to {@code pushes}, parsed and bounded as {@link #call}'s, on the link's event loop.
     */
    void subscribe(java.util.function.Consumer<LinkReply> pushes, byte[]... argv);

    /** Stops or resumes reading (a consumer that cannot keep up). */
    void autoRead(boolean on);

    /** Runs a task on the link's event loop. */
    void execute(Runnable task);

    ScheduledFuture<?> schedule(Runnable task, long delayMillis);

    boolean inEventLoop();

    /** The certificate the peer presented (TLS), or null. */
    X509Certificate peerCertificate();

    /** "ip:port" of this end. */
    String localAddress();

    /** "ip:port" of the peer. */
    String remoteAddress();

    boolean isOpen();

    /**
     * Completes when the link closed: normally after {@link #close}, exceptionally with the
     * reason otherwise (peer closed, reset, bad reply). Pending calls fail with the same reason.
     */
    CompletableFuture<Void> closed();

    void close();
}
