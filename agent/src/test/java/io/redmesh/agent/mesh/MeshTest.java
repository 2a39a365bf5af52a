package io.redmesh.agent.mesh;

import static io.redmesh.agent.mesh.MeshCluster.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.agent.record.HybridClock;
import io.redmesh.agent.record.Record;
import io.atomix.cluster.messaging.MessagingConfig;
import io.atomix.cluster.messaging.impl.NettyUnicastService;
import io.atomix.utils.net.Address;
import io.redmesh.agent.record.RecordCodec;
import io.redmesh.agent.record.RecordKind;
import io.redmesh.agent.record.RecordPolicy;
import io.redmesh.agent.record.RecordSigner;
import io.redmesh.agent.record.RecordStore;
import io.redmesh.agent.record.RecordVerifier;
import io.redmesh.agent.record.SignedRecord;
import io.redmesh.agent.record.Version;
import io.redmesh.node.testing.TestCertificates;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Five in-JVM members over TLS on loopback (one mesh shared by the tests, in order): spread,
 * conflicts, catch-up, forged records, a foreign CA, garbage on the mesh port, status and
 * request/reply, certificate rotation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MeshTest {
    static final Duration WAIT = Duration.ofSeconds(15);
    MeshCluster c;
    /** A second CA the mesh does not trust. */
    TestCertificates other;

    @BeforeAll
    void start() throws Exception {
        other = TestCertificates.create();
        c = MeshCluster.of(5, RecordStore.DEFAULT_TOMBSTONE_TTL);
        long t0 = System.nanoTime();
        c.startAll();
        c.awaitMembers(5, WAIT);
        for (MeshCluster.Member m : c.members) {
            assertTrue(m.mesh.awaitSynced(WAIT), m.name + " synced");
        }
        System.out.println("5 members up and synced in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }

    @AfterAll
    void stop() {
        if (c != null) {
            c.close();
        }
        if (other != null) {
            other.close();
        }
    }

    void awaitConverged(String what) {
        await(() -> c.members.stream().map(m -> m.store.digest(RecordKind.ACL_USER)).distinct().count() == 1,
                WAIT, what);
    }

    @Test
    @Order(1)
    void aRecordPublishedOnOneMemberReachesAll() {
        assertTrue(c.get(1).publish(RecordKind.ACL_USER, "alice", "on >pw ~* +@all"));
        await(() -> c.members.stream().allMatch(m -> "on >pw ~* +@all".equals(m.value("alice"))), WAIT, "alice everywhere");
        awaitConverged("digests");
        for (MeshCluster.Member m : c.members) {
            assertEquals(c.get(1).store.version(RecordKind.ACL_USER), m.store.version(RecordKind.ACL_USER));
        }
        // publishing the same record again is not newer: nothing to push
        SignedRecord again = c.get(1).store.get(RecordKind.ACL_USER, "alice");
        assertFalse(c.get(1).mesh.publish(again));
        // a record our own verifier refuses never leaves
        SignedRecord spoof = c.get(1).signer.sign(new Record(RecordKind.ACL_USER, "x",
                new Version(c.get(1).clock.now(), "n2"), new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> c.get(1).mesh.publish(spoof));
    }

    @Test
    @Order(2)
    void concurrentConflictingWritesConverge() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = c.members.stream().map(m -> new Thread(() -> {
            try {
                go.await();
            } catch (InterruptedException e) {
                return;
            }
            for (int i = 0; i < 12; i++) {
                m.publish(RecordKind.ACL_USER, "carol", "by " + m.name + " #" + i);
                m.publish(RecordKind.ACL_USER, "u" + (i % 4), i % 3 == 0 ? null : m.name + i);
            }
        })).toList();
        threads.forEach(Thread::start);
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        awaitConverged("conflicting writes");
        String carol = c.get(1).value("carol");
        for (MeshCluster.Member m : c.members) {
            assertEquals(carol, m.value("carol"));
            for (int i = 0; i < 4; i++) {
                assertEquals(c.get(1).value("u" + i), m.value("u" + i));
            }
        }
        System.out.println("carol converged to: " + carol);
    }

    @Test
    @Order(3)
    void aMemberStoppedDuringChangesCatchesUpAfterRestart() {
        MeshCluster.Member n5 = c.get(5);
        n5.stop();
        c.get(1).publish(RecordKind.ACL_USER, "dave", "on");
        c.get(2).publish(RecordKind.ACL_USER, "alice", null); // delete
        c.get(3).publish(RecordKind.ACL_USER, "carol", "changed while n5 was down");
        await(() -> c.members.subList(0, 4).stream().allMatch(m -> "on".equals(m.value("dave"))
                && m.value("alice") == null), WAIT, "changes on the running members");
        assertNull(n5.value("dave"));
        long t0 = System.nanoTime();
        n5.restart().join();
        await(() -> n5.mesh.synced(), WAIT, "n5 synced");
        awaitConverged("n5 caught up");
        System.out.println("restarted member caught up in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        assertEquals("on", n5.value("dave"));
        assertNull(n5.value("alice"));
        assertEquals("changed while n5 was down", n5.value("carol"));
        c.awaitMembers(5, WAIT);
    }

    @Test
    @Order(4)
    void forgedRecordsAreRejectedAndCountedEverywhere() throws Exception {
        MeshCluster.Member n1 = c.get(1);
        byte[] v = "on >owned ~* +@all".getBytes(StandardCharsets.UTF_8);
        // 1. bad signature: a real record whose value was changed afterwards
        SignedRecord real = n1.signer.sign(RecordKind.ACL_USER, "mallory", "off".getBytes());
        SignedRecord tampered = new SignedRecord(new Record(real.kind(), real.key(), real.version(), v),
                real.signature(), real.chain());
        // 2. n1 speaking for n2
        SignedRecord spoofed = n1.signer.sign(new Record(RecordKind.ACL_USER, "mallory",
                new Version(n1.clock.now(), "n2"), v));
        // 3. a signer from another CA (with a CN of a real member)
        TestCertificates.Identity id = other.newClient("n1");
        SignedRecord foreign = new RecordSigner(id.key(), List.of(id.cert()), new HybridClock())
                .sign(RecordKind.ACL_USER, "mallory", v);
        n1.mesh.pushAll(List.of(tampered.encode(), spoofed.encode(), foreign.encode(), new byte[] {1, 2, 3}));
        for (MeshCluster.Member m : c.members.subList(1, 5)) {
            await(() -> m.store.rejectedCounts().getOrDefault(RecordVerifier.BAD_SIGNATURE, 0L) >= 1
                    && m.store.rejectedCounts().getOrDefault(RecordVerifier.ORIGIN_MISMATCH, 0L) >= 1
                    && m.store.rejectedCounts().getOrDefault(RecordVerifier.UNTRUSTED_CHAIN, 0L) >= 1
                    && m.store.rejectedCounts().getOrDefault(Mesh.MALFORMED, 0L) >= 1, WAIT,
                    () -> "rejections at " + m.name + ": " + m.store.rejectedCounts());
            assertNull(m.value("mallory"));
        }
        // the mesh still works
        n1.publish(RecordKind.ACL_USER, "erin", "on");
        await(() -> c.members.stream().allMatch(m -> "on".equals(m.value("erin"))), WAIT, "erin");
    }

    @Test
    @Order(5)
    void aMemberWithACertificateFromAnotherCaCannotJoin() throws Exception {
        {
            int port = io.redmesh.node.testing.Ports.free();
            TestCertificates.Identity sig = other.newClient("n6");
            RecordSigner rogueSigner = new RecordSigner(sig.key(), List.of(sig.cert()), new HybridClock());
            // the rogue trusts its own CA and the mesh's, presents a certificate of its own CA
            Set<java.security.cert.X509Certificate> trust = Set.of(other.ca().cert(), c.certs.ca().cert());
            TestCertificates.Identity tls = other.newServer("n6");
            MeshKeyStores.Stores stores = MeshKeyStores.write(c.certs.dir().resolve("rogue"), tls.key(),
                    List.of(tls.cert(), other.ca().cert()), trust);
            List<String> seeds = new java.util.ArrayList<>(c.seeds);
            seeds.add("127.0.0.1:" + port);
            MeshConfig cfg = c.get(1).config.toBuilder().seeds(seeds).stores(stores).build();
            cfg = MeshConfig.builder("n6", "127.0.0.1", port).seeds(seeds).stores(stores)
                    .heartbeatInterval(cfg.heartbeatInterval()).failureTimeout(cfg.failureTimeout())
                    .antiEntropyInterval(cfg.antiEntropyInterval()).build();
            Mesh mesh = new Mesh(cfg, new RecordStore(),
                    new RecordVerifier(List.of(other.ca().cert()), null, RecordPolicy.ALLOW_ALL));
            try {
                mesh.start().get(10, TimeUnit.SECONDS);
                mesh.publish(rogueSigner.sign(RecordKind.ACL_USER, "rogue", "on >x ~* +@all".getBytes()));
                Thread.sleep(2_000);
                for (MeshCluster.Member m : c.members) {
                    assertEquals(Set.of("n1", "n2", "n3", "n4", "n5"),
                            m.mesh.members().stream().map(Mesh.MemberInfo::id).collect(Collectors.toSet()), m.name);
                    assertNull(m.value("rogue"));
                }
                assertTrue(mesh.members().stream().noneMatch(i -> !i.local() && i.reachable()),
                        "the rogue reaches nobody: " + mesh.members());
                assertFalse(mesh.synced());
            } finally {
                mesh.close();
            }
        }
    }

    @Test
    @Order(6)
    void garbageDatagramsAndConnectionsChangeNothing() throws Exception {
        Random r = new Random(7);
        MeshCluster.Member n1 = c.get(1);
        // nothing listens on UDP at the mesh port (Atomix's plaintext unicast service is replaced)
        for (MeshCluster.Member m : c.members) {
            try (DatagramSocket probe = new DatagramSocket(m.port, InetAddress.getByName("127.0.0.1"))) {
                assertTrue(probe.isBound());
            }
        }
        long before = c.members.stream().mapToLong(m -> m.store.appliedCount()).sum();
        try (DatagramSocket udp = new DatagramSocket()) {
            for (MeshCluster.Member m : c.members) {
                for (int i = 0; i < 100; i++) {
                    byte[] b = new byte[1 + r.nextInt(1200)];
                    r.nextBytes(b);
                    udp.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), m.port));
                }
            }
        }
        // Atomix's own UDP unicast format, with our subjects: a genuine signed record and a status
        SignedRecord genuine = n1.signer.sign(RecordKind.ACL_USER, "udp-user", "on".getBytes());
        NettyUnicastService udpAtomix = new NettyUnicastService(
                Address.from("127.0.0.1", io.redmesh.node.testing.Ports.free()), new MessagingConfig());
        udpAtomix.start().get(5, TimeUnit.SECONDS);
        try {
            for (MeshCluster.Member m : c.members) {
                Address to = Address.from("127.0.0.1", m.port);
                udpAtomix.unicast(to, Mesh.PUSH, RecordCodec.encodeBatch(List.of(genuine.encode())));
                udpAtomix.unicast(to, Mesh.STATUS, "spoofed".getBytes());
            }
        } finally {
            udpAtomix.stop().get(5, TimeUnit.SECONDS);
        }
        for (MeshCluster.Member m : c.members) {
            for (int i = 0; i < 4; i++) {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), m.port)) {
                    OutputStream o = s.getOutputStream();
                    byte[] b = new byte[1 + r.nextInt(4000)];
                    r.nextBytes(b);
                    if (i == 0) {
                        // the shape of Atomix's plaintext preamble: a version, a cluster id hash, an id
                        b = new byte[] {0, 0, 0, 1, 0, 0, 0, 2, 'n', '9'};
                    }
                    o.write(b);
                    o.flush();
                } catch (java.io.IOException expected) {
                    // closed on us: fine
                }
            }
            // TLS without a client certificate
            try (SSLSocket s = (SSLSocket) c.certs.clientContext(null).getSocketFactory()
                    .createSocket(InetAddress.getLoopbackAddress(), m.port)) {
                s.setSoTimeout(1000);
                s.getOutputStream().write(new byte[] {1, 2, 3, 4});
                s.getInputStream().read();
            } catch (java.io.IOException expected) {
                // handshake refused
            }
        }
        Thread.sleep(500);
        for (MeshCluster.Member m : c.members) {
            assertEquals(Set.of("n1", "n2", "n3", "n4", "n5"),
                    m.mesh.members().stream().filter(Mesh.MemberInfo::reachable).map(Mesh.MemberInfo::id)
                            .collect(Collectors.toSet()), m.name);
        }
        assertEquals(before, c.members.stream().mapToLong(m -> m.store.appliedCount()).sum());
        for (MeshCluster.Member m : c.members) {
            assertNull(m.value("udp-user"), m.name);
            assertTrue(m.mesh.statuses().values().stream().noneMatch(v -> new String(v).equals("spoofed")));
        }
        n1.publish(RecordKind.ACL_USER, "frank", "on");
        await(() -> c.members.stream().allMatch(m -> "on".equals(m.value("frank"))), WAIT, "frank");
    }

    @Test
    @Order(7)
    void statusesAndRequests() throws Exception {
        for (MeshCluster.Member m : c.members) {
            m.mesh.publishStatus(("status of " + m.name).getBytes());
        }
        c.get(3).mesh.handle("echo", b -> ("n3 got " + new String(b)).getBytes());
        c.get(3).mesh.handle("boom", b -> {
            throw new IllegalStateException("no");
        });
        await(() -> c.members.stream().allMatch(m -> m.mesh.statuses().size() == 5), WAIT,
                () -> "statuses: " + c.members.stream().map(m -> m.name + "=" + m.mesh.statuses().keySet()
                        + " members " + m.mesh.members()).toList());
        assertArrayEquals("status of n4".getBytes(), c.get(1).mesh.statuses().get("n4"));
        byte[] answer = c.get(1).mesh.request("n3", "echo", "hi".getBytes(), Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS);
        assertEquals("n3 got hi", new String(answer));
        assertThrows(Exception.class, () -> c.get(1).mesh.request("n3", "boom", new byte[0], Duration.ofSeconds(2))
                .get(5, TimeUnit.SECONDS));
        assertThrows(Exception.class, () -> c.get(1).mesh.request("n2", "echo", new byte[0], Duration.ofMillis(500))
                .get(5, TimeUnit.SECONDS));
        assertThrows(IllegalArgumentException.class, () -> c.get(1).mesh.publishStatus(new byte[Mesh.MAX_STATUS_BYTES + 1]));
        c.get(2).mesh.publishStatus("changed".getBytes());
        await(() -> "changed".equals(new String(c.get(5).mesh.statuses().get("n2"))), WAIT, "status change");
    }

    @Test
    @Order(8)
    void restartWithNewMaterialRotatesTheMeshCertificate() throws Exception {
        MeshCluster.Member n4 = c.get(4);
        long t0 = System.nanoTime();
        MeshConfig rotated = c.config("n4", n4.port, c.certs, n4.clock);
        assertFalse(rotated.keyStore().equals(n4.config.keyStore()));
        n4.mesh.handle("ping", b -> "pong".getBytes());
        n4.mesh.restart(rotated).get(10, TimeUnit.SECONDS);
        n4.config = rotated;
        c.awaitMembers(5, WAIT);
        System.out.println("rotated member back in the mesh in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        c.get(1).publish(RecordKind.ACL_USER, "grace", "on");
        await(() -> "on".equals(n4.value("grace")), WAIT, "grace at n4 after rotation");
        n4.publish(RecordKind.ACL_USER, "heidi", "on");
        await(() -> c.members.stream().allMatch(m -> "on".equals(m.value("heidi"))), WAIT, "heidi from n4");
        byte[] pong = c.get(2).mesh.request("n4", "ping", new byte[0], Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS);
        assertEquals("pong", new String(pong));
        awaitConverged("after rotation");
        Set<String> digests = new HashSet<>();
        c.members.forEach(m -> digests.add(m.store.digest(RecordKind.ACL_USER)));
        assertEquals(1, digests.size());
    }
}
