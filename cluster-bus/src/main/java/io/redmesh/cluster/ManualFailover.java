package io.redmesh.cluster;

import io.redmesh.cluster.state.ClusterNode;
import io.redmesh.node.spi.NodeControl;

/**
 * CLUSTER FAILOVER's state on both sides (Redis's mf_* fields). The master, asked by MFSTART,
 * pauses writes and advertises its final offset with the PAUSED flag; the replica waits to have
 * processed that offset, then runs an election in which masters vote even though its master is
 * up (FORCEACK). Both give up after 5 seconds.
 */
final class ManualFailover {
    static final long TIMEOUT_MS = 5000;

    /** 0 when none is in progress, else its deadline. */
    long end;
    /** Master side: the replica taking over. */
    ClusterNode replica;
    /** Replica side: the master's offset to reach, -1 until the master announced it. */
    long masterOffset = -1;
    boolean canStart;
    private boolean paused;

    boolean inProgress() {
        return end != 0;
    }

    boolean pausedAsMaster() {
        return paused;
    }

    /** Master side: MFSTART received from {@code from}. */
    void startAsMaster(NodeControl node, ClusterNode from, long now) {
        reset(node);
        end = now + TIMEOUT_MS;
        replica = from;
        paused = true;
        node.pauseWrites(true);
    }

    /** Replica side: CLUSTER FAILOVER was asked. */
    void startAsReplica(long now) {
        end = now + TIMEOUT_MS;
        masterOffset = -1;
        canStart = false;
    }

    /** resetManualFailover: called when it ends, succeeds or times out. */
    void reset(NodeControl node) {
        if (paused) {
            paused = false;
            node.pauseWrites(false);
        }
        end = 0;
        replica = null;
        masterOffset = -1;
        canStart = false;
    }
}
