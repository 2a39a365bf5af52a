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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A RedMesh replica of a real redis-server 7.0 master: full sync (disk-backed and diskless, each
 * of our three repl-diskless-load modes), then the live stream; every key, type, value and
 * absolute TTL across several databases compares equal; the replica refuses writes (-READONLY)
 * and reports itself as Redis does (ROLE, INFO replication).
 */
class ReplicaOfRedisMasterTest {
    static final int DBS = 4;

    @BeforeAll
    static void redisPresent() {
        assumeTrue(RedisProcess.available(), "redis-server is not installed");
    }

    @ParameterizedTest(name = "master repl-diskless-sync {0}, replica repl-diskless-load {1}")
    @CsvSource({"no, disabled", "yes, swapdb", "yes, on-empty-db", "yes, disabled"})
    void followsARealMaster(String disklessSync, String disklessLoad) throws Exception {
        try (RedisProcess master = RedisProcess.start("--repl-diskless-sync", disklessSync,
                "--repl-diskless-sync-delay", "0");
             Jedis m = new Jedis("127.0.0.1", master.port())) {
            MixedWrites.run(m, 1, 3000, DBS);
            try (ReplicatedNode replica = ReplicatedNode.start("replica", "--replicaof", "127.0.0.1",
                    Integer.toString(master.port()), "--repl-diskless-load", disklessLoad)) {
                Await.until(replica + " link up with " + master.port(), 20_000, () -> Info.linkUp(replica.port()),
                        () -> Info.of(replica.port(), "replication").toString());
                MixedWrites.run(m, 2, 3000, DBS); // the live stream
                awaitCaughtUp(master.port(), replica);
                assertEquals(DatasetDump.of(master.port(), DBS), DatasetDump.of(replica.port(), DBS));

                try (Jedis r = replica.jedis()) {
                    JedisDataException e = org.junit.jupiter.api.Assertions.assertThrows(JedisDataException.class,
                            () -> r.set("x", "y"));
                    assertEquals("READONLY You can't write against a read only replica.", e.getMessage());
                    java.util.List<Object> role = r.role();
                    assertEquals("slave", String.valueOf(role.get(0)));
                    assertEquals("connected", String.valueOf(role.get(3)));
                }
                Map<String, String> info = Info.of(replica.port(), "replication");
                assertEquals(java.util.List.of("role", "master_host", "master_port", "master_link_status",
                        "master_last_io_seconds_ago", "master_sync_in_progress", "slave_read_repl_offset",
                        "slave_repl_offset", "slave_priority", "slave_read_only", "replica_announced",
                        "connected_slaves", "master_failover_state", "master_replid", "master_replid2",
                        "master_repl_offset", "second_repl_offset", "repl_backlog_active", "repl_backlog_size",
                        "repl_backlog_first_byte_offset", "repl_backlog_histlen"),
                        java.util.List.copyOf(info.keySet()));
                assertEquals(Info.field(master.port(), "replication", "master_replid"), info.get("master_replid"));
                Map<String, String> mi = Info.of(master.port(), "replication");
                assertEquals("1", mi.get("connected_slaves"));
                assertTrue(mi.get("slave0").contains("port=" + replica.port() + ",state=online"), mi.get("slave0"));
            }
        }
    }

    static void awaitCaughtUp(int masterPort, ReplicatedNode replica) {
        Await.until(replica + " at the master's offset", 20_000,
                () -> Info.offset(replica.port()) == Info.offset(masterPort),
                () -> "master " + Info.offset(masterPort) + ", replica " + Info.offset(replica.port()));
    }
}
