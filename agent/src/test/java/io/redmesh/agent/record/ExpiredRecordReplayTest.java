package io.redmesh.agent.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.agent.pki.CertificateAuthority;
import io.redmesh.agent.pki.CertificateRequests;
import io.redmesh.agent.pki.Role;
import io.redmesh.agent.pki.SanPolicy;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Records stay verifiable after their signer's leaf expired (they are checked at their signing
 * time), so a member that kept an old record could replay it after the delete's tombstone was
 * collected and bring the user back (even an administrator: the old record carries the operator's
 * signature). A member that is in sync with the mesh never takes a live record older than the
 * tombstone TTL for a key it does not hold: the mesh would have it already, or deleted it. A
 * fresh member (first sync) and a stale one (away longer than the TTL) still take them: that is
 * how they learn old users; the long-partition rule keeps them from passing such records on.
 */
class ExpiredRecordReplayTest {
    private static final long HOUR = 3_600_000L;

    @Test
    void anOldRecordForAnUnknownKeyIsRefusedByAnInSyncMember() throws Exception {
        CertificateAuthority root = CertificateAuthority.createRoot("replay-root", Duration.ofDays(30));
        KeyPair keys = CertificateRequests.newKeyPair();
        var csr = CertificateRequests.parse(CertificateRequests.create(keys, "op1", List.of(), List.of()));
        X509Certificate leaf = root.signLeaf(csr, "op1", Role.OPERATOR, Duration.ofDays(3), SanPolicy.defaults());
        AtomicLong wall = new AtomicLong(System.currentTimeMillis());
        RecordSigner op = new RecordSigner(keys.getPrivate(), List.of(leaf), new HybridClock(wall::get));
        SignedRecord admin = op.sign(RecordKind.ACL_USER, "ops", "on nopass ~* +@all".getBytes(StandardCharsets.UTF_8));
        wall.addAndGet(2 * HOUR); // created, deleted, tombstone collected (TTL 1 h) meanwhile

        RecordStore fresh = new RecordStore(Duration.ofHours(1), wall::get);
        assertTrue(fresh.offer(admin), "a member's first sync learns old users");

        RecordStore inSync = new RecordStore(Duration.ofHours(1), wall::get);
        inSync.markSynced(wall.get());
        assertFalse(inSync.offer(admin), "an old record for a key the mesh no longer has is a replay");
        assertNull(inSync.get(RecordKind.ACL_USER, "ops"));
        assertEquals(1, inSync.expiredRecordCount());

        RecordStore stale = new RecordStore(Duration.ofHours(1), wall::get);
        stale.markSynced(wall.get() - 2 * HOUR);
        assertTrue(stale.offer(admin), "a member away longer than the TTL may have missed it");

        // updates of keys a member holds are ordinary last-writer-wins, whatever their age
        RecordStore holder = new RecordStore(Duration.ofHours(1), wall::get);
        holder.offer(admin);
        holder.markSynced(wall.get());
        assertNotNull(holder.get(RecordKind.ACL_USER, "ops"));
        assertTrue(holder.offer(op.sign(RecordKind.ACL_USER, "ops", "off".getBytes(StandardCharsets.UTF_8))));
    }
}
