package io.redmesh.agent.enroll;

import io.redmesh.agent.pki.CertificateAuthority;
import io.redmesh.agent.pki.Names;
import io.redmesh.agent.pki.Pem;
import io.redmesh.agent.pki.PkiException;
import io.redmesh.agent.pki.RevocationList;
import io.redmesh.agent.pki.SignedTrustBundle;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The operator's side of TRUST and REVOKE {@link IssuerRequest}s (what {@code redmesh ca publish}
 * and {@code redmesh ca revoke} send): the frames, signed by a root key the operator holds, and
 * one call to an issuer. The issuer checks everything again; these checks only turn an operator
 * mistake into a clear message before anything is sent.
 *
 * <pre>
 * TRUST  [signed bundle, issuing chain PEM, issuing key PEM, root fingerprint, signature over the first 4]
 *        or just [signed bundle] when no new issuing CA comes along
 * REVOKE [revocation list, root fingerprint, signature over the first 2]
 * </pre>
 */
public final class OperatorRequests {
    private OperatorRequests() {}

    /** A TRUST request publishing {@code bundle} alone (its own root signatures authorise it). */
    public static IssuerRequest trust(SignedTrustBundle bundle) {
        return IssuerRequest.of(IssuerRequest.Type.TRUST, bundle.encode());
    }

    /**
     * A TRUST request that also hands the issuer a new issuing CA, signed by {@code root}, which
     * must be in the bundle and be the root the issuing CA chains to.
     */
    public static IssuerRequest trust(SignedTrustBundle bundle, CertificateAuthority issuing, CertificateAuthority root)
            throws PkiException {
        if (!root.isRoot()) {
            throw new PkiException("the signing CA '" + Names.commonName(root.certificate()) + "' is not a root");
        }
        if (!bundle.bundle().contains(root.certificate())) {
            throw new PkiException("the root '" + Names.commonName(root.certificate())
                    + "' is not in the bundle being published (sequence " + bundle.sequence() + ")");
        }
        if (issuing.isRoot() || !issuing.root().equals(root.certificate())) {
            throw new PkiException("the issuing CA '" + Names.commonName(issuing.certificate())
                    + "' does not chain to the root '" + Names.commonName(root.certificate()) + "'");
        }
        List<byte[]> fields = new ArrayList<>(List.of(bundle.encode(),
                Pem.certificates(issuing.chain()).getBytes(StandardCharsets.US_ASCII),
                Pem.privateKey(issuing.privateKey()).getBytes(StandardCharsets.US_ASCII),
                Pem.fingerprint(root.certificate()).getBytes(StandardCharsets.US_ASCII)));
        fields.add(root.signBytes(IssuerRequest.signedPart(fields)));
        return new IssuerRequest(IssuerRequest.Type.TRUST, fields);
    }

    /** A REVOKE request for one serial, signed by {@code root}. */
    public static IssuerRequest revoke(BigInteger serial, String reason, CertificateAuthority root) throws PkiException {
        return revoke(new RevocationList(List.of()).with(serial, Instant.now(), reason), root);
    }

    /** A REVOKE request for every entry of {@code list}, signed by {@code root}. */
    public static IssuerRequest revoke(RevocationList list, CertificateAuthority root) throws PkiException {
        if (!root.isRoot()) {
            throw new PkiException("revocations are signed by a root; '" + Names.commonName(root.certificate())
                    + "' is an issuing CA");
        }
        if (list.entries().isEmpty()) {
            throw new PkiException("nothing to revoke");
        }
        List<byte[]> fields = new ArrayList<>(List.of(list.encode(),
                Pem.fingerprint(root.certificate()).getBytes(StandardCharsets.US_ASCII)));
        fields.add(root.signBytes(IssuerRequest.signedPart(fields)));
        return new IssuerRequest(IssuerRequest.Type.REVOKE, fields);
    }

    /**
     * Sends {@code request} to the issuer at host:port, which must present a certificate chaining
     * to {@code trust} for that address; returns its text answer ("OK ..." or "ERR ...").
     */
    public static String send(String host, int port, Collection<X509Certificate> trust, IssuerRequest request)
            throws IOException {
        byte[] answer = EnrollmentClient.call(host, port, trust, () -> null, request.encode());
        return new String(answer, StandardCharsets.UTF_8);
    }

    /** Parses a serial as printed by RedMesh and openssl: hex, optional "0x", ':' separators allowed. */
    public static BigInteger parseSerial(String s) throws PkiException {
        String t = s == null ? "" : s.strip().replace(":", "").toLowerCase(java.util.Locale.ROOT);
        if (t.startsWith("0x")) {
            t = t.substring(2);
        }
        if (!t.matches("[0-9a-f]{1,40}")) {
            throw new PkiException("invalid serial '" + s + "' (expected 1-40 hex digits, as in INFO security cert_serial)");
        }
        BigInteger v = new BigInteger(t, 16);
        if (v.signum() == 0) {
            throw new PkiException("invalid serial '" + s + "': serial 0 is never issued");
        }
        return v;
    }

    /** Whether the issuer's answer is a refusal. */
    public static boolean refused(String answer) {
        return !answer.startsWith("OK");
    }
}
