package io.redmesh.cluster;

import io.redmesh.cluster.state.ClusterNode;
import io.redmesh.cluster.state.ClusterState;
import io.redmesh.node.spi.NodeLog;

/**
 * Replica migration as Redis 7.0 does it (clusterCron's orphan count, then
 * clusterHandleSlaveMigration): a master serving slots that used to have replicas (MIGRATE_TO)
 * and has no working one left is orphaned; if it stays so for {@link #DELAY_MILLIS}, one replica
 * of the master with the most working replicas moves to it: the one with the smallest node id,
 * and only if its master keeps more than {@code cluster-migration-barrier} working replicas.
 * {@code cluster-allow-replica-migration no} turns it off. Under the keyspace lock.
 */
final class ReplicaMigration {
    /** CLUSTER_SLAVE_MIGRATION_DELAY: the natural replicas of a failed-over master get time to re-point. */
    static final long DELAY_MILLIS = 5000;

    private final ClusterCore core;
    private final ClusterState st;

    ReplicaMigration(ClusterCore core) {
        this.core = core;
        this.st = core.state;
    }

    /** The clusterCron part: on a replica, counts orphans and the largest replica set, and maybe migrates. */
    void cron() {
        ClusterNode me = st.myself;
        if (!me.isReplica()) {
            return;
        }
        int orphaned = 0;
        int maxReplicas = 0;
        int mine = 0;
        for (ClusterNode n : st.all()) {
            if (n.is(ClusterNode.MYSELF | ClusterNode.NOADDR | ClusterNode.HANDSHAKE) || !n.isMaster()
                    || n.failed()) {
                continue;
            }
            int ok = n.okReplicas();
            if (ok == 0 && n.numSlots() > 0 && n.is(ClusterNode.MIGRATE_TO)) {
                orphaned++;
            }
            maxReplicas = Math.max(maxReplicas, ok);
            if (me.master == n) {
                mine = ok;
            }
        }
        // a migration only makes sense from a master with at least two working replicas
        if (orphaned > 0 && maxReplicas >= 2 && mine == maxReplicas && core.settings.allowReplicaMigration) {
            migrateIfCandidate(maxReplicas);
        }
    }

    /** clusterHandleSlaveMigration. */
    private void migrateIfCandidate(int maxReplicas) {
        ClusterNode me = st.myself;
        ClusterNode myMaster = me.master;
        if (st.state != ClusterState.OK || myMaster == null) {
            return;
        }
        // my master must keep more than the barrier's number of working replicas without me
        int okOfMine = 0;
        for (ClusterNode r : myMaster.replicas) {
            if (!r.failed() && !r.timedOut()) {
                okOfMine++;
            }
        }
        if (okOfMine <= core.settings.migrationBarrier) {
            return;
        }
        long now = System.currentTimeMillis();
        ClusterNode target = null;
        ClusterNode candidate = me;
        for (ClusterNode n : st.all()) {
            int ok = n.isMaster() ? n.okReplicas() : 0;
            boolean isOrphaned = n.isMaster() && !n.failed() && n.is(ClusterNode.MIGRATE_TO) && ok == 0;
            if (isOrphaned) {
                if (target == null && n.numSlots() > 0) {
                    target = n;
                }
                if (n.orphanedTime == 0) {
                    n.orphanedTime = now;
                }
            } else {
                n.orphanedTime = 0;
            }
            if (ok == maxReplicas) {
                for (ClusterNode r : n.replicas) {
                    if (r.name.compareTo(candidate.name) < 0) {
                        candidate = r;
                    }
                }
            }
        }
        if (target != null && candidate == me && now - target.orphanedTime > DELAY_MILLIS) {
            NodeLog.notice("Migrating to orphaned master " + target.name);
            core.setMyMaster(target);
        }
    }
}
