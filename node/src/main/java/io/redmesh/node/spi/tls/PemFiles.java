package io.redmesh.node.spi.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMDecryptorProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.InputDecryptorProvider;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Reads the PEM files Redis's tls-* directives name: certificate chains, CA bundles and
 * directories, and private keys in every form OpenSSL writes (PKCS#8, encrypted PKCS#8,
 * traditional RSA/EC, encrypted traditional). The JDK alone reads only unencrypted PKCS#8,
 * hence BouncyCastle. Errors name the file and say what is wrong with it.
 */
public final class PemFiles {
    /**
     * OpenSSL's encrypted keys use ciphers and KDFs the JDK lacks under those names
     * (AES/CBC/PKCS7Padding...); BouncyCastle decrypts them. Used directly, never registered.
     */
    private static final java.security.Provider BC = new org.bouncycastle.jce.provider.BouncyCastleProvider();

    private PemFiles() {}

    public static List<X509Certificate> certificates(Path file) throws TlsMaterialException {
        byte[] data = read(file);
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            List<X509Certificate> out = new ArrayList<>();
            for (var c : cf.generateCertificates(new java.io.ByteArrayInputStream(data))) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new TlsMaterialException("no certificate found in " + file);
            }
            return out;
        } catch (CertificateException e) {
            throw new TlsMaterialException("cannot parse certificate file " + file + ": " + e.getMessage());
        }
    }

    /** Every certificate of every regular file in a directory (tls-ca-cert-dir). */
    public static List<X509Certificate> certificatesInDir(Path dir) throws TlsMaterialException {
        List<X509Certificate> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (!Files.isRegularFile(p)) {
                    continue;
                }
                try {
                    out.addAll(certificates(p));
                } catch (TlsMaterialException e) {
                    // OpenSSL's hashed directories hold other files too; skip what is not a cert
                }
            }
        } catch (IOException e) {
            throw new TlsMaterialException("cannot read CA directory " + dir + ": " + e.getMessage());
        }
        return out;
    }

    public static PrivateKey privateKey(Path file, String passphrase) throws TlsMaterialException {
        byte[] data = read(file);
        try (Reader r = new java.io.InputStreamReader(new java.io.ByteArrayInputStream(data), StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(r)) {
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            Object o;
            while ((o = parser.readObject()) != null) {
                char[] pass = passphrase == null ? new char[0] : passphrase.toCharArray();
                if (o instanceof PrivateKeyInfo pki) {
                    return conv.getPrivateKey(pki);
                }
                if (o instanceof PEMKeyPair kp) {
                    return conv.getKeyPair(kp).getPrivate();
                }
                if (o instanceof PKCS8EncryptedPrivateKeyInfo enc) {
                    requirePass(file, passphrase);
                    InputDecryptorProvider dp = new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BC).build(pass);
                    return conv.getPrivateKey(enc.decryptPrivateKeyInfo(dp));
                }
                if (o instanceof PEMEncryptedKeyPair enc) {
                    requirePass(file, passphrase);
                    PEMDecryptorProvider dp = new JcePEMDecryptorProviderBuilder().setProvider(BC).build(pass);
                    return conv.getKeyPair(enc.decryptKeyPair(dp)).getPrivate();
                }
            }
            throw new TlsMaterialException("no private key found in " + file);
        } catch (PKCSException | org.bouncycastle.openssl.EncryptionException e) {
            throw new TlsMaterialException("cannot decrypt private key " + file + " (wrong tls-key-file-pass?)");
        } catch (org.bouncycastle.operator.OperatorCreationException | IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("password")) {
                throw new TlsMaterialException("cannot decrypt private key " + file + " (wrong tls-key-file-pass?)");
            }
            throw new TlsMaterialException("cannot read private key " + file + ": " + e.getMessage());
        }
    }

    private static void requirePass(Path file, String pass) throws TlsMaterialException {
        if (pass == null || pass.isEmpty()) {
            throw new TlsMaterialException("private key " + file + " is encrypted and no passphrase is configured");
        }
    }

    private static byte[] read(Path file) throws TlsMaterialException {
        try {
            return Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new TlsMaterialException("file not found: " + file);
        } catch (IOException e) {
            throw new TlsMaterialException("cannot read " + file + ": " + e.getMessage());
        }
    }
}
