package io.redmesh.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RespClient;
import io.redmesh.replication.testing.Await;
import io.redmesh.replication.testing.Info;
import io.redmesh.replication.testing.ReplicatedNode;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The replication advisories of docs/SECURITY.md replayed now that replication exists.
 * CVE-2026-23631 (Redis: a use-after-free when a writable replica runs a script while its master's
 * stream touches the same keys): on a writable replica (replica-read-only no) following a master
 * that writes and expires the keys the client touches, every scripting entry point is refused as
 * unknown, the replica's own writes stay local, and it keeps following its master.
 * (The other replication advisory, a same-CA certificate impersonating a master to collect
 * masterauth, redis/redis PR #15492, is TlsReplicationTest.theWrongPeerNameIsRefusedBeforeAnythingIsSent.)
 */
class ReplicationAdvisoriesTest {
    @Test
    void cve2026_23631_writableReplicaRunningScripts() {
        try (ReplicatedNode master = ReplicatedNode.start("master", "--repl-diskless-sync-delay", "0");
             ReplicatedNode replica = ReplicatedNode.start("writable replica", "--replicaof", "127.0.0.1",
                     Integer.toString(master.port()), "--replica-read-only", "no");
             Jedis m = master.jedis();
             RespClient c = replica.client()) {
            Await.until(replica + " link up", 20_000, () -> Info.linkUp(replica.port()));
            for (int i = 0; i < 200; i++) {
                m.psetex("k" + (i % 10), 5, "v" + i); // the master's stream writes and expires them
                String[][] attempts = {
                    {"EVAL", "redis.call('set', KEYS[1], 'x') return 1", "1", "k" + (i % 10)},
                    {"EVALSHA", "0000000000000000000000000000000000000000", "1", "k1"},
                    {"EVAL_RO", "return 1", "0"},
                    {"FUNCTION", "LOAD", "REPLACE", "#!lua name=l\nredis.register_function('f', function(keys)"
                            + " redis.call('set', keys[1], 'y') return 1 end)"},
                    {"FCALL", "f", "1", "k" + (i % 10)},
                    {"SCRIPT", "LOAD", "return 1"}};
                for (String[] a : attempts) {
                    String reply = c.callString(a);
                    String expected = switch (a[0]) {
                        case "EVAL", "EVAL_RO", "FCALL" -> ":1\r\n"; // scripts write to the writable replica
                        case "EVALSHA" -> "-NOSCRIPT No matching script. Please use EVAL.\r\n";
                        case "SCRIPT" -> "$40\r\ne0e1f9fabfc9d4800c877a703b823ac0578ff8db\r\n";
                        default -> "$1\r\nl\r\n"; // FUNCTION LOAD REPLACE
                    };
                    assertTrue(reply.startsWith(expected), a[0] + ": " + reply);
                }
                assertEquals("+OK\r\n", c.callString("SET", "local" + (i % 5), "w")); // writable, local
            }
            m.set("last", "written");
            Await.until(replica + " still follows its master", 10_000,
                    () -> Info.offset(replica.port()) == Info.offset(master.port()));
            try (Jedis r = replica.jedis()) {
                assertEquals("written", r.get("last"));
            }
            assertEquals("up", Info.field(replica.port(), "replication", "master_link_status"));
        }
    }
}
