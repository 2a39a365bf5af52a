package io.redmesh.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.redmesh.node.testing.RedisProcess;
import io.redmesh.replication.testing.Await;
import io.redmesh.replication.testing.DatasetDump;
import io.redmesh.replication.testing.Info;
import io.redmesh.replication.testing.MixedWrites;
import io.redmesh.replication.testing.ReplicatedNode;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import redis.clients.jedis.Jedis;

/**
 * A real redis-server 7.0 replica of a RedMesh master: it loads our RDB (from disk, and our
 * diskless EOF-framed stream, with each of its repl-diskless-load modes), follows our stream, and
 * continues with a partial resync from our backlog when its link is cut under write load.
 */
class RedisReplicaOfRedMeshTest {
    static final int DBS = 4;

    @BeforeAll
    static void redisPresent() {
        assumeTrue(RedisProcess.available(), "redis-server is not installed");
    }

    @ParameterizedTest(name = "master repl-diskless-sync {0}, redis replica repl-diskless-load {1}")
    @CsvSource({"no, disabled", "yes, disabled", "yes, swapdb", "yes, on-empty-db"})
    void aRealReplicaFollowsUs(String disklessSync, String disklessLoad) {
        try (ReplicatedNode master = ReplicatedNode.start("master", "--repl-diskless-sync", disklessSync,
                "--repl-diskless-sync-delay", "0");
             Jedis m = master.jedis()) {
            MixedWrites.run(m, 3, 3000, DBS);
            try (RedisProcess replica = RedisProcess.start("--replicaof", "127.0.0.1", Integer.toString(master.port()),
                    "--repl-diskless-load", disklessLoad)) {
                Await.until("redis replica :" + replica.port() + " link up with " + master, 20_000,
                        () -> Info.linkUp(replica.port()), () -> Info.of(replica.port(), "replication").toString());
                MixedWrites.run(m, 4, 3000, DBS);
                awaitCaughtUp(master, replica.port());
                assertEquals(DatasetDump.of(master.port(), DBS), DatasetDump.of(replica.port(), DBS));
                Map<String, String> mi = Info.of(master.port(), "replication");
                assertEquals("1", mi.get("connected_slaves"));
                assertTrue(mi.get("slave0").startsWith("ip=127.0.0.1,port=" + replica.port() + ",state=online"),
                        mi.get("slave0"));
                assertEquals("1", Info.field(master.port(), "stats", "sync_full"));
            }
        }
    }

    @Test
    void aCutLinkContinuesWithAPartialResync() throws Exception {
        try (ReplicatedNode master = ReplicatedNode.start("master", "--repl-diskless-sync-delay", "0");
             Jedis m = master.jedis();
             RedisProcess replica = RedisProcess.start("--replicaof", "127.0.0.1", Integer.toString(master.port()))) {
            Await.until("redis replica link up with " + master, 20_000, () -> Info.linkUp(replica.port()));
            Thread writer = new Thread(() -> {
                try (Jedis w = master.jedis()) {
                    MixedWrites.run(w, 5, 6000, DBS);
                }
            });
            writer.start();
            Thread.sleep(200);
            // cut the replica's link (the master side closes it): the replica reconnects and continues
            m.clientKill(new redis.clients.jedis.params.ClientKillParams().type(
                    redis.clients.jedis.args.ClientType.REPLICA));
            writer.join(60_000);
            Await.until("redis replica link up again with " + master, 20_000, () -> Info.linkUp(replica.port()));
            awaitCaughtUp(master, replica.port());
            assertEquals(DatasetDump.of(master.port(), DBS), DatasetDump.of(replica.port(), DBS));
            Map<String, String> stats = Info.of(master.port(), "stats");
            assertEquals("1", stats.get("sync_full"), stats.toString());
            assertEquals("1", stats.get("sync_partial_ok"), stats.toString());
        }
    }

    static void awaitCaughtUp(ReplicatedNode master, int replicaPort) {
        Await.until("redis replica :" + replicaPort + " at the offset of " + master, 20_000,
                () -> Info.offset(replicaPort) == Info.offset(master.port()),
                () -> "master " + Info.offset(master.port()) + ", replica " + Info.offset(replicaPort));
    }
}
