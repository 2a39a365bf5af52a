package io.redmesh.cluster.testing;

import io.redmesh.node.testing.RespClient;
import io.redmesh.replication.testing.Await;
import io.redmesh.replication.testing.ReplicatedNodeProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Cluster nodes in their own JVMs on loopback (client and bus ports below 22000), plus
 * {@code redis-cli --cluster} run against them. Every wait is bounded and names the node and
 * the state it waited for; {@link #close} kills every process it started, by PID.
 */
public final class ClusterTestbed implements AutoCloseable {
    public final List<ReplicatedNodeProcess> nodes = new ArrayList<>();
    private final Path dir;
    private final List<String> common;
    private final java.util.Map<Integer, Integer> busPorts = new java.util.HashMap<>();

    public ClusterTestbed(Path dir, String... commonDirectives) {
        this.dir = dir;
        this.common = List.of(commonDirectives);
    }

    /** Starts {@code n} cluster-enabled nodes (cluster-node-timeout 2000 unless overridden). */
    public ClusterTestbed start(int n, String... extra) throws IOException {
        return start(n, i -> extra);
    }

    /** Starts {@code n} nodes, node i with {@code perNode.apply(i)} added (its certificate ...). */
    public ClusterTestbed start(int n, java.util.function.IntFunction<String[]> perNode) throws IOException {
        int i = 0;
        for (int[] pair : ClusterPorts.pairs(n)) {
            startNode(pair[0], pair[1], perNode.apply(i++));
        }
        return this;
    }

    /** The bus port of a node started here. */
    public int busPort(ReplicatedNodeProcess p) {
        return busPorts.get(p.port());
    }

    public ReplicatedNodeProcess startNode(int port, int busPort, String... extra) throws IOException {
        String name = "node-" + port;
        List<String> args = new ArrayList<>(List.of("--cluster-enabled", "yes", "--cluster-port",
                Integer.toString(busPort), "--cluster-node-timeout", "2000", "--appendonly", "no"));
        args.addAll(common);
        args.addAll(List.of(extra));
        ReplicatedNodeProcess p = ReplicatedNodeProcess.start(name, dir.resolve(name), port,
                ReplicatedNodeProcess.TEST_JVM, ClusterNodeMain.class, args.toArray(new String[0]));
        nodes.add(p);
        busPorts.put(port, busPort);
        return p;
    }

    /** Restarts a node killed earlier, with its directory (nodes.conf) and ports. */
    public ReplicatedNodeProcess restart(ReplicatedNodeProcess old, String... extra) throws IOException {
        int i = nodes.indexOf(old);
        nodes.remove(old);
        ReplicatedNodeProcess p = startNode(old.port(), busPorts.get(old.port()), extra);
        nodes.remove(p);
        nodes.add(i, p);
        return p;
    }

    /** The node's CLUSTER NODES line about itself, split in fields. */
    public static String[] myself(int port) {
        for (String line : call(port, "CLUSTER", "NODES").split("\n")) {
            if (line.contains("myself")) {
                return line.split(" ");
            }
        }
        throw new AssertionError(":" + port + " has no myself line");
    }

    /** Whether the node at {@code port} calls itself a master. */
    public static boolean isMaster(int port) {
        return myself(port)[2].contains("master");
    }

    /** The started node whose id is {@code id}. */
    public ReplicatedNodeProcess byId(String id) {
        for (ReplicatedNodeProcess p : nodes) {
            if (myself(p.port())[0].equals(id)) {
                return p;
            }
        }
        throw new AssertionError("no node " + id);
    }

    /** Creates the cluster with redis-cli (replicas per master) and waits until every node is ok. */
    public void create(int replicas) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--cluster", "create"));
        args.addAll(addresses());
        args.addAll(List.of("--cluster-replicas", Integer.toString(replicas), "--cluster-yes"));
        Result r = redisCli(120, args);
        if (r.exit() != 0 || !r.output().contains("[OK] All 16384 slots covered.")) {
            throw new AssertionError("redis-cli --cluster create failed:\n" + r.output());
        }
        awaitOk(nodes.size(), 30_000);
    }

    public List<String> addresses() {
        List<String> out = new ArrayList<>();
        for (ReplicatedNodeProcess p : nodes) {
            out.add("127.0.0.1:" + p.port());
        }
        return out;
    }

    /** Runs redis-cli with these arguments (bounded); returns exit code and output. */
    public static Result redisCli(long timeoutSeconds, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("redis-cli"));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out;
        Thread reader;
        ByteCollector collector = new ByteCollector(p);
        reader = new Thread(collector);
        reader.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
            reader.join(5000);
            throw new AssertionError("redis-cli " + args + " did not finish in " + timeoutSeconds + " s:\n"
                    + collector.text());
        }
        reader.join(5000);
        return new Result(p.exitValue(), collector.text());
    }

    public record Result(int exit, String output) {}

    private static final class ByteCollector implements Runnable {
        private final Process p;
        private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

        ByteCollector(Process p) {
            this.p = p;
        }

        @Override
        public void run() {
            try {
                p.getInputStream().transferTo(out);
            } catch (IOException e) {
                // process gone
            }
        }

        synchronized String text() {
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    public static String call(int port, String... args) {
        try (RespClient c = RespClient.connect(port)) {
            return c.callString(args);
        }
    }

    /** The value of one CLUSTER INFO field on the node at {@code port}. */
    public static String clusterInfo(int port, String field) {
        String info = call(port, "CLUSTER", "INFO");
        for (String line : info.split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1);
            }
        }
        return "";
    }

    /** Waits until every node says cluster_state:ok and knows {@code known} nodes. */
    public void awaitOk(int known, long timeoutMillis) {
        for (ReplicatedNodeProcess p : nodes) {
            Await.until(p + " to report cluster_state:ok with " + known + " known nodes", timeoutMillis,
                    () -> clusterInfo(p.port(), "cluster_state").equals("ok")
                            && clusterInfo(p.port(), "cluster_known_nodes").equals(Integer.toString(known)),
                    () -> call(p.port(), "CLUSTER", "NODES"));
        }
    }

    @Override
    public void close() {
        for (ReplicatedNodeProcess p : nodes) {
            p.close();
        }
    }
}
