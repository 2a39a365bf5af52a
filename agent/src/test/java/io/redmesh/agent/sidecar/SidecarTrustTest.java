package io.redmesh.agent.sidecar;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.agent.node.NodeAdapter.NodeException;
import io.redmesh.node.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sidecar trusts its configured CA file and, when it exists, the agent's own trust bundle:
 * once the agent's leaf is installed the server chains to the mesh's CAs, and after a CA
 * rotation to a CA the configured file never had.
 */
class SidecarTrustTest {
    @Test
    void theAgentsBundleIsTrustedBesideTheConfiguredCaOnceItExists(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(SidecarRedis.available(), "redis-server not installed");
        try (TestCertificates certs = TestCertificates.create(); SidecarRedis r = SidecarRedis.tls(certs)) {
            Path bundle = dir.resolve("ca.crt"); // the rotator's file: absent before the first certificate
            SidecarConfig cfg = SidecarConfig.builder("127.0.0.1", r.tlsPort())
                    .admin(SidecarRedis.ADMIN, SidecarRedis.ADMIN_PASSWORD)
                    .tls(certs.untrustedCa().certFile(), certs.client().certFile(), certs.client().keyFile())
                    .alsoTrust(bundle).retryFor(Duration.ZERO).build();
            NodeException refused = assertThrows(NodeException.class, () -> SidecarNode.connect(cfg).close());
            assertTrue(refused.getMessage().contains("TLS handshake failed"), refused.getMessage());

            Files.copy(certs.ca().certFile(), bundle);
            try (SidecarNode n = SidecarNode.connect(cfg)) {
                assertTrue(n.users().containsKey(SidecarRedis.ADMIN));
            }
        }
    }
}
