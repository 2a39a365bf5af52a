package io.redmesh.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.redmesh.sentinel.testing.Failovers;
import io.redmesh.sentinel.testing.ServerProcess;
import io.redmesh.sentinel.testing.ServerProcess.Kind;
import io.redmesh.sentinel.testing.Topology;
import org.junit.jupiter.api.Test;

/**
 * Interoperation with Debian's 7.0.15, one topology per case: real redis-sentinels fail over
 * RedMesh nodes (their MULTI / SLAVEOF / CONFIG REWRITE / CLIENT KILL transaction runs on our
 * nodes), RedMesh sentinels fail over real redis-servers, and a mixed group (2 RedMesh sentinels,
 * 1 redis-sentinel) agrees on a leader and on the new master twice in a row (the old master,
 * restarted, is turned into a replica of the new one in between).
 */
class InteropTest {
    @Test
    void redisSentinelsFailOverRedMeshNodes() throws Exception {
        assumeTrue(ServerProcess.redisAvailable());
        try (Topology t = Topology.create().data(Kind.REDMESH_NODE)
                .sentinels(Kind.REDIS_SENTINEL, Kind.REDIS_SENTINEL, Kind.REDIS_SENTINEL).start()) {
            ServerProcess old = t.master();
            old.kill9();
            ServerProcess promoted = Failovers.awaitNewMaster(t, old, 30_000);
            assertEquals("+OK\r\n", promoted.call("SET", "after", "failover"), "the promoted RedMesh node takes writes");
        }
    }

    @Test
    void redMeshSentinelsFailOverRedisServers() throws Exception {
        assumeTrue(ServerProcess.redisAvailable());
        try (Topology t = Topology.create().data(Kind.REDIS_SERVER).start()) {
            ServerProcess old = t.master();
            old.kill9();
            ServerProcess promoted = Failovers.awaitNewMaster(t, old, 30_000);
            assertEquals("+OK\r\n", promoted.call("SET", "after", "failover"), "the promoted redis-server takes writes");
            // the transaction we sent rewrote its config file? redis-server has none here: CONFIG
            // REWRITE fails inside EXEC and the rest applies, as with Redis Sentinel
            assertTrue(t.info(promoted, "replication").get("role").equals("master"));
        }
    }

    @Test
    void mixedSentinelsAgreeOnALeaderTwice() throws Exception {
        assumeTrue(ServerProcess.redisAvailable());
        try (Topology t = Topology.create().data(Kind.REDMESH_NODE)
                .sentinels(Kind.REDMESH_SENTINEL, Kind.REDMESH_SENTINEL, Kind.REDIS_SENTINEL).start()) {
            ServerProcess first = t.master();
            first.kill9();
            Failovers.awaitNewMaster(t, first, 30_000);
            // the old master comes back: the sentinels make it a replica of the new one (asked
            // again: on a loaded machine the group may fail a just-promoted master over once more,
            // as Redis's sentinels do, and the old master then follows that one)
            first.restart();
            ServerProcess second = Failovers.awaitSettledMaster(t, first, 40_000);
            t.awaitSettled(second);
            second.kill9();
            ServerProcess third = Failovers.awaitNewMaster(t, second, 30_000);
            assertTrue(third != second);
            String logs = t.logs();
            assertTrue(logs.contains("+new-epoch 2"), "two elections, one epoch each");
        }
    }
}
