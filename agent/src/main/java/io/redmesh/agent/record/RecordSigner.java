package io.redmesh.agent.record;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Makes records as this member: versions them with the member's {@link HybridClock}, sets the
 * origin to the CN of the member's certificate (the only origin verifiers accept from it) and
 * signs them with its key: SHA256withECDSA for EC keys (the mesh's), SHA256withRSA for RSA.
 */
public final class RecordSigner {
    private final PrivateKey key;
    private final List<X509Certificate> chain;
    private final HybridClock clock;
    private final String origin;

    /** chain: the signer's certificate first, then intermediates (no root needed). */
    public RecordSigner(PrivateKey key, List<X509Certificate> chain, HybridClock clock) {
        this.key = key;
        this.chain = List.copyOf(chain);
        this.clock = clock;
        this.origin = commonName(this.chain.get(0));
        if (origin == null) {
            throw new IllegalArgumentException("signer certificate has no CN: " + this.chain.get(0).getSubjectX500Principal());
        }
    }

    /** The origin every record of this signer carries (its certificate's CN). */
    public String origin() {
        return origin;
    }

    public HybridClock clock() {
        return clock;
    }

    /** A new version of (kind, key): value null deletes it (tombstone). */
    public SignedRecord sign(RecordKind kind, String key, byte[] value) {
        return sign(new Record(kind, key, new Version(clock.now(), origin), value == null ? null : value.clone()));
    }

    public SignedRecord delete(RecordKind kind, String key) {
        return sign(kind, key, null);
    }

    /** Signs a record as is (its origin should be {@link #origin()}, or verifiers reject it). */
    public SignedRecord sign(Record record) {
        try {
            Signature s = Signature.getInstance(algorithm(key.getAlgorithm()));
            s.initSign(key);
            s.update(RecordCodec.signedBytes(record));
            return new SignedRecord(record, s.sign(), chain);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign " + record, e);
        }
    }

    /** The signature algorithm for a key algorithm ("EC" or "RSA"). */
    public static String algorithm(String keyAlgorithm) {
        return switch (keyAlgorithm) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> throw new IllegalArgumentException("unsupported key algorithm " + keyAlgorithm);
        };
    }

    /** The (last) CN of a certificate's subject, or null. */
    public static String commonName(X509Certificate cert) {
        try {
            String cn = null;
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    cn = rdn.getValue().toString();
                }
            }
            return cn;
        } catch (InvalidNameException e) {
            return null;
        }
    }
}
