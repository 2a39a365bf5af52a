package io.redmesh.agent.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.GeneratedCertificates;
import io.redmesh.node.testing.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Clock, codec, signer/verifier and store, without any network. */
class RecordTest {
    @GeneratedCertificates
    static TestCertificates certs;
    @GeneratedCertificates
    static TestCertificates otherCa;
    static RecordSigner n1;
    static RecordSigner n2;
    static RecordSigner foreign;

    @BeforeAll
    static void certs() {
        n1 = signer(certs, "n1", new HybridClock());
        n2 = signer(certs, "n2", new HybridClock());
        foreign = signer(otherCa, "n1", new HybridClock());
    }

    static RecordSigner signer(TestCertificates c, String name, HybridClock clock) {
        TestCertificates.Identity id = c.newClient(name); // EC P-256, CN=name
        return new RecordSigner(id.key(), List.of(id.cert()), clock);
    }

    static RecordVerifier verifier() {
        return new RecordVerifier(List.of(certs.ca().cert()), c -> false, RecordPolicy.ALLOW_ALL);
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ clock

    @Test
    void clockIsMonotonicAndObservesRemoteTime() {
        AtomicLong wall = new AtomicLong(1_000);
        HybridClock c = new HybridClock(wall::get);
        long a = c.now();
        long b = c.now();
        assertEquals(1_000, HybridClock.physicalMillis(a));
        assertEquals(a + 1, b);
        wall.set(500); // wall clock stepped back
        assertTrue(c.now() > b);
        c.observe(HybridClock.of(5_000, 7));
        long d = c.now();
        assertEquals(5_000, HybridClock.physicalMillis(d));
        assertEquals(8, HybridClock.logical(d));
    }

    @Test
    void versionsOrderByHlcThenOrigin() {
        assertTrue(new Version(2, "a").newerThan(new Version(1, "z")));
        assertTrue(new Version(1, "b").newerThan(new Version(1, "a")));
        assertFalse(new Version(1, "a").newerThan(new Version(1, "a")));
    }

    // ------------------------------------------------------------------ codec

    @Test
    void codecRoundTripsValuesAndTombstones() throws Exception {
        for (SignedRecord s : List.of(n1.sign(RecordKind.ACL_USER, "alice", b("on >pw ~* +@all")),
                n1.delete(RecordKind.ACL_USER, "bob"), n1.sign(RecordKind.TRUST_BUNDLE, "ü名", new byte[0]))) {
            SignedRecord back = SignedRecord.decode(s.encode());
            assertEquals(s.record(), back.record());
            assertArrayEquals(s.signature(), back.signature());
            assertEquals(s.chain(), back.chain());
            assertNull(verifier().verify(back));
        }
    }

    @Test
    void codecRefusesGarbageWithItsOwnExceptionOnly() {
        byte[] good = n1.sign(RecordKind.ACL_USER, "alice", b("on")).encode();
        // every truncation
        for (int i = 0; i < good.length; i++) {
            byte[] cut = java.util.Arrays.copyOf(good, i);
            assertThrows(RecordFormatException.class, () -> SignedRecord.decode(cut));
        }
        // trailing bytes, bad format, unknown kind
        assertThrows(RecordFormatException.class, () -> SignedRecord.decode(java.util.Arrays.copyOf(good, good.length + 1)));
        byte[] f = good.clone();
        f[0] = 9;
        assertThrows(RecordFormatException.class, () -> SignedRecord.decode(f));
        byte[] k = good.clone();
        k[1] = 99;
        assertThrows(RecordFormatException.class, () -> SignedRecord.decode(k));
        // random bytes and random flips: a RecordFormatException or a record, never anything else
        Random r = new Random(42);
        for (int i = 0; i < 1000; i++) {
            byte[] g = i % 2 == 0 ? new byte[r.nextInt(300)] : good.clone();
            if (i % 2 == 0) {
                r.nextBytes(g);
                if (g.length > 0) {
                    g[0] = 1;
                }
            } else {
                for (int j = 0; j < 1 + r.nextInt(4); j++) {
                    g[r.nextInt(g.length)] = (byte) r.nextInt();
                }
            }
            try {
                SignedRecord s = SignedRecord.decode(g);
                verifier().verify(s); // must not throw either
            } catch (RecordFormatException expected) {
                // fine
            }
        }
        assertThrows(RecordFormatException.class, () -> RecordCodec.decodeBatch(new byte[] {1, 0x7f, 0, 0, 0}));
        assertThrows(RecordFormatException.class, () -> RecordCodec.decodeBatch(new byte[] {1, 0, 0, 0, 1, 0x7f, 0, 0, 0}));
    }

    @Test
    void oversizedFieldsAreRefusedOnBothSides() {
        assertThrows(IllegalArgumentException.class,
                () -> n1.sign(RecordKind.ACL_USER, "k", new byte[RecordCodec.MAX_VALUE_BYTES + 1]));
        assertThrows(IllegalArgumentException.class,
                () -> n1.sign(RecordKind.ACL_USER, "x".repeat(RecordCodec.MAX_KEY_BYTES + 1), b("v")));
    }

    // ------------------------------------------------------------------ verifier

    @Test
    void verifierChecksChainOriginSignatureRevocationPolicyAndClock() {
        RecordVerifier v = verifier();
        SignedRecord ok = n1.sign(RecordKind.ACL_USER, "alice", b("on"));
        assertNull(v.verify(ok));

        Record tampered = new Record(ok.kind(), ok.key(), ok.version(), b("on >newpass ~* +@all"));
        assertEquals(RecordVerifier.BAD_SIGNATURE, v.verify(new SignedRecord(tampered, ok.signature(), ok.chain())));

        SignedRecord spoofed = n1.sign(new Record(RecordKind.ACL_USER, "alice", new Version(n1.clock().now(), "n2"), b("x")));
        assertEquals(RecordVerifier.ORIGIN_MISMATCH, v.verify(spoofed));

        assertEquals(RecordVerifier.UNTRUSTED_CHAIN, v.verify(foreign.sign(RecordKind.ACL_USER, "alice", b("x"))));
        // a signer presenting someone else's certificate with its own key
        SignedRecord stolenCert = new SignedRecord(ok.record(), foreign.sign(ok.record()).signature(), ok.chain());
        assertEquals(RecordVerifier.BAD_SIGNATURE, v.verify(stolenCert));

        X509Certificate leaf = ok.signer();
        RecordVerifier revoking = new RecordVerifier(List.of(certs.ca().cert()), c -> c.equals(leaf), RecordPolicy.ALLOW_ALL);
        assertEquals(RecordVerifier.REVOKED_SIGNER, revoking.verify(ok));

        RecordVerifier strict = new RecordVerifier(List.of(certs.ca().cert()), null,
                (rec, signer) -> rec.key().equals("default") ? "admin-not-allowed" : null);
        assertEquals("admin-not-allowed", strict.verify(n1.sign(RecordKind.ACL_USER, "default", b("on"))));
        assertNull(strict.verify(ok));
    }

    @Test
    void futureVersionsAndAnchorRotation() {
        TestCertificates.Identity id = certs.newClient("n3");
        RecordSigner ahead = new RecordSigner(id.key(), List.of(id.cert()),
                new HybridClock(() -> System.currentTimeMillis() + Duration.ofHours(1).toMillis()));
        RecordVerifier v = verifier();
        assertEquals(RecordVerifier.FUTURE_VERSION, v.verify(ahead.sign(RecordKind.ACL_USER, "a", b("x"))));
        SignedRecord ok = n1.sign(RecordKind.ACL_USER, "alice", b("on"));
        assertNull(v.verify(ok));
        v.updateTrustAnchors(List.of(otherCa.ca().cert()));
        assertEquals(RecordVerifier.UNTRUSTED_CHAIN, v.verify(ok)); // the cache was dropped
        assertNull(v.verify(foreign.sign(RecordKind.ACL_USER, "alice", b("x"))));
        v.updateTrustAnchors(List.of(otherCa.ca().cert(), certs.ca().cert()));
        assertNull(v.verify(ok));
    }

    // ------------------------------------------------------------------ store

    @Test
    void mergeIsLastWriterWinsWhateverTheOrder() {
        List<SignedRecord> changes = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            RecordSigner s = i % 2 == 0 ? n1 : n2;
            String key = "u" + (i % 5);
            changes.add(i % 7 == 3 ? s.delete(RecordKind.ACL_USER, key) : s.sign(RecordKind.ACL_USER, key, b("v" + i)));
        }
        // a tie on hlc between two origins: the higher origin wins
        long hlc = n1.clock().now();
        changes.add(n1.sign(new Record(RecordKind.ACL_USER, "tie", new Version(hlc, "n1"), b("from n1"))));
        changes.add(n2.sign(new Record(RecordKind.ACL_USER, "tie", new Version(hlc, "n2"), b("from n2"))));
        RecordStore first = new RecordStore();
        changes.forEach(first::offer);
        for (int round = 0; round < 5; round++) {
            List<SignedRecord> shuffled = new ArrayList<>(changes);
            Collections.shuffle(shuffled, new Random(round));
            RecordStore other = new RecordStore();
            shuffled.forEach(other::offer);
            shuffled.forEach(other::offer); // duplicates change nothing
            for (RecordKind k : RecordKind.values()) {
                assertEquals(first.digest(k), other.digest(k));
            }
            assertEquals(first.version(RecordKind.ACL_USER), other.version(RecordKind.ACL_USER));
        }
        assertArrayEquals(b("from n2"), first.value(RecordKind.ACL_USER, "tie"));
        assertEquals(hlc, first.get(RecordKind.ACL_USER, "tie").version().hlc());
    }

    @Test
    void listenersSeeAppliedChangesOnly() {
        RecordStore s = new RecordStore();
        List<String> seen = new ArrayList<>();
        s.addListener((now, before) -> seen.add(now.key() + ":" + (before == null ? "new" : "replaced")
                + (now.record().tombstone() ? ":deleted" : "")));
        SignedRecord a1 = n1.sign(RecordKind.ACL_USER, "a", b("1"));
        SignedRecord a2 = n1.sign(RecordKind.ACL_USER, "a", b("2"));
        assertTrue(s.offer(a2));
        assertFalse(s.offer(a1)); // older: stale
        assertTrue(s.offer(n1.delete(RecordKind.ACL_USER, "a")));
        assertEquals(List.of("a:new", "a:replaced:deleted"), seen);
        assertEquals(1, s.staleCount());
        assertNull(s.value(RecordKind.ACL_USER, "a"));
        assertEquals(0, s.all(RecordKind.ACL_USER).size());
        assertEquals(1, s.entries(RecordKind.ACL_USER).size());
        s.rejected("bad-signature");
        s.rejected("bad-signature");
        assertEquals(2L, s.rejectedCounts().get("bad-signature"));
    }

    @Test
    void tombstonesAreCollectedAfterTheTtlAndOldOnesNeverComeBack() {
        AtomicLong wall = new AtomicLong(System.currentTimeMillis());
        HybridClock clock = new HybridClock(wall::get);
        TestCertificates.Identity id = certs.newClient("n9");
        RecordSigner s9 = new RecordSigner(id.key(), List.of(id.cert()), clock);
        RecordStore store = new RecordStore(Duration.ofMinutes(10), wall::get);
        store.offer(s9.sign(RecordKind.ACL_USER, "gone", b("x")));
        SignedRecord tomb = s9.delete(RecordKind.ACL_USER, "gone");
        assertTrue(store.offer(tomb));
        wall.addAndGet(Duration.ofMinutes(9).toMillis());
        assertEquals(0, store.gc());
        wall.addAndGet(Duration.ofMinutes(2).toMillis());
        assertEquals(1, store.gc());
        assertEquals(0, store.size(RecordKind.ACL_USER));
        assertEquals(1, store.collectedCount());
        // the same tombstone gossiped again by a slower collector is not stored again
        assertFalse(store.offer(tomb));
        assertEquals(1, store.expiredTombstoneCount());
        // forget drops a record only at the expected version
        SignedRecord live = s9.sign(RecordKind.ACL_USER, "old", b("y"));
        store.offer(live);
        assertFalse(store.forget(RecordKind.ACL_USER, "old", new Version(1, "n9")));
        assertTrue(store.forget(RecordKind.ACL_USER, "old", live.version()));
        assertNull(store.get(RecordKind.ACL_USER, "old"));
    }
}
