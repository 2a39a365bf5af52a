package io.redmesh.agent.pki;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;

/** Signatures over raw bytes (tokens, bundles, renewal proofs) and key/certificate matching. */
public final class Keys {
    private Keys() {}

    public static byte[] sign(PrivateKey key, byte[] data) throws PkiException {
        try {
            Signature s = Signature.getInstance(algorithm(key.getAlgorithm()));
            s.initSign(key, Pem.RANDOM);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new PkiException("cannot sign: " + e.getMessage(), e);
        }
    }

    /** False for a bad or malformed signature; never throws on garbage. */
    public static boolean verify(PublicKey key, byte[] data, byte[] signature) {
        try {
            Signature s = Signature.getInstance(algorithm(key.getAlgorithm()));
            s.initVerify(key);
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** Whether the private key belongs to the public key (signs and verifies a probe). */
    public static boolean matches(PublicKey pub, PrivateKey key) {
        if (pub instanceof ECPublicKey && !(key instanceof ECPrivateKey)) {
            return false;
        }
        try {
            byte[] probe = "redmesh key match probe".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            return verify(pub, probe, sign(key, probe));
        } catch (PkiException e) {
            return false;
        }
    }

    private static String algorithm(String keyAlgorithm) {
        return switch (keyAlgorithm) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> "SHA256with" + keyAlgorithm;
        };
    }
}
