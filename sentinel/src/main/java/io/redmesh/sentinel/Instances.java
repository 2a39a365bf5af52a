package io.redmesh.sentinel;

import io.redmesh.node.spi.NodeLog;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Creating, finding and resetting instances (the "sentinelRedisInstance" part of sentinel.c):
 * the tables are the masters, and each master's replicas (named "ip:port") and sentinels (named
 * by run id). Under the node's lock.
 */
final class Instances {
    /** createSentinelRedisInstance()'s refusals: a duplicate, or Redis's address errors. */
    static final class CreateException extends Exception {
        private static final long serialVersionUID = 1L;

        CreateException(String message) {
            super(message);
        }
    }

    private final Sentinel s;

    Instances(Sentinel s) {
        this.s = s;
    }

    /** A new master, or the reason it cannot be created ("Duplicate master name." ...). */
    Instance createMaster(String name, String host, int port, int quorum) throws CreateException {
        return create(name, Instance.MASTER, host, port, quorum, null);
    }

    Instance createReplica(Instance master, String host, int port) throws CreateException {
        return create(null, Instance.SLAVE, host, port, master.quorum, master);
    }

    Instance createSentinel(Instance master, String runid, String host, int port) throws CreateException {
        return create(runid, Instance.SENTINEL, host, port, master.quorum, master);
    }

    private Instance create(String name, int flags, String host, int port, int quorum, Instance master)
            throws CreateException {
        Address addr;
        try {
            addr = s.state.address(host, port, true);
        } catch (Address.AddressException e) {
            throw new CreateException(e.getMessage());
        }
        String key = (flags & Instance.SLAVE) != 0 ? addr.announceWithPort(s.state.announceHostnames) : name;
        Map<String, Instance> table = (flags & Instance.MASTER) != 0 ? s.state.masters
                : (flags & Instance.SLAVE) != 0 ? master.slaves : master.sentinels;
        if (table.containsKey(key)) {
            throw new CreateException((flags & Instance.MASTER) != 0 ? "Duplicate master name."
                    : (flags & Instance.SLAVE) != 0 ? "Duplicate hostname and port for replica."
                    : "Duplicate runid for sentinel.");
        }
        Instance ri = new Instance(key, flags, addr, quorum, master, s.state);
        table.put(key, ri);
        return ri;
    }

    /** releaseSentinelRedisInstance(): the instance, its replicas and sentinels lose their links. */
    void release(Instance ri) {
        for (Instance r : ri.slaves.values()) {
            release(r);
        }
        for (Instance si : ri.sentinels.values()) {
            release(si);
        }
        ri.slaves.clear();
        ri.sentinels.clear();
        s.links.release(ri.link);
        if (ri.is(Instance.SLAVE) && ri.is(Instance.PROMOTED) && ri.master != null
                && ri.master.promotedSlave == ri) {
            ri.master.promotedSlave = null;
        }
    }

    /** sentinelRedisInstanceLookupSlave(). */
    Instance lookupReplica(Instance master, String host, int port) {
        try {
            Address a = s.state.address(host, port, false);
            return master.slaves.get(a.announceWithPort(s.state.announceHostnames));
        } catch (Address.AddressException e) {
            return null;
        }
    }

    /**
     * getSentinelRedisInstanceByAddrAndRunID(): the first instance of {@code table} with this run
     * id and/or address (an address compared by IP or, unresolved, by name).
     */
    Instance sentinelByAddrAndRunId(Map<String, Instance> table, String host, int port, String runid) {
        Address want = null;
        if (host != null) {
            try {
                want = s.state.address(host, port, true);
            } catch (Address.AddressException e) {
                return null;
            }
        }
        for (Instance ri : table.values()) {
            if (runid != null && ri.runid == null) {
                continue;
            }
            if ((runid == null || ri.runid.equals(runid)) && (want == null || ri.addr.sameIpOrHostname(want))) {
                return ri;
            }
        }
        return null;
    }

    /** removeMatchingSentinelFromMaster(): how many sentinels with this run id were removed. */
    int removeSentinelsWithRunId(Instance master, String runid) {
        if (runid == null) {
            return 0;
        }
        int removed = 0;
        for (Iterator<Instance> it = master.sentinels.values().iterator(); it.hasNext(); ) {
            Instance ri = it.next();
            if (runid.equals(ri.runid)) {
                it.remove();
                release(ri);
                removed++;
            }
        }
        return removed;
    }

    /**
     * sentinelResetMaster(): replicas (and sentinels unless {@code keepSentinels}) forgotten,
     * connections dropped, runtime flags and failover state cleared (a failover may start again at
     * once), timers restarted.
     */
    void resetMaster(Instance ri, boolean keepSentinels, boolean event) {
        for (Instance r : ri.slaves.values()) {
            release(r);
        }
        ri.slaves.clear();
        if (!keepSentinels) {
            for (Instance si : ri.sentinels.values()) {
                release(si);
            }
            ri.sentinels.clear();
        }
        s.links.closeConnection(ri.link, ri.link.cc);
        s.links.closeConnection(ri.link, ri.link.pc);
        // RedMesh: reconnect at once. Redis keeps the once-per-ping-period throttle of the
        // attempts made to the old (dead) address, so the link to a just-promoted master may
        // wait up to a second to open; with a 1 s down-after that alone could mark it +sdown
        // and, with the other sentinels' master-down answers still fresh, fail it over again.
        ri.link.lastReconnTime = 0;
        ri.flags &= Instance.MASTER;
        ri.leader = null;
        ri.failoverState = Instance.FailoverState.NONE;
        ri.failoverStateChangeTime = 0;
        ri.failoverStartTime = 0;
        ri.promotedSlave = null;
        ri.runid = null;
        ri.slaveMasterHost = null;
        long now = System.currentTimeMillis();
        ri.link.actPingTime = now;
        ri.link.lastPingTime = 0;
        ri.link.lastAvailTime = now;
        ri.link.lastPongTime = now;
        ri.roleReportedTime = now;
        ri.roleReported = Instance.MASTER;
        if (event) {
            s.events.instance(Events.Level.WARNING, "+reset-master", ri, "");
        }
    }

    /** sentinelResetMastersByPattern(): how many masters matched. */
    int resetByPattern(String pattern) {
        int reset = 0;
        for (Instance ri : s.state.masters.values()) {
            if (io.redmesh.sentinel.Glob.matches(pattern, ri.name)) {
                resetMaster(ri, false, true);
                reset++;
            }
        }
        return reset;
    }

    /**
     * sentinelResetMasterAndChangeAddress() (+switch-master): the master takes the new address;
     * its replicas are re-created from their addresses, the old master's address among them (so
     * it is found and reconfigured when it comes back), the new master's left out. False when the
     * new address does not resolve.
     */
    boolean resetMasterAndChangeAddress(Instance master, String host, int port) {
        Address newAddr;
        try {
            newAddr = s.state.address(host, port, false);
        } catch (Address.AddressException e) {
            return false;
        }
        List<Address> replicas = new ArrayList<>();
        for (Instance r : master.slaves.values()) {
            if (!r.addr.sameIpAndPort(newAddr)) {
                replicas.add(r.addr);
            }
        }
        if (!newAddr.sameIpAndPort(master.addr)) {
            replicas.add(master.addr);
        }
        resetMaster(master, true, false);
        master.addr = newAddr;
        master.oDownSinceTime = 0;
        master.sDownSinceTime = 0;
        for (Address a : replicas) {
            try {
                Instance r = createReplica(master, a.hostname, a.port);
                s.events.instance(Events.Level.NOTICE, "+slave", r, "");
            } catch (CreateException e) {
                NodeLog.verbose("Sentinel: replica " + a + " not re-added: " + e.getMessage());
            }
        }
        s.flushConfig();
        return true;
    }
}
