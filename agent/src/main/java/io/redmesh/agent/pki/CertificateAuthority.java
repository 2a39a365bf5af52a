package io.redmesh.agent.pki;

import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority: its certificate chain ({@code [this CA, its parents..., root]}) and
 * private key. Two kinds: the operator's root ({@link #createRoot}), kept offline with a
 * passphrase, and issuing CAs ({@link #createIssuing}, pathLen 0) that issuer agents hold to
 * sign node leaves ({@link #signLeaf}).
 *
 * <p>Profiles (EC P-256, SHA256withECDSA, random positive 128-bit serials, SKI/AKI):
 * <ul>
 * <li>root: {@code O=RedMesh, CN=<name>}, CA, keyCertSign+cRLSign;
 * <li>issuing: {@code O=RedMesh, CN=<name>}, CA pathLen 0, keyCertSign+cRLSign+digitalSignature
 *     (it also signs join tokens);
 * <li>leaf: {@code O=RedMesh, OU=<role>, CN=<node>}, not a CA, digitalSignature, EKU
 *     serverAuth+clientAuth, SANs = the request's DNS names and IPs (after the
 *     {@link SanPolicy}) plus the URI {@code spiffe://redmesh/node/<node>}.
 * </ul>
 * Validity starts slightly in the past (a tenth of the lifetime, at most a minute) to absorb clock
 * skew between nodes, and never extends past the signing CA's own notAfter.
 */
public final class CertificateAuthority {
    public static final Duration DEFAULT_ROOT_VALIDITY = Duration.ofDays(3650);
    public static final Duration DEFAULT_ISSUING_VALIDITY = Duration.ofDays(365);
    public static final Duration DEFAULT_LEAF_LIFETIME = Duration.ofHours(24);

    private final List<X509Certificate> chain;
    private final PrivateKey key;

    public CertificateAuthority(List<X509Certificate> chain, PrivateKey key) throws PkiException {
        if (chain.isEmpty()) {
            throw new PkiException("a CA needs its certificate");
        }
        if (chain.get(0).getBasicConstraints() < 0) {
            throw new PkiException("'" + Names.commonName(chain.get(0)) + "' is not a CA certificate");
        }
        if (!Keys.matches(chain.get(0).getPublicKey(), key)) {
            throw new PkiException("the CA key does not match the CA certificate '"
                    + Names.commonName(chain.get(0)) + "'");
        }
        this.chain = List.copyOf(chain);
        this.key = key;
    }

    /** This CA's own certificate. */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** {@code [this CA, parents..., root]}. */
    public List<X509Certificate> chain() {
        return chain;
    }

    public PrivateKey privateKey() {
        return key;
    }

    public boolean isRoot() {
        X509Certificate c = certificate();
        return c.getSubjectX500Principal().equals(c.getIssuerX500Principal());
    }

    /** The self-signed certificate at the top of the chain. */
    public X509Certificate root() {
        return chain.get(chain.size() - 1);
    }

    // ---------------------------------------------------------------- creation

    public static CertificateAuthority createRoot(String name, Duration validity) throws PkiException {
        KeyPair kp = CertificateRequests.newKeyPair();
        X500Name subject = Names.caSubject(name);
        Instant now = Instant.now();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, newSerial(),
                    Date.from(now.minus(Duration.ofMinutes(1))), Date.from(now.plus(validity)), subject, kp.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(kp.getPublic()));
            return new CertificateAuthority(List.of(sign(b, kp.getPrivate())), kp.getPrivate());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new PkiException("cannot create the root CA: " + e.getMessage(), e);
        }
    }

    /** A new issuing CA (pathLen 0) signed by this CA, with a fresh key pair. */
    public CertificateAuthority createIssuing(String name, Duration validity) throws PkiException {
        KeyPair kp = CertificateRequests.newKeyPair();
        Instant now = Instant.now();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate(), newSerial(),
                    Date.from(now.minus(Duration.ofMinutes(1))), notAfter(now, validity), Names.caSubject(name), kp.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate()));
            List<X509Certificate> c = new ArrayList<>();
            c.add(sign(b, key));
            c.addAll(chain);
            return new CertificateAuthority(c, kp.getPrivate());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new PkiException("cannot create the issuing CA: " + e.getMessage(), e);
        }
    }

    /**
     * Signs a leaf for {@code name} from a parsed request. The request's CN must be the name;
     * its SANs pass {@code policy}; the SPIFFE URI is added here.
     */
    public X509Certificate signLeaf(CertificateRequests.Parsed req, String name, Role role, Duration lifetime,
                                    SanPolicy policy) throws PkiException {
        Names.checkNodeName(name);
        if (!req.commonName().equals(name)) {
            throw new PkiException("the request is for '" + req.commonName() + "', not for '" + name + "'");
        }
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new PkiException("the certificate lifetime must be positive");
        }
        policy.check(name, req.dnsNames(), req.ips());
        return signLeaf(req.publicKey(), name, role, lifetime, req.dnsNames(), req.ips());
    }

    private X509Certificate signLeaf(PublicKey pub, String name, Role role, Duration lifetime,
                                     List<String> dns, List<InetAddress> ips) throws PkiException {
        Instant now = Instant.now();
        Duration skew = lifetime.dividedBy(10);
        if (skew.compareTo(Duration.ofMinutes(1)) > 0) {
            skew = Duration.ofMinutes(1);
        }
        List<GeneralName> sans = new ArrayList<>();
        boolean client = role == Role.CLIENT;
        // a client serves nothing: no host names (a DNS name would satisfy a DNS-form
        // tls-expected-peer-name or a hostname check) and no serverAuth
        for (String d : client ? List.<String>of() : dns) {
            sans.add(new GeneralName(GeneralName.dNSName, d));
        }
        for (InetAddress ip : client ? List.<InetAddress>of() : ips) {
            sans.add(new GeneralName(GeneralName.iPAddress, ip.getHostAddress()));
        }
        sans.add(new GeneralName(GeneralName.uniformResourceIdentifier, Names.spiffeUri(name, role).toString()));
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate(), newSerial(),
                    Date.from(now.minus(skew)), notAfter(now, lifetime), Names.leafSubject(name, role), pub)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(client
                            ? new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth}
                            : new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pub))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate()));
            return sign(b, key);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new PkiException("cannot sign the certificate: " + e.getMessage(), e);
        }
    }

    /**
     * What a node presents: {@code [leaf, issuing CAs...]}, without the self-signed root (peers
     * hold it in their trust bundle).
     */
    public List<X509Certificate> leafChain(X509Certificate leaf) {
        List<X509Certificate> out = new ArrayList<>();
        out.add(leaf);
        for (X509Certificate c : chain) {
            if (!c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
                out.add(c);
            }
        }
        return out;
    }

    /** Signs arbitrary bytes with this CA's key (join tokens, trust bundles). */
    public byte[] signBytes(byte[] data) throws PkiException {
        return Keys.sign(key, data);
    }

    private Date notAfter(Instant now, Duration validity) {
        Instant wanted = now.plus(validity);
        Instant limit = certificate().getNotAfter().toInstant();
        return Date.from(wanted.isAfter(limit) ? limit : wanted);
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws PkiException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder(CertificateRequests.SIGNATURE_ALGORITHM).build(key)));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new PkiException("cannot sign: " + e.getMessage(), e);
        }
    }

    /** 128 random bits, positive and non-zero (RFC 5280: at most 20 octets, positive). */
    static BigInteger newSerial() {
        byte[] b = new byte[16];
        BigInteger s;
        do {
            Pem.RANDOM.nextBytes(b);
            s = new BigInteger(1, b);
        } while (s.signum() == 0);
        return s;
    }
}
