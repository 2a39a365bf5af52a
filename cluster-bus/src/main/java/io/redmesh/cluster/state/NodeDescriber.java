package io.redmesh.cluster.state;

/**
 * One node as a CLUSTER NODES / nodes.conf line (clusterGenNodeDescription):
 * {@code <id> <ip:port@cport[,hostname]> <flags> <master|-> <ping-sent> <pong-recv> <config-epoch>
 * <link-state> <slot ranges> [<slot>->-<node>] [<slot>-<-<node>]}.
 */
public final class NodeDescriber {
    private NodeDescriber() {}

    /** The client port a client should use: its TLS port for a TLS client, the plaintext one otherwise. */
    public static int clientPort(ClusterNode n, boolean tlsClient) {
        if (n.redmeshTlsPort != 0 || n.redmeshPlainPort != 0) {
            int p = tlsClient ? n.redmeshTlsPort : n.redmeshPlainPort;
            return p != 0 ? p : (tlsClient ? n.redmeshPlainPort : n.redmeshTlsPort);
        }
        // a Redis 7.0 peer: "port" is its TLS port when pport is set (tls-cluster yes)
        if (!tlsClient && n.pport != 0) {
            return n.pport;
        }
        return n.port;
    }

    /**
     * @param port the client port to print: {@link #clientPort} for CLUSTER NODES, the announced
     *             primary port for nodes.conf (as 7.0 writes it)
     */
    public static void describe(StringBuilder b, ClusterState st, ClusterNode n, int port, boolean linked) {
        b.append(n.name).append(' ').append(n.ip).append(':').append(port).append('@').append(n.cport);
        if (!n.hostname.isEmpty()) {
            b.append(',').append(n.hostname);
        }
        b.append(' ').append(n.flagsString()).append(' ');
        b.append(n.master != null ? n.master.name : "-").append(' ');
        b.append(n.pingSent).append(' ').append(n.pongReceived).append(' ').append(n.configEpoch).append(' ');
        b.append(linked || n.is(ClusterNode.MYSELF) ? "connected" : "disconnected");
        if (n.isMaster()) {
            appendRanges(b, n);
        }
        if (n.is(ClusterNode.MYSELF)) {
            for (int j = 0; j < SlotTable.SLOTS; j++) {
                ClusterNode to = st.slots.migratingTo(j);
                if (to != null) {
                    b.append(" [").append(j).append("->-").append(to.name).append(']');
                }
                ClusterNode from = st.slots.importingFrom(j);
                if (from != null) {
                    b.append(" [").append(j).append("-<-").append(from.name).append(']');
                }
            }
        }
    }

    private static void appendRanges(StringBuilder b, ClusterNode n) {
        int start = n.slots.nextSetBit(0);
        while (start >= 0) {
            int end = n.slots.nextClearBit(start) - 1;
            b.append(' ').append(start);
            if (end != start) {
                b.append('-').append(end);
            }
            start = n.slots.nextSetBit(end + 1);
        }
    }
}
