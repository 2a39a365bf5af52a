package io.redmesh.agent.pki;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Replacing the root CA without downtime, in three published steps:
 * <ol>
 * <li>the overlap bundle [current roots..., new root] (sequence N+1) is gossiped: every node
 *     trusts both, so leaves from either CA are accepted;
 * <li>the new issuing CA (signed by the new root) is pushed to the issuer agents, and every node
 *     renews ({@code CertificateRotator.forceRenew()}), getting a leaf from the new CA;
 * <li>after the overlap window ({@link Result#overlapUntil()}: at least one leaf lifetime, so no
 *     old leaf is still in use), the final bundle [new root] (sequence N+2) removes the old CA.
 * </ol>
 * Both bundles are signed by the old and the new root (see {@link SignedTrustBundle}). The old
 * root's key is still needed for this one step; the CLI keeps it as ca-SERIAL.key.
 */
public final class CaRotation {
    public static final Duration DEFAULT_OVERLAP = Duration.ofHours(48);

    private CaRotation() {}

    /** Everything a rotation produces; {@code newIssuing} is null when no issuer was named. */
    public record Result(CertificateAuthority newRoot, CertificateAuthority newIssuing,
                         TrustBundle overlapBundle, TrustBundle finalBundle,
                         SignedTrustBundle overlap, SignedTrustBundle fin, Instant overlapUntil) {}

    /**
     * @param oldRoot          the root being replaced (with its key)
     * @param current          the bundle nodes trust now (normally [oldRoot])
     * @param currentSequence  its sequence (0 when no signed bundle was published yet)
     */
    public static Result rotate(CertificateAuthority oldRoot, TrustBundle current, long currentSequence,
                                String newRootName, Duration rootValidity, String issuerName,
                                Duration issuerValidity, Duration overlap) throws PkiException {
        if (!oldRoot.isRoot()) {
            throw new PkiException("only a root CA can be rotated (found the issuing CA '"
                    + Names.commonName(oldRoot.certificate()) + "')");
        }
        if (!current.contains(oldRoot.certificate())) {
            throw new PkiException("the current trust bundle does not contain the root being rotated");
        }
        CertificateAuthority newRoot = CertificateAuthority.createRoot(newRootName, rootValidity);
        CertificateAuthority issuing = issuerName == null ? null : newRoot.createIssuing(issuerName, issuerValidity);
        TrustBundle overlapBundle = current.with(newRoot.certificate());
        TrustBundle finalBundle = overlapBundle.without(oldRoot.certificate());
        Instant until = Instant.now().plus(overlap);
        List<CertificateAuthority> signers = List.of(oldRoot, newRoot);
        SignedTrustBundle o = SignedTrustBundle.sign(overlapBundle, currentSequence + 1, until, signers);
        SignedTrustBundle f = SignedTrustBundle.sign(finalBundle, currentSequence + 2, null, signers);
        return new Result(newRoot, issuing, overlapBundle, finalBundle, o, f, o.overlapUntil());
    }
}
