package io.redmesh.agent.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CA on disk, as {@code redmesh ca} writes it. The same layout for the operator's root and an
 * issuer's issuing CA:
 * <pre>
 * ca.crt                 this CA's chain: [CA, parents..., root] (just [root] for a root)
 * ca.key                 its private key, PKCS#8, passphrase-encrypted (mode 0600)
 * trust.crt              the roots nodes must trust (the trust bundle, PEM)
 * trust-bundle-N.tb      root dirs: signed TRUST_BUNDLE record values, N = sequence
 * ca-SERIAL.crt/.key     root dirs: the previous roots kept by a rotation
 * </pre>
 */
public final class CaDirectory {
    public static final String CERT = "ca.crt";
    public static final String KEY = "ca.key";
    public static final String TRUST = "trust.crt";
    private static final Pattern BUNDLE_FILE = Pattern.compile("trust-bundle-(\\d{1,18})\\.tb");

    private final Path dir;

    public CaDirectory(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path certFile() {
        return dir.resolve(CERT);
    }

    public Path keyFile() {
        return dir.resolve(KEY);
    }

    public Path trustFile() {
        return dir.resolve(TRUST);
    }

    public boolean exists() {
        return Files.exists(certFile()) || Files.exists(keyFile());
    }

    /**
     * Writes ca.crt, ca.key and trust.crt; refuses if ca.crt or ca.key exists. A null
     * passphrase writes the key unencrypted (still 0600), for issuers that start unattended.
     */
    public void create(CertificateAuthority ca, char[] passphrase, TrustBundle trust) throws PkiException {
        if (exists()) {
            throw new PkiException(dir + " already holds a CA (" + CERT + "/" + KEY + "); refusing to overwrite");
        }
        try {
            SecureFiles.createSecret(keyFile(), keyPem(ca, passphrase).getBytes(StandardCharsets.US_ASCII));
            SecureFiles.createPublic(certFile(), Pem.certificates(ca.chain()).getBytes(StandardCharsets.US_ASCII));
            SecureFiles.writePublic(trustFile(), trust.toPem().getBytes(StandardCharsets.US_ASCII));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new PkiException(dir + " already holds a CA; refusing to overwrite", e);
        } catch (IOException e) {
            throw new PkiException("cannot write the CA into " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Replaces ca.crt/ca.key (after {@link #archiveCurrent}), used by a rotation. */
    public void replace(CertificateAuthority ca, char[] passphrase, TrustBundle trust) throws PkiException {
        try {
            SecureFiles.writeSecret(keyFile(), keyPem(ca, passphrase).getBytes(StandardCharsets.US_ASCII));
            SecureFiles.writePublic(certFile(), Pem.certificates(ca.chain()).getBytes(StandardCharsets.US_ASCII));
            SecureFiles.writePublic(trustFile(), trust.toPem().getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new PkiException("cannot write the CA into " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Copies ca.crt/ca.key to ca-SERIAL.crt/.key (hex serial); returns the kept cert file. */
    public Path archiveCurrent(CertificateAuthority current) throws PkiException {
        String serial = current.certificate().getSerialNumber().toString(16);
        Path crt = dir.resolve("ca-" + serial + ".crt");
        try {
            SecureFiles.writeSecret(dir.resolve("ca-" + serial + ".key"), Files.readAllBytes(keyFile()));
            SecureFiles.writePublic(crt, Files.readAllBytes(certFile()));
        } catch (IOException e) {
            throw new PkiException("cannot keep the previous CA in " + dir + ": " + e.getMessage(), e);
        }
        return crt;
    }

    private static String keyPem(CertificateAuthority ca, char[] passphrase) {
        return passphrase == null ? Pem.privateKey(ca.privateKey()) : Pem.encryptedPrivateKey(ca.privateKey(), passphrase);
    }

    /** Loads the CA; {@code passphrase} may be null for an unencrypted key. */
    public CertificateAuthority load(char[] passphrase) throws PkiException {
        String certs = read(certFile());
        String key = read(keyFile());
        return new CertificateAuthority(Pem.parseCertificates(certs, certFile().toString()),
                Pem.parsePrivateKey(key, passphrase, keyFile().toString()));
    }

    /** trust.crt, or the root at the end of ca.crt when there is none. */
    public TrustBundle trust() throws PkiException {
        if (Files.exists(trustFile())) {
            return TrustBundle.parse(read(trustFile()), trustFile().toString());
        }
        var chain = Pem.parseCertificates(read(certFile()), certFile().toString());
        return TrustBundle.of(java.util.List.of(chain.get(chain.size() - 1)));
    }

    /** The highest-numbered trust-bundle-N.tb, or null when there is none. */
    public SignedTrustBundle latestSignedBundle() throws PkiException {
        long best = -1;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                Matcher m = BUNDLE_FILE.matcher(p.getFileName().toString());
                if (m.matches()) {
                    best = Math.max(best, Long.parseLong(m.group(1)));
                }
            }
        } catch (IOException e) {
            throw new PkiException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        if (best < 0) {
            return null;
        }
        Path p = bundleFile(best);
        try {
            return SignedTrustBundle.decode(Files.readAllBytes(p));
        } catch (IOException e) {
            throw new PkiException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    public Path bundleFile(long sequence) {
        return dir.resolve("trust-bundle-" + sequence + ".tb");
    }

    /** Writes trust-bundle-N.tb (refusing to overwrite one). */
    public Path writeSignedBundle(SignedTrustBundle b) throws PkiException {
        Path p = bundleFile(b.sequence());
        try {
            SecureFiles.createPublic(p, b.encode());
        } catch (IOException e) {
            throw new PkiException("cannot write " + p + ": " + e.getMessage(), e);
        }
        return p;
    }

    static String read(Path p) throws PkiException {
        try {
            if (Files.size(p) > Pem.MAX_PEM_CHARS) {
                throw new PkiException(p + ": too large");
            }
            return Files.readString(p, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new PkiException(p + ": no such file");
        } catch (IOException e) {
            throw new PkiException(p + ": " + e.getMessage(), e);
        }
    }
}
