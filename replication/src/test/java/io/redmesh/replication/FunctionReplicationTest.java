package io.redmesh.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.redmesh.node.testing.RedisProcess;
import io.redmesh.replication.testing.Await;
import io.redmesh.replication.testing.DatasetDump;
import io.redmesh.replication.testing.Info;
import io.redmesh.replication.testing.ReplicatedNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.LibraryInfo;

/**
 * Function libraries reach replicas as Redis 7.0 sends them: a full sync carries them in the
 * RDB's function section, and FUNCTION LOAD/DELETE/FLUSH/RESTORE travel in the stream, to a
 * RedMesh replica and a real redis-server replica of a RedMesh master, and to a RedMesh replica
 * of a real master. FCALL's writes arrive as their effects. Jedis is the client.
 */
class FunctionReplicationTest {
    static final String LIB1 = "#!lua name=lib1\n"
            + "redis.register_function('bump', function(keys, args) return redis.call('incrby', keys[1], args[1]) end)";
    static final String LIB2 = "#!lua name=lib2\n"
            + "redis.register_function('put', function(keys, args) return redis.call('set', keys[1], args[1]) end)";
    static final String LIB3 = "#!lua name=lib3\nredis.register_function('three', function() return 3 end)";

    @BeforeAll
    static void redisPresent() {
        assumeTrue(RedisProcess.available(), "redis-server is not installed");
    }

    /** Library name and code of every library, sorted (FUNCTION LIST comes in hash order). */
    static List<String> libraries(int port) {
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            List<String> out = new ArrayList<>();
            for (LibraryInfo l : j.functionListWithCode()) {
                out.add(l.getLibraryName() + "=" + l.getLibraryCode());
            }
            out.sort(null);
            return out;
        }
    }

    /** Before replicas attach: lib1 (a full sync carries it) and a write of its function. */
    private static void beforeSync(Jedis m) {
        assertEquals("lib1", m.functionLoad(LIB1));
        assertEquals(5L, m.fcall("bump", List.of("n"), List.of("5")));
    }

    /** Every function-changing command, live; lib1 and lib2 remain. */
    private static void liveChanges(Jedis m) {
        assertEquals("lib2", m.functionLoad(LIB2));
        m.fcall("put", List.of("k"), List.of("v"));
        assertEquals(7L, m.fcall("bump", List.of("n"), List.of("2")));
        assertEquals("lib3", m.functionLoad(LIB3));
        byte[] dump = m.functionDump();
        assertEquals("OK", m.functionDelete("lib3"));
        assertEquals("OK", m.functionFlush());
        assertEquals("OK", m.functionRestore(dump));
        assertEquals("OK", m.functionDelete("lib3"));
    }

    private static void assertSameAsMaster(int master, int... replicas) {
        List<String> expected = libraries(master);
        assertEquals(List.of("lib1=" + LIB1, "lib2=" + LIB2), expected);
        Object data = DatasetDump.of(master, 1);
        for (int port : replicas) {
            assertEquals(expected, libraries(port), "libraries of the replica on port " + port);
            assertEquals(data, DatasetDump.of(port, 1), "dataset of the replica on port " + port);
        }
    }

    @Test
    void ourMasterToOurAndARealReplica() {
        try (ReplicatedNode master = ReplicatedNode.start("master", "--repl-diskless-sync-delay", "0");
             Jedis m = master.jedis()) {
            beforeSync(m);
            try (ReplicatedNode ours = ReplicatedNode.start("replica", TopologyTest.replicaOf(master));
                 RedisProcess real = RedisProcess.start("--replicaof", "127.0.0.1", Integer.toString(master.port()))) {
                TopologyTest.awaitLinked(ours);
                Await.until("redis replica link up with " + master, 20_000, () -> Info.linkUp(real.port()));
                liveChanges(m);
                TopologyTest.awaitSameOffset(master, ours);
                Await.until("redis replica at the offset of " + master, 20_000,
                        () -> Info.offset(real.port()) == Info.offset(master.port()));
                assertSameAsMaster(master.port(), ours.port(), real.port());
            }
        }
    }

    @Test
    void ourReplicaOfARealMaster() {
        for (String disklessLoad : new String[] {"disabled", "swapdb"}) {
            try (RedisProcess master = RedisProcess.start("--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0");
                 Jedis m = new Jedis("127.0.0.1", master.port())) {
                beforeSync(m);
                try (ReplicatedNode replica = ReplicatedNode.start("replica", "--replicaof", "127.0.0.1",
                        Integer.toString(master.port()), "--repl-diskless-load", disklessLoad)) {
                    Await.until(replica + " link up with " + master.port(), 20_000, () -> Info.linkUp(replica.port()));
                    liveChanges(m);
                    Await.until(replica + " at the offset of " + master.port(), 20_000,
                            () -> Info.offset(replica.port()) == Info.offset(master.port()));
                    assertSameAsMaster(master.port(), replica.port());
                }
            }
        }
    }
}
