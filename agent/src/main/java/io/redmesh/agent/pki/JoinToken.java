package io.redmesh.agent.pki;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * A one-time join token: lets a new node get its first certificate. Compact and copy-pastable:
 * {@code rmjt1.<base64url(payload)>.<base64url(signature)>}, where payload is the lines
 * {@code id, node name, role, expiry (epoch seconds), signer} and signer is the SHA-256
 * fingerprint of the CA certificate whose key signed it (an issuing CA, or the root).
 * Anyone holding the trust bundle and the signer's chain can verify it; only an issuer
 * enforces "one time" (it remembers used ids, see IssuerService).
 */
public record JoinToken(String id, String name, Role role, Instant expiresAt, String signer) {
    public static final String PREFIX = "rmjt1.";
    public static final int MAX_LENGTH = 2048;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    /** A new token for {@code name}, valid for {@code ttl}, signed by {@code ca}. */
    public static String mint(CertificateAuthority ca, String name, Role role, Duration ttl) throws PkiException {
        Names.checkNodeName(name);
        if (ttl.isNegative() || ttl.isZero()) {
            throw new PkiException("the token lifetime must be positive");
        }
        byte[] id = new byte[16];
        Pem.RANDOM.nextBytes(id);
        JoinToken t = new JoinToken(HexFormat.of().formatHex(id), name, role,
                Instant.now().plus(ttl), Pem.fingerprint(ca.certificate()));
        byte[] payload = t.payload();
        return PREFIX + B64.encodeToString(payload) + "." + B64.encodeToString(ca.signBytes(payload));
    }

    private byte[] payload() {
        return (id + "\n" + name + "\n" + role.ou() + "\n" + expiresAt.getEpochSecond() + "\n" + signer)
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Syntax only, no signature or expiry check: for display ("token for node-3, expires ..."). */
    public static JoinToken parse(String token) throws PkiException {
        return decode(token).token;
    }

    private record Decoded(JoinToken token, byte[] payload, byte[] signature) {}

    private static Decoded decode(String token) throws PkiException {
        if (token == null || token.isBlank()) {
            throw new PkiException("join token: empty");
        }
        String t = token.strip();
        if (t.length() > MAX_LENGTH) {
            throw new PkiException("join token: too long");
        }
        if (!t.startsWith(PREFIX)) {
            throw new PkiException("join token: not a RedMesh join token (expected rmjt1....)");
        }
        String[] parts = t.substring(PREFIX.length()).split("\\.", -1);
        if (parts.length != 2) {
            throw new PkiException("join token: malformed (expected rmjt1.<payload>.<signature>)");
        }
        try {
            byte[] payload = B64D.decode(parts[0]);
            byte[] sig = B64D.decode(parts[1]);
            String[] f = new String(payload, StandardCharsets.UTF_8).split("\n", -1);
            if (f.length != 5 || !f[0].matches("[0-9a-f]{32}") || !f[4].matches("[0-9a-f]{64}")) {
                throw new PkiException("join token: malformed payload");
            }
            Names.checkNodeName(f[1]);
            JoinToken jt = new JoinToken(f[0], f[1], Role.parse(f[2]),
                    Instant.ofEpochSecond(Long.parseLong(f[3])), f[4]);
            return new Decoded(jt, payload, sig);
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            throw new PkiException("join token: malformed (" + e.getMessage() + ")");
        } catch (PkiException e) {
            throw new PkiException(e.getMessage().startsWith("join token") ? e.getMessage()
                    : "join token: " + e.getMessage());
        }
    }

    /**
     * Checks the signature and expiry: the signer is found among {@code issuerChain} (the
     * issuing CA's chain) or the bundle, must be a CA chaining to {@code bundle} and valid now.
     * Does not check reuse.
     */
    public static JoinToken verify(String token, TrustBundle bundle, List<X509Certificate> issuerChain,
                                   Instant now) throws PkiException {
        Decoded d = decode(token);
        JoinToken jt = d.token;
        List<X509Certificate> signerChain = null;
        for (int i = 0; i < issuerChain.size() && signerChain == null; i++) {
            if (Pem.fingerprint(issuerChain.get(i)).equals(jt.signer)) {
                signerChain = new ArrayList<>(issuerChain.subList(i, issuerChain.size()));
            }
        }
        if (signerChain == null && bundle.find(jt.signer) != null) {
            signerChain = List.of(bundle.find(jt.signer));
        }
        if (signerChain == null) {
            throw new PkiException("join token: signed by an unknown CA");
        }
        X509Certificate signer = signerChain.get(0);
        if (signer.getBasicConstraints() < 0) {
            throw new PkiException("join token: the signer is not a CA");
        }
        if (!Keys.verify(signer.getPublicKey(), d.payload, d.signature)) {
            throw new PkiException("join token: bad signature");
        }
        try {
            bundle.verify(signerChain, now);
        } catch (PkiException e) {
            throw new PkiException("join token: its signer is not trusted: " + e.getMessage(), e);
        }
        if (!now.isBefore(jt.expiresAt)) {
            throw new PkiException("join token: expired at " + jt.expiresAt);
        }
        return jt;
    }
}
