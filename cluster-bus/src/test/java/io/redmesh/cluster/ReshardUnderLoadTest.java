package io.redmesh.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import io.redmesh.cluster.testing.ClusterPorts;
import io.redmesh.cluster.testing.ClusterTestbed;
import io.redmesh.replication.testing.ReplicatedNodeProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;

/**
 * The judges are the clients: JedisCluster writes 100k keys, then keeps writing and reading while
 * redis-cli --cluster reshard moves 1000 slots and --cluster rebalance evens them out; Lettuce's
 * cluster client reads every key back. No client call may fail and no key may be lost. Then
 * --cluster add-node (a new master that rebalance fills) and del-node (a replica removed).
 */
class ReshardUnderLoadTest {
    private static final int KEYS = 100_000;

    @TempDir
    Path dir;

    @Test
    void clientsSeeNoErrorAndNoLostKeyThroughReshardRebalanceAddAndDel() throws Exception {
        try (ClusterTestbed bed = new ClusterTestbed(dir).start(6)) {
            bed.create(1);
            Set<HostAndPort> seeds = new HashSet<>();
            for (ReplicatedNodeProcess p : bed.nodes) {
                seeds.add(new HostAndPort("127.0.0.1", p.port()));
            }
            try (JedisCluster jedis = new JedisCluster(seeds)) {
                writeAll(jedis);
                AtomicBoolean stop = new AtomicBoolean();
                AtomicReference<Throwable> failure = new AtomicReference<>();
                AtomicLong ops = new AtomicLong();
                Thread load = new Thread(() -> {
                    int i = 0;
                    try {
                        while (!stop.get()) {
                            String k = "key:" + (i % KEYS);
                            jedis.set(k, "v" + (i % KEYS));
                            String v = jedis.get(k);
                            if (!("v" + (i % KEYS)).equals(v)) {
                                throw new AssertionError(k + " read back as " + v);
                            }
                            ops.incrementAndGet();
                            i += 7919;
                        }
                    } catch (Throwable t) {
                        failure.set(t);
                    }
                }, "jedis-load");
                load.start();
                try {
                    String[] masters = masterIds(bed);
                    run("reshard", List.of("--cluster", "reshard", "127.0.0.1:" + bed.nodes.get(0).port(),
                            "--cluster-from", masters[0], "--cluster-to", masters[1], "--cluster-slots", "1000",
                            "--cluster-yes"));
                    run("rebalance", List.of("--cluster", "rebalance", "127.0.0.1:" + bed.nodes.get(0).port()));
                } finally {
                    stop.set(true);
                    load.join(30_000);
                }
                if (failure.get() != null) {
                    throw new AssertionError("a JedisCluster call failed during reshard/rebalance after " + ops.get()
                            + " calls", failure.get());
                }
                assertTrue(ops.get() > 0, "the load ran");
            }
            readAllWithLettuce(bed);
            check(bed.nodes.get(0).port());

            // add-node: a new empty master, then rebalance gives it slots
            int[] ports = ClusterPorts.pairs(1).get(0);
            ReplicatedNodeProcess added = bed.startNode(ports[0], ports[1]);
            run("add-node", List.of("--cluster", "add-node", "127.0.0.1:" + added.port(),
                    "127.0.0.1:" + bed.nodes.get(0).port()));
            bed.awaitOk(7, 30_000);
            run("rebalance", List.of("--cluster", "rebalance", "127.0.0.1:" + bed.nodes.get(0).port(),
                    "--cluster-use-empty-masters"));
            assertTrue(!ClusterTestbed.myself(added.port())[8].isEmpty(), "the new master got slots");
            readAllWithLettuce(bed);
            // del-node: a replica leaves the cluster
            ReplicatedNodeProcess replica = null;
            for (ReplicatedNodeProcess p : bed.nodes) {
                if (!ClusterTestbed.isMaster(p.port())) {
                    replica = p;
                    break;
                }
            }
            String replicaId = ClusterTestbed.myself(replica.port())[0];
            run("del-node", List.of("--cluster", "del-node", "127.0.0.1:" + bed.nodes.get(0).port(), replicaId));
            bed.nodes.remove(replica);
            replica.close();
            for (ReplicatedNodeProcess p : bed.nodes) {
                io.redmesh.replication.testing.Await.until(p + " to forget the deleted node", 10_000,
                        () -> !ClusterTestbed.call(p.port(), "CLUSTER", "NODES").contains(replicaId));
            }
            check(bed.nodes.get(0).port());
            readAllWithLettuce(bed);
        }
    }

    private static void writeAll(JedisCluster jedis) {
        long t0 = System.nanoTime();
        try (redis.clients.jedis.ClusterPipeline p = jedis.pipelined()) {
            for (int i = 0; i < KEYS; i++) {
                p.set("key:" + i, "v" + i);
                if (i % 5000 == 4999) {
                    p.sync();
                }
            }
            p.sync();
        }
        log("wrote " + KEYS + " keys", t0);
    }

    private static void log(String what, long t0) {
        System.out.println(what + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }

    private static void readAllWithLettuce(ClusterTestbed bed) {
        long t0 = System.nanoTime();
        readAll(bed);
        log("read " + KEYS + " keys with Lettuce", t0);
    }

    private static void readAll(ClusterTestbed bed) {
        RedisClusterClient client = RedisClusterClient.create(RedisURI.create("127.0.0.1", bed.nodes.get(0).port()));
        try (StatefulRedisClusterConnection<String, String> c = client.connect()) {
            RedisAdvancedClusterCommands<String, String> sync = c.sync();
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < KEYS; i++) {
                keys.add("key:" + i);
                if (keys.size() == 1000 || i == KEYS - 1) {
                    List<io.lettuce.core.KeyValue<String, String>> got = sync.mget(keys.toArray(new String[0]));
                    for (io.lettuce.core.KeyValue<String, String> kv : got) {
                        String want = "v" + kv.getKey().substring(4);
                        assertTrue(kv.hasValue(), kv.getKey() + " lost");
                        assertEquals(want, kv.getValue(), kv.getKey());
                    }
                    keys.clear();
                }
            }
        } finally {
            client.shutdown();
        }
    }

    private static String[] masterIds(ClusterTestbed bed) {
        List<String> ids = new ArrayList<>();
        for (ReplicatedNodeProcess p : bed.nodes) {
            String[] me = ClusterTestbed.myself(p.port());
            if (me[2].contains("master")) {
                ids.add(me[0]);
            }
        }
        return ids.toArray(new String[0]);
    }

    private static void run(String what, List<String> args) throws Exception {
        long t0 = System.nanoTime();
        ClusterTestbed.Result r = ClusterTestbed.redisCli(300, args);
        log(what, t0);
        assertEquals(0, r.exit(), what + ": " + r.output());
        assertFalse(r.output().contains("[ERR]"), what + ": " + r.output());
    }

    private static void check(int port) throws Exception {
        run("check", List.of("--cluster", "check", "127.0.0.1:" + port));
    }
}
