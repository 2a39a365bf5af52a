package io.redmesh.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.redmesh.node.testing.RedisProcess;
import io.redmesh.replication.testing.Await;
import io.redmesh.replication.testing.DatasetDump;
import io.redmesh.replication.testing.Info;
import io.redmesh.replication.testing.MixedWrites;
import io.redmesh.replication.testing.ReplicatedNode;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * FAILOVER as Redis 7.0 coordinates it: writes pause, the target catches up, the master hands
 * over with PSYNC ... FAILOVER and both continue partially; between two RedMesh nodes, from a
 * RedMesh master to a real redis-server replica, and from a real redis-server master to ours.
 */
class FailoverTest {
    static final int DBS = 2;

    static String role(int port) {
        return Info.field(port, "replication", "role");
    }

    @Test
    void redmeshMasterHandsOverToItsReplica() {
        try (ReplicatedNode a = ReplicatedNode.start("A", "--repl-diskless-sync-delay", "0");
             Jedis ja = a.jedis()) {
            MixedWrites.run(ja, 61, 1000, DBS);
            try (ReplicatedNode b = ReplicatedNode.start("B", "--replicaof", "127.0.0.1", Integer.toString(a.port()));
                 Jedis jb = b.jedis()) {
                Await.until(b + " link up", 20_000, () -> Info.linkUp(b.port()));
                JedisDataException e = assertThrows(JedisDataException.class, () -> jb.failover());
                assertEquals("ERR FAILOVER is not valid when server is a replica.", e.getMessage());
                assertEquals("OK", ja.failover());
                Await.until("A replica of B and B a master", 20_000,
                        () -> role(a.port()).equals("slave") && role(b.port()).equals("master") && Info.linkUp(a.port()),
                        () -> "A " + Info.of(a.port(), "replication") + " B " + Info.of(b.port(), "replication"));
                assertEquals("no-failover", Info.field(a.port(), "replication", "master_failover_state"));
                assertEquals("1", Info.field(b.port(), "stats", "sync_partial_ok"), "A continued partially");
                jb.set("after", "failover");
                Await.until("A follows B", 10_000, () -> Info.offset(a.port()) == Info.offset(b.port()));
                assertEquals(DatasetDump.of(b.port(), DBS), DatasetDump.of(a.port(), DBS));
                e = assertThrows(JedisDataException.class, () -> ja.set("x", "y"));
                assertEquals("READONLY You can't write against a read only replica.", e.getMessage());
            }
        }
    }

    @Test
    void redmeshMasterHandsOverToARealRedisReplica() {
        assumeTrue(RedisProcess.available());
        try (ReplicatedNode a = ReplicatedNode.start("A", "--repl-diskless-sync-delay", "0");
             Jedis ja = a.jedis();
             RedisProcess b = RedisProcess.start("--replicaof", "127.0.0.1", Integer.toString(a.port()))) {
            MixedWrites.run(ja, 62, 1000, DBS);
            Await.until("redis replica link up", 20_000, () -> Info.linkUp(b.port()));
            assertEquals("OK", new String((byte[]) ja.sendCommand(redis.clients.jedis.Protocol.Command.FAILOVER, "TO",
                    "127.0.0.1", Integer.toString(b.port()))));
            Await.until("A replica of the redis-server and it a master", 20_000,
                    () -> role(a.port()).equals("slave") && role(b.port()).equals("master") && Info.linkUp(a.port()));
            try (Jedis jb = new Jedis("127.0.0.1", b.port())) {
                jb.set("after", "failover");
            }
            Await.until("A follows the redis-server", 10_000, () -> Info.offset(a.port()) == Info.offset(b.port()));
            assertEquals(DatasetDump.of(b.port(), DBS), DatasetDump.of(a.port(), DBS));
            assertEquals("1", Info.field(b.port(), "stats", "sync_partial_ok"));
        }
    }

    @Test
    void aRealRedisMasterHandsOverToUs() {
        assumeTrue(RedisProcess.available());
        try (RedisProcess a = RedisProcess.start("--repl-diskless-sync-delay", "0");
             Jedis ja = new Jedis("127.0.0.1", a.port());
             ReplicatedNode b = ReplicatedNode.start("B", "--replicaof", "127.0.0.1", Integer.toString(a.port()))) {
            MixedWrites.run(ja, 63, 1000, DBS);
            Await.until(b + " link up", 20_000, () -> Info.linkUp(b.port()));
            assertEquals("OK", ja.failover());
            Await.until("the redis-server a replica of ours, ours a master", 20_000,
                    () -> role(a.port()).equals("slave") && role(b.port()).equals("master") && Info.linkUp(a.port()),
                    () -> "redis " + Info.of(a.port(), "replication") + " ours " + Info.of(b.port(), "replication"));
            try (Jedis jb = b.jedis()) {
                jb.set("after", "failover");
            }
            Await.until("the redis-server follows us", 10_000, () -> Info.offset(a.port()) == Info.offset(b.port()));
            assertEquals(DatasetDump.of(b.port(), DBS), DatasetDump.of(a.port(), DBS));
            assertEquals("1", Info.field(b.port(), "stats", "sync_partial_ok"));
        }
    }
}
