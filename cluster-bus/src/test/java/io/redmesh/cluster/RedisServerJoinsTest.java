package io.redmesh.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.cluster.testing.ClusterPorts;
import io.redmesh.cluster.testing.ClusterTestbed;
import io.redmesh.node.testing.RedisProcess;
import io.redmesh.replication.testing.Await;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop on the bus itself: Debian's redis-server 7.0 MEETs into a RedMesh cluster (so both
 * speak one binary format), redis-cli --cluster reshard moves slots with their keys from a
 * RedMesh master to it (MIGRATE from us, RESTORE-ASKING on Redis) and back (MIGRATE from Redis,
 * RESTORE-ASKING on us), and every node, ours and Redis's, agrees about the slots.
 */
class RedisServerJoinsTest {
    @TempDir
    Path dir;

    @Test
    void aRealRedisServerJoinsServesSlotsAndHandsThemBack() throws Exception {
        try (ClusterTestbed bed = new ClusterTestbed(dir).start(3)) {
            List<String> args = new ArrayList<>(List.of("--cluster", "create"));
            args.addAll(bed.addresses());
            args.add("--cluster-yes");
            ClusterTestbed.Result created = ClusterTestbed.redisCli(120, args);
            assertEquals(0, created.exit(), created.output());
            bed.awaitOk(3, 30_000);
            int[] ports = ClusterPorts.pairs(1).get(0);
            try (RedisProcess redis = RedisProcess.builder().port(ports[0]).dir(dir.resolve("redis"))
                    .args("--cluster-enabled", "yes", "--cluster-port", Integer.toString(ports[1]),
                            "--cluster-node-timeout", "2000", "--bind", "127.0.0.1").start()) {
                int ours = bed.nodes.get(0).port();
                writeMany(bed, 0, 500);
                assertEquals("+OK\r\n", ClusterTestbed.call(redis.port(), "CLUSTER", "MEET", "127.0.0.1",
                        Integer.toString(ours), Integer.toString(busPortOf(ours))));
                Await.until("redis-server :" + redis.port() + " to see 4 nodes and cluster_state:ok", 20_000,
                        () -> ClusterTestbed.clusterInfo(redis.port(), "cluster_known_nodes").equals("4")
                                && ClusterTestbed.clusterInfo(redis.port(), "cluster_state").equals("ok"),
                        () -> ClusterTestbed.call(redis.port(), "CLUSTER", "NODES"));
                bed.awaitOk(4, 20_000);
                linksAndInfoAsRedisTellsThem(redis.port(), ours);
                String redisId = bulk(ClusterTestbed.call(redis.port(), "CLUSTER", "MYID"));
                String ourId = bulk(ClusterTestbed.call(ours, "CLUSTER", "MYID"));
                reshard(ours, ourId, redisId, 200);
                assertTrue(Long.parseLong(ClusterTestbed.call(redis.port(), "DBSIZE").trim().substring(1)) > 0,
                        "keys moved to redis-server");
                check(redis.port());
                check(ours);
                assertAllKeys(bed, 500);
                // and back: redis-server migrates to RedMesh
                reshard(redis.port(), redisId, ourId, 200);
                assertEquals(":0\r\n", ClusterTestbed.call(redis.port(), "DBSIZE"));
                check(ours);
                assertAllKeys(bed, 500);
            }
        }
    }

    /**
     * Differential on what both sides report of the bus: CLUSTER LINKS has the same fields in
     * the same order with the same reply types, CLUSTER INFO the same fields (message counters
     * aside, which both print only for the types seen), cluster-link-sendbuf-limit the same
     * CONFIG replies.
     */
    private static void linksAndInfoAsRedisTellsThem(int redis, int ours) {
        Await.until("both sides to list a link in each direction", 10_000,
                () -> linkShapes(ClusterTestbed.call(redis, "CLUSTER", "LINKS")).size() >= 2
                        && linkShapes(ClusterTestbed.call(ours, "CLUSTER", "LINKS")).size() >= 2);
        java.util.Set<String> redisShapes = new java.util.HashSet<>(linkShapes(ClusterTestbed.call(redis, "CLUSTER", "LINKS")));
        java.util.Set<String> ourShapes = new java.util.HashSet<>(linkShapes(ClusterTestbed.call(ours, "CLUSTER", "LINKS")));
        assertEquals(redisShapes, ourShapes);
        assertEquals(infoFields(redis), infoFields(ours));
        for (String[] cmd : new String[][] {{"CONFIG", "GET", "cluster-link-sendbuf-limit"},
            {"CONFIG", "SET", "cluster-link-sendbuf-limit", "1mb"}, {"CONFIG", "GET", "cluster-link-sendbuf-limit"},
            {"CONFIG", "SET", "cluster-link-sendbuf-limit", "-1"}, {"CONFIG", "SET", "cluster-link-sendbuf-limit", "0"}}) {
            assertEquals(ClusterTestbed.call(redis, cmd), ClusterTestbed.call(ours, cmd), String.join(" ", cmd));
        }
    }

    /** Each link of a RESP2 CLUSTER LINKS reply as "field:type ..." (type: $ bulk, : integer). */
    private static List<String> linkShapes(String resp) {
        List<String> shapes = new ArrayList<>();
        String[] lines = resp.split("\r\n");
        StringBuilder cur = null;
        boolean key = true;
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].startsWith("*")) {
                if (cur != null) {
                    shapes.add(cur.toString());
                }
                cur = new StringBuilder();
                key = true;
                continue;
            }
            char type = lines[i].charAt(0);
            String text = type == '$' ? lines[++i] : lines[i].substring(1);
            cur.append(key ? text + ":" : type + " ");
            key = !key;
        }
        if (cur != null) {
            shapes.add(cur.toString());
        }
        return shapes;
    }

    private static java.util.Set<String> infoFields(int port) {
        java.util.Set<String> fields = new java.util.TreeSet<>();
        for (String line : ClusterTestbed.call(port, "CLUSTER", "INFO").split("\r\n")) {
            if (line.contains(":") && !line.startsWith("cluster_stats_messages_") && !line.startsWith("$")) {
                fields.add(line.substring(0, line.indexOf(':')));
            }
        }
        return fields;
    }

    private static int busPortOf(int port) {
        String nodes = ClusterTestbed.call(port, "CLUSTER", "NODES");
        for (String line : nodes.split("\n")) {
            if (line.contains("myself")) {
                String addr = line.split(" ")[1];
                return Integer.parseInt(addr.substring(addr.indexOf('@') + 1).split(",")[0]);
            }
        }
        throw new AssertionError("no myself line: " + nodes);
    }

    private static String bulk(String reply) {
        return reply.split("\r\n")[1];
    }

    private static void reshard(int entry, String from, String to, int slots) throws Exception {
        ClusterTestbed.Result r = ClusterTestbed.redisCli(180, List.of("--cluster", "reshard", "127.0.0.1:" + entry,
                "--cluster-from", from, "--cluster-to", to, "--cluster-slots", Integer.toString(slots),
                "--cluster-yes"));
        assertEquals(0, r.exit(), r.output());
        assertFalse(r.output().contains("failed"), r.output());
    }

    private static void check(int port) throws Exception {
        Await.until("redis-cli --cluster check :" + port + " to pass", 20_000, () -> {
            try {
                ClusterTestbed.Result r = ClusterTestbed.redisCli(60, List.of("--cluster", "check", "127.0.0.1:" + port));
                return r.exit() == 0 && !r.output().contains("[ERR]") && !r.output().contains("[WARNING]");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** SET key:from..to-1 through redirects (one redis-cli -c reading them all). */
    private static void writeMany(ClusterTestbed bed, int from, int to) throws Exception {
        StringBuilder script = new StringBuilder();
        for (int i = from; i < to; i++) {
            script.append("SET key:").append(i).append(" v").append(i).append('\n');
        }
        Path f = java.nio.file.Files.createTempFile("keys", ".txt");
        java.nio.file.Files.writeString(f, script);
        Process p = new ProcessBuilder("redis-cli", "-c", "-p", Integer.toString(bed.nodes.get(0).port()))
                .redirectInput(f.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(to - from, replies(out).size(), out);
        java.nio.file.Files.delete(f);
    }

    /** redis-cli -c's output without its "-> Redirected to slot ..." notes. */
    private static List<String> replies(String out) {
        List<String> r = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.startsWith("-> Redirected")) {
                r.add(line);
            }
        }
        return r;
    }

    private static void assertAllKeys(ClusterTestbed bed, int n) throws Exception {
        StringBuilder script = new StringBuilder();
        for (int i = 0; i < n; i++) {
            script.append("GET key:").append(i).append('\n');
        }
        Path f = java.nio.file.Files.createTempFile("gets", ".txt");
        java.nio.file.Files.writeString(f, script);
        Process p = new ProcessBuilder("redis-cli", "-c", "-p", Integer.toString(bed.nodes.get(1).port()))
                .redirectInput(f.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        List<String> lines = replies(out);
        assertEquals(n, lines.size(), out);
        for (int i = 0; i < n; i++) {
            assertEquals("v" + i, lines.get(i), "key:" + i);
        }
        java.nio.file.Files.delete(f);
    }
}
