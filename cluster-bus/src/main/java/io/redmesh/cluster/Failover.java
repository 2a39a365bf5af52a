package io.redmesh.cluster;

import io.redmesh.cluster.bus.BusMessage;
import io.redmesh.cluster.state.ClusterNode;
import io.redmesh.cluster.state.ClusterState;
import io.redmesh.cluster.state.SlotTable;
import io.redmesh.node.spi.NodeLog;
import io.redmesh.node.spi.cluster.ReplicationRole;
import java.util.BitSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Failure detection and failover as Redis 7.0 does them: PFAIL -> FAIL on a majority of masters'
 * reports, a replica's election (ranked delay by replication offset, votes of the masters, one
 * vote per epoch), the masters' voting rules, manual failover (CLUSTER FAILOVER [FORCE|TAKEOVER])
 * and config epoch collisions. Under the keyspace lock.
 */
final class Failover {
    private final ClusterCore core;
    private final ClusterState st;
    /** Election state (failover_auth_*). */
    long authTime;
    int authCount;
    boolean authSent;
    int authRank;
    long authEpoch;
    private String lastCantReason = "";
    private long lastCantLog;

    Failover(ClusterCore core) {
        this.core = core;
        this.st = core.state;
    }

    /** markNodeAsFailingIfNeeded: PFAIL here and in the reports of a majority of masters -> FAIL, broadcast. */
    void markFailingIfNeeded(ClusterNode n, long now) {
        int quorum = st.size / 2 + 1;
        if (!n.timedOut() || n.failed()) {
            return;
        }
        int failures = st.failureReports(n, now, core.settings.nodeTimeout);
        if (st.myself.isMaster()) {
            failures++;
        }
        if (failures < quorum) {
            return;
        }
        NodeLog.notice("Marking node " + n.name + " as failing (quorum reached).");
        n.flags &= ~ClusterNode.PFAIL;
        n.flags |= ClusterNode.FAIL;
        n.failTime = now;
        core.sendFail(n.name);
        st.todo(true);
    }

    // ------------------------------------------------------------------ masters: voting

    /** clusterSendFailoverAuthIfNeeded: a master votes at most once per epoch and per failed master. */
    void voteIfNeeded(ClusterNode requester, BusMessage m, long now) {
        ClusterNode me = st.myself;
        ClusterNode master = requester.master;
        boolean forceAck = (m.mflags0 & BusMessage.FLAG0_FORCEACK) != 0;
        if (me.isReplica() || me.numSlots() == 0) {
            return;
        }
        if (m.currentEpoch < st.currentEpoch) {
            NodeLog.verbose("Failover auth denied to " + requester.name + ": reqEpoch " + m.currentEpoch
                    + " < curEpoch " + st.currentEpoch);
            return;
        }
        if (st.lastVoteEpoch == st.currentEpoch) {
            NodeLog.verbose("Failover auth denied to " + requester.name + ": already voted for epoch " + st.currentEpoch);
            return;
        }
        if (requester.isMaster() || master == null || (!master.failed() && !forceAck)) {
            NodeLog.verbose("Failover auth denied to " + requester.name + ": its master is up or unknown");
            return;
        }
        long timeout = core.settings.nodeTimeout;
        if (now - master.votedTime < timeout * 2) {
            NodeLog.verbose("Failover auth denied to " + requester.name + ": can't vote about this master before "
                    + (timeout * 2 - (now - master.votedTime)) + " milliseconds");
            return;
        }
        BitSet claimed = m.myslots;
        for (int j = claimed.nextSetBit(0); j >= 0 && j < SlotTable.SLOTS; j = claimed.nextSetBit(j + 1)) {
            ClusterNode owner = st.slots.owner(j);
            if (owner != null && owner.configEpoch > m.configEpoch) {
                NodeLog.verbose("Failover auth denied to " + requester.name + ": slot " + j + " epoch ("
                        + owner.configEpoch + ") > reqEpoch (" + m.configEpoch + ")");
                return;
            }
        }
        st.lastVoteEpoch = st.currentEpoch;
        master.votedTime = now;
        st.todo(true);
        core.save(); // the vote must survive a restart before it is sent
        st.saveNeeded = false;
        if (requester.link instanceof io.redmesh.cluster.bus.BusLink l) {
            l.send(core.header(BusMessage.FAILOVER_AUTH_ACK));
        }
        NodeLog.notice("Failover auth granted to " + requester.name + " for epoch " + st.currentEpoch);
    }

    void ackReceived(ClusterNode voter, BusMessage m) {
        if (voter.isMaster() && voter.numSlots() > 0 && m.currentEpoch >= authEpoch) {
            authCount++;
        }
    }

    /** clusterHandleConfigEpochCollision: of two masters with one epoch, the larger name takes a new one. */
    void handleEpochCollision(ClusterNode sender) {
        ClusterNode me = st.myself;
        if (sender.configEpoch != me.configEpoch || !sender.isMaster() || !me.isMaster()) {
            return;
        }
        if (sender.name.compareTo(me.name) <= 0) {
            return;
        }
        st.currentEpoch++;
        me.configEpoch = st.currentEpoch;
        st.todo(true);
        NodeLog.verbose("WARNING: configEpoch collision with node " + sender.name + ". configEpoch set to "
                + me.configEpoch);
    }

    // ------------------------------------------------------------------ replicas: election

    /** clusterGetSlaveRank: how many replicas of our master have processed more than us. */
    private int rank(long myOffset) {
        ClusterNode master = st.myself.master;
        int rank = 0;
        if (master == null) {
            return 0;
        }
        for (ClusterNode r : master.replicas) {
            if (r != st.myself && !r.is(ClusterNode.NOFAILOVER) && r.replOffset > myOffset) {
                rank++;
            }
        }
        return rank;
    }

    /** clusterHandleSlaveFailover, every cron tick on a replica. */
    void replicaCron(long now) {
        ClusterNode me = st.myself;
        ClusterNode master = me.master;
        ReplicationRole repl = core.replication();
        boolean manual = core.manual.inProgress() && core.manual.canStart;
        long timeout = core.settings.nodeTimeout;
        long authTimeout = Math.max(timeout * 2, 2000);
        long authRetry = authTimeout * 2;
        if (me.isMaster() || master == null || (!master.failed() && !manual) || master.numSlots() == 0
                || (core.settings.replicaNoFailover && !manual)) {
            return;
        }
        long dataAge = 0;
        if (repl != null && !repl.masterLinkUp() && repl.masterLinkDownSince() > 0) {
            dataAge = now - repl.masterLinkDownSince();
        }
        dataAge = Math.max(0, dataAge - timeout);
        if (core.settings.validityFactor > 0 && !manual
                && dataAge > core.settings.replPingPeriod * 1000 + timeout * core.settings.validityFactor) {
            cantFailover("Disconnected from master for longer than allowed. Please check the "
                    + "'cluster-replica-validity-factor' configuration option.", now);
            return;
        }
        if (now - authTime > authRetry) {
            authTime = now + 500 + ThreadLocalRandom.current().nextLong(500);
            authCount = 0;
            authSent = false;
            authRank = rank(repl == null ? 0 : repl.offset());
            authTime += authRank * 1000L;
            if (manual) {
                authTime = now;
                authRank = 0;
            }
            NodeLog.notice("Start of election delayed for " + (authTime - now) + " milliseconds (rank #" + authRank
                    + ", offset " + (repl == null ? 0 : repl.offset()) + ").");
            core.broadcastPong(true);
            return;
        }
        if (!authSent && !manual) {
            int newRank = rank(repl == null ? 0 : repl.offset());
            if (newRank > authRank) {
                authTime += (newRank - authRank) * 1000L;
                authRank = newRank;
            }
        }
        if (now < authTime) {
            cantFailover("Waiting for the election delay", now);
            return;
        }
        if (now - authTime > authTimeout) {
            cantFailover("Failover attempt expired.", now);
            return;
        }
        if (!authSent) {
            st.currentEpoch++;
            authEpoch = st.currentEpoch;
            NodeLog.notice("Starting a failover election for epoch " + st.currentEpoch + ".");
            BusMessage req = core.header(BusMessage.FAILOVER_AUTH_REQUEST);
            if (manual) {
                req.mflags0 |= BusMessage.FLAG0_FORCEACK;
            }
            core.broadcast(req);
            authSent = true;
            st.todo(true);
            return;
        }
        int quorum = st.size / 2 + 1;
        if (authCount >= quorum) {
            NodeLog.notice("Failover election won: I'm the new master.");
            if (me.configEpoch < authEpoch) {
                me.configEpoch = authEpoch;
                NodeLog.notice("configEpoch set to " + me.configEpoch + " after successful failover");
            }
            replaceMyMaster();
        } else {
            cantFailover("Waiting for votes, but majority still not reached.", now);
        }
    }

    private void cantFailover(String reason, long now) {
        if (reason.equals(lastCantReason) && now - lastCantLog < 10000) {
            return;
        }
        lastCantReason = reason;
        lastCantLog = now;
        NodeLog.notice("Currently unable to failover: " + reason);
    }

    /** clusterFailoverReplaceYourMaster: take the old master's slots and tell everyone. */
    void replaceMyMaster() {
        ClusterNode me = st.myself;
        ClusterNode old = me.master;
        if (me.isMaster() || old == null) {
            return;
        }
        st.setAsMaster(me);
        if (core.replication() != null) {
            core.replication().promote();
        }
        core.replicating = false;
        BitSet slots = (BitSet) old.slots.clone();
        for (int j = slots.nextSetBit(0); j >= 0; j = slots.nextSetBit(j + 1)) {
            st.slots.remove(j);
            st.slots.add(me, j);
        }
        st.todo(true);
        core.updateState();
        core.save();
        core.broadcastPong(false);
        core.manual.reset(core.node);
        authTime = 0;
    }

    /** clusterBumpConfigEpochWithoutConsensus (TAKEOVER, SETSLOT NODE on an importing master). */
    boolean bumpEpochWithoutConsensus() {
        long max = st.maxEpoch();
        ClusterNode me = st.myself;
        if (me.configEpoch == 0 || me.configEpoch != max) {
            st.currentEpoch++;
            me.configEpoch = st.currentEpoch;
            st.todo(true);
            NodeLog.notice("New configEpoch set to " + me.configEpoch);
            return true;
        }
        return false;
    }

    /** clusterHandleManualFailover, on the replica: the election may start once the offset is reached. */
    void manualCron(long now) {
        ManualFailover mf = core.manual;
        if (!mf.inProgress()) {
            return;
        }
        if (mf.end < now) {
            NodeLog.notice("Manual failover timed out.");
            mf.reset(core.node);
            return;
        }
        if (st.myself.isReplica() && !mf.canStart && mf.masterOffset >= 0) {
            ReplicationRole r = core.replication();
            if (r != null && r.offset() >= mf.masterOffset) {
                mf.canStart = true;
                NodeLog.notice("All master replication stream processed, manual failover can start.");
                authTime = 0; // start a fresh election now
            }
        }
    }
}
