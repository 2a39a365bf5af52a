package io.redmesh.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.redmesh.node.testing.RedisProcess;
import io.redmesh.replication.testing.Await;
import io.redmesh.replication.testing.DatasetDump;
import io.redmesh.replication.testing.Info;
import io.redmesh.replication.testing.MixedWrites;
import io.redmesh.replication.testing.ReplicatedNode;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Dual-channel full sync (repl-rdb-channel yes on both ends): the RDB on a second connection, the
 * stream on the main one meanwhile (held by the replica, not the master); and the fallback to a
 * 7.0 full sync when the other end is a real redis-server.
 */
class DualChannelTest {
    static final int DBS = 3;

    @Test
    void rdbOnASecondChannelWhileTheStreamFlows() throws Exception {
        try (ReplicatedNode master = ReplicatedNode.start("master", "--repl-rdb-channel", "yes",
                "--repl-diskless-sync-delay", "0");
             Jedis m = master.jedis()) {
            MixedWrites.run(m, 71, 3000, DBS);
            Thread writer = new Thread(() -> {
                try (Jedis w = master.jedis()) {
                    MixedWrites.run(w, 72, 3000, DBS);
                }
            });
            try (ReplicatedNode replica = ReplicatedNode.start("replica", "--repl-rdb-channel", "yes",
                    "--replicaof", "127.0.0.1", Integer.toString(master.port()))) {
                writer.start();
                Await.until(replica + " link up", 20_000, () -> Info.linkUp(replica.port()),
                        () -> Info.of(replica.port(), "replication").toString());
                writer.join(60_000);
                Await.until(replica + " caught up", 20_000, () -> Info.offset(replica.port()) == Info.offset(master.port()));
                assertEquals(DatasetDump.of(master.port(), DBS), DatasetDump.of(replica.port(), DBS));
                assertEquals("1", Info.field(master.port(), "stats", "sync_full"), "one RDB, on the RDB channel");
                assertEquals("1", Info.field(master.port(), "stats", "sync_partial_ok"), "the stream from its offset");
                Await.until("the RDB channel closed", 10_000,
                        () -> Info.field(master.port(), "replication", "connected_slaves").equals("1"));
            }
        }
    }

    @Test
    void fallsBackToA70FullSyncWithRedis() {
        assumeTrue(RedisProcess.available());
        try (RedisProcess redisMaster = RedisProcess.start("--repl-diskless-sync-delay", "0");
             Jedis m = new Jedis("127.0.0.1", redisMaster.port());
             ReplicatedNode master = ReplicatedNode.start("master", "--repl-rdb-channel", "yes",
                     "--repl-diskless-sync-delay", "0");
             Jedis ours = master.jedis()) {
            MixedWrites.run(m, 73, 1000, DBS);
            MixedWrites.run(ours, 74, 1000, DBS);
            try (ReplicatedNode replica = ReplicatedNode.start("replica", "--repl-rdb-channel", "yes",
                    "--replicaof", "127.0.0.1", Integer.toString(redisMaster.port()));
                 RedisProcess redisReplica = RedisProcess.start("--replicaof", "127.0.0.1",
                         Integer.toString(master.port()))) {
                Await.until("both links up", 20_000, () -> Info.linkUp(replica.port()) && Info.linkUp(redisReplica.port()));
                Await.until("both caught up", 20_000, () -> Info.offset(replica.port()) == Info.offset(redisMaster.port())
                        && Info.offset(redisReplica.port()) == Info.offset(master.port()));
                assertEquals(DatasetDump.of(redisMaster.port(), DBS), DatasetDump.of(replica.port(), DBS));
                assertEquals(DatasetDump.of(master.port(), DBS), DatasetDump.of(redisReplica.port(), DBS));
            }
        }
    }
}
