package io.redmesh.cluster.state;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * This node's view of the cluster (Redis's clusterState): the nodes by name, the slot table, the
 * epochs and the election state. A socket-free model: the bus and the commands change it under
 * the keyspace lock, and what must be saved or announced is signalled through {@link #todo}.
 */
public final class ClusterState {
    public static final int OK = 0;
    public static final int FAIL = 1;
    private static final SecureRandom RANDOM = new SecureRandom();

    public final Map<String, ClusterNode> nodes = new LinkedHashMap<>();
    public final SlotTable slots = new SlotTable();
    /** Forgotten nodes (name -> until, ms) that gossip must not re-add (CLUSTER FORGET). */
    public final Map<String, Long> blacklist = new LinkedHashMap<>();
    public ClusterNode myself;
    public long currentEpoch;
    public long lastVoteEpoch;
    public int state = FAIL;
    /** Masters serving at least one slot. */
    public int size;

    /** What clusterBeforeSleep() must do: save the config, update the state, handle failover. */
    public boolean saveNeeded;
    public boolean updateStateNeeded;

    /** A fresh 40-hex node name (getRandomHexChars). */
    public static String randomName() {
        byte[] b = new byte[20];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public void todo(boolean save) {
        updateStateNeeded = true;
        if (save) {
            saveNeeded = true;
        }
    }

    public ClusterNode lookup(String name) {
        return name == null ? null : nodes.get(name);
    }

    public Collection<ClusterNode> all() {
        return nodes.values();
    }

    public void add(ClusterNode n) {
        nodes.put(n.name, n);
    }

    /**
     * clusterDelNode: drops a node and everything that points at it (slots, moves, failure
     * reports it made, its place among its master's replicas).
     */
    public void delete(ClusterNode n) {
        slots.forgetMoves(n);
        for (ClusterNode other : nodes.values()) {
            other.failReports.remove(n.name);
        }
        slots.removeAll(n);
        if (n.master != null) {
            n.master.removeReplica(n);
        }
        for (ClusterNode r : new ArrayList<>(n.replicas)) {
            if (r.master == n) {
                r.master = null;
            }
        }
        nodes.remove(n.name);
    }

    /** clusterRenameNode: a handshake node learns its real name from its first PONG. */
    public void rename(ClusterNode n, String newName) {
        nodes.remove(n.name);
        n.name = newName;
        nodes.put(newName, n);
    }

    /** clusterSetNodeAsMaster: a replica becomes a master in our view. */
    public void setAsMaster(ClusterNode n) {
        if (n.isMaster()) {
            return;
        }
        if (n.master != null) {
            n.master.removeReplica(n);
            if (n != myself) {
                n.flags |= ClusterNode.MIGRATE_TO;
            }
        }
        n.flags &= ~ClusterNode.SLAVE;
        n.flags |= ClusterNode.MASTER;
        n.master = null;
        todo(true);
    }

    /** Makes {@code n} a replica of {@code master} in our view (what its pings say). */
    public void setAsReplica(ClusterNode n, ClusterNode master) {
        if (n.isMaster()) {
            slots.removeAll(n);
            n.flags &= ~(ClusterNode.MASTER | ClusterNode.MIGRATE_TO);
            n.flags |= ClusterNode.SLAVE;
        }
        if (n.master != master) {
            if (n.master != null) {
                n.master.removeReplica(n);
            }
            n.master = master;
            if (master != null) {
                master.addReplica(n);
            }
        }
        todo(true);
    }

    // ------------------------------------------------------------------ failure reports

    /** clusterNodeAddFailureReport: true when the report is new. */
    public boolean addFailureReport(ClusterNode failing, ClusterNode sender, long now) {
        return failing.failReports.put(sender.name, now) == null;
    }

    public boolean removeFailureReport(ClusterNode failing, ClusterNode sender) {
        return failing.failReports.remove(sender.name) != null;
    }

    /** clusterNodeFailureReportsCount, after dropping reports older than twice the node timeout. */
    public int failureReports(ClusterNode failing, long now, long nodeTimeout) {
        long maxAge = nodeTimeout * 2;
        failing.failReports.values().removeIf(t -> now - t > maxAge);
        return failing.failReports.size();
    }

    // ------------------------------------------------------------------ epochs

    /** clusterGetMaxEpoch: the largest config epoch known, or the current epoch if larger. */
    public long maxEpoch() {
        long max = 0;
        for (ClusterNode n : nodes.values()) {
            max = Math.max(max, n.configEpoch);
        }
        return Math.max(max, currentEpoch);
    }

    /** Masters with at least one slot, and how many of them are reachable (not PFAIL/FAIL). */
    public int[] mastersWithSlots() {
        int sized = 0;
        int reachable = 0;
        for (ClusterNode n : nodes.values()) {
            if (n.isMaster() && n.numSlots() > 0) {
                sized++;
                if (!n.is(ClusterNode.FAIL | ClusterNode.PFAIL)) {
                    reachable++;
                }
            }
        }
        return new int[] {sized, reachable};
    }

    public List<ClusterNode> masters() {
        List<ClusterNode> out = new ArrayList<>();
        for (ClusterNode n : nodes.values()) {
            if (n.isMaster()) {
                out.add(n);
            }
        }
        return out;
    }

    public boolean blacklisted(String name, long now) {
        blacklist.values().removeIf(until -> until < now);
        return blacklist.containsKey(name);
    }
}
