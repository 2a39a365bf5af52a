package io.redmesh.node.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObjectGenerator;

/**
 * TLS material for tests, made fresh at test time in a temporary directory (never committed):
 * a CA, a server certificate for 127.0.0.1/localhost, client certificates, an untrusted CA and
 * its client, an expired client, encrypted copies of the server key and a key that matches no
 * certificate. Files are PEM, as redis-server and redis-cli read them.
 *
 * <pre>
 * try (TestCertificates certs = TestCertificates.create();
 *      ServerFixture s = ServerFixture.start(certs.serverArgs("--tls-auth-clients", "no"))) { ... }
 * </pre>
 */
public final class TestCertificates implements AutoCloseable {
    /** Passphrase of {@link #serverKeyPkcs8Encrypted()} and {@link #serverKeyTraditionalEncrypted()}. */
    public static final String PASSPHRASE = "s3cret pass";

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Not registered globally: only the PEM encryption here needs it. */
    private static final java.security.Provider BC = new org.bouncycastle.jce.provider.BouncyCastleProvider();

    private final Path dir;
    private final Identity ca;
    private final Identity untrustedCa;

    /** A certificate with its key and the files they were written to. */
    public record Identity(String name, KeyPair keys, X509Certificate cert, Path certFile, Path keyFile) {
        public PrivateKey key() {
            return keys.getPrivate();
        }
    }

    private final Identity server;
    private final Identity client;
    private final Identity untrustedClient;
    private final Identity expiredClient;
    private final Path serverKeyPkcs8Encrypted;
    private final Path serverKeyTraditionalEncrypted;
    private final Path mismatchedKey;

    private TestCertificates(Path dir) throws Exception {
        this.dir = dir;
        ca = selfSigned("ca", "RedMesh Test CA");
        untrustedCa = selfSigned("untrusted-ca", "Untrusted Test CA");
        server = issue(ca, "server", "Server-only", true, Instant.now().minus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(30)), rsa());
        client = issue(ca, "client", "client", false, Instant.now().minus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(30)), ec());
        untrustedClient = issue(untrustedCa, "untrusted-client", "intruder", false,
                Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)), ec());
        expiredClient = issue(ca, "expired-client", "expired", false, Instant.now().minus(Duration.ofDays(30)),
                Instant.now().minus(Duration.ofDays(1)), ec());
        serverKeyPkcs8Encrypted = dir.resolve("server-pkcs8-encrypted.key");
        OutputEncryptor enc = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                .setProvider(BC).setPassword(PASSPHRASE.toCharArray()).setRandom(RANDOM).build();
        writePem(serverKeyPkcs8Encrypted, new JcaPKCS8Generator(server.key(), enc));
        serverKeyTraditionalEncrypted = dir.resolve("server-traditional-encrypted.key");
        writePem(serverKeyTraditionalEncrypted, new JcaMiscPEMGenerator(server.key(),
                new JcePEMEncryptorBuilder("AES-256-CBC").setProvider(BC).setSecureRandom(RANDOM).build(PASSPHRASE.toCharArray())));
        mismatchedKey = dir.resolve("mismatched.key");
        writePem(mismatchedKey, new JcaPKCS8Generator(rsa().getPrivate(), null));
    }

    /** Generates every file into a fresh temporary directory. */
    public static TestCertificates create() {
        try {
            return new TestCertificates(Files.createTempDirectory("redmesh-certs"));
        } catch (Exception e) {
            throw new IllegalStateException("cannot generate test certificates", e);
        }
    }

    // ------------------------------------------------------------------ the material

    public Path dir() {
        return dir;
    }

    public Identity ca() {
        return ca;
    }

    public Identity untrustedCa() {
        return untrustedCa;
    }

    /** Server certificate (SAN 127.0.0.1, localhost; CN "Server-only" as Redis's gen-test-certs). */
    public Identity server() {
        return server;
    }

    public Identity client() {
        return client;
    }

    /** A client certificate issued by a CA the server does not trust. */
    public Identity untrustedClient() {
        return untrustedClient;
    }

    /** A client certificate from the trusted CA whose validity ended yesterday. */
    public Identity expiredClient() {
        return expiredClient;
    }

    /** The server key as encrypted PKCS#8 ("BEGIN ENCRYPTED PRIVATE KEY"), passphrase {@link #PASSPHRASE}. */
    public Path serverKeyPkcs8Encrypted() {
        return serverKeyPkcs8Encrypted;
    }

    /** The server key as encrypted traditional PEM ("Proc-Type: 4,ENCRYPTED"), passphrase {@link #PASSPHRASE}. */
    public Path serverKeyTraditionalEncrypted() {
        return serverKeyTraditionalEncrypted;
    }

    /** An RSA key that belongs to no certificate here. */
    public Path mismatchedKey() {
        return mismatchedKey;
    }

    /** Issues another server certificate from the trusted CA (for rotation tests), with a new key. */
    public Identity newServer(String name) {
        try {
            return issue(ca, name, name, true, Instant.now().minus(Duration.ofDays(1)),
                    Instant.now().plus(Duration.ofDays(30)), rsa());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Issues a certificate from the trusted CA for a node that is both a server and a client
     * (a replica's master, a replica): IP 127.0.0.1 plus the given names as subject alternative
     * names, each a URI when it contains "://" (a spiffe id), else a DNS name.
     */
    public Identity newPeer(String commonName, String... names) {
        try {
            List<GeneralName> sans = new ArrayList<>(List.of(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
            for (String n : names) {
                sans.add(new GeneralName(n.contains("://") ? GeneralName.uniformResourceIdentifier : GeneralName.dNSName, n));
            }
            return issuePeer(ca, "peer-" + commonName + "-" + SERIAL.incrementAndGet(), commonName, sans);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@link #newPeer} without the IP address: only the given DNS names, so a client verifying
     * hostnames accepts it only under one of them (sentinel's announce-hostnames tests).
     */
    public Identity newNamedPeer(String commonName, String... dnsNames) {
        try {
            List<GeneralName> sans = new ArrayList<>();
            for (String n : dnsNames) {
                sans.add(new GeneralName(GeneralName.dNSName, n));
            }
            return issuePeer(ca, "named-peer-" + commonName + "-" + SERIAL.incrementAndGet(), commonName, sans);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@link #newPeer} issued by the CA nobody trusts. */
    public Identity newUntrustedPeer(String commonName, String... names) {
        try {
            List<GeneralName> sans = new ArrayList<>(List.of(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
            for (String n : names) {
                sans.add(new GeneralName(n.contains("://") ? GeneralName.uniformResourceIdentifier : GeneralName.dNSName, n));
            }
            return issuePeer(untrustedCa, "untrusted-peer-" + commonName + "-" + SERIAL.incrementAndGet(), commonName, sans);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Identity issuePeer(Identity issuer, String file, String cn, List<GeneralName> sans) throws Exception {
        KeyPair kp = ec();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer.cert,
                BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(Instant.now().minus(Duration.ofDays(1))),
                Date.from(Instant.now().plus(Duration.ofDays(30))), new X500Name("O=RedMesh Test,CN=" + cn), kp.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuer.cert));
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(new GeneralName[0])));
        return write(file, kp, sign(b, issuer.key()));
    }

    /** Issues another client certificate from the trusted CA with the given common name. */
    public Identity newClient(String commonName) {
        try {
            return issue(ca, "client-" + commonName, commonName, false, Instant.now().minus(Duration.ofDays(1)),
                    Instant.now().plus(Duration.ofDays(30)), ec());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Issues a client certificate from the trusted CA with any subject (several CNs, odd bytes)
     * and the given URI subject alternative names (SPIFFE IDs), for certificate-to-user tests.
     */
    public Identity newClient(X500Name subject, String... uris) {
        try {
            return issue(ca, "client-" + SERIAL.incrementAndGet(), subject, List.of(uris), false,
                    Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)), ec());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Server directives for a TLS-only node on a free port: tls-port, port 0, cert, key, CA,
     * then the extra directives, which win.
     */
    public String[] serverArgs(String... extra) {
        List<String> a = new ArrayList<>(List.of("--tls-port", Integer.toString(Ports.free()),
                "--tls-cert-file", server.certFile.toString(), "--tls-key-file", server.keyFile.toString(),
                "--tls-ca-cert-file", ca.certFile.toString()));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    // ------------------------------------------------------------------ JDK client contexts

    /** A client SSLContext trusting the test CA, presenting {@code as} when not null. */
    public SSLContext clientContext(Identity as) {
        return clientContext(ca, as);
    }

    /** A client SSLContext trusting {@code trust}'s certificate, presenting {@code as} when not null. */
    public static SSLContext clientContext(Identity trust, Identity as) {
        try {
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            ts.setCertificateEntry("ca", trust.cert);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
            KeyManagerFactory kmf = null;
            if (as != null) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("me", as.key(), new char[0], new X509Certificate[] {as.cert});
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, new char[0]);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), RANDOM);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try (var s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: it is a temp dir
        }
    }

    // ------------------------------------------------------------------ generation

    private static KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048, RANDOM);
        return g.generateKeyPair();
    }

    private static KeyPair ec() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    private static String sigAlg(PrivateKey signer) {
        return signer.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    }

    private Identity selfSigned(String file, String cn) throws Exception {
        KeyPair kp = rsa();
        X500Name name = new X500Name("O=RedMesh Test,CN=" + cn);
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(365))), name, kp.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
        X509Certificate cert = sign(b, kp.getPrivate());
        return write(file, kp, cert);
    }

    private Identity issue(Identity issuer, String file, String cn, boolean serverCert, Instant from, Instant to,
                           KeyPair kp) throws Exception {
        return issue(issuer, file, new X500Name("O=RedMesh Test,CN=" + cn), List.of(), serverCert, from, to, kp);
    }

    private Identity issue(Identity issuer, String file, X500Name subject, List<String> uris, boolean serverCert,
                           Instant from, Instant to, KeyPair kp) throws Exception {
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer.cert,
                BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(from), Date.from(to), subject, kp.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuer.cert));
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
        int usage = KeyUsage.digitalSignature | (kp.getPublic().getAlgorithm().equals("RSA") ? KeyUsage.keyEncipherment : 0);
        b.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(serverCert
                ? new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}
                : new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth}));
        if (serverCert) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.dNSName, "localhost")}));
        } else if (!uris.isEmpty()) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(uris.stream()
                    .map(u -> new GeneralName(GeneralName.uniformResourceIdentifier, u)).toArray(GeneralName[]::new)));
        }
        X509Certificate cert = sign(b, issuer.key());
        return write(file, kp, cert);
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer) throws Exception {
        ContentSigner s = new JcaContentSignerBuilder(sigAlg(signer)).build(signer);
        return new JcaX509CertificateConverter().getCertificate(b.build(s));
    }

    private Identity write(String file, KeyPair kp, X509Certificate cert) throws IOException {
        Path certFile = dir.resolve(file + ".crt");
        Path keyFile = dir.resolve(file + ".key");
        writePem(certFile, cert);
        writePem(keyFile, new JcaPKCS8Generator(kp.getPrivate(), null));
        return new Identity(file, kp, cert, certFile, keyFile);
    }

    private static void writePem(Path file, Object o) {
        StringWriter sw = new StringWriter();
        try {
            try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
                if (o instanceof PemObjectGenerator g) {
                    w.writeObject(g);
                } else {
                    w.writeObject(o);
                }
            }
            Files.writeString(file, sw.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
