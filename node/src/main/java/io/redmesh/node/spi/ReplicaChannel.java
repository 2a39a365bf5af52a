package io.redmesh.node.spi;

import io.netty.buffer.ByteBuf;
import java.security.cert.X509Certificate;

/**
 * The connection of a replica that sent PSYNC or SYNC, as the master writes to it: raw bytes of
 * the replication stream, no reply framing. Writes never block; {@link #writable()} says whether
 * the socket keeps up.
 */
public interface ReplicaChannel {
    /** What the connection tells the module (on its event loop). */
    interface Events {
        /** The socket drained below its low-water mark: write more. */
        void writable();

        /** The connection closed (by either side); called once. */
        void closed();
    }

    long clientId();

    /** "ip:port" of the replica's connection. */
    String remoteAddress();

    /** The certificate the replica presented (TLS with client certificates), or null. */
    X509Certificate peerCertificate();

    /** Runs a task on the connection's event loop. */
    void execute(Runnable task);

    boolean inEventLoop();

    /**
     * Writes and flushes raw bytes; takes ownership of {@code data}. From any thread: writes are
     * queued in the order they are made.
     */
    void write(ByteBuf data);

    /** Whether the socket accepts more without queueing past its high-water mark. */
    boolean writable();

    /** Bytes written but not yet taken by the kernel. */
    long pendingBytes();

    /**
     * Checks {@code client-output-buffer-limit replica} against what the master holds for this
     * replica ({@code heldBytes}: stream not yet written plus {@link #pendingBytes()}); over a
     * limit the replica is logged and closed as Redis closes it, and this returns true.
     */
    boolean closeIfOverLimit(long heldBytes);

    /** Closes the connection after what was written. */
    void close();

    /** The replica's socket buffer holds no pending write. */
    default boolean drained() {
        return pendingBytes() == 0;
    }
}
