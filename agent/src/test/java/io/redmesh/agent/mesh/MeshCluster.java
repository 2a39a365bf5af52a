package io.redmesh.agent.mesh;

import io.redmesh.agent.record.HybridClock;
import io.redmesh.agent.record.RecordKind;
import io.redmesh.agent.record.RecordPolicy;
import io.redmesh.agent.record.RecordSigner;
import io.redmesh.agent.record.RecordStore;
import io.redmesh.agent.record.RecordVerifier;
import io.redmesh.node.testing.Ports;
import io.redmesh.node.testing.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * In-JVM mesh members on loopback ephemeral ports, with fast timings: each member has a TLS
 * identity (RSA server certificate CN=name from the test CA, in PKCS12 stores) and a record
 * signer (EC P-256 certificate CN=name from the same CA, as the mesh's own certificates are).
 */
final class MeshCluster implements AutoCloseable {
    final TestCertificates certs;
    final List<Member> members = new ArrayList<>();
    final List<String> seeds = new ArrayList<>();

    final class Member {
        final String name;
        final int port;
        final RecordStore store;
        final RecordVerifier verifier;
        final HybridClock clock = new HybridClock();
        final RecordSigner signer;
        MeshConfig config;
        Mesh mesh;

        Member(String name, int port, TestCertificates from, Duration tombstoneTtl) throws Exception {
            this.name = name;
            this.port = port;
            this.store = new RecordStore(tombstoneTtl, System::currentTimeMillis);
            this.verifier = new RecordVerifier(List.of(certs.ca().cert()), c -> false, RecordPolicy.ALLOW_ALL);
            TestCertificates.Identity sig = from.newClient(name);
            this.signer = new RecordSigner(sig.key(), List.of(sig.cert()), clock);
            this.config = config(name, port, from, clock);
            this.mesh = new Mesh(config, store, verifier);
        }

        boolean publish(RecordKind kind, String key, String value) {
            return mesh.publish(signer.sign(kind, key, value == null ? null : value.getBytes()));
        }

        String value(String user) {
            byte[] v = store.value(RecordKind.ACL_USER, user);
            return v == null ? null : new String(v);
        }

        /** Stops the member (leaves the mesh); the store stays. */
        void stop() {
            mesh.close();
        }

        /** A new Mesh for the same member and store, started. */
        CompletableFuture<Void> restart() {
            mesh = new Mesh(config, store, verifier);
            return mesh.start();
        }
    }

    private final Path dir;

    MeshCluster() {
        certs = TestCertificates.create();
        dir = certs.dir();
    }

    /** n members named n1..nN, created (not started). */
    static MeshCluster of(int n, Duration tombstoneTtl) throws Exception {
        MeshCluster c = new MeshCluster();
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int p = Ports.free();
            ports.add(p);
            c.seeds.add("127.0.0.1:" + p);
        }
        for (int i = 0; i < n; i++) {
            c.members.add(c.new Member("n" + (i + 1), ports.get(i), c.certs, tombstoneTtl));
        }
        return c;
    }

    MeshConfig config(String name, int port, TestCertificates from, HybridClock clock) throws Exception {
        TestCertificates.Identity tls = from.newServer(name);
        MeshKeyStores.Stores stores = MeshKeyStores.write(dir.resolve(name), tls.key(),
                List.of(tls.cert(), from.ca().cert()), List.of(from.ca().cert()));
        return MeshConfig.builder(name, "127.0.0.1", port).seeds(seeds).stores(stores)
                .heartbeatInterval(Duration.ofMillis(100)).failureTimeout(Duration.ofSeconds(2))
                .antiEntropyInterval(Duration.ofMillis(300)).statusInterval(Duration.ofMillis(300))
                .gcInterval(Duration.ofMillis(200)).clock(clock).build();
    }

    Member get(int oneBased) {
        return members.get(oneBased - 1);
    }

    void startAll() {
        members.stream().map(m -> m.mesh.start()).toList().forEach(CompletableFuture::join);
    }

    /** Every started member sees n reachable members. */
    void awaitMembers(int n, Duration max) {
        await(() -> members.stream().filter(m -> !m.mesh.members().isEmpty())
                .allMatch(m -> m.mesh.members().stream().filter(Mesh.MemberInfo::reachable).count() == n), max,
                "membership of " + n);
    }

    static void await(BooleanSupplier cond, Duration max, String what) {
        await(cond, max, () -> what);
    }

    static void await(BooleanSupplier cond, Duration max, java.util.function.Supplier<String> what) {
        long end = System.nanoTime() + max.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what.get());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() {
        members.forEach(m -> m.mesh.close());
        certs.close();
    }
}
