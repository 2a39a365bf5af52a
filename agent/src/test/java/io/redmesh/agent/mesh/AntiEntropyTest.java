package io.redmesh.agent.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.agent.record.HybridClock;
import io.redmesh.agent.record.RecordCodec;
import io.redmesh.agent.record.RecordFormatException;
import io.redmesh.agent.record.RecordKind;
import io.redmesh.agent.record.RecordSigner;
import io.redmesh.agent.record.RecordStore;
import io.redmesh.agent.record.SignedRecord;
import io.redmesh.node.testing.GeneratedCertificates;
import io.redmesh.node.testing.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The anti-entropy round without a network: two stores, the three steps, the long-absence rule, bad bytes. */
class AntiEntropyTest {
    @GeneratedCertificates
    static TestCertificates certs;
    static RecordSigner a;
    static RecordSigner b;

    @BeforeAll
    static void certs() {
        TestCertificates.Identity ia = certs.newClient("a");
        TestCertificates.Identity ib = certs.newClient("b");
        a = new RecordSigner(ia.key(), List.of(ia.cert()), new HybridClock());
        b = new RecordSigner(ib.key(), List.of(ib.cert()), new HybridClock());
    }

    /** One round, A asking B; records go straight into the stores (signatures are MeshTest's business). */
    static int round(RecordStore from, RecordStore to, boolean fromStale, boolean toStale) throws RecordFormatException {
        AntiEntropy ae = new AntiEntropy(from);
        AntiEntropy peer = new AntiEntropy(to);
        Set<RecordKind> differ = AntiEntropy.parseKinds(peer.onDigestRequest(ae.digestRequest()));
        if (differ.isEmpty()) {
            return 0;
        }
        byte[] reply = peer.onSummaryRequest(ae.summaryRequest(differ, from.lastSyncMillis() == 0), toStale,
                to.lastSyncMillis() == 0);
        AntiEntropy.Outcome out = ae.onSummaryReply(reply, fromStale, (r, who) -> {
            try {
                from.offer(RecordCodec.decode(r));
            } catch (RecordFormatException e) {
                throw new AssertionError(e);
            }
        }, "b");
        for (byte[] r : out.toPush()) {
            to.offer(RecordCodec.decode(r));
        }
        from.markSynced(System.currentTimeMillis());
        return out.received() + out.toPush().size();
    }

    @Test
    void oneRoundReconcilesBothWays() throws Exception {
        RecordStore sa = new RecordStore();
        RecordStore sb = new RecordStore();
        sa.offer(a.sign(RecordKind.ACL_USER, "only-a", "1".getBytes()));
        sb.offer(b.sign(RecordKind.ACL_USER, "only-b", "2".getBytes()));
        SignedRecord older = a.sign(RecordKind.ACL_USER, "both", "old".getBytes());
        SignedRecord newer = b.sign(RecordKind.ACL_USER, "both", "new".getBytes());
        sa.offer(older);
        sb.offer(newer);
        sb.offer(b.delete(RecordKind.REVOCATION, "gone"));
        sa.offer(a.sign(RecordKind.TRUST_BUNDLE, "bundle", "pem".getBytes()));
        assertEquals(5, round(sa, sb, false, false));
        for (RecordKind k : RecordKind.values()) {
            assertEquals(sa.digest(k), sb.digest(k), k.name());
        }
        assertEquals("new", new String(sa.value(RecordKind.ACL_USER, "both")));
        assertEquals(0, round(sa, sb, false, false)); // equal digests: nothing more to say
        assertEquals(0, round(sb, sa, false, false));
    }

    @Test
    void aLongAbsentMemberForgetsWhatTheMeshNoLongerHasUnlessThePeerIsFresh() throws Exception {
        AtomicLong wall = new AtomicLong(System.currentTimeMillis());
        TestCertificates.Identity ic = certs.newClient("c");
        RecordSigner c = new RecordSigner(ic.key(), List.of(ic.cert()), new HybridClock(wall::get));
        RecordStore absent = new RecordStore(Duration.ofMinutes(10), wall::get);
        absent.offer(c.sign(RecordKind.ACL_USER, "deleted-elsewhere", "x".getBytes()));
        absent.markSynced(wall.get());
        wall.addAndGet(Duration.ofMinutes(11).toMillis());
        absent.offer(c.sign(RecordKind.ACL_USER, "recent", "y".getBytes()));
        assertTrue(absent.stale());

        // a fresh peer (never synced) knows nothing about deletes: the absent member keeps and sends all
        RecordStore fresh = new RecordStore(Duration.ofMinutes(10), wall::get);
        round(absent, fresh, absent.stale(), false);
        assertNotNull(fresh.get(RecordKind.ACL_USER, "deleted-elsewhere"));
        assertNotNull(absent.get(RecordKind.ACL_USER, "deleted-elsewhere"));

        // an established peer that lacks an old record: its delete may have been collected
        RecordStore established = new RecordStore(Duration.ofMinutes(10), wall::get);
        established.markSynced(wall.get());
        absent.markSynced(wall.get() - Duration.ofMinutes(11).toMillis());
        round(absent, established, true, false);
        assertNull(absent.get(RecordKind.ACL_USER, "deleted-elsewhere"));
        assertNull(established.get(RecordKind.ACL_USER, "deleted-elsewhere"));
        assertNotNull(established.get(RecordKind.ACL_USER, "recent")); // recent changes still travel

        // the same when the established member asks the absent one
        RecordStore absent2 = new RecordStore(Duration.ofMinutes(10), wall::get);
        absent2.offer(c.sign(new io.redmesh.agent.record.Record(RecordKind.ACL_USER, "old2",
                new io.redmesh.agent.record.Version(HybridClock.of(wall.get() - Duration.ofMinutes(30).toMillis(), 0), "c"),
                "z".getBytes())));
        absent2.markSynced(wall.get() - Duration.ofMinutes(20).toMillis());
        round(established, absent2, false, absent2.stale());
        assertNull(absent2.get(RecordKind.ACL_USER, "old2"));
        assertNull(established.get(RecordKind.ACL_USER, "old2"));
    }

    @Test
    void malformedMessagesAreFormatErrorsOnly() {
        AntiEntropy ae = new AntiEntropy(new RecordStore());
        Random r = new Random(3);
        int ok = 0;
        for (int i = 0; i < 2000; i++) {
            byte[] g = new byte[r.nextInt(200)];
            r.nextBytes(g);
            if (g.length > 0 && i % 2 == 0) {
                g[0] = 1;
            }
            try {
                switch (i % 4) {
                    case 0 -> ae.onDigestRequest(g);
                    case 1 -> ae.onSummaryRequest(g, false, false);
                    case 2 -> ae.onSummaryReply(g, false, (x, y) -> { }, "?");
                    default -> AntiEntropy.parseKinds(g);
                }
                ok++;
            } catch (RecordFormatException expected) {
                // fine
            }
        }
        assertTrue(ok < 2000);
        assertFalse(new String(AntiEntropy.emptySummaryReply()).isEmpty());
    }

    static io.redmesh.agent.record.RecordVerifier verifier() {
        return new io.redmesh.agent.record.RecordVerifier(List.of(certs.ca().cert()), null,
                io.redmesh.agent.record.RecordPolicy.ALLOW_ALL);
    }

    @Test
    void aMemberAloneByConfigurationIsSyncedAtOnce() throws Exception {
        Path none = Path.of("/nonexistent");
        MeshConfig alone = MeshConfig.builder("solo", "127.0.0.1", 7946).seeds(List.of("127.0.0.1:7946"))
                .keyStore(none).trustStore(none).storePassword("x").build();
        try (Mesh m = new Mesh(alone, new RecordStore(), verifier())) {
            assertTrue(m.awaitSynced(Duration.ZERO));
        }
        MeshConfig withPeers = alone.toBuilder().seeds(List.of("127.0.0.1:7946", "127.0.0.1:7947")).build();
        try (Mesh m = new Mesh(withPeers, new RecordStore(), verifier())) {
            assertFalse(m.awaitSynced(Duration.ofMillis(10)));
            assertTrue(m.members().isEmpty());
        }
    }
}
