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
 * Leaves live hours (24 h by default) and records live as long as the user they describe. A
 * record must stay acceptable after the leaf that signed it expired, or no node that joins or
 * restarts more than one leaf lifetime after a change could ever receive it (anti-entropy would
 * offer it every second and it would be rejected as untrusted every time). The chain is checked
 * at the time the record says it was signed; revocation is checked now.
 */
class RecordSignedWhileValidTest {
    private static final long HOUR = 3_600_000L;

    @Test
    void aRecordOutlivesTheLeafThatSignedIt() throws Exception {
        CertificateAuthority root = CertificateAuthority.createRoot("records-root", Duration.ofDays(30));
        CertificateAuthority issuing = root.createIssuing("records-issuing", Duration.ofDays(10));
        KeyPair keys = CertificateRequests.newKeyPair();
        var csr = CertificateRequests.parse(CertificateRequests.create(keys, "n1", List.of(), List.of()));
        X509Certificate leaf = issuing.signLeaf(csr, "n1", Role.NODE, Duration.ofHours(1), SanPolicy.defaults());
        long t0 = System.currentTimeMillis();

        RecordSigner whileValid = new RecordSigner(keys.getPrivate(), issuing.leafChain(leaf),
                new HybridClock(() -> t0 + 10 * 60_000L));
        SignedRecord r = whileValid.sign(RecordKind.ACL_USER, "alice", "on".getBytes(StandardCharsets.UTF_8));

        RecordVerifier threeHoursLater = new RecordVerifier(List.of(root.certificate()), c -> false,
                RecordPolicy.ALLOW_ALL, () -> t0 + 3 * HOUR, 5 * 60_000L);
        assertNull(threeHoursLater.verify(r), "signed while its leaf was valid: still a good record");

        // A record that claims to be signed after the leaf expired was signed with an expired certificate.
        RecordSigner afterExpiry = new RecordSigner(keys.getPrivate(), issuing.leafChain(leaf),
                new HybridClock(() -> t0 + 2 * HOUR));
        assertEquals(RecordVerifier.UNTRUSTED_CHAIN,
                threeHoursLater.verify(afterExpiry.sign(RecordKind.ACL_USER, "bob", null)));

        // Revocation is checked now, whenever the record was signed.
        RecordVerifier revoking = new RecordVerifier(List.of(root.certificate()),
                c -> c.getSerialNumber().equals(leaf.getSerialNumber()), RecordPolicy.ALLOW_ALL,
                () -> t0 + 3 * HOUR, 5 * 60_000L);
        assertEquals(RecordVerifier.REVOKED_SIGNER, revoking.verify(r));
    }
}
