package io.redmesh.cluster.state;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One node of the cluster as this node sees it (Redis's clusterNode): its 40-hex name, role and
 * state flags, addresses, config epoch, slots, master or replicas, and the timing of pings and
 * failure reports. Touched only under the keyspace lock.
 */
public final class ClusterNode {
    // flags, with Redis's values (they travel in bus messages)
    public static final int MASTER = 1;
    public static final int SLAVE = 2;
    public static final int PFAIL = 4;
    public static final int FAIL = 8;
    public static final int MYSELF = 16;
    public static final int HANDSHAKE = 32;
    public static final int NOADDR = 64;
    public static final int MEET = 128;
    public static final int MIGRATE_TO = 256;
    public static final int NOFAILOVER = 512;

    public String name;
    public int flags;
    public long configEpoch;
    public final BitSet slots = new BitSet(SlotTable.SLOTS);
    public ClusterNode master;
    public final List<ClusterNode> replicas = new ArrayList<>();
    public final long createdMillis = System.currentTimeMillis();

    public String ip = "";
    public String hostname = "";
    /** The client port peers announce as primary (the TLS port under tls-cluster, as 7.0). */
    public int port;
    /** The plaintext port when {@link #port} is the TLS port (0 otherwise). */
    public int pport;
    public int cport;
    /** RedMesh peers also tell both client ports (in the header's reserved bytes): 0 when unknown. */
    public int redmeshTlsPort;
    public int redmeshPlainPort;

    public long pingSent;
    public long pongReceived;
    public long dataReceived;
    public long failTime;
    public long votedTime;
    public long replOffset;
    public long replOffsetTime;
    public long orphanedTime;

    /** Reporter name -> time of its last report that this node is failing. */
    public final Map<String, Long> failReports = new LinkedHashMap<>();

    /** The outbound link, and the last inbound one (CLUSTER LINKS). */
    public Object link;
    public Object inboundLink;

    public ClusterNode(String name, int flags) {
        this.name = name;
        this.flags = flags;
    }

    public boolean is(int flag) {
        return (flags & flag) != 0;
    }

    public boolean isMaster() {
        return is(MASTER);
    }

    public boolean isReplica() {
        return is(SLAVE);
    }

    public boolean failed() {
        return is(FAIL);
    }

    public boolean timedOut() {
        return is(PFAIL);
    }

    public boolean inHandshake() {
        return is(HANDSHAKE);
    }

    public boolean hasAddr() {
        return !is(NOADDR);
    }

    public int numSlots() {
        return slots.cardinality();
    }

    public void addReplica(ClusterNode r) {
        if (!replicas.contains(r)) {
            replicas.add(r);
        }
        flags |= MIGRATE_TO; // clusterNodeAddSlave: a master that had replicas may be given one back
        // Redis keeps a master's replicas sorted by name (CLUSTER NODES order)
        replicas.sort((a, b) -> a.name.compareTo(b.name));
    }

    public void removeReplica(ClusterNode r) {
        replicas.remove(r);
    }

    /** Replicas not marked FAIL (the migration barrier counts these). */
    public int okReplicas() {
        int n = 0;
        for (ClusterNode r : replicas) {
            if (!r.failed()) {
                n++;
            }
        }
        return n;
    }

    /** The flags as CLUSTER NODES and nodes.conf print them ("myself,master"). */
    public String flagsString() {
        StringBuilder b = new StringBuilder();
        append(b, MYSELF, "myself");
        append(b, MASTER, "master");
        append(b, SLAVE, "slave");
        append(b, PFAIL, "fail?");
        append(b, FAIL, "fail");
        append(b, HANDSHAKE, "handshake");
        append(b, NOADDR, "noaddr");
        append(b, NOFAILOVER, "nofailover");
        return b.length() == 0 ? "noflags" : b.toString();
    }

    private void append(StringBuilder b, int flag, String word) {
        if (is(flag)) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(word);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
