package io.redmesh.node.command;

/**
 * Holds replies back until the writes they acknowledge are on disk (the AOF with
 * {@code appendfsync always}, or at least written to the kernel otherwise), as Redis writes its
 * AOF buffer in beforeSleep() before any reply leaves. Installed on {@link ServerContext} only
 * while something needs it, so that without an AOF a flush costs one null check.
 */
public interface DurabilityBarrier {
    /**
     * Called under the server lock when a session is about to send replies: -1 if they may go
     * now, otherwise a ticket to pass to {@link #await}.
     */
    long pending();

    /** Called on the session's I/O thread without the server lock: returns once the ticket is durable. */
    void await(long ticket);
}
