package io.redmesh.sentinel;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a sentinel watches, as Redis's sentinelRedisInstance: a master (with its replicas, the
 * other sentinels that watch it, its quorum and failover state), a replica of a master, or
 * another sentinel. The fields keep Redis's meaning and are read and written under the node's
 * lock only. Times are wall-clock milliseconds, as Redis's mstime() (a jump is what TILT catches).
 */
final class Instance {
    // flags (Redis's SRI_*)
    static final int MASTER = 1;
    static final int SLAVE = 1 << 1;
    static final int SENTINEL = 1 << 2;
    static final int S_DOWN = 1 << 3;
    static final int O_DOWN = 1 << 4;
    static final int MASTER_DOWN = 1 << 5;
    static final int FAILOVER_IN_PROGRESS = 1 << 6;
    static final int PROMOTED = 1 << 7;
    static final int RECONF_SENT = 1 << 8;
    static final int RECONF_INPROG = 1 << 9;
    static final int RECONF_DONE = 1 << 10;
    static final int FORCE_FAILOVER = 1 << 11;
    static final int SCRIPT_KILL_SENT = 1 << 12;
    static final int MASTER_REBOOT = 1 << 13;

    static final int DEFAULT_REPLICA_PRIORITY = 100;
    static final int DEFAULT_PARALLEL_SYNCS = 1;

    int flags;
    /** A master's name; "ip:port" for a replica; the run id for a sentinel. */
    final String name;
    String runid;
    Address addr;
    InstanceLink link;
    long lastPubTime;
    long lastHelloTime;
    long lastMasterDownReplyTime;
    long sDownSinceTime;
    long oDownSinceTime;
    long downAfterPeriod;
    long masterRebootDownAfterPeriod;
    long masterRebootSinceTime;
    long infoRefresh;
    /** Command renames for this master and its replicas (case-insensitive). */
    final Map<String, String> renamedCommands = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    int roleReported;
    long roleReportedTime;
    long slaveConfChangeTime;

    // master
    final Map<String, Instance> sentinels = new LinkedHashMap<>();
    final Map<String, Instance> slaves = new LinkedHashMap<>();
    int quorum;
    int parallelSyncs = DEFAULT_PARALLEL_SYNCS;
    String authPass;
    String authUser;
    /** Per-master TLS for this master and its replicas (RedMesh); null: the global tls-replication. */
    Boolean tls;

    // replica
    long masterLinkDownTime;
    int slavePriority = DEFAULT_REPLICA_PRIORITY;
    int replicaAnnounced = 1;
    long slaveReconfSentTime;
    final Instance master;
    String slaveMasterHost;
    int slaveMasterPort;
    boolean slaveMasterLinkUp;
    long slaveReplOffset;

    // failover
    /** A master: the sentinel this one voted for; a sentinel: whom that sentinel voted for. */
    String leader;
    long leaderEpoch;
    long configEpoch;
    long failoverEpoch;
    FailoverState failoverState = FailoverState.NONE;
    long failoverStateChangeTime;
    long failoverStartTime;
    long failoverTimeout;
    long failoverDelayLogged;
    Instance promotedSlave;
    String notificationScript;
    String clientReconfigScript;
    /** The last INFO reply (SENTINEL INFO-CACHE). */
    String info;
    /** The last reason a connection was refused, so a refusal is logged once until it changes. */
    String lastLinkError;

    Instance(String name, int flags, Address addr, int quorum, Instance master, SentinelState state) {
        long now = System.currentTimeMillis();
        this.name = name;
        this.flags = flags;
        this.addr = addr;
        this.master = master;
        this.quorum = quorum;
        this.link = new InstanceLink(now);
        this.lastPubTime = now;
        this.lastHelloTime = now;
        this.lastMasterDownReplyTime = now;
        this.downAfterPeriod = master != null ? master.downAfterPeriod : state.timings.defaultDownAfter;
        this.failoverTimeout = state.timings.defaultFailoverTimeout;
        this.roleReported = flags & (MASTER | SLAVE);
        this.roleReportedTime = now;
        this.slaveConfChangeTime = now;
    }

    boolean is(int flag) {
        return (flags & flag) != 0;
    }

    /** sentinelRedisInstanceTypeStr(). */
    String typeName() {
        return is(MASTER) ? "master" : is(SLAVE) ? "slave" : is(SENTINEL) ? "sentinel" : "unknown";
    }

    /** The master this instance belongs to (itself for a master). */
    Instance masterOf() {
        return is(MASTER) ? this : master;
    }

    /** sentinelInstanceMapCommand(): the command as the master's rename-command table names it. */
    String command(String name) {
        Instance m = master != null ? master : this;
        return m.renamedCommands.getOrDefault(name, name);
    }

    /** sentinelRedisInstanceNoDownFor(): no SDOWN or ODOWN in the last {@code ms}. */
    boolean noDownFor(long ms) {
        long mostRecent = Math.max(sDownSinceTime, oDownSinceTime);
        return mostRecent == 0 || System.currentTimeMillis() - mostRecent > ms;
    }

    /**
     * sentinelGetCurrentMasterAddress(): the promoted replica's address once a failover reached
     * RECONF_SLAVES (the replica accepted the role), else the master's.
     */
    Address currentAddress() {
        if (is(FAILOVER_IN_PROGRESS) && promotedSlave != null
                && failoverState.ordinal() >= FailoverState.RECONF_SLAVES.ordinal()) {
            return promotedSlave.addr;
        }
        return addr;
    }

    /** sentinelPropagateDownAfterPeriod(). */
    void propagateDownAfterPeriod() {
        for (Instance r : slaves.values()) {
            r.downAfterPeriod = downAfterPeriod;
        }
        for (Instance s : sentinels.values()) {
            s.downAfterPeriod = downAfterPeriod;
        }
    }

    /** Redis's failover states, with their SENTINEL MASTER names. */
    enum FailoverState {
        NONE("none"), WAIT_START("wait_start"), SELECT_SLAVE("select_slave"),
        SEND_SLAVEOF_NOONE("send_slaveof_noone"), WAIT_PROMOTION("wait_promotion"),
        RECONF_SLAVES("reconf_slaves"), UPDATE_CONFIG("update_config");

        final String wire;

        FailoverState(String wire) {
            this.wire = wire;
        }
    }
}
