package io.redmesh.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.redmesh.node.testing.RedisProcess;
import io.redmesh.replication.testing.Await;
import io.redmesh.replication.testing.Info;
import io.redmesh.replication.testing.ReplicatedNode;
import io.redmesh.replication.testing.ReplicatedNodeProcess;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Directives that shape a full sync or what a master shows of its replicas, each against real
 * peers: repl-diskless-sync-max-replicas (the walk starts as soon as that many wait, not after the
 * delay), replica-announce-ip/-port (INFO slaveN and ROLE, on our master and on a real
 * redis-server), repl-backlog-ttl (the backlog is freed after the TTL without replicas, so a
 * returning replica needs a full sync), and a replica that asks while a disk-backed BGSAVE for
 * replication runs (it takes the same file, as 7.0 attaches it).
 */
class ReplicationDirectivesTest {
    private static boolean linked(ReplicatedNode r) {
        return Info.linkUp(r.port());
    }

    @Test
    void disklessSyncMaxReplicasStartsTheWalkWithoutWaitingForTheDelay() throws Exception {
        try (ReplicatedNodeProcess master = ReplicatedNodeProcess.start("master", Files.createTempDirectory("max-repl"), 0,
                "--repl-diskless-sync-delay", "60", "--repl-diskless-sync-max-replicas", "2");
             Jedis m = new Jedis("127.0.0.1", master.port());
             ReplicatedNode a = ReplicatedNode.start("a"); ReplicatedNode b = ReplicatedNode.start("b");
             Jedis ja = a.jedis(); Jedis jb = b.jedis()) {
            m.set("k", "v");
            ja.replicaof("127.0.0.1", master.port());
            Thread.sleep(2500);
            assertFalse(linked(a), "one replica of two waits for the delay (60 s)");
            long t0 = System.currentTimeMillis();
            jb.replicaof("127.0.0.1", master.port());
            Await.until("both replicas synced", 20_000, () -> linked(a) && linked(b));
            assertTrue(System.currentTimeMillis() - t0 < 20_000);
            assertEquals("v", ja.get("k"));
            assertEquals("v", jb.get("k"));
            String log = master.logText();
            assertTrue(log.contains("Diskless rdb transfer done") && log.split("Diskless rdb transfer done").length == 2
                    && log.contains("to 2 replica(s)"), "one walk served both: " + log);
        }
    }

    @Test
    void replicaAnnounceIpAndPortAreWhatMastersShow() {
        String[] announce = {"--replica-announce-ip", "10.9.8.7", "--replica-announce-port", "7777"};
        try (ReplicatedNode master = ReplicatedNode.start("master", "--repl-diskless-sync-delay", "0");
             ReplicatedNode replica = ReplicatedNode.start("replica", concat(announce, "--replicaof", "127.0.0.1",
                     Integer.toString(master.port())));
             Jedis m = master.jedis()) {
            Await.until("the replica is online", 20_000, () -> linked(replica));
            assertShows(m, "10.9.8.7", "7777");
        }
        assumeTrue(RedisProcess.available());
        // the same replica as a real redis-server sees it, and a real redis-server replica as we see it
        try (RedisProcess redisMaster = RedisProcess.start();
             ReplicatedNode replica = ReplicatedNode.start("replica", concat(announce, "--replicaof", "127.0.0.1",
                     Integer.toString(redisMaster.port())));
             Jedis m = new Jedis("127.0.0.1", redisMaster.port())) {
            Await.until("our replica follows redis-server", 20_000, () -> linked(replica));
            assertShows(m, "10.9.8.7", "7777");
        }
        try (ReplicatedNode master = ReplicatedNode.start("master", "--repl-diskless-sync-delay", "0");
             RedisProcess replica = RedisProcess.start(concat(new String[] {"--replica-announce-ip", "10.6.5.4",
                     "--replica-announce-port", "6666"}, "--replicaof", "127.0.0.1", Integer.toString(master.port())));
             Jedis m = master.jedis()) {
            Await.until("redis-server follows us", 20_000, () -> Info.linkUp(replica.port()));
            assertShows(m, "10.6.5.4", "6666");
        }
    }

    /** INFO replication's slave0 and ROLE's replica entry carry the announced address. */
    private static void assertShows(Jedis master, String ip, String port) {
        Await.until("the master lists the replica online", 10_000, () -> master.info("replication").contains(
                "slave0:ip=" + ip + ",port=" + port + ",state=online,"), () -> master.info("replication"));
        List<Object> role = master.role();
        @SuppressWarnings("unchecked")
        List<Object> first = (List<Object>) ((List<Object>) role.get(2)).get(0);
        assertEquals(ip, str(first.get(0)));
        assertEquals(port, str(first.get(1)));
    }

    private static String str(Object o) {
        return o instanceof byte[] b ? new String(b) : String.valueOf(o);
    }

    @Test
    void theBacklogIsFreedAfterItsTtlWithoutReplicas() throws Exception {
        try (ReplicatedNodeProcess master = ReplicatedNodeProcess.start("master", Files.createTempDirectory("ttl"), 0,
                "--repl-diskless-sync-delay", "0", "--repl-backlog-ttl", "2");
             Jedis m = new Jedis("127.0.0.1", master.port());
             ReplicatedNode replica = ReplicatedNode.start("replica"); Jedis r = replica.jedis()) {
            m.set("k", "1");
            r.replicaof("127.0.0.1", master.port());
            Await.until("the replica follows", 20_000, () -> linked(replica) && "1".equals(r.get("k")));
            String replid = Info.field(master.port(), "replication", "master_replid");
            // away for less than the TTL: it continues partially
            r.replicaof("127.0.0.1", 1); // a port nobody serves: the cached master is kept
            Await.until("the master sees no replica", 10_000,
                    () -> "0".equals(Info.field(master.port(), "replication", "connected_slaves")));
            m.set("k", "2");
            r.replicaof("127.0.0.1", master.port());
            Await.until("back, partially", 20_000, () -> linked(replica) && "2".equals(r.get("k")));
            assertEquals("1", Info.field(master.port(), "stats", "sync_partial_ok"));
            // away for longer than the TTL: the backlog and its history are gone
            r.replicaof("127.0.0.1", 1);
            Await.until("the backlog is freed", 15_000,
                    () -> "0".equals(Info.field(master.port(), "replication", "repl_backlog_active")));
            assertTrue(master.logText().contains("Replication backlog freed after 2 seconds without connected replicas"),
                    master.logText());
            assertFalse(replid.equals(Info.field(master.port(), "replication", "master_replid")),
                    "a new replication id: nobody can continue the old history");
            m.set("k", "3");
            r.replicaof("127.0.0.1", master.port());
            Await.until("back, in full", 20_000, () -> linked(replica) && "3".equals(r.get("k")));
            assertEquals("1", Info.field(master.port(), "stats", "sync_partial_ok"));
            assertEquals("2", Info.field(master.port(), "stats", "sync_full"));
        }
    }

    @Test
    void aReplicaAskingDuringADiskBackedSyncTakesTheSameFile() throws Exception {
        try (ReplicatedNodeProcess master = ReplicatedNodeProcess.start("master", Files.createTempDirectory("attach"), 0,
                "--repl-diskless-sync", "no", "--rdb-key-save-delay", "1000");
             Jedis m = new Jedis("127.0.0.1", master.port());
             ReplicatedNode a = ReplicatedNode.start("a"); ReplicatedNode b = ReplicatedNode.start("b");
             Jedis ja = a.jedis(); Jedis jb = b.jedis()) {
            for (int i = 0; i < 3000; i++) {
                m.set("k" + i, "v" + i); // about 3 s of BGSAVE at 1 ms a key
            }
            ja.replicaof("127.0.0.1", master.port());
            Await.until("the BGSAVE for a runs", 10_000,
                    () -> "1".equals(Info.field(master.port(), "persistence", "rdb_bgsave_in_progress")));
            m.set("during", "the save"); // after the instant: both get it from the stream
            jb.replicaof("127.0.0.1", master.port());
            Await.until(master + " attaches b", 10_000, () -> master.logText().contains("Waiting for end of BGSAVE for SYNC"),
                    master::logText);
            Await.until("both replicas synced", 30_000, () -> linked(a) && linked(b));
            assertEquals(3001L, ja.dbSize());
            assertEquals(3001L, jb.dbSize());
            assertEquals("the save", jb.get("during"));
            String log = master.logText();
            assertEquals(2, log.split("Synchronization with replica").length - 1, log);
            assertEquals(1, log.split("Background saving started").length - 1, "one BGSAVE for both: " + log);
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
