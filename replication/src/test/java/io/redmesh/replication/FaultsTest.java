package io.redmesh.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.Ports;
import io.redmesh.node.testing.TestCertificates;
import io.redmesh.replication.testing.Await;
import io.redmesh.replication.testing.DatasetDump;
import io.redmesh.replication.testing.Info;
import io.redmesh.replication.testing.LinkProxy;
import io.redmesh.replication.testing.MixedWrites;
import io.redmesh.replication.testing.ReplicatedNode;
import io.redmesh.replication.testing.ReplicatedNodeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Faults as users meet them, on real processes: a wrong password, an untrusted certificate, a
 * replica paused (SIGSTOP) past repl-timeout, a replica that stops reading until the output
 * buffer limit cuts it, a master killed (kill -9) in the middle of a full sync.
 */
class FaultsTest {
    static final int DBS = 2;

    static long stat(int port, String field) {
        return Long.parseLong(Info.field(port, "stats", field));
    }

    @Test
    void aWrongPasswordNeverGetsDataAndIsNeverLogged() throws Exception {
        Path dir = Files.createTempDirectory("wrong-pass");
        try (ReplicatedNode master = ReplicatedNode.start("master", "--requirepass", "right-secret");
             Jedis m = master.jedis()) {
            m.auth("right-secret");
            m.set("secret-key", "v");
            try (ReplicatedNodeProcess replica = ReplicatedNodeProcess.start("replica", dir, 0, "--replicaof",
                    "127.0.0.1", Integer.toString(master.port()), "--masterauth", "wrong-secret-42")) {
                Await.until(replica + " logs the refused AUTH twice", 15_000,
                        () -> replica.logText().split("Unable to AUTH to MASTER").length > 2, replica::logText);
                String log = replica.logText();
                assertTrue(log.contains("Unable to AUTH to MASTER: -WRONGPASS"), log);
                assertFalse(log.contains("wrong-secret-42"), "the password must never be logged");
                try (Jedis r = new Jedis("127.0.0.1", replica.port())) {
                    assertEquals(0L, r.dbSize());
                }
                assertTrue(m.info("replication").contains("connected_slaves:0"));
            }
        }
    }

    @Test
    void anUntrustedCertificateIsRefusedAndLoggedWithItsSubject() throws Exception {
        Path dir = Files.createTempDirectory("untrusted");
        try (TestCertificates certs = TestCertificates.create()) {
            TestCertificates.Identity masterCert = certs.newPeer("master", "master.mesh.test");
            TestCertificates.Identity intruder = certs.newUntrustedPeer("intruder-replica");
            int tls = Ports.free();
            try (ReplicatedNodeProcess master = ReplicatedNodeProcess.start("master", dir.resolve("m"), 0,
                    "--tls-port", Integer.toString(tls), "--tls-cert-file", masterCert.certFile().toString(),
                    "--tls-key-file", masterCert.keyFile().toString(), "--tls-ca-cert-file",
                    certs.ca().certFile().toString(), "--tls-auth-clients", "yes");
                 Jedis m = new Jedis("127.0.0.1", master.port())) {
                m.set("k", "v");
                try (ReplicatedNodeProcess replica = ReplicatedNodeProcess.start("replica", dir.resolve("r"), 0,
                        "--replicaof", "127.0.0.1", Integer.toString(tls), "--tls-replication", "yes",
                        "--tls-cert-file", intruder.certFile().toString(), "--tls-key-file",
                        intruder.keyFile().toString(), "--tls-ca-cert-file", certs.ca().certFile().toString(),
                        "--masterauth", "not-sent")) {
                    Await.until(master + " logs the refused certificate", 15_000,
                            () -> master.logText().contains("TLS client certificate refused: subject 'CN=intruder-replica"),
                            master::logText);
                    try (Jedis r = new Jedis("127.0.0.1", replica.port())) {
                        assertEquals(0L, r.dbSize());
                    }
                    // TLS 1.3: the master's refusal may arrive as an alert after the replica's side of
                    // the handshake ended, failing the first request (PING), still before any AUTH
                    Await.until(replica + " logs the refusal", 15_000, () -> {
                        String log = replica.logText();
                        return log.contains("Error condition on socket for SYNC") || log.contains("Error reply to PING");
                    }, replica::logText);
                    assertFalse(m.info("commandstats").contains("cmdstat_auth"));
                }
            }
        }
    }

    @Test
    void aReplicaPausedPastReplTimeoutContinuesPartially() throws Exception {
        Path dir = Files.createTempDirectory("sigstop");
        try (ReplicatedNode master = ReplicatedNode.start("master", "--repl-timeout", "2",
                "--repl-diskless-sync-delay", "0");
             Jedis m = master.jedis();
             ReplicatedNodeProcess replica = ReplicatedNodeProcess.start("replica", dir, 0, "--replicaof",
                     "127.0.0.1", Integer.toString(master.port()), "--repl-timeout", "2")) {
            Await.until(replica + " link up", 20_000, () -> Info.linkUp(replica.port()));
            MixedWrites.run(m, 41, 1000, DBS);
            replica.signal("STOP");
            MixedWrites.run(m, 42, 1000, DBS); // under write load while it is frozen
            Await.until(master + " drops the frozen replica", 15_000,
                    () -> Info.field(master.port(), "replication", "connected_slaves").equals("0"));
            replica.signal("CONT");
            MixedWrites.run(m, 43, 500, DBS);
            Await.until(replica + " link up again", 20_000, () -> Info.linkUp(replica.port()));
            Await.until(replica + " caught up", 20_000, () -> Info.offset(replica.port()) == Info.offset(master.port()));
            assertEquals(DatasetDump.of(master.port(), DBS), DatasetDump.of(replica.port(), DBS));
            assertEquals(1, stat(master.port(), "sync_full"));
            assertTrue(stat(master.port(), "sync_partial_ok") >= 1, "a partial resync, not a full one");
        }
    }

    @Test
    void aSlowReplicaIsCutByTheOutputBufferLimitAndTheMasterStaysHealthy() throws Exception {
        Path dir = Files.createTempDirectory("slow-replica");
        try (ReplicatedNode master = ReplicatedNode.start("master", "--client-output-buffer-limit",
                "replica 1mb 256kb 1", "--repl-diskless-sync-delay", "0");
             Jedis m = master.jedis();
             ReplicatedNodeProcess replica = ReplicatedNodeProcess.start("replica", dir, 0, "--replicaof",
                     "127.0.0.1", Integer.toString(master.port()))) {
            Await.until(replica + " link up", 20_000, () -> Info.linkUp(replica.port()));
            replica.signal("STOP"); // it reads nothing more: the master holds its stream
            String big = "x".repeat(10_000);
            for (int i = 0; i < 600; i++) { // 6 MB of stream, bounded
                m.set("big:" + (i % 50), big);
            }
            Await.until(master + " cuts the replica over its output limit", 15_000,
                    () -> Info.field(master.port(), "replication", "connected_slaves").equals("0"));
            long start = System.nanoTime();
            assertEquals("PONG", m.ping());
            assertTrue(System.nanoTime() - start < 1_000_000_000L, "the master answers at once");
            replica.signal("CONT");
            Await.until(replica + " back and caught up", 30_000, () -> Info.linkUp(replica.port())
                    && Info.offset(replica.port()) == Info.offset(master.port()));
            assertEquals(DatasetDump.of(master.port(), DBS), DatasetDump.of(replica.port(), DBS));
        }
    }

    @Test
    void aMasterKilledDuringAFullSyncLeavesTheReplicaServingStaleData() throws Exception {
        Path dir = Files.createTempDirectory("kill-master");
        int masterPort = Ports.free();
        try (ReplicatedNodeProcess master = ReplicatedNodeProcess.start("master", dir.resolve("m"), masterPort,
                "--repl-diskless-sync-delay", "0");
             LinkProxy proxy = new LinkProxy(masterPort);
             ReplicatedNode replica = ReplicatedNode.start("replica")) {
            try (Jedis m = new Jedis("127.0.0.1", masterPort)) {
                Pipeline p = m.pipelined();
                for (int i = 0; i < 100_000; i++) {
                    p.set("key:" + i, "value-of-some-length-" + i);
                }
                p.sync();
            }
            try (Jedis r = replica.jedis()) {
                r.set("stale", "still-here");
                proxy.throttle(200_000); // the RDB now takes seconds to cross the link
                r.replicaof("127.0.0.1", proxy.port());
                Await.until(replica + " in the middle of the full sync", 20_000,
                        () -> "1".equals(Info.field(replica.port(), "replication", "master_sync_in_progress"))
                                && Long.parseLong(Info.field(replica.port(), "replication", "master_sync_read_bytes")) > 0);
                master.kill9();
                // A killed process's kernel still delivers what its socket buffers hold, and on
                // loopback they can hold the whole RDB: the replica would then finish the sync
                // (and answer -LOADING below). Cutting the link makes this a crash mid-transfer.
                proxy.cut();
                Await.until(replica + " sees the sync fail", 20_000,
                        () -> "0".equals(Info.field(replica.port(), "replication", "master_sync_in_progress")));
                assertEquals("still-here", r.get("stale"), "replica-serve-stale-data yes: the old data serves");
                r.configSet("replica-serve-stale-data", "no");
                JedisDataException e = org.junit.jupiter.api.Assertions.assertThrows(JedisDataException.class,
                        () -> r.get("stale"));
                assertEquals("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
                        e.getMessage());
                r.configSet("replica-serve-stale-data", "yes");
            }
            proxy.throttle(0);
            try (ReplicatedNodeProcess again = ReplicatedNodeProcess.start("master again", dir.resolve("m2"),
                    masterPort, "--repl-diskless-sync-delay", "0");
                 Jedis m = new Jedis("127.0.0.1", masterPort)) {
                MixedWrites.run(m, 51, 500, DBS);
                Await.until(replica + " resynced with the returned master", 60_000,
                        () -> Info.linkUp(replica.port()) && Info.offset(replica.port()) == Info.offset(masterPort));
                assertEquals(DatasetDump.of(masterPort, DBS), DatasetDump.of(replica.port(), DBS));
            }
        }
    }
}
