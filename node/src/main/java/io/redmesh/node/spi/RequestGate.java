package io.redmesh.node.spi;

/**
 * A check a module adds to processCommand() (-READONLY, -NOREPLICAS, -MASTERDOWN, -LOADING),
 * run after the ACL, disk-error and memory checks, in the order gates were added. The master's
 * stream never passes through gates.
 */
@FunctionalInterface
public interface RequestGate {
    /** @return the error line (with its code, without '-') to refuse the request, or null */
    String check(GatedRequest request);

    /** What a gate may know of a request. */
    interface GatedRequest {
        /** Lower-case full name: "set", "client|list". */
        String command();

        /** A write: flagged "write", or an EXEC whose queue holds one. */
        boolean write();

        /** Flagged "stale": allowed on a replica whose master link is down. */
        boolean staleAllowed();

        /** Flagged "loading": allowed while the dataset loads. */
        boolean loadingAllowed();

        /** Flagged "may-replicate" (PUBLISH, ...): refused with -NOREPLICAS as writes are. */
        boolean mayReplicate();

        /** The client is this node's master (a writable replica's own master never is gated). */
        boolean fromMaster();

        /** EXEC, DISCARD, MULTI, WATCH ...: what a MULTI in progress runs at once. */
        boolean endsOrControlsTransaction();
    }
}
