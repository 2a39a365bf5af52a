package io.redmesh.agent.pki;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The value of a TRUST_BUNDLE record: a {@link TrustBundle}, authorised by root keys. Text, so an
 * operator can read it:
 * <pre>
 * redmesh-trust-bundle 1
 * sequence 3
 * issued 2026-11-28T00:10:00Z
 * overlap-until 2026-11-30T00:10:00Z      ("-" when this is not an overlap bundle)
 * -----BEGIN CERTIFICATE----- ...          (the bundle, in order)
 * signature &lt;signer fingerprint&gt; &lt;base64 signature over every line above&gt;
 * signature ...                            (one or more)
 * </pre>
 *
 * <p>Authorisation rule ({@link #verifyAgainst}): a node accepts a new bundle when at least one
 * signature is by a CA it trusts now and the sequence is newer than the one it holds. A rotation
 * signs the overlap bundle [old, new] and the final bundle [new] with both roots, so a node that
 * missed the overlap bundle still accepts the final one on the old root's word; a replayed older
 * bundle is refused by its sequence.
 */
public record SignedTrustBundle(long sequence, Instant issuedAt, Instant overlapUntil, TrustBundle bundle,
                                Map<String, byte[]> signatures) {
    public static final int MAX_BYTES = 64 * 1024;
    private static final String MAGIC = "redmesh-trust-bundle 1\n";

    /** Signs {@code bundle} with every one of {@code signers} (each a root the operator holds). */
    public static SignedTrustBundle sign(TrustBundle bundle, long sequence, Instant overlapUntil,
                                         List<CertificateAuthority> signers) throws PkiException {
        if (signers.isEmpty()) {
            throw new PkiException("a trust bundle needs at least one signer");
        }
        Instant issued = Instant.ofEpochSecond(Instant.now().getEpochSecond());
        Instant overlap = overlapUntil == null ? null : Instant.ofEpochSecond(overlapUntil.getEpochSecond());
        byte[] body = body(sequence, issued, overlap, bundle);
        Map<String, byte[]> sigs = new LinkedHashMap<>();
        for (CertificateAuthority ca : signers) {
            sigs.put(Pem.fingerprint(ca.certificate()), ca.signBytes(body));
        }
        return new SignedTrustBundle(sequence, issued, overlap, bundle, sigs);
    }

    private static byte[] body(long sequence, Instant issued, Instant overlapUntil, TrustBundle bundle) {
        return (MAGIC + "sequence " + sequence + "\nissued " + issued + "\noverlap-until "
                + (overlapUntil == null ? "-" : overlapUntil.toString()) + "\n" + bundle.toPem())
                .getBytes(StandardCharsets.US_ASCII);
    }

    public byte[] encode() {
        StringBuilder sb = new StringBuilder(new String(body(sequence, issuedAt, overlapUntil, bundle),
                StandardCharsets.US_ASCII));
        for (var e : signatures.entrySet()) {
            sb.append("signature ").append(e.getKey()).append(' ')
                    .append(Base64.getEncoder().encodeToString(e.getValue())).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Parses (and bounds) a record value; signatures are checked by {@link #verifyAgainst}. */
    public static SignedTrustBundle decode(byte[] value) throws PkiException {
        if (value == null || value.length == 0) {
            throw new PkiException("trust bundle record: empty");
        }
        if (value.length > MAX_BYTES) {
            throw new PkiException("trust bundle record: too large (" + value.length + " bytes)");
        }
        String s = new String(value, StandardCharsets.US_ASCII);
        if (!s.startsWith(MAGIC)) {
            throw new PkiException("trust bundle record: not a RedMesh trust bundle");
        }
        try {
            String[] lines = s.split("\n", -1);
            long seq = Long.parseLong(field(lines[1], "sequence"));
            Instant issued = Instant.parse(field(lines[2], "issued"));
            String ov = field(lines[3], "overlap-until");
            Instant overlap = ov.equals("-") ? null : Instant.parse(ov);
            int sigStart = s.indexOf("\nsignature ");
            if (sigStart < 0) {
                throw new PkiException("trust bundle record: unsigned");
            }
            int pemStart = lines[0].length() + lines[1].length() + lines[2].length() + lines[3].length() + 4;
            TrustBundle bundle = TrustBundle.parse(s.substring(pemStart, sigStart + 1), "trust bundle record");
            Map<String, byte[]> sigs = new LinkedHashMap<>();
            for (String line : s.substring(sigStart + 1).split("\n")) {
                String[] f = line.split(" ");
                if (f.length != 3 || !f[0].equals("signature") || !f[1].matches("[0-9a-f]{64}")) {
                    throw new PkiException("trust bundle record: malformed signature line");
                }
                sigs.put(f[1], Base64.getDecoder().decode(f[2]));
            }
            SignedTrustBundle b = new SignedTrustBundle(seq, issued, overlap, bundle, sigs);
            if (!java.util.Arrays.equals(b.encode(), value)) {
                throw new PkiException("trust bundle record: not in canonical form");
            }
            return b;
        } catch (PkiException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new PkiException("trust bundle record: malformed (" + e.getMessage() + ")", e);
        }
    }

    private static String field(String line, String name) throws PkiException {
        if (!line.startsWith(name + " ")) {
            throw new PkiException("trust bundle record: expected '" + name + "'");
        }
        return line.substring(name.length() + 1);
    }

    /** The fingerprints of the CAs that signed it, in order. */
    public List<String> signers() {
        return new ArrayList<>(signatures.keySet());
    }

    /**
     * Whether a node that trusts {@code current} (at {@code currentSequence}) may adopt this
     * bundle: a valid signature by a CA in {@code current}, and a newer sequence (the same
     * sequence only for the same bundle: a re-delivery). Throws with the reason otherwise.
     */
    public void verifyAgainst(TrustBundle current, long currentSequence) throws PkiException {
        if (sequence < currentSequence || (sequence == currentSequence && !bundle.equals(current))) {
            throw new PkiException("trust bundle record: sequence " + sequence
                    + " is not newer than the current " + currentSequence);
        }
        byte[] body = body(sequence, issuedAt, overlapUntil, bundle);
        for (var e : signatures.entrySet()) {
            X509Certificate signer = current.find(e.getKey());
            if (signer != null && Keys.verify(signer.getPublicKey(), body, e.getValue())) {
                return;
            }
        }
        throw new PkiException("trust bundle record: not signed by a currently trusted CA");
    }
}
