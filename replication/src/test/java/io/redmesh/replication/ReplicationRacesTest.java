package io.redmesh.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RespClient;
import io.redmesh.replication.testing.Await;
import io.redmesh.replication.testing.Info;
import io.redmesh.replication.testing.LinkProxy;
import io.redmesh.replication.testing.ReplicatedNode;
import io.redmesh.replication.testing.ReplicatedNodeProcess;
import java.nio.file.Files;
import java.util.Random;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Races around a role change: REPLICAOF NO ONE while a full sync is half received (through a
 * file: the replica leads at once; loading diskless: -LOADING, as in 7.0, and the load ends), and FAILOVER while its target disconnects or dies. Each ends with exactly one master
 * that takes writes, no dataset installed after it stopped being wanted, and no pause left on.
 */
class ReplicationRacesTest {
    private static void fill(Jedis j, int keys) {
        Random rnd = new Random(7);
        Pipeline p = j.pipelined();
        for (int i = 0; i < keys; i++) {
            byte[] v = new byte[1024];
            rnd.nextBytes(v);
            p.set(("key:" + i).getBytes(), v);
        }
        p.sync();
    }

    @Test
    void replicaofNoOneDuringAFullSyncKeepsTheReplicasOwnData() throws Exception {
        try (ReplicatedNode master = ReplicatedNode.start("master", "--repl-diskless-sync-delay", "0");
             Jedis m = master.jedis()) {
            fill(m, 4000); // about 4 MB: 8 s through a proxy at 500 KB/s
            for (String mode : new String[] {"disabled", "swapdb"}) {
                try (LinkProxy proxy = new LinkProxy(master.port());
                     ReplicatedNodeProcess replica = ReplicatedNodeProcess.start("replica-" + mode,
                             Files.createTempDirectory("race-" + mode), 0, "--repl-diskless-load", mode);
                     Jedis r = new Jedis("127.0.0.1", replica.port(), 10_000)) {
                    r.set("own", "data");
                    long own = r.dbSize();
                    proxy.throttle(500_000);
                    r.replicaof("127.0.0.1", proxy.port());
                    Await.until(replica + " is half way through its full sync", 20_000, () -> {
                        var info = Info.of(replica.port(), "replication");
                        return "1".equals(info.get("master_sync_in_progress"))
                                && Long.parseLong(info.getOrDefault("master_sync_read_bytes", "0")) > 200_000;
                    }, () -> Info.of(replica.port(), "replication").toString());
                    if (mode.equals("swapdb")) {
                        // a diskless load is a load: REPLICAOF has no "loading" flag in 7.0 either
                        JedisDataException e = assertThrows(JedisDataException.class, r::replicaofNoOne);
                        assertTrue(e.getMessage().startsWith("LOADING"), e.getMessage());
                        proxy.throttle(0);
                        Await.until(replica + " finishes its load", 30_000, () -> Info.linkUp(replica.port()));
                        assertEquals(4000L, r.dbSize());
                        continue;
                    }
                    assertEquals("OK", r.replicaofNoOne());
                    assertEquals("master", Info.field(replica.port(), "replication", "role"));
                    Thread.sleep(1500); // what the master still had in flight arrives and must be dropped
                    assertEquals("master", Info.field(replica.port(), "replication", "role"));
                    assertEquals(own, r.dbSize(), mode + ": the half-received dataset was never installed");
                    r.set("after", "promotion");
                    assertEquals("promotion", r.get("after"));
                    Await.until("the master forgets the replica", 10_000,
                            () -> "0".equals(Info.field(master.port(), "replication", "connected_slaves")));
                    assertTrue(replica.logText().contains("MASTER MODE enabled"), replica.logText());
                }
            }
            assertEquals("PONG", m.ping());
        }
    }

    @Test
    void failoverWhileItsTargetDisconnectsLeavesOneWritableMaster() throws Exception {
        try (ReplicatedNode a = ReplicatedNode.start("a", "--repl-diskless-sync-delay", "0");
             ReplicatedNode b = ReplicatedNode.start("b");
             Jedis ja = a.jedis(); Jedis jb = b.jedis()) {
            jb.replicaof("127.0.0.1", a.port());
            ja.set("k", "v");
            Await.until("b follows a", 20_000, () -> Info.linkUp(b.port()) && "v".equals(jb.get("k")));
            // FAILOVER and the target's link cut in one write: they race on a's event loop
            try (RespClient c = RespClient.connect(a.port())) {
                c.send(concat(RespClient.encode(RespClient.args("FAILOVER", "TO", "127.0.0.1",
                        Integer.toString(b.port()), "TIMEOUT", "3000")),
                        RespClient.encode(RespClient.args("CLIENT", "KILL", "TYPE", "replica"))));
                c.readReply();
                c.readReply();
            }
            Await.until("the failover settled", 15_000, () -> "no-failover".equals(Info.field(a.port(), "replication",
                    "master_failover_state")), () -> Info.of(a.port(), "replication").toString());
            oneWritableMaster(a, b);
        }
    }

    @Test
    void failoverToATargetThatDiesAbortsInsteadOfWaitingForever() throws Exception {
        try (ReplicatedNode a = ReplicatedNode.start("a", "--repl-diskless-sync-delay", "0");
             Jedis ja = a.jedis()) {
            ReplicatedNodeProcess b = ReplicatedNodeProcess.start("b", Files.createTempDirectory("dying-target"), 0,
                    "--replicaof", "127.0.0.1", Integer.toString(a.port()));
            try {
                ja.set("k", "v");
                Await.until("b follows a", 20_000, () -> {
                    try (Jedis jb = new Jedis("127.0.0.1", b.port(), 5000)) {
                        return Info.linkUp(b.port()) && "v".equals(jb.get("k"));
                    }
                });
                // no TIMEOUT: 7.0 would stay a replica of the dead target with writes paused
                b.signal("STOP"); // it cannot acknowledge: FAILOVER waits for it, and then it dies
                try (RespClient c = RespClient.connect(a.port())) {
                    c.callString("SET", "k2", "v2");
                    assertEquals("+OK\r\n", c.callString("FAILOVER", "TO", "127.0.0.1", Integer.toString(b.port()),
                            "FORCE", "TIMEOUT", "500"));
                }
                b.kill9();
            } finally {
                b.close();
            }
            Await.until("the failover aborted", 20_000, () -> "no-failover".equals(Info.field(a.port(), "replication",
                    "master_failover_state")) && "master".equals(Info.field(a.port(), "replication", "role")),
                    () -> Info.of(a.port(), "replication").toString());
            assertEquals("OK", ja.set("after", "abort"));
            assertEquals("v2", ja.get("k2"));
        }
    }

    private static void oneWritableMaster(ReplicatedNode a, ReplicatedNode b) {
        String ra = Info.field(a.port(), "replication", "role");
        String rb = Info.field(b.port(), "replication", "role");
        assertTrue(ra.equals("master") ^ rb.equals("master"), "exactly one master: a " + ra + ", b " + rb);
        ReplicatedNode master = ra.equals("master") ? a : b;
        try (Jedis j = master.jedis()) {
            assertEquals("OK", j.set("after", "race"));
        }
    }

    private static byte[] concat(byte[] x, byte[] y) {
        byte[] r = new byte[x.length + y.length];
        System.arraycopy(x, 0, r, 0, x.length);
        System.arraycopy(y, 0, r, x.length, y.length);
        return r;
    }
}
