package io.redmesh.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.redmesh.node.testing.Ports;
import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.TestCertificates;
import io.redmesh.replication.testing.Await;
import io.redmesh.replication.testing.DatasetDump;
import io.redmesh.replication.testing.Info;
import io.redmesh.replication.testing.MixedWrites;
import io.redmesh.replication.testing.ReplicatedNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Replication over TLS with client certificates and a least-privilege replication user, in the
 * three pairings (RedMesh to RedMesh, a real redis-server replica of ours, ours of a real
 * redis-server), the peer-name check (tls-expected-peer-name: a spiffe URI or DNS SAN), and the
 * replica logged in by its certificate (tls-auth-clients-user cn) without masterauth.
 */
class TlsReplicationTest {
    static final int DBS = 3;
    /** What a replication user needs on a Redis 7.0 master, and nothing more. */
    static final String[] REPLICATOR = {"replicator", "on", ">repl-pass", "-@all", "+psync", "+replconf", "+ping"};
    static final String MASTER_ID = "spiffe://mesh.test/node/master";
    static TestCertificates certs;
    static TestCertificates.Identity masterCert;
    static TestCertificates.Identity replicaCert;

    @BeforeAll
    static void certificates() {
        certs = TestCertificates.create();
        masterCert = certs.newPeer("master", "master.mesh.test", MASTER_ID);
        replicaCert = certs.newPeer("replicator", "replica.mesh.test");
    }

    @AfterAll
    static void cleanup() {
        certs.close();
    }

    /** A TLS master's directives: the TLS port, the certificate, client certificates required, the user. */
    static List<String> masterArgs(int tlsPort, String... more) {
        List<String> a = new ArrayList<>(List.of("--tls-port", Integer.toString(tlsPort),
                "--tls-cert-file", masterCert.certFile().toString(), "--tls-key-file", masterCert.keyFile().toString(),
                "--tls-ca-cert-file", certs.ca().certFile().toString(), "--tls-auth-clients", "yes",
                "--repl-diskless-sync-delay", "0", "--user"));
        a.addAll(List.of(REPLICATOR));
        a.addAll(List.of(more));
        return a;
    }

    /** A replica's directives: TLS replication with its certificate, the user, the expected name. */
    static List<String> replicaArgs(int masterTlsPort, String peerName, String... more) {
        List<String> a = new ArrayList<>(List.of("--replicaof", "127.0.0.1", Integer.toString(masterTlsPort),
                "--tls-replication", "yes", "--tls-cert-file", replicaCert.certFile().toString(),
                "--tls-key-file", replicaCert.keyFile().toString(), "--tls-ca-cert-file", certs.ca().certFile().toString(),
                "--masteruser", "replicator", "--masterauth", "repl-pass"));
        if (peerName != null) {
            a.addAll(List.of("--tls-expected-peer-name", peerName));
        }
        a.addAll(List.of(more));
        return a;
    }

    static void awaitCaughtUp(int masterPort, int replicaPort, String who) {
        Await.until(who + " link up", 20_000, () -> Info.linkUp(replicaPort),
                () -> Info.of(replicaPort, "replication").toString());
        Await.until(who + " at the master's offset", 20_000,
                () -> Info.offset(replicaPort) == Info.offset(masterPort),
                () -> "master " + Info.offset(masterPort) + ", replica " + Info.offset(replicaPort));
    }

    @Test
    void redmeshToRedmeshWithClientCertificatesUserAndPeerName() {
        int tls = Ports.free();
        try (ReplicatedNode master = ReplicatedNode.start("master", masterArgs(tls).toArray(new String[0]));
             Jedis m = master.jedis()) {
            MixedWrites.run(m, 31, 1500, DBS);
            try (ReplicatedNode replica = ReplicatedNode.start("replica",
                    replicaArgs(tls, MASTER_ID).toArray(new String[0]))) {
                MixedWrites.run(m, 32, 1500, DBS);
                awaitCaughtUp(master.port(), replica.port(), replica.toString());
                assertEquals(DatasetDump.of(master.port(), DBS), DatasetDump.of(replica.port(), DBS));
                String clients = m.clientList();
                assertTrue(clients.lines().anyMatch(l -> l.contains("flags=S") && l.contains("user=replicator")),
                        clients);
            }
        }
    }

    /** Disk-backed (repl-diskless-sync no): the BGSAVE file, "$len" framed, through TLS to either replica. */
    @Test
    void diskBackedFullSyncOverTlsToOursAndToARealRedis() {
        int tls = Ports.free();
        try (ReplicatedNode master = ReplicatedNode.start("master",
                masterArgs(tls, "--repl-diskless-sync", "no").toArray(new String[0]));
             Jedis m = master.jedis()) {
            MixedWrites.run(m, 37, 1500, DBS);
            try (ReplicatedNode replica = ReplicatedNode.start("replica",
                    replicaArgs(tls, MASTER_ID, "--repl-diskless-load", "disabled").toArray(new String[0]))) {
                awaitCaughtUp(master.port(), replica.port(), replica.toString());
                MixedWrites.run(m, 38, 500, DBS);
                awaitCaughtUp(master.port(), replica.port(), replica.toString());
                assertEquals(DatasetDump.of(master.port(), DBS), DatasetDump.of(replica.port(), DBS));
            }
            if (RedisProcess.available()) {
                try (RedisProcess replica = RedisProcess.start(replicaArgs(tls, null).toArray(new String[0]))) {
                    awaitCaughtUp(master.port(), replica.port(), "redis replica :" + replica.port());
                    assertEquals(DatasetDump.of(master.port(), DBS), DatasetDump.of(replica.port(), DBS));
                }
            }
            assertEquals("ok", Info.field(master.port(), "persistence", "rdb_last_bgsave_status"), "the file was a BGSAVE");
        }
    }

    @Test
    void aRealRedisReplicaOfOursOverTls() {
        assumeTrue(RedisProcess.available());
        int tls = Ports.free();
        try (ReplicatedNode master = ReplicatedNode.start("master", masterArgs(tls).toArray(new String[0]));
             Jedis m = master.jedis()) {
            MixedWrites.run(m, 33, 1500, DBS);
            List<String> r = replicaArgs(tls, null);
            try (RedisProcess replica = RedisProcess.start(r.toArray(new String[0]))) {
                MixedWrites.run(m, 34, 1500, DBS);
                awaitCaughtUp(master.port(), replica.port(), "redis replica :" + replica.port());
                assertEquals(DatasetDump.of(master.port(), DBS), DatasetDump.of(replica.port(), DBS));
                assertTrue(m.clientList().lines().anyMatch(l -> l.contains("flags=S") && l.contains("user=replicator")));
            }
        }
    }

    @Test
    void oursOfARealRedisMasterOverTls() {
        assumeTrue(RedisProcess.available());
        int tls = Ports.free();
        RedisProcess.Builder b = RedisProcess.builder().tlsPort(tls);
        List<String> ma = masterArgs(tls);
        ma = ma.subList(2, ma.indexOf("--user")); // the TLS port is the builder's; the user goes through user()
        b.args(ma.toArray(new String[0])).user(REPLICATOR[0], java.util.Arrays.copyOfRange(REPLICATOR, 1, REPLICATOR.length));
        try (RedisProcess master = b.start(); Jedis m = new Jedis("127.0.0.1", master.port())) {
            MixedWrites.run(m, 35, 1500, DBS);
            try (ReplicatedNode replica = ReplicatedNode.start("replica",
                    replicaArgs(tls, "master.mesh.test").toArray(new String[0]))) {
                MixedWrites.run(m, 36, 1500, DBS);
                awaitCaughtUp(master.port(), replica.port(), replica.toString());
                assertEquals(DatasetDump.of(master.port(), DBS), DatasetDump.of(replica.port(), DBS));
            }
        }
    }

    @Test
    void theReplicaCertificateLogsItInWithoutMasterauth() {
        int tls = Ports.free();
        try (ReplicatedNode master = ReplicatedNode.start("master",
                masterArgs(tls, "--tls-auth-clients-user", "cn").toArray(new String[0]));
             Jedis m = master.jedis()) {
            m.set("k", "v");
            List<String> r = replicaArgs(tls, MASTER_ID);
            int at = r.indexOf("--masteruser");
            r.subList(at, at + 4).clear(); // no masteruser, no masterauth: the certificate (CN replicator) is the login
            try (ReplicatedNode replica = ReplicatedNode.start("replica", r.toArray(new String[0]))) {
                awaitCaughtUp(master.port(), replica.port(), replica.toString());
                try (Jedis j = replica.jedis()) {
                    assertEquals("v", j.get("k"));
                }
                assertTrue(m.clientList().lines().anyMatch(l -> l.contains("flags=S") && l.contains("user=replicator")));
            }
        }
    }

    @Test
    void theWrongPeerNameIsRefusedBeforeAnythingIsSent() throws Exception {
        assumeTrue(RedisProcess.available());
        // an impostor with a valid certificate of the same CA, but another name
        TestCertificates.Identity impostorCert = certs.newPeer("impostor", "impostor.mesh.test",
                "spiffe://mesh.test/node/impostor");
        int tls = Ports.free();
        try (RedisProcess impostor = RedisProcess.builder().tlsPort(tls).args("--tls-cert-file",
                impostorCert.certFile().toString(), "--tls-key-file", impostorCert.keyFile().toString(),
                "--tls-ca-cert-file", certs.ca().certFile().toString(), "--tls-auth-clients", "optional").start()) {
            try (Jedis watch = new Jedis("127.0.0.1", impostor.port());
                 io.redmesh.replication.testing.LinkProxy proxy = new io.redmesh.replication.testing.LinkProxy(tls)) {
                watch.configResetStat(); // the launcher's readiness PING is not the replica's
                // through a proxy that counts the replica's connections (the TLS is end to end)
                ReplicatedNode replica = ReplicatedNode.start("replica",
                        replicaArgs(proxy.port(), MASTER_ID).toArray(new String[0]));
                try {
                    Await.until("the replica connected to the impostor twice", 15_000, () -> proxy.accepted() >= 2);
                    assertEquals("down", Info.field(replica.port(), "replication", "master_link_status"));
                } finally {
                    replica.close();
                }
            }
            String cmdstats = new Jedis("127.0.0.1", impostor.port()).info("commandstats");
            assertFalse(cmdstats.contains("cmdstat_auth"), cmdstats);
            assertFalse(cmdstats.contains("cmdstat_ping"), cmdstats);
            assertFalse(cmdstats.contains("cmdstat_replconf"), cmdstats);
            // the control: expecting the impostor's own name, the same replica does talk to it
            try (ReplicatedNode control = ReplicatedNode.start("control replica",
                    replicaArgs(tls, "impostor.mesh.test").toArray(new String[0]))) {
                Await.until("the control replica sent AUTH", 15_000,
                        () -> new Jedis("127.0.0.1", impostor.port()).info("commandstats").contains("cmdstat_auth"));
            }
        }
    }
}
