package io.redmesh.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The topology of {@code redmesh demo --sentinel} (examples/sentinel-ha): node1 a master,
 * node2 and node3 its replicas, sentinel1-3 watching it with a quorum of 2, every process with
 * its agent, every link TLS. Sentinels rewrite their config file, so each gets its own copy of
 * the example's sentinel.conf with the master's port in place of {@value #MASTER_PORT}.
 */
final class DemoSentinels {
    static final String MASTER_NAME = "mymaster";
    static final String MASTER_PORT = "${MASTER_PORT}";
    static final int DATA_NODES = 3;

    private final DemoCluster.Connector connector;
    private final int[] tlsPorts;

    DemoSentinels(DemoCluster.Connector connector, int[] tlsPorts) {
        this.connector = connector;
        this.tlsPorts = tlsPorts;
    }

    /** node1-3, then sentinel1-3. */
    static String name(int i) {
        return i <= DATA_NODES ? "node" + i : "sentinel" + (i - DATA_NODES);
    }

    static boolean isSentinel(int i) {
        return i > DATA_NODES;
    }

    /** The sentinel's own copy of {@code template}, monitoring the master on {@code masterPort}. */
    static Path sentinelConfig(Path template, int masterPort, Path target) throws IOException {
        String text = Files.readString(template, StandardCharsets.UTF_8);
        if (!text.contains(MASTER_PORT)) {
            throw new IOException(template + " has no " + MASTER_PORT + " for the master's port");
        }
        Files.writeString(target, text.replace(MASTER_PORT, Integer.toString(masterPort)), StandardCharsets.UTF_8);
        return target;
    }

    /** Waits until every sentinel sees the master with both replicas and the two other sentinels. */
    void awaitReady(long deadlineNanos) throws IOException, InterruptedException {
        for (int i = DATA_NODES + 1; i <= tlsPorts.length; i++) {
            while (true) {
                Map<String, String> m = Map.of();
                try (RespConnection c = connector.connect(i)) {
                    m = pairs(c.call("SENTINEL", "MASTER", MASTER_NAME));
                } catch (IOException notYet) {
                    // starting
                }
                if ("2".equals(m.get("num-slaves")) && "2".equals(m.get("num-other-sentinels"))
                        && "master".equals(m.get("flags"))) {
                    break;
                }
                if (System.nanoTime() > deadlineNanos) {
                    throw new IOException("timed out waiting for " + name(i) + " to see the master, 2 replicas and "
                            + "2 other sentinels; it sees " + m);
                }
                Thread.sleep(250);
            }
        }
    }

    /** A flat [k1, v1, k2, v2 ...] reply as a map. */
    private static Map<String, String> pairs(Object reply) {
        Map<String, String> out = new LinkedHashMap<>();
        if (reply instanceof List<?> l) {
            for (int k = 0; k + 1 < l.size(); k += 2) {
                out.put(String.valueOf(l.get(k)), String.valueOf(l.get(k + 1)));
            }
        }
        return out;
    }

    /** Node i's role, master (by name) and replication offset; a sentinel's view of the master. */
    Map<String, String> fields(int i, RespConnection c) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        if (isSentinel(i)) {
            out.put("cluster_role", "sentinel");
            Object addr = c.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
            out.put("master_name", addr instanceof List<?> l && l.size() == 2 ? nameOfPort(String.valueOf(l.get(1))) : "?");
            out.put("repl_offset", "-");
            out.put("lag", "-");
            return out;
        }
        Map<String, String> repl = StatusTable.fields(String.valueOf(c.call("INFO", "replication")));
        boolean replica = "slave".equals(repl.get("role"));
        out.put("cluster_role", replica ? "replica" : "master");
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
                return name(i + 1);
            }
        }
        return "127.0.0.1:" + port;
    }

    /** The table's columns with sentinels: the cluster's without SLOTS; MASTER is the master a sentinel sees. */
    static List<StatusTable.Column> columns() {
        List<StatusTable.Column> c = new ArrayList<>(DemoCluster.columns());
        c.removeIf(col -> col.header().equals("SLOTS"));
        return c;
    }
}
