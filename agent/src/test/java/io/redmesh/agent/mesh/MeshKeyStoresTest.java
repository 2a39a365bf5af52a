package io.redmesh.agent.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.agent.pki.CertificateAuthority;
import io.redmesh.agent.pki.CertificateRequests;
import io.redmesh.agent.pki.Role;
import io.redmesh.agent.pki.SanPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every renewal writes a new key store pair (Atomix reads files once per start). The old ones
 * hold old private keys and were never removed: with demo lifetimes (a renewal a minute) the
 * state dir grew by two files a minute for ever. Only the new pair and the one before it (the
 * member still running until the restart completes) are kept.
 */
class MeshKeyStoresTest {

    @Test
    void oldStoresAreRemoved() throws Exception {
        CertificateAuthority root = CertificateAuthority.createRoot("stores-root", Duration.ofDays(1));
        Path dir = Files.createTempDirectory("redmesh-stores");
        try {
            MeshKeyStores.Stores last = null;
            MeshKeyStores.Stores previous = null;
            for (int i = 0; i < 5; i++) {
                KeyPair keys = CertificateRequests.newKeyPair();
                var csr = CertificateRequests.parse(CertificateRequests.create(keys, "n1", List.of(), List.of()));
                X509Certificate leaf = root.signLeaf(csr, "n1", Role.NODE, Duration.ofHours(1), SanPolicy.defaults());
                previous = last;
                last = MeshKeyStores.write(dir, keys.getPrivate(), root.leafChain(leaf), List.of(root.certificate()));
                Thread.sleep(20); // distinct modification times
            }
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(4, files.count(), "the new pair and the previous one");
            }
            for (Path p : List.of(last.keyStore(), last.trustStore(), previous.keyStore(), previous.trustStore())) {
                assertTrue(Files.exists(p), p.toString());
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
            }
        } finally {
            try (Stream<Path> files = Files.list(dir)) {
                files.forEach(p -> p.toFile().delete());
            }
            Files.deleteIfExists(dir);
        }
    }
}
