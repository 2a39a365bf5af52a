package io.redmesh.node.spi;

import java.security.cert.X509Certificate;
import java.util.function.Consumer;

/** One execution of a module's command: its arguments, its client, its reply. */
public interface ModuleCall {
    /** The arguments, the command name first. */
    byte[][] argv();

    ReplyWriter reply();

    /** The client's id (CLIENT ID). */
    long clientId();

    /** "ip:port" of the client. */
    String clientAddress();

    /** The ACL user the client runs as. */
    String user();

    /** The certificate a TLS client presented and the node verified, or null. */
    X509Certificate clientCertificate();

    /** Whether the command comes from this node's master (the replicated stream). */
    boolean fromMaster();

    /** Whether the client is inside MULTI/EXEC (EXEC is running its queue). */
    boolean inTransaction();

    /**
     * PSYNC/SYNC: the connection stops being a normal client and becomes a replica link (CLIENT
     * LIST flags=S, output-buffer-limit class "replica"): replies are no longer sent to it, the
     * module writes the replication stream through the returned channel, and the commands the
     * replica sends (REPLCONF ACK) keep running through the dispatcher.
     */
    ReplicaChannel becomeReplica(ReplicaChannel.Events events);

    /**
     * Blocks the client (WAIT): no reply now; its later requests queue behind this one, in order.
     * The wait ends with {@link BlockedCall#complete} or, after {@code timeoutMillis} (0: never),
     * with {@code onTimeout}'s reply.
     */
    BlockedCall block(long timeoutMillis, Consumer<ReplyWriter> onTimeout);

    /** Whether the client's user may read {@code key} (names of keys it may not read stay hidden). */
    default boolean keyReadable(byte[] key) {
        return true;
    }

    /** The client is connected over TLS (cluster topology replies name the TLS port then). */
    default boolean tls() {
        return false;
    }

    /** ASKING: the client's next command (or transaction) may use a slot being imported. */
    default void asking() {
        throw new UnsupportedOperationException();
    }

    /** READONLY / READWRITE: whether a replica serves this client's reads of its master's slots. */
    default void readOnlyClient(boolean on) {
        throw new UnsupportedOperationException();
    }
}
