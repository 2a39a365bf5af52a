package io.redmesh.agent.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.redmesh.agent.pki.CertificateAuthority;
import io.redmesh.agent.pki.CertificateRequests;
import io.redmesh.agent.pki.Role;
import io.redmesh.agent.pki.SanPolicy;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A record signed while its signer's (short-lived) leaf was valid is still accepted when it
 * arrives after that leaf expired (anti-entropy catch-up); revocation still wins.
 */
class RecordCatchUpTest {
    @Test
    void aRecordOutlivesItsSignersLeafButNotARevocation() throws Exception {
        CertificateAuthority root = CertificateAuthority.createRoot("Catch-up Root", Duration.ofDays(1));
        CertificateAuthority issuing = root.createIssuing("catch-up-issuer", Duration.ofDays(1));
        KeyPair kp = CertificateRequests.newKeyPair();
        var csr = CertificateRequests.parse(CertificateRequests.create(kp, "n1", List.of(), List.of()));
        X509Certificate leaf = issuing.signLeaf(csr, "n1", Role.NODE, Duration.ofMinutes(10), SanPolicy.defaults());
        RecordSigner signer = new RecordSigner(kp.getPrivate(), issuing.leafChain(leaf), new HybridClock());
        SignedRecord r = signer.sign(RecordKind.ACL_USER, "alice", "on".getBytes(StandardCharsets.US_ASCII));

        long twoHoursLater = System.currentTimeMillis() + Duration.ofHours(2).toMillis();
        RecordVerifier later = new RecordVerifier(List.of(root.certificate()), c -> false, RecordPolicy.ALLOW_ALL,
                () -> twoHoursLater, 60_000);
        assertNull(later.verify(r), "the leaf expired since, but the record was signed while it was valid");

        RecordVerifier revoked = new RecordVerifier(List.of(root.certificate()),
                c -> c.getSerialNumber().equals(leaf.getSerialNumber()), RecordPolicy.ALLOW_ALL, () -> twoHoursLater, 60_000);
        assertEquals(RecordVerifier.REVOKED_SIGNER, revoked.verify(r));

        CertificateAuthority other = CertificateAuthority.createRoot("Other Root", Duration.ofDays(1));
        RecordVerifier foreign = new RecordVerifier(List.of(other.certificate()), c -> false, RecordPolicy.ALLOW_ALL,
                () -> twoHoursLater, 60_000);
        assertEquals(RecordVerifier.UNTRUSTED_CHAIN, foreign.verify(r));
    }
}
