package io.redmesh.agent.pki;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemObjectGenerator;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * PEM in and out: certificates (lists of them), certificate requests, private keys as PKCS#8,
 * plain or passphrase-encrypted (PBES2: PBKDF2-HMAC-SHA256 + AES-256-CBC, which openssl reads
 * with {@code -passin}). Every parse names {@code what} it was reading in its error, and turns
 * malformed input into a {@link PkiException}.
 */
public final class Pem {
    /** Not registered globally: only PBES2 here needs it; the JDK does the rest. */
    static final Provider BC = new BouncyCastleProvider();
    static final SecureRandom RANDOM = new SecureRandom();
    /** PBKDF2 rounds: far above openssl's default 2048, yet ~50 ms to open a key. */
    static final int PBKDF2_ITERATIONS = 100_000;
    /** Inputs larger than this are not PEM we wrote or expect (a bundle of 16 certs is ~12 KB). */
    public static final int MAX_PEM_CHARS = 256 * 1024;

    private Pem() {}

    // ---------------------------------------------------------------- writing

    public static String certificates(List<X509Certificate> certs) {
        StringWriter sw = new StringWriter();
        try (PemWriter w = new PemWriter(sw)) {
            for (X509Certificate c : certs) {
                w.writeObject(new PemObject("CERTIFICATE", c.getEncoded()));
            }
        } catch (IOException | CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
        return sw.toString();
    }

    public static String certificate(X509Certificate cert) {
        return certificates(List.of(cert));
    }

    public static String csr(PKCS10CertificationRequest csr) {
        try {
            return write(new PemObject("CERTIFICATE REQUEST", csr.getEncoded()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Unencrypted PKCS#8 ("BEGIN PRIVATE KEY"): what a server's tls-key-file holds. */
    public static String privateKey(PrivateKey key) {
        try {
            return write(new JcaPKCS8Generator(key, null).generate());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Encrypted PKCS#8 ("BEGIN ENCRYPTED PRIVATE KEY") under {@code passphrase}. */
    public static String encryptedPrivateKey(PrivateKey key, char[] passphrase) {
        if (passphrase == null || passphrase.length == 0) {
            throw new IllegalArgumentException("an empty passphrase would not protect the key");
        }
        try {
            var enc = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                    .setProvider(BC)
                    .setRandom(RANDOM)
                    .setPRF(PKCS8Generator.PRF_HMACSHA256)
                    .setIterationCount(PBKDF2_ITERATIONS)
                    .setPassword(passphrase)
                    .build();
            return write(new JcaPKCS8Generator(key, enc).generate());
        } catch (IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot encrypt a private key: " + e.getMessage(), e);
        }
    }

    private static String write(PemObject o) throws IOException {
        StringWriter sw = new StringWriter();
        try (PemWriter w = new PemWriter(sw)) {
            w.writeObject(o);
        }
        return sw.toString();
    }

    static String write(PemObjectGenerator g) throws IOException {
        return write(g.generate());
    }

    // ---------------------------------------------------------------- reading

    /** Every CERTIFICATE block in order; other blocks are an error. At least one is required. */
    public static List<X509Certificate> parseCertificates(String pem, String what) throws PkiException {
        List<Object> objects = parse(pem, what);
        List<X509Certificate> out = new ArrayList<>();
        JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
        for (Object o : objects) {
            if (!(o instanceof X509CertificateHolder h)) {
                throw new PkiException(what + ": expected only certificates, found " + describe(o));
            }
            try {
                out.add(conv.getCertificate(h));
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new PkiException(what + ": unreadable certificate (" + reason(e) + ")", e);
            }
        }
        if (out.isEmpty()) {
            throw new PkiException(what + ": no certificate found (expected -----BEGIN CERTIFICATE-----)");
        }
        return out;
    }

    /** Exactly one CERTIFICATE REQUEST whose self-signature verifies. */
    public static PKCS10CertificationRequest parseCsr(String pem, String what) throws PkiException {
        List<Object> objects = parse(pem, what);
        if (objects.size() != 1 || !(objects.get(0) instanceof PKCS10CertificationRequest csr)) {
            throw new PkiException(what + ": not a certificate request (expected one -----BEGIN CERTIFICATE REQUEST-----)");
        }
        return csr;
    }

    /**
     * A private key: PKCS#8 plain or encrypted, or a traditional "EC PRIVATE KEY". An encrypted
     * key needs {@code passphrase}; a wrong one gives "wrong passphrase for WHAT".
     */
    public static PrivateKey parsePrivateKey(String pem, char[] passphrase, String what) throws PkiException {
        List<Object> objects = parse(pem, what);
        if (objects.size() != 1) {
            throw new PkiException(what + ": expected exactly one private key, found " + objects.size() + " PEM blocks");
        }
        Object o = objects.get(0);
        JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
        try {
            PrivateKeyInfo info;
            if (o instanceof PrivateKeyInfo p) {
                info = p;
            } else if (o instanceof PEMKeyPair kp) {
                info = kp.getPrivateKeyInfo();
            } else if (o instanceof PKCS8EncryptedPrivateKeyInfo enc) {
                if (passphrase == null || passphrase.length == 0) {
                    throw new PkiException(what + ": the key is encrypted; a passphrase is required");
                }
                try {
                    info = enc.decryptPrivateKeyInfo(
                            new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BC).build(passphrase));
                } catch (PKCSException | RuntimeException e) {
                    throw new PkiException("wrong passphrase for " + what + " (or the key file is damaged)", e);
                }
            } else if (o instanceof PEMEncryptedKeyPair) {
                throw new PkiException(what + ": traditional encrypted keys (Proc-Type) are not supported; "
                        + "convert with: openssl pkcs8 -topk8");
            } else {
                throw new PkiException(what + ": not a private key (found " + describe(o) + ")");
            }
            return conv.getPrivateKey(info);
        } catch (PkiException e) {
            throw e;
        } catch (OperatorCreationException | IOException | RuntimeException e) {
            if (o instanceof PKCS8EncryptedPrivateKeyInfo) {
                // A wrong passphrase can also "decrypt" to garbage that only fails to parse here.
                throw new PkiException("wrong passphrase for " + what + " (or the key file is damaged)", e);
            }
            throw new PkiException(what + ": unreadable private key (" + reason(e) + ")", e);
        }
    }

    private static List<Object> parse(String pem, String what) throws PkiException {
        if (pem == null || pem.isBlank()) {
            throw new PkiException(what + ": empty");
        }
        if (pem.length() > MAX_PEM_CHARS) {
            throw new PkiException(what + ": too large (" + pem.length() + " characters)");
        }
        List<Object> out = new ArrayList<>();
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            for (Object o; (o = p.readObject()) != null; ) {
                out.add(o);
            }
        } catch (IOException | RuntimeException e) {
            throw new PkiException(what + ": malformed PEM (" + reason(e) + ")", e);
        }
        if (out.isEmpty()) {
            throw new PkiException(what + ": no PEM block found");
        }
        return out;
    }

    /** The innermost cause's message, without exception class names (they mean nothing to operators). */
    static String reason(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            m = e.getMessage();
        }
        if (m == null || m.isBlank()) {
            return "unreadable data";
        }
        return m.replaceAll("(?:[a-z]+\\.)+[A-Za-z]*(?:Exception|Error): ?", "").strip();
    }

    private static String describe(Object o) {
        if (o instanceof X509CertificateHolder) {
            return "a certificate";
        } else if (o instanceof PKCS10CertificationRequest) {
            return "a certificate request";
        } else if (o instanceof PrivateKeyInfo || o instanceof PEMKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
            return "a private key";
        }
        return o.getClass().getSimpleName();
    }

    // ---------------------------------------------------------------- identities

    /** SHA-256 of the DER encoding, lower-case hex: how bundles and logs name a certificate. */
    public static String fingerprint(X509Certificate cert) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
