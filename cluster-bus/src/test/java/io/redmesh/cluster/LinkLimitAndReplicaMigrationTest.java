package io.redmesh.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.cluster.testing.ClusterTestbed;
import io.redmesh.node.testing.RespClient;
import io.redmesh.replication.testing.Await;
import io.redmesh.replication.testing.ReplicatedNodeProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two things a cluster does for itself, on one 3-master, 4-replica cluster (redis-cli --cluster
 * create of seven nodes gives one master two replicas): a bus link whose send buffer passes
 * cluster-link-sendbuf-limit is freed and counted (Redis 7.0's tests/unit/cluster/links.tcl:
 * a SIGSTOPped peer and big PUBLISHes), and replica migration: when a master loses its only
 * replica, the replica with the smallest id of the master with two moves to it, but not while
 * cluster-migration-barrier says its master must keep both.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LinkLimitAndReplicaMigrationTest {
    @TempDir
    static Path dir;
    static ClusterTestbed bed;

    @BeforeAll
    static void create() throws Exception {
        bed = new ClusterTestbed(dir).start(7);
        bed.create(1);
    }

    @AfterAll
    static void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    /** The master's replicas, as the replicas' own CLUSTER NODES lines say. */
    private static List<ReplicatedNodeProcess> replicasOf(ReplicatedNodeProcess master) {
        String id = ClusterTestbed.myself(master.port())[0];
        List<ReplicatedNodeProcess> out = new ArrayList<>();
        for (ReplicatedNodeProcess p : bed.nodes) {
            if (p.alive() && ClusterTestbed.myself(p.port())[3].equals(id)) {
                out.add(p);
            }
        }
        return out;
    }

    private static ReplicatedNodeProcess masterWithReplicas(int count) {
        for (ReplicatedNodeProcess p : bed.nodes) {
            if (ClusterTestbed.isMaster(p.port()) && replicasOf(p).size() == count) {
                return p;
            }
        }
        throw new AssertionError("no master with " + count + " replicas");
    }

    @Test
    @Order(1)
    void linkOverTheSendBufferLimitIsFreedAndCounted() throws Exception {
        ReplicatedNodeProcess publisher = masterWithReplicas(1);
        ReplicatedNodeProcess stopped = replicasOf(publisher).get(0);
        String stoppedId = ClusterTestbed.myself(stopped.port())[0];
        int port = publisher.port();
        // a long node timeout on the publisher: its link to the stopped node is not rebuilt for silence
        ClusterTestbed.call(port, "CONFIG", "SET", "cluster-node-timeout", "3600000");
        assertEquals("+OK\r\n", ClusterTestbed.call(port, "CONFIG", "SET", "cluster-link-sendbuf-limit", "262144"));
        assertEquals("0", ClusterTestbed.clusterInfo(port, "total_cluster_links_buffer_limit_exceeded"));
        Map<String, String> to = link(port, "to", stoppedId);
        Map<String, String> from = link(port, "from", stoppedId);
        long quietLinks = memClusterLinks(port);
        assertTrue(quietLinks > 0, "INFO mem_cluster_links counts the links of a 7-node cluster: " + quietLinks);
        long busiestLinks = 0;
        stopped.signal("STOP");
        try {
            byte[] message = new byte[128 * 1024];
            java.util.Arrays.fill(message, (byte) 'x');
            try (RespClient c = RespClient.connect(port)) {
                for (int i = 0; i < 400
                        && ClusterTestbed.clusterInfo(port, "total_cluster_links_buffer_limit_exceeded").equals("0"); i++) {
                    c.call("PUBLISH".getBytes(), "channel".getBytes(), message);
                    busiestLinks = Math.max(busiestLinks, memClusterLinks(port));
                    Thread.sleep(10);
                }
            }
            // the stuck link's unsent messages show in INFO memory before the link is freed
            assertTrue(busiestLinks >= quietLinks + message.length, quietLinks + " then " + busiestLinks);
            Await.until("the link to the stopped node to be freed", 5_000,
                    () -> !ClusterTestbed.clusterInfo(port, "total_cluster_links_buffer_limit_exceeded").equals("0"));
            Await.until("a new link to the stopped node", 5_000, () -> {
                Map<String, String> now = link(port, "to", stoppedId);
                return now != null && Long.parseLong(now.get("create-time")) > Long.parseLong(to.get("create-time"));
            });
            Map<String, String> fromNow = link(port, "from", stoppedId);
            assertEquals(from.get("create-time"), fromNow.get("create-time"), "the inbound link is not the one freed");
            assertTrue(ClusterTestbed.clusterInfo(port, "total_cluster_links_buffer_limit_exceeded").matches("[1-9][0-9]*"));
        } finally {
            stopped.signal("CONT");
            ClusterTestbed.call(port, "CONFIG", "SET", "cluster-node-timeout", "2000");
            ClusterTestbed.call(port, "CONFIG", "SET", "cluster-link-sendbuf-limit", "0");
        }
        bed.awaitOk(7, 20_000);
    }

    private static long memClusterLinks(int port) {
        for (String line : ClusterTestbed.call(port, "INFO", "memory").split("\r\n")) {
            if (line.startsWith("mem_cluster_links:")) {
                return Long.parseLong(line.substring("mem_cluster_links:".length()));
            }
        }
        throw new AssertionError("no mem_cluster_links in INFO memory");
    }

    /** CLUSTER LINKS of the node at {@code port}: the link in that direction with that node, or null. */
    static Map<String, String> link(int port, String direction, String node) {
        for (Map<String, String> l : links(ClusterTestbed.call(port, "CLUSTER", "LINKS"))) {
            if (direction.equals(l.get("direction")) && node.equals(l.get("node"))) {
                return l;
            }
        }
        return null;
    }

    /** Parses a RESP2 CLUSTER LINKS reply (an array of flat field/value arrays) into maps, in field order. */
    static List<Map<String, String>> links(String resp) {
        List<Map<String, String>> out = new ArrayList<>();
        String[] lines = resp.split("\r\n");
        Map<String, String> current = null;
        String key = null;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.startsWith("*")) {
                current = new LinkedHashMap<>();
                out.add(current);
                continue;
            }
            String value = line.startsWith("$") ? lines[++i] : line.substring(1);
            if (key == null) {
                key = value;
            } else {
                current.put(key, value);
                key = null;
            }
        }
        return out;
    }

    @Test
    @Order(2)
    void orphanedMasterGetsAReplicaPastTheMigrationBarrier() throws Exception {
        ReplicatedNodeProcess rich = masterWithReplicas(2);
        ReplicatedNodeProcess poor = masterWithReplicas(1);
        ReplicatedNodeProcess lost = replicasOf(poor).get(0);
        List<ReplicatedNodeProcess> richReplicas = replicasOf(rich);
        String poorId = ClusterTestbed.myself(poor.port())[0];
        String richId = ClusterTestbed.myself(rich.port())[0];
        ReplicatedNodeProcess mover = richReplicas.get(0);
        for (ReplicatedNodeProcess r : richReplicas) {
            if (ClusterTestbed.myself(r.port())[0].compareTo(ClusterTestbed.myself(mover.port())[0]) < 0) {
                mover = r;
            }
        }
        for (ReplicatedNodeProcess p : bed.nodes) {
            ClusterTestbed.call(p.port(), "CONFIG", "SET", "cluster-migration-barrier", "2");
        }
        String lostId = ClusterTestbed.myself(lost.port())[0];
        lost.kill9();
        Await.until("every node to flag the lost replica as failed", 15_000, () -> {
            for (ReplicatedNodeProcess r : richReplicas) {
                if (!nodesLine(r.port(), lostId).contains("slave,fail ")) {
                    return false;
                }
            }
            return true;
        });
        // the barrier holds both replicas of the rich master for longer than the migration delay
        Thread.sleep(ReplicaMigration.DELAY_MILLIS + 2000);
        for (ReplicatedNodeProcess r : richReplicas) {
            assertEquals(richId, ClusterTestbed.myself(r.port())[3], r + " stayed with its master (barrier 2)");
        }
        for (ReplicatedNodeProcess p : bed.nodes) {
            if (p.alive()) {
                ClusterTestbed.call(p.port(), "CONFIG", "SET", "cluster-migration-barrier", "1");
            }
        }
        ReplicatedNodeProcess moved = mover;
        Await.until(moved + " (smallest id) to migrate to the orphaned master " + poor, 15_000,
                () -> ClusterTestbed.myself(moved.port())[3].equals(poorId),
                () -> ClusterTestbed.call(moved.port(), "CLUSTER", "NODES"));
        for (ReplicatedNodeProcess r : richReplicas) {
            if (r != moved) {
                assertEquals(richId, ClusterTestbed.myself(r.port())[3], r + " stayed with the rich master");
            }
        }
        Await.until(poor + " to see its new replica", 10_000,
                () -> nodesLine(poor.port(), ClusterTestbed.myself(moved.port())[0]).contains(poorId));
        // and it replicates its new master's data
        String key = keyOwnedBy(poor);
        assertEquals("+OK\r\n", ClusterTestbed.call(poor.port(), "SET", key, "migrated"));
        Await.until(moved + " to replicate " + key, 10_000, () -> {
            try (RespClient c = RespClient.connect(moved.port())) {
                c.callString("READONLY");
                return c.callString("GET", key).equals("$8\r\nmigrated\r\n");
            }
        });
        for (ReplicatedNodeProcess p : bed.nodes) {
            if (p.alive()) {
                ClusterTestbed.call(p.port(), "CONFIG", "SET", "cluster-migration-barrier", "1");
            }
        }
    }

    /** The CLUSTER NODES line about {@code id} on the node at {@code port}. */
    private static String nodesLine(int port, String id) {
        for (String line : ClusterTestbed.call(port, "CLUSTER", "NODES").split("\n")) {
            if (line.startsWith(id + " ")) {
                return line;
            }
        }
        return "";
    }

    private static String keyOwnedBy(ReplicatedNodeProcess master) {
        String[] me = ClusterTestbed.myself(master.port());
        int slot = Integer.parseInt(me[8].split("-")[0]);
        for (int i = 0; i < 1_000_000; i++) {
            String k = "k" + i;
            if (io.redmesh.node.spi.cluster.HashSlots.slot(k.getBytes()) == slot) {
                return k;
            }
        }
        throw new AssertionError("no key for slot " + slot);
    }
}
