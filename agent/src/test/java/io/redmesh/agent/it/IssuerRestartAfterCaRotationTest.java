package io.redmesh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.agent.enroll.EnrollmentClient;
import io.redmesh.agent.enroll.IssuerRequest;
import io.redmesh.agent.pki.CertificateAuthority;
import io.redmesh.agent.pki.Pem;
import io.redmesh.agent.pki.SignedTrustBundle;
import io.redmesh.agent.pki.TrustBundle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A CA rotation hands the issuer its new issuing CA at run time (TRUST request). A restarted
 * issuer must keep issuing from it: going back to the configured issuer-dir would put nodes
 * back on the retired CA, and after the final bundle (old root gone) it could not start.
 */
class IssuerRestartAfterCaRotationTest {

    private static String send(MeshTestbed t, List<X509Certificate> trust, IssuerRequest r) throws Exception {
        byte[] answer = EnrollmentClient.call("127.0.0.1", t.node(1).agent.enrollmentPort(), trust, () -> null,
                r.encode());
        return new String(answer, StandardCharsets.UTF_8);
    }

    @Test
    void restartedIssuerIssuesFromTheRotatedCa() throws Exception {
        try (MeshTestbed t = MeshTestbed.create(1, Duration.ofHours(1))) {
            t.startAll();
            MeshTestbed.Node n = t.node(1);
            CertificateAuthority root2 = CertificateAuthority.createRoot("Testbed Root 2", Duration.ofDays(30));
            CertificateAuthority issuing2 = root2.createIssuing("testbed-issuer-2", Duration.ofDays(10));

            // 1. overlap bundle [root, root2] (signed by the trusted root) with the new issuing CA (signed by root2)
            SignedTrustBundle overlap = SignedTrustBundle.sign(TrustBundle.of(List.of(t.root.certificate(),
                    root2.certificate())), 1, null, List.of(t.root));
            List<byte[]> fields = new ArrayList<>(List.of(overlap.encode(),
                    Pem.certificates(issuing2.chain()).getBytes(StandardCharsets.US_ASCII),
                    Pem.privateKey(issuing2.privateKey()).getBytes(StandardCharsets.US_ASCII),
                    Pem.fingerprint(root2.certificate()).getBytes(StandardCharsets.US_ASCII)));
            fields.add(root2.signBytes(IssuerRequest.signedPart(fields)));
            String ok = send(t, List.of(t.root.certificate()), new IssuerRequest(IssuerRequest.Type.TRUST, fields));
            assertTrue(ok.startsWith("OK"), ok);
            assertTrue(MeshTestbed.await(Duration.ofSeconds(20), () -> n.agent.rotator().current().chain().get(1)
                    .equals(issuing2.certificate())) >= 0, "the node renewed onto the new issuing CA");

            // 2. final bundle [root2]: the old root is gone
            SignedTrustBundle fin = SignedTrustBundle.sign(TrustBundle.of(List.of(root2.certificate())), 2, null,
                    List.of(root2));
            ok = send(t, List.of(t.root.certificate(), root2.certificate()),
                    IssuerRequest.of(IssuerRequest.Type.TRUST, fin.encode()));
            assertTrue(ok.startsWith("OK"), ok);
            assertTrue(MeshTestbed.await(Duration.ofSeconds(20), () -> n.agent.rotator().current().trust()
                    .equals(List.of(root2.certificate()))) >= 0, "the final bundle was adopted");

            // 3. restart: the issuer starts, and issues from the rotated CA
            n.stop();
            n.restart(); // its old Atomix member may hold the mesh port a while: retried, as a supervisor would
            assertEquals(issuing2.certificate(), n.agent.issuer().authority().certificate());
            var kept = n.config().stateDir.resolve("issuing-ca").resolve("ca.key");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(kept)));
        }
    }
}
