package io.redmesh.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.RespClient;
import io.redmesh.replication.testing.Await;
import io.redmesh.replication.testing.Info;
import io.redmesh.replication.testing.ReplicatedNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Client-side caching on a RedMesh replica of a real redis-server master: keys a tracking client
 * read on the replica are invalidated by the master's writes as they arrive in the replication
 * stream (default mode and BCAST), and the master's FLUSHALL sends the null invalidation.
 */
class ReplicaTrackingTest {
    @BeforeAll
    static void redisPresent() {
        assumeTrue(RedisProcess.available(), "redis-server is not installed");
    }

    @Test
    void theMastersWritesInvalidateWhatReplicaClientsRead() throws Exception {
        try (RedisProcess master = RedisProcess.start();
             RespClient m = RespClient.connect(master.port())) {
            m.call("SET", "k", "v1");
            try (ReplicatedNode replica = ReplicatedNode.start("replica", "--replicaof", "127.0.0.1",
                    Integer.toString(master.port()));
                 RespClient t = RespClient.connect(replica.port());
                 RespClient b = RespClient.connect(replica.port())) {
                Await.until(replica + " link up with " + master.port(), 20_000, () -> Info.linkUp(replica.port()),
                        () -> Info.of(replica.port(), "replication").toString());
                t.call("HELLO", "3");
                assertEquals("+OK\r\n", t.callString("CLIENT", "TRACKING", "on"));
                b.call("HELLO", "3");
                assertEquals("+OK\r\n", b.callString("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "p:"));
                assertEquals("$2\r\nv1\r\n", t.callString("GET", "k"));
                m.call("SET", "k", "v2");
                assertEquals(">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n", t.readReplyString());
                m.call("SET", "p:1", "x");
                assertEquals(">2\r\n$10\r\ninvalidate\r\n*1\r\n$3\r\np:1\r\n", b.readReplyString());
                assertEquals("$2\r\nv2\r\n", t.callString("GET", "k"));
                m.call("FLUSHALL");
                assertEquals(">2\r\n$10\r\ninvalidate\r\n_\r\n", t.readReplyString());
                assertEquals(">2\r\n$10\r\ninvalidate\r\n_\r\n", b.readReplyString());
                assertEquals("+PONG\r\n", t.callString("PING"));
                assertEquals("+PONG\r\n", b.callString("PING"));
            }
        }
    }
}
