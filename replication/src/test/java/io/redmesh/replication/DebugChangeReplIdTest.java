package io.redmesh.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.redmesh.replication.testing.Info;
import io.redmesh.replication.testing.ReplicatedNode;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * DEBUG CHANGE-REPL-ID on a node with replication: Redis's changeReplicationId() and
 * clearReplicationId2(), so a new id and no second history (a promoted replica's old master id
 * is forgotten: its replicas must resync in full, which is what tests of PSYNC2 use it for).
 */
class DebugChangeReplIdTest {
    @Test
    void newIdAndNoSecondHistory() {
        try (ReplicatedNode node = ReplicatedNode.start("debug-repl-id", "--enable-debug-command", "yes");
             Jedis j = node.jedis()) {
            j.replicaof("127.0.0.1", 1); // nobody serves port 1: a replica that never links
            j.replicaofNoOne();         // promoted: its id so far becomes the second one
            Map<String, String> before = Info.of(node.port(), "replication");
            assertNotEquals("0000000000000000000000000000000000000000", before.get("master_replid2"));
            Object reply = j.sendCommand(() -> "DEBUG".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    "CHANGE-REPL-ID");
            assertEquals("OK", new String((byte[]) reply, java.nio.charset.StandardCharsets.US_ASCII));
            Map<String, String> after = Info.of(node.port(), "replication");
            assertNotEquals(before.get("master_replid"), after.get("master_replid"));
            assertEquals(40, after.get("master_replid").length());
            assertEquals("0000000000000000000000000000000000000000", after.get("master_replid2"));
            assertEquals("-1", after.get("second_repl_offset"));
        }
    }
}
