package io.redmesh.sentinel;

import io.redmesh.node.spi.NodeLog;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The failover of sentinel.c: starting one on ODOWN (a new epoch, +try-failover), waiting to be
 * elected ({@link LeaderElection}), choosing the replica ({@link ReplicaSelection}), REPLICAOF NO
 * ONE to it, waiting for its INFO to say master, re-pointing the other replicas parallel-syncs at
 * a time, and switching the master's address (+switch-master). Under the node's lock.
 */
final class Failover {
    /** Redis's SENTINEL_MAX_DESYNC: failovers start up to a second apart, so sentinels rarely tie. */
    static final int MAX_DESYNC = 1000;
    private static final DateTimeFormatter CTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    private final Sentinel s;

    Failover(Sentinel s) {
        this.s = s;
    }

    /** sentinelStartFailover(). */
    void start(Instance master) {
        master.failoverState = Instance.FailoverState.WAIT_START;
        master.flags |= Instance.FAILOVER_IN_PROGRESS;
        master.failoverEpoch = ++s.state.currentEpoch;
        s.events.plain(Events.Level.WARNING, "+new-epoch", master, Long.toUnsignedString(s.state.currentEpoch));
        s.events.instance(Events.Level.WARNING, "+try-failover", master, "");
        master.failoverStartTime = System.currentTimeMillis() + ThreadLocalRandom.current().nextInt(MAX_DESYNC);
        master.failoverStateChangeTime = System.currentTimeMillis();
    }

    /** sentinelStartFailoverIfNeeded(): ODOWN, none in progress, none tried in the last 2 x failover-timeout. */
    boolean startIfNeeded(Instance master) {
        if (!master.is(Instance.O_DOWN) || master.is(Instance.FAILOVER_IN_PROGRESS)) {
            return false;
        }
        if (System.currentTimeMillis() - master.failoverStartTime < master.failoverTimeout * 2) {
            if (master.failoverDelayLogged != master.failoverStartTime) {
                long clock = master.failoverStartTime + master.failoverTimeout * 2;
                master.failoverDelayLogged = master.failoverStartTime;
                NodeLog.warning("Next failover delay: I will not start a failover before "
                        + CTIME.format(Instant.ofEpochMilli(clock)));
            }
            return false;
        }
        start(master);
        return true;
    }

    /** sentinelFailoverStateMachine(). */
    void step(Instance master) {
        if (!master.is(Instance.FAILOVER_IN_PROGRESS)) {
            return;
        }
        switch (master.failoverState) {
            case WAIT_START -> waitStart(master);
            case SELECT_SLAVE -> selectSlave(master);
            case SEND_SLAVEOF_NOONE -> sendSlaveOfNoOne(master);
            case WAIT_PROMOTION -> waitPromotion(master);
            case RECONF_SLAVES -> reconfNextSlave(master);
            default -> { }
        }
    }

    private void waitStart(Instance ri) {
        String leader = s.election.leader(ri, ri.failoverEpoch);
        boolean isLeader = leader != null && leader.equalsIgnoreCase(s.state.myid);
        if (!isLeader && !ri.is(Instance.FORCE_FAILOVER)) {
            long electionTimeout = Math.min(s.state.timings.electionTimeout, ri.failoverTimeout);
            if (System.currentTimeMillis() - ri.failoverStartTime > electionTimeout) {
                s.events.instance(Events.Level.WARNING, "-failover-abort-not-elected", ri, "");
                abort(ri);
            }
            return;
        }
        s.events.instance(Events.Level.WARNING, "+elected-leader", ri, "");
        if ((s.state.simFailureFlags & SentinelState.SIMFAILURE_CRASH_AFTER_ELECTION) != 0) {
            s.simulatedCrash();
        }
        ri.failoverState = Instance.FailoverState.SELECT_SLAVE;
        ri.failoverStateChangeTime = System.currentTimeMillis();
        s.events.instance(Events.Level.WARNING, "+failover-state-select-slave", ri, "");
    }

    private void selectSlave(Instance ri) {
        Instance slave = ReplicaSelection.select(ri, s.state.timings);
        if (slave == null) {
            s.events.instance(Events.Level.WARNING, "-failover-abort-no-good-slave", ri, "");
            abort(ri);
            return;
        }
        s.events.instance(Events.Level.WARNING, "+selected-slave", slave, "");
        slave.flags |= Instance.PROMOTED;
        ri.promotedSlave = slave;
        ri.failoverState = Instance.FailoverState.SEND_SLAVEOF_NOONE;
        ri.failoverStateChangeTime = System.currentTimeMillis();
        s.events.instance(Events.Level.NOTICE, "+failover-state-send-slaveof-noone", slave, "");
    }

    private void sendSlaveOfNoOne(Instance ri) {
        if (ri.promotedSlave.link.disconnected) {
            if (System.currentTimeMillis() - ri.failoverStateChangeTime > ri.failoverTimeout) {
                s.events.instance(Events.Level.WARNING, "-failover-abort-slave-timeout", ri, "");
                abort(ri);
            }
            return;
        }
        if (!sendSlaveOf(ri.promotedSlave, null)) {
            return;
        }
        s.events.instance(Events.Level.NOTICE, "+failover-state-wait-promotion", ri.promotedSlave, "");
        ri.failoverState = Instance.FailoverState.WAIT_PROMOTION;
        ri.failoverStateChangeTime = System.currentTimeMillis();
    }

    /** The promotion is seen in the replica's INFO (InfoRefresh); here only its timeout. */
    private void waitPromotion(Instance ri) {
        if (System.currentTimeMillis() - ri.failoverStateChangeTime > ri.failoverTimeout) {
            s.events.instance(Events.Level.WARNING, "-failover-abort-slave-timeout", ri, "");
            abort(ri);
        }
    }

    /** sentinelFailoverReconfNextSlave(): REPLICAOF the new master, parallel-syncs at a time. */
    private void reconfNextSlave(Instance master) {
        int inProgress = 0;
        for (Instance slave : master.slaves.values()) {
            if (slave.is(Instance.RECONF_SENT | Instance.RECONF_INPROG)) {
                inProgress++;
            }
        }
        long now = System.currentTimeMillis();
        for (Instance slave : master.slaves.values()) {
            if (inProgress >= master.parallelSyncs) {
                break;
            }
            if (slave.is(Instance.PROMOTED | Instance.RECONF_DONE)) {
                continue;
            }
            if (slave.is(Instance.RECONF_SENT) && now - slave.slaveReconfSentTime > s.state.timings.slaveReconfTimeout) {
                // it did not move on: taken as done; sentinels fix its configuration later if needed
                s.events.instance(Events.Level.NOTICE, "-slave-reconf-sent-timeout", slave, "");
                slave.flags &= ~Instance.RECONF_SENT;
                slave.flags |= Instance.RECONF_DONE;
            }
            if (slave.is(Instance.RECONF_SENT | Instance.RECONF_INPROG) || slave.link.disconnected) {
                continue;
            }
            if (sendSlaveOf(slave, master.promotedSlave.addr)) {
                slave.flags |= Instance.RECONF_SENT;
                slave.slaveReconfSentTime = System.currentTimeMillis();
                s.events.instance(Events.Level.NOTICE, "+slave-reconf-sent", slave, "");
                inProgress++;
            }
        }
        detectEnd(master);
    }

    /** sentinelFailoverDetectEnd(): every reachable replica reconfigured, or the timeout. */
    private void detectEnd(Instance master) {
        if (master.promotedSlave == null || master.promotedSlave.is(Instance.S_DOWN)) {
            return;
        }
        int notReconfigured = 0;
        for (Instance slave : master.slaves.values()) {
            if (slave.is(Instance.PROMOTED | Instance.RECONF_DONE) || slave.is(Instance.S_DOWN)) {
                continue;
            }
            notReconfigured++;
        }
        boolean timeout = false;
        if (System.currentTimeMillis() - master.failoverStateChangeTime > master.failoverTimeout) {
            notReconfigured = 0;
            timeout = true;
            s.events.instance(Events.Level.WARNING, "+failover-end-for-timeout", master, "");
        }
        if (notReconfigured == 0) {
            s.events.instance(Events.Level.WARNING, "+failover-end", master, "");
            master.failoverState = Instance.FailoverState.UPDATE_CONFIG;
            master.failoverStateChangeTime = System.currentTimeMillis();
        }
        if (timeout) {
            // best effort: the replicas not reconfigured yet are told anyway
            for (Instance slave : master.slaves.values()) {
                if (slave.is(Instance.PROMOTED | Instance.RECONF_DONE | Instance.RECONF_SENT) || slave.link.disconnected) {
                    continue;
                }
                if (sendSlaveOf(slave, master.promotedSlave.addr)) {
                    s.events.instance(Events.Level.NOTICE, "+slave-reconf-sent-be", slave, "");
                    slave.flags |= Instance.RECONF_SENT;
                }
            }
        }
    }

    /** sentinelFailoverSwitchToPromotedSlave(): +switch-master, the promoted replica becomes the master. */
    void switchToPromoted(Instance master) {
        Instance ref = master.promotedSlave != null ? master.promotedSlave : master;
        s.events.plain(Events.Level.WARNING, "+switch-master", master, master.name + " " + s.state.announce(master.addr)
                + " " + master.addr.port + " " + s.state.announce(ref.addr) + " " + ref.addr.port);
        s.instances.resetMasterAndChangeAddress(master, ref.addr.hostname, ref.addr.port);
    }

    /** sentinelAbortFailover(): only before the promoted replica took the role. */
    void abort(Instance ri) {
        ri.flags &= ~(Instance.FAILOVER_IN_PROGRESS | Instance.FORCE_FAILOVER);
        ri.failoverState = Instance.FailoverState.NONE;
        ri.failoverStateChangeTime = System.currentTimeMillis();
        if (ri.promotedSlave != null) {
            ri.promotedSlave.flags &= ~Instance.PROMOTED;
            ri.promotedSlave = null;
        }
    }

    /**
     * sentinelSendSlaveOf(): in one transaction, REPLICAOF (NO ONE when {@code addr} is null),
     * CONFIG REWRITE (kept across a restart), and CLIENT KILL of normal and pubsub clients (they
     * reconnect and ask the sentinels again). Replies are not read: the next INFO shows the
     * effect. False when there is no connection.
     */
    boolean sendSlaveOf(Instance ri, Address addr) {
        String host = addr == null ? "NO" : s.state.announce(addr);
        String port = addr == null ? "ONE" : Integer.toString(addr.port);
        if (!s.links.call(ri, null, ri.command("MULTI"))) {
            return false;
        }
        s.links.call(ri, null, ri.command("SLAVEOF"), host, port);
        s.links.call(ri, null, ri.command("CONFIG"), "REWRITE");
        s.links.call(ri, null, ri.command("CLIENT"), "KILL", "TYPE", "normal");
        s.links.call(ri, null, ri.command("CLIENT"), "KILL", "TYPE", "pubsub");
        s.links.call(ri, null, ri.command("EXEC"));
        return true;
    }

    /**
     * sentinelCallClientReconfScript(): {@code <master> <leader|observer> <state> <from-ip>
     * <from-port> <to-ip> <to-port>}.
     */
    void callClientReconfScript(Instance master, boolean leader, String state, Address from, Address to) {
        if (master.clientReconfigScript == null) {
            return;
        }
        s.scripts.schedule(master.clientReconfigScript, master.name, leader ? "leader" : "observer", state,
                s.state.announce(from), Integer.toString(from.port), s.state.announce(to), Integer.toString(to.port));
    }
}
