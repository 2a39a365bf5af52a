package io.redmesh.node.spi;

import java.util.function.Consumer;

/** A client a module blocked (WAIT); ends its wait once. */
public interface BlockedCall {
    /**
     * Ends the wait with a reply (call under the keyspace lock); false when it already ended
     * (timeout, client gone, CLIENT UNBLOCK).
     */
    boolean complete(Consumer<ReplyWriter> reply);

    /** Whether the wait is still on. */
    boolean waiting();
}
