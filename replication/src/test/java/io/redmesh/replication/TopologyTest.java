package io.redmesh.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.redmesh.replication.testing.Await;
import io.redmesh.replication.testing.DatasetDump;
import io.redmesh.replication.testing.Info;
import io.redmesh.replication.testing.MixedWrites;
import io.redmesh.replication.testing.ReplicatedNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * RedMesh to RedMesh: chained replicas proxy the stream byte for byte, PSYNC2 continuity
 * (promotion with REPLICAOF NO ONE, the others re-pointed continue partially through replid2; a
 * restarted replica continues from the position its RDB recorded), WAIT and min-replicas, and no
 * acknowledged write lost across a promotion.
 */
class TopologyTest {
    static final int DBS = 3;

    static long stat(ReplicatedNode n, String field) {
        return Long.parseLong(Info.field(n.port(), "stats", field));
    }

    static void awaitLinked(ReplicatedNode replica) {
        Await.until(replica + " link up", 20_000, () -> Info.linkUp(replica.port()),
                () -> Info.of(replica.port(), "replication").toString());
    }

    static void awaitSameOffset(ReplicatedNode master, ReplicatedNode replica) {
        Await.until(replica + " at the offset of " + master, 20_000,
                () -> Info.offset(replica.port()) == Info.offset(master.port()),
                () -> "master " + Info.offset(master.port()) + ", replica " + Info.offset(replica.port()));
    }

    static String[] replicaOf(ReplicatedNode master, String... more) {
        List<String> a = new ArrayList<>(List.of("--replicaof", "127.0.0.1", Integer.toString(master.port()),
                "--repl-diskless-sync-delay", "0"));
        a.addAll(List.of(more));
        return a.toArray(new String[0]);
    }

    @Test
    void chainedReplicasAndPromotionContinuePartially() {
        try (ReplicatedNode a = ReplicatedNode.start("A", "--repl-diskless-sync-delay", "0");
             Jedis ja = a.jedis()) {
            MixedWrites.run(ja, 11, 2000, DBS);
            try (ReplicatedNode b = ReplicatedNode.start("B", replicaOf(a));
                 ReplicatedNode c = ReplicatedNode.start("C", replicaOf(b))) {
                awaitLinked(b);
                awaitLinked(c);
                MixedWrites.run(ja, 12, 2000, DBS);
                awaitSameOffset(a, b);
                awaitSameOffset(a, c); // C's offset is A's: B proxies A's stream byte for byte
                Map<String, String> dumpA = DatasetDump.of(a.port(), DBS);
                assertEquals(dumpA, DatasetDump.of(b.port(), DBS));
                assertEquals(dumpA, DatasetDump.of(c.port(), DBS));

                // promote B; point C (already its replica: it must learn the new id) and A at it
                long bFullBefore = stat(b, "sync_full");
                try (Jedis jb = b.jedis(); Jedis jc = c.jedis()) {
                    assertEquals("OK", jb.replicaofNoOne());
                    assertEquals(Info.field(a.port(), "replication", "master_replid"),
                            Info.field(b.port(), "replication", "master_replid2"));
                    assertEquals("OK", ja.replicaof("127.0.0.1", b.port()));
                    awaitLinked(a);
                    awaitLinked(c);
                    jb.set("after", "promotion");
                    awaitSameOffset(b, a);
                    awaitSameOffset(b, c);
                    assertEquals("promotion", ja.get("after"));
                    assertEquals("promotion", jc.get("after"));
                }
                assertEquals(bFullBefore, stat(b, "sync_full"), "no full sync after the promotion");
                assertEquals(2, stat(b, "sync_partial_ok"), "A and C continued partially");
                assertEquals(DatasetDump.of(b.port(), DBS), DatasetDump.of(a.port(), DBS));
            }
        }
    }

    @Test
    void aRestartedReplicaContinuesFromItsRdb() throws Exception {
        Path dir = Files.createTempDirectory("restarted-replica");
        try (ReplicatedNode a = ReplicatedNode.start("A", "--repl-diskless-sync-delay", "0");
             Jedis ja = a.jedis()) {
            MixedWrites.run(ja, 21, 2000, DBS);
            try (ReplicatedNode b = ReplicatedNode.start("B", replicaOf(a, "--dir", dir.toString()))) {
                awaitLinked(b);
                awaitSameOffset(a, b);
                try (Jedis jb = b.jedis()) {
                    assertEquals("OK", jb.save()); // records A's replid and offset (rdbPopulateSaveInfo)
                }
            }
            MixedWrites.run(ja, 22, 500, DBS); // what the replica missed while down
            long full = stat(a, "sync_full");
            try (ReplicatedNode b = ReplicatedNode.start("B again", replicaOf(a, "--dir", dir.toString()))) {
                awaitLinked(b);
                awaitSameOffset(a, b);
                assertEquals(full, stat(a, "sync_full"), "the restarted replica did no full sync");
                assertEquals(1, stat(a, "sync_partial_ok"));
                assertEquals(DatasetDump.of(a.port(), DBS), DatasetDump.of(b.port(), DBS));
            }
        }
    }

    @Test
    void expiriesReachReplicasAsDelOrUnlinkWithLazyfree() {
        try (ReplicatedNode a = ReplicatedNode.start("A", "--repl-diskless-sync-delay", "0");
             Jedis ja = a.jedis();
             ReplicatedNode b = ReplicatedNode.start("B", replicaOf(a))) {
            awaitLinked(b);
            ja.psetex("gone", 1, "v");
            Await.until("the master expires it", 5_000, () -> {
                try (Jedis j = a.jedis()) {
                    return j.get("gone") == null; // a lazy expiry: propagated
                }
            });
            ja.configSet("lazyfree-lazy-expire", "yes");
            ja.psetex("gone2", 1, "v");
            Await.until("the master expires the second", 5_000, () -> {
                try (Jedis j = a.jedis()) {
                    return j.get("gone2") == null;
                }
            });
            awaitSameOffset(a, b);
            try (Jedis jb = b.jedis()) {
                String stats = jb.info("commandstats");
                assertEquals(true, stats.contains("cmdstat_del:calls=1,"), stats);
                assertEquals(true, stats.contains("cmdstat_unlink:calls=1,"), stats);
                assertEquals(0L, jb.exists("gone", "gone2"));
            }
        }
    }

    @Test
    void waitAndMinReplicas() {
        try (ReplicatedNode a = ReplicatedNode.start("A", "--repl-diskless-sync-delay", "0",
                "--min-replicas-to-write", "1", "--min-replicas-max-lag", "10");
             Jedis ja = a.jedis()) {
            JedisDataException e = assertThrows(JedisDataException.class, () -> ja.set("k", "v"));
            assertEquals("NOREPLICAS Not enough good replicas to write.", e.getMessage());
            assertEquals(0L, ja.waitReplicas(1, 100));
            try (ReplicatedNode b = ReplicatedNode.start("B", replicaOf(a))) {
                awaitLinked(b);
                Await.until("A counts B as a good replica", 10_000, () -> {
                    try (Jedis j = a.jedis()) {
                        return "OK".equals(j.set("k", "v"));
                    } catch (JedisDataException x) {
                        return false;
                    }
                });
                for (int i = 0; i < 50; i++) {
                    ja.set("w" + i, "v" + i);
                    assertEquals(1L, ja.waitReplicas(1, 5000), "write " + i + " acknowledged by the replica");
                }
                try (Jedis jb = b.jedis()) {
                    e = assertThrows(JedisDataException.class, () -> jb.waitReplicas(1, 10));
                    assertEquals("ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 "
                            + "if a replica is configured to be writable (which is not the default) writes to "
                            + "replicas are just local and are not propagated.", e.getMessage());
                }
            }
        }
    }

    @Test
    void everyAcknowledgedWriteSurvivesAPromotion() {
        ReplicatedNode a = ReplicatedNode.start("A", "--repl-diskless-sync-delay", "0");
        try (ReplicatedNode b = ReplicatedNode.start("B", replicaOf(a))) {
            awaitLinked(b);
            List<String> acked = new ArrayList<>();
            try (Jedis ja = a.jedis()) {
                for (int i = 0; i < 300; i++) {
                    ja.set("ack:" + i, "v" + i);
                    if (ja.waitReplicas(1, 2000) == 1) {
                        acked.add("ack:" + i);
                    }
                }
            } finally {
                a.close(); // the master is gone
            }
            try (Jedis jb = b.jedis()) {
                assertEquals("OK", jb.replicaofNoOne());
                for (String k : acked) {
                    assertEquals("v" + k.substring(4), jb.get(k), k);
                }
            }
            assertEquals(300, acked.size());
        }
    }
}
