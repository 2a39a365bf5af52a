package io.redmesh.agent.mesh;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes the PKCS12 key and trust stores Atomix's TLS messaging loads (it reads files, once per
 * start), from key material the agent holds in memory (PEM on disk).
 */
public final class MeshKeyStores {
    /** The files written and the (random) password of both. */
    public record Stores(Path keyStore, Path trustStore, String password) {}

    private static final SecureRandom RANDOM = new SecureRandom();

    private MeshKeyStores() {}

    /**
     * Writes {@code mesh-key-<n>.p12} (the key with its chain, leaf first) and
     * {@code mesh-trust-<n>.p12} (the trusted CA certificates) into dir, 0600 where the file
     * system allows, each written to a temporary file and moved into place. A new pair of
     * names each call, so a running member keeps its files while a rotated one starts.
     */
    public static Stores write(Path dir, PrivateKey key, List<X509Certificate> chain,
                               Collection<X509Certificate> trust) throws IOException, GeneralSecurityException {
        if (chain.isEmpty() || trust.isEmpty()) {
            throw new IllegalArgumentException("a mesh key store needs a certificate chain and trusted CAs");
        }
        Files.createDirectories(dir);
        byte[] pw = new byte[16];
        RANDOM.nextBytes(pw);
        String password = HexFormat.of().formatHex(pw);
        String tag = Long.toString(System.currentTimeMillis(), 36) + "-" + Integer.toString(RANDOM.nextInt(1 << 20), 36);

        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("mesh", key, password.toCharArray(), chain.toArray(new Certificate[0]));
        Path keyStore = store(ks, dir.resolve("mesh-key-" + tag + ".p12"), password);

        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        int i = 0;
        for (X509Certificate c : trust) {
            ts.setCertificateEntry("ca" + i++, c);
        }
        Path trustStore = store(ts, dir.resolve("mesh-trust-" + tag + ".p12"), password);
        prune(dir, "mesh-key-", keyStore);
        prune(dir, "mesh-trust-", trustStore);
        return new Stores(keyStore, trustStore, password);
    }

    /**
     * Deletes the stores of this kind older than the previous one: each renewal writes a pair,
     * and the old ones (old private keys) would otherwise pile up for ever. The previous pair
     * stays: the member running on it until the restart completes, or falls back to it.
     */
    private static void prune(Path dir, String prefix, Path keep) {
        List<Path> older = new java.util.ArrayList<>();
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            files.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(prefix) && n.endsWith(".p12") && !p.equals(keep);
            }).forEach(older::add);
        } catch (IOException e) {
            return; // best effort: a later write tries again
        }
        older.sort(java.util.Comparator.comparing(MeshKeyStores::modified).reversed());
        for (Path p : older.subList(Math.min(1, older.size()), older.size())) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private static Path store(KeyStore s, Path file, String password) throws IOException, GeneralSecurityException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp);
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the directory's protection applies
        }
        try (OutputStream o = Files.newOutputStream(tmp)) {
            s.store(o, password.toCharArray());
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return file;
    }
}
