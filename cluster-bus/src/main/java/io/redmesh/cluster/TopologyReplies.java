package io.redmesh.cluster;

import io.redmesh.cluster.bus.BusLink;
import io.redmesh.cluster.bus.BusMessage;
import io.redmesh.cluster.state.ClusterNode;
import io.redmesh.cluster.state.ClusterState;
import io.redmesh.cluster.state.NodeDescriber;
import io.redmesh.cluster.state.SlotTable;
import io.redmesh.node.spi.ReplyWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The topology as clients read it: CLUSTER NODES, SLOTS, SHARDS, REPLICAS, LINKS and INFO, in
 * Redis 7.0's shapes. Ports follow the asking client's transport (TLS port to a TLS client,
 * plaintext port to a plaintext one) whatever tls-cluster says, as Redis does from 7.2 on.
 */
final class TopologyReplies {
    private final ClusterCore core;
    private final ClusterState st;

    TopologyReplies(ClusterCore core) {
        this.core = core;
        this.st = core.state;
    }

    String nodes(boolean tls) {
        StringBuilder b = new StringBuilder();
        for (ClusterNode n : st.all()) {
            NodeDescriber.describe(b, st, n, NodeDescriber.clientPort(n, tls), n.link != null);
            b.append('\n');
        }
        return b.toString();
    }

    /** One node of CLUSTER SLOTS: preferred endpoint, port, id, then the other endpoints as a map. */
    private void slotNode(ReplyWriter r, ClusterNode n, boolean tls) {
        String pref = core.settings.preferredEndpoint;
        r.array(4);
        switch (pref) {
            case "hostname" -> r.bulk(n.hostname.isEmpty() ? "?" : n.hostname);
            case "unknown-endpoint" -> r.nullBulk();
            default -> r.bulk(n.ip);
        }
        r.integer(NodeDescriber.clientPort(n, tls));
        r.bulk(n.name);
        int len = 0;
        if (!pref.equals("ip")) {
            len++;
        }
        if (!pref.equals("hostname") && !n.hostname.isEmpty()) {
            len++;
        }
        r.map(len);
        if (!pref.equals("ip")) {
            r.bulk("ip");
            r.bulk(n.ip);
        }
        if (!pref.equals("hostname") && !n.hostname.isEmpty()) {
            r.bulk("hostname");
            r.bulk(n.hostname);
        }
    }

    void slots(ReplyWriter r, boolean tls) {
        List<Object[]> ranges = new ArrayList<>();
        for (ClusterNode n : st.all()) {
            if (!n.isMaster() || n.numSlots() == 0) {
                continue;
            }
            int start = n.slots.nextSetBit(0);
            while (start >= 0) {
                int end = n.slots.nextClearBit(start) - 1;
                ranges.add(new Object[] {start, end, n});
                start = n.slots.nextSetBit(end + 1);
            }
        }
        r.array(ranges.size());
        for (Object[] range : ranges) {
            ClusterNode n = (ClusterNode) range[2];
            List<ClusterNode> replicas = new ArrayList<>();
            for (ClusterNode rep : n.replicas) {
                if (!rep.failed()) {
                    replicas.add(rep);
                }
            }
            r.array(3 + replicas.size());
            r.integer((Integer) range[0]);
            r.integer((Integer) range[1]);
            slotNode(r, n, tls);
            for (ClusterNode rep : replicas) {
                slotNode(r, rep, tls);
            }
        }
    }

    void shards(ReplyWriter r, boolean tls) {
        List<ClusterNode> masters = st.masters();
        r.array(masters.size());
        for (ClusterNode m : masters) {
            r.map(2);
            r.bulk("slots");
            List<int[]> ranges = new ArrayList<>();
            int start = m.slots.nextSetBit(0);
            while (start >= 0) {
                int end = m.slots.nextClearBit(start) - 1;
                ranges.add(new int[] {start, end});
                start = m.slots.nextSetBit(end + 1);
            }
            r.array(ranges.size() * 2L);
            for (int[] range : ranges) {
                r.integer(range[0]);
                r.integer(range[1]);
            }
            r.bulk("nodes");
            List<ClusterNode> members = new ArrayList<>();
            members.add(m);
            members.addAll(m.replicas);
            r.array(members.size());
            for (ClusterNode n : members) {
                shardNode(r, n, m);
            }
        }
    }

    private void shardNode(ReplyWriter r, ClusterNode n, ClusterNode master) {
        int plain = NodeDescriber.clientPort(n, false);
        int tlsPort = n.redmeshTlsPort != 0 ? n.redmeshTlsPort : (n.pport != 0 ? n.port : 0);
        if (tlsPort == plain) {
            plain = n.pport != 0 ? n.pport : (n.redmeshPlainPort != 0 ? n.redmeshPlainPort : 0);
        }
        int fields = 6 + (plain != 0 ? 1 : 0) + (tlsPort != 0 ? 1 : 0) + (n.hostname.isEmpty() ? 0 : 1);
        r.map(fields);
        r.bulk("id");
        r.bulk(n.name);
        if (plain != 0) {
            r.bulk("port");
            r.integer(plain);
        }
        if (tlsPort != 0) {
            r.bulk("tls-port");
            r.integer(tlsPort);
        }
        r.bulk("ip");
        r.bulk(n.ip);
        r.bulk("endpoint");
        String pref = core.settings.preferredEndpoint;
        r.bulk(pref.equals("hostname") ? (n.hostname.isEmpty() ? "?" : n.hostname) : pref.equals("ip") ? n.ip : "?");
        if (!n.hostname.isEmpty()) {
            r.bulk("hostname");
            r.bulk(n.hostname);
        }
        r.bulk("role");
        r.bulk(n.isMaster() ? "master" : "replica");
        long offset = n == st.myself && core.replication() != null ? core.replication().offset() : n.replOffset;
        r.bulk("replication-offset");
        r.integer(offset);
        r.bulk("health");
        String health = n.failed() ? "failed"
                : (n.isReplica() && offset == 0 && master.replOffset != 0) ? "loading" : "online";
        r.bulk(health);
    }

    /** CLUSTER REPLICAS / SLAVES: each replica's CLUSTER NODES line. */
    void replicas(ReplyWriter r, ClusterNode master, boolean tls) {
        r.array(master.replicas.size());
        for (ClusterNode n : master.replicas) {
            StringBuilder b = new StringBuilder();
            NodeDescriber.describe(b, st, n, NodeDescriber.clientPort(n, tls), n.link != null);
            r.bulk(b.toString());
        }
    }

    /** CLUSTER LINKS: one map per link (direction, node, create-time, events, buffers). */
    void links(ReplyWriter r) {
        List<Object[]> links = new ArrayList<>();
        for (ClusterNode n : st.all()) {
            if (n.link instanceof BusLink l) {
                links.add(new Object[] {l, n});
            }
            if (n.inboundLink instanceof BusLink l && l.active()) {
                links.add(new Object[] {l, n});
            }
        }
        r.array(links.size());
        for (Object[] e : links) {
            BusLink l = (BusLink) e[0];
            ClusterNode n = (ClusterNode) e[1];
            r.map(6);
            r.bulk("direction");
            r.bulk(l.inbound ? "from" : "to");
            r.bulk("node");
            r.bulk(n.name);
            r.bulk("create-time");
            r.integer(l.createdMillis);
            r.bulk("events");
            r.bulk(l.inbound ? "r" : "rw");
            r.bulk("send-buffer-allocated");
            r.integer(l.pendingBytes());
            r.bulk("send-buffer-used");
            r.integer(l.pendingBytes());
        }
    }

    /** cluster_stats_messages_<type>_sent/received for the types seen, then the total. */
    private void messageStats(StringBuilder b, String direction) {
        long total = 0;
        for (int t = 0; t < BusMessage.TYPE_COUNT; t++) {
            long n = core.transport == null ? 0
                    : direction.equals("sent") ? core.transport.sent(t) : core.transport.received(t);
            if (n != 0) {
                b.append("cluster_stats_messages_").append(BusMessage.TYPE_NAMES[t]).append('_').append(direction)
                        .append(':').append(n).append("\r\n");
                total += n;
            }
        }
        b.append("cluster_stats_messages_").append(direction).append(':').append(total).append("\r\n");
    }

    /** CLUSTER INFO (and INFO's cluster section starts with cluster_enabled:1). */
    String info() {
        int ok = 0;
        int pfail = 0;
        int fail = 0;
        int assigned = 0;
        for (int j = 0; j < SlotTable.SLOTS; j++) {
            ClusterNode n = st.slots.owner(j);
            if (n == null) {
                continue;
            }
            assigned++;
            if (n.failed()) {
                fail++;
            } else if (n.timedOut()) {
                pfail++;
            } else {
                ok++;
            }
        }
        ClusterNode me = st.myself;
        long myEpoch = me.isReplica() && me.master != null ? me.master.configEpoch : me.configEpoch;
        StringBuilder b = new StringBuilder();
        b.append("cluster_state:").append(st.state == ClusterState.OK ? "ok" : "fail").append("\r\n");
        b.append("cluster_slots_assigned:").append(assigned).append("\r\n");
        b.append("cluster_slots_ok:").append(ok).append("\r\n");
        b.append("cluster_slots_pfail:").append(pfail).append("\r\n");
        b.append("cluster_slots_fail:").append(fail).append("\r\n");
        b.append("cluster_known_nodes:").append(st.nodes.size()).append("\r\n");
        b.append("cluster_size:").append(st.size).append("\r\n");
        b.append("cluster_current_epoch:").append(st.currentEpoch).append("\r\n");
        b.append("cluster_my_epoch:").append(myEpoch).append("\r\n");
        messageStats(b, "sent");
        messageStats(b, "received");
        b.append("total_cluster_links_buffer_limit_exceeded:").append(core.linksBufferLimitExceeded).append("\r\n");
        return b.toString();
    }
}
