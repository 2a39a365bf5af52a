package io.redmesh.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.RespClient;
import io.redmesh.replication.testing.ReplicatedNode;
import org.junit.jupiter.api.Test;

/**
 * Streams on a RedMesh master reach a RedMesh replica and a real redis-server 7.0.15 replica
 * alike: what existed before the sync arrives in the RDB (stream type 19 with groups and PELs),
 * what follows in the command stream (XADD with its chosen ID, approximate trims made exact,
 * XREADGROUP as XCLAIM / XGROUP SETID / CREATECONSUMER, XCLAIM, XAUTOCLAIM, XACK, XGROUP ...).
 * Afterwards the three describe every stream the same way (XINFO STREAM FULL, delivery times
 * included; consumers' seen-time is not replicated by Redis either, so it is masked). A history
 * read (XREADGROUP ... 0) is left out: 7.0 raises the delivery count and time of what it re-sends
 * without propagating anything, so its replicas differ from the master there, and so do ours.
 */
class StreamReplicationTest {
    private static final String[] KEYS = {"s", "t", "e"};

    private static String describe(int port) {
        StringBuilder sb = new StringBuilder();
        try (RespClient c = RespClient.connect(port)) {
            for (String k : KEYS) {
                sb.append(c.callString("XINFO", "STREAM", k, "FULL", "COUNT", "0")
                        .replaceAll("seen-time\r\n:\\d+", "seen-time")
                        .replaceAll("radix-tree-nodes\r\n:\\d+", "radix-tree-nodes"));
                sb.append(c.callString("XINFO", "GROUPS", k));
            }
        }
        return sb.toString();
    }

    private static void writes(RespClient m, int round) {
        for (int i = 0; i < 250; i++) {
            m.call("XADD", "s", "MAXLEN", "~", "180", "*", "round", Integer.toString(round), "i", Integer.toString(i));
            m.call("XADD", "t", (round * 1000 + i + 1) + "-*", "f", "v" + i);
        }
        m.call("XGROUP", "CREATE", "s", "g" + round, "0");
        m.call("XREADGROUP", "GROUP", "g" + round, "alice", "COUNT", "20", "STREAMS", "s", ">");
        m.call("XREADGROUP", "GROUP", "g" + round, "bob", "NOACK", "COUNT", "5", "STREAMS", "s", ">");
        m.call("XCLAIM", "s", "g" + round, "carol", "0", m.callString("XPENDING", "s", "g" + round).split("\r\n")[4]);
        m.call("XAUTOCLAIM", "s", "g" + round, "dave", "0", "0", "COUNT", "3");
        m.call("XTRIM", "t", "MINID", "~", (round * 1000 + 100) + "-0");
        m.call("XDEL", "t", (round * 1000 + 200) + "-0");
        m.call("XGROUP", "CREATE", "e", "g" + round, "$", "MKSTREAM");
        m.call("XGROUP", "CREATECONSUMER", "e", "g" + round, "idle");
        m.call("XSETID", "e", (round + 5) + "-0", "ENTRIESADDED", Integer.toString(round * 10));
    }

    @Test
    void streamsReachRedMeshAndRedisReplicasAlike() {
        try (ReplicatedNode master = ReplicatedNode.start("master", "--repl-diskless-sync-delay", "0");
             RespClient m = RespClient.connect(master.port())) {
            writes(m, 1);
            try (ReplicatedNode ours = ReplicatedNode.start("replica", TopologyTest.replicaOf(master));
                 RedisProcess real = RedisProcess.available() ? RedisProcess.start("--replicaof", "127.0.0.1",
                         Integer.toString(master.port())) : null) {
                TopologyTest.awaitLinked(ours);
                writes(m, 2);
                m.call("XACK", "s", "g1", "0-1");
                TopologyTest.awaitSameOffset(master, ours);
                String want = describe(master.port());
                assertEquals(want, describe(ours.port()), "RedMesh replica");
                if (real != null) {
                    RedisReplicaOfRedMeshTest.awaitCaughtUp(master, real.port());
                    assertEquals(want, describe(real.port()), "redis-server replica");
                }
            }
        }
    }
}
