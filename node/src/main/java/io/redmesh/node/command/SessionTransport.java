package io.redmesh.node.command;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * What a {@link Session} needs from the connection underneath it. The network layer implements
 * it for sockets; the command layer stays free of Netty channels and can be driven in tests.
 */
public interface SessionTransport {
    /** Writes and flushes bytes produced on the connection's own thread; takes ownership of buf. */
    void write(ByteBuf buf);

    /** Runs a task on the connection's I/O thread (after the current one, if called from it). */
    void execute(Runnable task);

    /** Runs a task on the connection's I/O thread after a delay; the handle cancels it. */
    java.util.concurrent.Future<?> schedule(Runnable task, long delayMillis);

    /** Whether the caller runs on the connection's I/O thread. */
    boolean inIoThread();

    /** Closes the connection after pending writes are flushed. */
    void close();

    /** Closes the connection now, dropping what was not yet written (output limits). */
    default void closeNow() {
        close();
    }

    /** Reply chunks queued for the socket (CLIENT LIST "oll"). */
    default int pendingOutputEntries() {
        return 0;
    }

    /**
     * Stops or resumes reading requests because the client is blocked (its further commands must
     * wait). The transport may also stop reading for its own reasons (a client that does not
     * read its replies); it reads again only when no reason is left.
     */
    void autoRead(boolean on);

    /**
     * Stops reading requests because the client holds too many unread replies (backpressure);
     * the transport reads again by itself once what it holds for the socket has drained.
     */
    default void pauseReadingForReplies() {
    }

    ByteBufAllocator alloc();

    /** Whether the socket takes more writes without queueing past its high-water mark. */
    default boolean writable() {
        return true;
    }

    /** Bytes queued for the socket but not yet written (client output buffer). */
    long pendingOutputBytes();

    /** Unparsed request bytes held for the connection (CLIENT LIST qbuf). */
    default int queryBufferBytes() {
        return 0;
    }

    /** Room in the query buffer before it grows (CLIENT LIST qbuf-free). */
    default int queryBufferFree() {
        return 0;
    }

    /** Bytes of the arguments of a request still arriving (part of CLIENT LIST argv-mem). */
    default long partialArgvBytes() {
        return 0;
    }

    /** "ip:port" of the peer, as CLIENT LIST shows it. */
    String remoteAddress();

    /** "ip:port" of the local end. */
    String localAddress();

    /** The TLS peer's verified certificate chain, or null on plaintext / no client certificate. */
    default java.security.cert.Certificate[] peerCertificates() {
        return null;
    }

    /** Whether the connection runs over TLS. */
    default boolean tls() {
        return false;
    }

    /** The file descriptor, for CLIENT LIST "fd=" (or -1). */
    default int fd() {
        return -1;
    }
}
