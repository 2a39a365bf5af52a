package io.redmesh.node.spi.cluster;

import java.util.List;

/**
 * Cluster routing (Redis's getNodeByQuery): asked in processCommand() right after the ACL check,
 * for every command that has keys (or is EXEC), unless it comes from this node's master. A
 * non-null answer (-MOVED, -ASK, -CROSSSLOT, -TRYAGAIN, -CLUSTERDOWN) is the reply: inside MULTI
 * it flags the transaction, an EXEC so refused discards it (the client sees the redirect, not
 * -EXECABORT, as in Redis).
 */
@FunctionalInterface
public interface KeyRouter {
    /** @return the error line (code first, without '-') to redirect the client, or null to serve here */
    String route(RoutedRequest request);

    /** What routing may know of a request. */
    interface RoutedRequest {
        /** Lower-case full name of the command ("get", "exec"). */
        String command();

        /** The keys of the command, or of every command queued when this is EXEC, in order. */
        List<byte[]> keys();

        /** A write (or an EXEC whose queue holds one). */
        boolean write();

        /** Flagged readonly (or an EXEC whose queue holds only such commands). */
        boolean readOnly();

        /** The client sent ASKING before this command, or the command is flagged "asking" (RESTORE-ASKING). */
        boolean asking();

        /** The client sent READONLY (reads may be served by a replica of the slot's master). */
        boolean readOnlyClient();

        /** The command is sharded pub/sub (SPUBLISH, SSUBSCRIBE, SUNSUBSCRIBE). */
        boolean pubsubShard();

        /** The client is connected over TLS: redirects name the TLS port. */
        boolean tls();

        /** Whether {@code key} exists in database 0 (keys of a slot being migrated). */
        boolean exists(byte[] key);
    }
}
