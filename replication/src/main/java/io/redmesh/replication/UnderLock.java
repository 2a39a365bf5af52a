package io.redmesh.replication;

import io.redmesh.node.spi.NodeControl;

/**
 * Runs replication state changes under the node's keyspace lock, from the threads that are not
 * commands (link event loops, loader and sender threads, the cron): the lock guards replication
 * state as it guards the keyspace.
 */
public final class UnderLock {
    private UnderLock() {}

    public static void run(NodeControl node, Runnable r) {
        try {
            node.underLock(() -> {
                r.run();
                return null;
            });
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
