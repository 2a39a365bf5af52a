package io.redmesh.agent.record;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Decides whether a record from a peer may be merged. In order:
 * <ol>
 *   <li>the version is not from the future: physical time at most {@code maxClockSkewMillis}
 *       ahead of ours (a far-future version would win every later change) -> {@code future-version};</li>
 *   <li>the chain (leaf + intermediates) validates by PKIX to one of the current trust anchors,
 *       at the time the record was signed (its version's physical time, or now if that is
 *       later), without CRL/OCSP -> {@code untrusted-chain}. Not at the current time: records
 *       outlive the leaves that signed them (a user lives for months, a leaf for hours), and a
 *       node that joins or restarts must still accept the records anti-entropy brings it;</li>
 *   <li>no certificate of the chain is revoked by the pluggable check, now -> {@code revoked-signer}.
 *       The price of the previous rule: whoever holds the key of an expired, unrevoked leaf can
 *       still sign records dated inside that leaf's lifetime, so a decommissioned or compromised
 *       node's serials must be revoked (the audit log lists every certificate it was issued);</li>
 *   <li>the record's origin is the leaf's CN: a member cannot speak for another -> {@code origin-mismatch};</li>
 *   <li>the signature over {@link RecordCodec#signedBytes} verifies with the leaf's key -> {@code bad-signature};</li>
 *   <li>the {@link RecordPolicy} accepts it -> its reason.</li>
 * </ol>
 * Thread-safe. Successful chain validations are cached (by chain fingerprint with the chain's
 * validity window, until the trust anchors change); revocation and the policy are asked every time.
 */
public final class RecordVerifier {
    public static final String FUTURE_VERSION = "future-version";
    public static final String UNTRUSTED_CHAIN = "untrusted-chain";
    public static final String REVOKED_SIGNER = "revoked-signer";
    public static final String ORIGIN_MISMATCH = "origin-mismatch";
    public static final String BAD_SIGNATURE = "bad-signature";

    private volatile Set<TrustAnchor> anchors;
    private final Predicate<X509Certificate> revoked;
    private final RecordPolicy policy;
    private final LongSupplier wallMillis;
    private final long maxClockSkewMillis;
    /** chain fingerprint -> {latest not-before, earliest not-after} (ms), for chains that validated. */
    private final Map<String, long[]> validChains = new ConcurrentHashMap<>();

    public RecordVerifier(Collection<X509Certificate> trustAnchors, Predicate<X509Certificate> revokedCheck,
                          RecordPolicy policy) {
        this(trustAnchors, revokedCheck, policy, System::currentTimeMillis, 5 * 60_000L);
    }

    public RecordVerifier(Collection<X509Certificate> trustAnchors, Predicate<X509Certificate> revokedCheck,
                          RecordPolicy policy, LongSupplier wallMillis, long maxClockSkewMillis) {
        this.revoked = revokedCheck == null ? c -> false : revokedCheck;
        this.policy = policy == null ? RecordPolicy.ALLOW_ALL : policy;
        this.wallMillis = wallMillis;
        this.maxClockSkewMillis = maxClockSkewMillis;
        updateTrustAnchors(trustAnchors);
    }

    /** Replaces the trust anchors (CA rotation: new bundle). Records already merged stay. */
    public void updateTrustAnchors(Collection<X509Certificate> trustAnchors) {
        Set<TrustAnchor> a = new HashSet<>();
        for (X509Certificate c : trustAnchors) {
            a.add(new TrustAnchor(c, null));
        }
        if (a.isEmpty()) {
            throw new IllegalArgumentException("no trust anchors");
        }
        anchors = a;
        validChains.clear();
    }

    /** Null when the record may be merged, else the rejection reason (one of the constants or the policy's). */
    public String verify(SignedRecord s) {
        long now = wallMillis.getAsLong();
        long signedAt = s.version().physicalMillis();
        if (signedAt > now + maxClockSkewMillis) {
            return FUTURE_VERSION;
        }
        long at = Math.min(signedAt, now);
        // Valid when signed; or, allowing the same clock skew as above, just after: a leaf fresh
        // from an issuer whose clock runs ahead has a notBefore later than the signer's clock.
        if (!chainValid(s.chain(), at) && !chainValid(s.chain(), Math.min(now, at + maxClockSkewMillis))) {
            return UNTRUSTED_CHAIN;
        }
        for (X509Certificate c : s.chain()) {
            if (revoked.test(c)) {
                return REVOKED_SIGNER;
            }
        }
        X509Certificate leaf = s.signer();
        if (!s.version().origin().equals(RecordSigner.commonName(leaf))) {
            return ORIGIN_MISMATCH;
        }
        try {
            Signature v = Signature.getInstance(RecordSigner.algorithm(leaf.getPublicKey().getAlgorithm()));
            v.initVerify(leaf.getPublicKey());
            v.update(RecordCodec.signedBytes(s.record()));
            if (!v.verify(s.signature())) {
                return BAD_SIGNATURE;
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            return BAD_SIGNATURE;
        }
        String why = policy.check(s.record(), leaf);
        return why == null || why.isEmpty() ? null : why;
    }

    /** Whether the chain validates to a current anchor at time {@code at} (ms). */
    private boolean chainValid(List<X509Certificate> chain, long at) {
        String fp;
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (X509Certificate c : chain) {
                md.update(c.getEncoded());
            }
            fp = HexFormat.of().formatHex(md.digest());
        } catch (GeneralSecurityException e) {
            return false;
        }
        long[] window = validChains.get(fp);
        if (window != null && at >= window[0] && at <= window[1]) {
            return true;
        }
        Set<TrustAnchor> a = anchors;
        try {
            PKIXParameters p = new PKIXParameters(a);
            p.setRevocationEnabled(false);
            p.setDate(new java.util.Date(at));
            CertPathValidator.getInstance("PKIX").validate(
                    CertificateFactory.getInstance("X.509").generateCertPath(chain), p);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
        long notBefore = Long.MIN_VALUE;
        long notAfter = Long.MAX_VALUE;
        for (X509Certificate c : chain) {
            notBefore = Math.max(notBefore, c.getNotBefore().getTime());
            notAfter = Math.min(notAfter, c.getNotAfter().getTime());
        }
        if (anchors == a) {
            validChains.put(fp, new long[] {notBefore, notAfter});
        }
        return true;
    }
}
