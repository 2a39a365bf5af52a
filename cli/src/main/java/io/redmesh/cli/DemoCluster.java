package io.redmesh.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster of {@code redmesh demo --cluster}: half the nodes masters with a third of the
 * 16384 slots each, the other half their replicas (node k+n/2 replicates node k). It is built
 * with the commands {@code redis-cli --cluster create} sends (CLUSTER MEET, ADDSLOTSRANGE,
 * REPLICATE), issued over the demo's own TLS connections, so the launcher needs no redis-cli.
 */
final class DemoCluster {
    /** One connection to node i (1-based), opened anew for every use. */
    interface Connector {
        RespConnection connect(int node) throws IOException;
    }

    private final Connector connector;
    private final int[] tlsPorts;
    private final int[] busPorts;

    DemoCluster(Connector connector, int[] tlsPorts, int[] busPorts) {
        this.connector = connector;
        this.tlsPorts = tlsPorts;
        this.busPorts = busPorts;
    }

    int masters() {
        return tlsPorts.length / 2;
    }

    /** Meets every node, gives the masters their slots, makes the replicas follow; waits for cluster_state:ok. */
    void create(long deadlineNanos) throws IOException, InterruptedException {
        int n = tlsPorts.length;
        for (int i = 2; i <= n; i++) {
            expectOk(call(1, "CLUSTER", "MEET", "127.0.0.1", Integer.toString(tlsPorts[i - 1]),
                    Integer.toString(busPorts[i - 1])), "CLUSTER MEET node" + i);
        }
        for (int m = 1; m <= masters(); m++) {
            int from = 16384 * (m - 1) / masters();
            int to = 16384 * m / masters() - 1;
            expectOk(call(m, "CLUSTER", "ADDSLOTSRANGE", Integer.toString(from), Integer.toString(to)),
                    "CLUSTER ADDSLOTSRANGE on node" + m);
        }
        for (int i = 1; i <= n; i++) {
            int node = i;
            await(deadlineNanos, "node" + i + " to know all " + n + " nodes", () -> knowsAll(node, n));
        }
        for (int r = masters() + 1; r <= n; r++) {
            String masterId = String.valueOf(call(r - masters(), "CLUSTER", "MYID"));
            expectOk(call(r, "CLUSTER", "REPLICATE", masterId), "CLUSTER REPLICATE on node" + r);
        }
        for (int i = 1; i <= n; i++) {
            int node = i;
            await(deadlineNanos, "node" + i + " to report cluster_state:ok",
                    () -> String.valueOf(call(node, "CLUSTER", "INFO")).contains("cluster_state:ok"));
        }
        for (int r = masters() + 1; r <= n; r++) {
            int node = r;
            await(deadlineNanos, "node" + r + " to finish its first sync",
                    () -> String.valueOf(call(node, "INFO", "replication")).contains("master_link_status:up"));
        }
    }

    private boolean knowsAll(int node, int n) throws IOException {
        String nodes = String.valueOf(call(node, "CLUSTER", "NODES"));
        long known = nodes.lines().filter(l -> !l.isBlank()).count();
        return known == n && !nodes.contains("handshake") && !nodes.contains("noaddr");
    }

    /**
     * The cluster columns of node i's row: its role and slots from CLUSTER NODES, its master's
     * name (by the TLS port the replication link uses) and its replication offset.
     */
    Map<String, String> fields(RespConnection c) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : String.valueOf(c.call("CLUSTER", "NODES")).split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length >= 8 && f[2].contains("myself")) {
                out.put("cluster_role", f[2].contains("master") ? "master" : "replica");
                StringBuilder slots = new StringBuilder();
                for (int k = 8; k < f.length; k++) {
                    slots.append(slots.length() == 0 ? "" : ",").append(f[k]);
                }
                out.put("slots", slots.length() == 0 ? "-" : slots.toString());
            }
        }
        Map<String, String> repl = StatusTable.fields(String.valueOf(c.call("INFO", "replication")));
        boolean replica = "slave".equals(repl.get("role"));
        out.put("repl_offset", repl.getOrDefault(replica ? "slave_repl_offset" : "master_repl_offset", "?"));
        if (replica) {
            out.put("master_name", nameOfPort(repl.getOrDefault("master_port", "0")));
            out.put("link", repl.getOrDefault("master_link_status", "?"));
        }
        return out;
    }

    private String nameOfPort(String port) {
        for (int i = 0; i < tlsPorts.length; i++) {
            if (Integer.toString(tlsPorts[i]).equals(port)) {
                return "node" + (i + 1);
            }
        }
        return "127.0.0.1:" + port;
    }

    /** Bytes each replica is behind its master (both read in the same pass), "-" for masters. */
    static void addLag(Map<String, Map<String, String>> rows) {
        for (Map<String, String> row : rows.values()) {
            if ("sentinel".equals(row.get("cluster_role"))) {
                continue;
            }
            Map<String, String> master = rows.get(row.getOrDefault("master_name", ""));
            if (master == null) {
                row.put("lag", "-");
                continue;
            }
            try {
                long lag = Long.parseLong(master.getOrDefault("repl_offset", "?"))
                        - Long.parseLong(row.getOrDefault("repl_offset", "?"));
                row.put("lag", Math.max(0, lag) + "B");
            } catch (NumberFormatException unknown) {
                row.put("lag", "?");
            }
        }
    }

    /** The table's columns in cluster mode. */
    static List<StatusTable.Column> columns() {
        List<StatusTable.Column> c = new ArrayList<>();
        c.add(new StatusTable.Column("NODE", r -> r.getOrDefault("name", "?")));
        c.add(new StatusTable.Column("UP", r -> "1".equals(r.get("reachable")) ? "yes" : "NO"));
        c.add(new StatusTable.Column("PID", r -> r.getOrDefault("pid", "?")));
        c.add(new StatusTable.Column("PORT", r -> r.getOrDefault("port", "?")));
        c.add(new StatusTable.Column("ROLE", r -> r.getOrDefault("cluster_role", "?")));
        c.add(new StatusTable.Column("SLOTS", r -> r.getOrDefault("slots", "?")));
        c.add(new StatusTable.Column("MASTER", r -> r.getOrDefault("master_name", "-")));
        c.add(new StatusTable.Column("OFFSET", r -> r.getOrDefault("repl_offset", "?")));
        c.add(new StatusTable.Column("LAG", r -> r.getOrDefault("lag", "?")));
        c.addAll(StatusTable.securityColumns());
        return c;
    }

    private Object call(int node, String... args) throws IOException {
        try (RespConnection c = connector.connect(node)) {
            return c.call(args);
        }
    }

    private static void expectOk(Object reply, String what) throws IOException {
        if (!"OK".equals(reply)) {
            throw new IOException(what + " failed: " + (reply instanceof RespConnection.ErrorReply e ? e.message() : reply));
        }
    }

    private interface Check {
        boolean ok() throws IOException;
    }

    private static void await(long deadlineNanos, String what, Check check) throws IOException, InterruptedException {
        while (true) {
            try {
                if (check.ok()) {
                    return;
                }
            } catch (IOException notYet) {
                // a node busy starting its bus: asked again
            }
            if (System.nanoTime() > deadlineNanos) {
                throw new IOException("timed out waiting for " + what);
            }
            Thread.sleep(200);
        }
    }
}
