package io.redmesh.agent.pki;

import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The CA certificates a node trusts (normally roots; two of them during a CA rotation's overlap),
 * in order, without duplicates. Immutable: {@link #with}/{@link #without} return new bundles.
 */
public final class TrustBundle {
    public static final int MAX_CERTIFICATES = 16;

    private final Map<String, X509Certificate> byFingerprint; // insertion order

    private TrustBundle(Map<String, X509Certificate> m) {
        this.byFingerprint = m;
    }

    /** Throws unless every certificate is a CA certificate and there are 1..16 of them. */
    public static TrustBundle of(Collection<X509Certificate> cas) throws PkiException {
        Map<String, X509Certificate> m = new LinkedHashMap<>();
        for (X509Certificate c : cas) {
            if (c.getBasicConstraints() < 0) {
                throw new PkiException("trust bundle: '" + c.getSubjectX500Principal() + "' is not a CA certificate");
            }
            m.putIfAbsent(Pem.fingerprint(c), c);
        }
        if (m.isEmpty()) {
            throw new PkiException("trust bundle: empty");
        }
        if (m.size() > MAX_CERTIFICATES) {
            throw new PkiException("trust bundle: more than " + MAX_CERTIFICATES + " certificates");
        }
        return new TrustBundle(m);
    }

    public static TrustBundle parse(String pem, String what) throws PkiException {
        return of(Pem.parseCertificates(pem, what));
    }

    public List<X509Certificate> certificates() {
        return List.copyOf(byFingerprint.values());
    }

    public String toPem() {
        return Pem.certificates(certificates());
    }

    public boolean contains(X509Certificate c) {
        return byFingerprint.containsKey(Pem.fingerprint(c));
    }

    /** The certificate with this SHA-256 fingerprint (hex), or null. */
    public X509Certificate find(String fingerprint) {
        return byFingerprint.get(fingerprint);
    }

    public TrustBundle with(X509Certificate ca) throws PkiException {
        List<X509Certificate> l = new ArrayList<>(byFingerprint.values());
        l.add(ca);
        return of(l);
    }

    public TrustBundle without(X509Certificate ca) throws PkiException {
        List<X509Certificate> l = new ArrayList<>(byFingerprint.values());
        l.removeIf(c -> Pem.fingerprint(c).equals(Pem.fingerprint(ca)));
        return of(l);
    }

    /**
     * PKIX validation of {@code chain} ({@code [leaf, intermediates...]}, a trailing anchor is
     * ignored) at {@code at}: signatures, validity periods, CA constraints and path lengths.
     * Revocation is the caller's business (serials are gossiped, not fetched).
     */
    public void verify(List<X509Certificate> chain, Instant at) throws PkiException {
        if (chain.isEmpty()) {
            throw new PkiException("empty certificate chain");
        }
        List<X509Certificate> path = new ArrayList<>(chain);
        while (path.size() > 1 && contains(path.get(path.size() - 1))) {
            path.remove(path.size() - 1);
        }
        if (path.size() == 1 && contains(path.get(0)) && path.get(0).getBasicConstraints() >= 0) {
            // A trusted CA itself: only its validity period is left to check.
            checkValidity(path.get(0), at);
            return;
        }
        for (X509Certificate c : path) {
            checkValidity(c, at);
        }
        try {
            Set<TrustAnchor> anchors = new HashSet<>();
            for (X509Certificate c : byFingerprint.values()) {
                anchors.add(new TrustAnchor(c, null));
            }
            PKIXParameters p = new PKIXParameters(anchors);
            p.setRevocationEnabled(false);
            p.setDate(Date.from(at));
            CertPath cp = CertificateFactory.getInstance("X.509").generateCertPath(path);
            CertPathValidator.getInstance("PKIX").validate(cp, p);
            // PKIX does not check the anchor's own validity period; we do.
            for (X509Certificate c : byFingerprint.values()) {
                if (c.getSubjectX500Principal().equals(path.get(path.size() - 1).getIssuerX500Principal())) {
                    try {
                        checkValidity(c, at);
                        return;
                    } catch (PkiException ignored) {
                        // another anchor with the same name may be the valid one
                    }
                }
            }
            throw new PkiException("certificate chain: the trusted CA has expired");
        } catch (CertPathValidatorException e) {
            throw new PkiException("certificate '" + Names.commonName(chain.get(0))
                    + "' does not chain to the trust bundle (" + Pem.reason(e) + ")", e);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new PkiException("certificate chain: " + Pem.reason(e), e);
        }
    }

    private static void checkValidity(X509Certificate c, Instant at) throws PkiException {
        try {
            c.checkValidity(Date.from(at));
        } catch (GeneralSecurityException e) {
            throw new PkiException("certificate '" + Names.commonName(c) + "' is not valid at " + at
                    + " (valid " + c.getNotBefore().toInstant() + " to " + c.getNotAfter().toInstant() + ")");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrustBundle t && t.byFingerprint.keySet().equals(byFingerprint.keySet());
    }

    @Override
    public int hashCode() {
        return byFingerprint.keySet().hashCode();
    }

    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        for (X509Certificate c : byFingerprint.values()) {
            names.add(Names.commonName(c) + " #" + c.getSerialNumber().toString(16));
        }
        return "TrustBundle" + names;
    }
}
