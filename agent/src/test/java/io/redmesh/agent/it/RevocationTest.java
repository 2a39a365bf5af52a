package io.redmesh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.agent.enroll.EnrollmentClient;
import io.redmesh.agent.enroll.IssuerRequest;
import io.redmesh.agent.enroll.OperatorRequests;
import io.redmesh.agent.pki.CaRotation;
import io.redmesh.agent.pki.CertificateAuthority;
import io.redmesh.agent.pki.SignedTrustBundle;
import io.redmesh.agent.pki.TrustBundle;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import redis.clients.jedis.Jedis;

/**
 * Operator requests against a 3-node mesh: a revoked client certificate is refused and its
 * connections closed on every node while other clients carry on; revoking a node's own leaf
 * makes that node renew; bad TRUST/REVOKE requests and garbage frames are answered "ERR ..." and
 * change nothing, and the issuer keeps serving.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RevocationTest {
    private static MeshTestbed mesh;
    private static List<X509Certificate> operatorTrust;

    @BeforeAll
    static void start() throws Exception {
        mesh = MeshTestbed.create(3, Duration.ofHours(1));
        mesh.startAll();
        operatorTrust = List.of(mesh.root.certificate());
    }

    @AfterAll
    static void stop() {
        mesh.close();
    }

    private static String send(IssuerRequest r) throws Exception {
        return OperatorRequests.send("127.0.0.1", mesh.enrollPort(), operatorTrust, r);
    }

    private static String sendRaw(byte[] frame) throws Exception {
        return new String(EnrollmentClient.call("127.0.0.1", mesh.enrollPort(), operatorTrust, () -> null, frame),
                StandardCharsets.UTF_8);
    }

    /** The mesh's trust and revocations as INFO security shows them, on every node. */
    private static void unchanged() {
        assertTrue(mesh.everywhere("trust_roots", "1"), "trust unchanged");
        assertTrue(mesh.everywhere("revoked_serials", "0"), "no revocation");
    }

    @Test
    @Order(1)
    void badOperatorRequestsAreRefusedAndTheIssuerKeepsServing() throws Exception {
        // a bundle signed only by a root nobody trusts
        CertificateAuthority foreign = CertificateAuthority.createRoot("Foreign Root", Duration.ofDays(1));
        SignedTrustBundle forged = SignedTrustBundle.sign(TrustBundle.of(List.of(foreign.certificate())), 7, null,
                List.of(foreign));
        String a = send(OperatorRequests.trust(forged));
        assertTrue(a.startsWith("ERR") && a.contains("not signed by a currently trusted CA"), a);

        // a genuine overlap bundle, but the new issuing CA's signature is by another key
        CaRotation.Result r = CaRotation.rotate(mesh.root, TrustBundle.of(operatorTrust), 0, "Testbed Root 2",
                Duration.ofDays(30), "issuer-2", Duration.ofDays(10), Duration.ofHours(1));
        IssuerRequest good = OperatorRequests.trust(r.overlap(), r.newIssuing(), r.newRoot());
        List<byte[]> fields = new ArrayList<>(good.fields());
        fields.set(4, foreign.signBytes(IssuerRequest.signedPart(fields.subList(0, 4))));
        a = send(new IssuerRequest(IssuerRequest.Type.TRUST, fields));
        assertTrue(a.startsWith("ERR") && a.contains("not signed by a root of the bundle"), a);
        // ... or names a root that is not in the bundle
        fields = new ArrayList<>(good.fields());
        fields.set(3, io.redmesh.agent.pki.Pem.fingerprint(foreign.certificate()).getBytes(StandardCharsets.US_ASCII));
        fields.set(4, foreign.signBytes(IssuerRequest.signedPart(fields.subList(0, 4))));
        a = send(new IssuerRequest(IssuerRequest.Type.TRUST, fields));
        assertTrue(a.startsWith("ERR"), a);
        // ... or swaps the issuing key for another one under the genuine signature
        fields = new ArrayList<>(good.fields());
        fields.set(2, io.redmesh.agent.pki.Pem.privateKey(foreign.privateKey()).getBytes(StandardCharsets.US_ASCII));
        a = send(new IssuerRequest(IssuerRequest.Type.TRUST, fields));
        assertTrue(a.startsWith("ERR"), a);

        // a revocation signed by a foreign root, and one with a garbage list under a good signature
        a = send(OperatorRequests.revoke(BigInteger.TEN, "test", foreign));
        assertTrue(a.startsWith("ERR") && a.contains("not signed by a trusted root"), a);
        List<byte[]> rf = new ArrayList<>(List.of("garbage".getBytes(StandardCharsets.US_ASCII),
                io.redmesh.agent.pki.Pem.fingerprint(mesh.root.certificate()).getBytes(StandardCharsets.US_ASCII)));
        rf.add(mesh.root.signBytes(IssuerRequest.signedPart(rf)));
        a = send(new IssuerRequest(IssuerRequest.Type.REVOKE, rf));
        assertTrue(a.startsWith("ERR"), a);

        // garbage frames
        for (byte[] frame : List.of("hello".getBytes(StandardCharsets.US_ASCII), new byte[0],
                new byte[] {'R', 'M', 'I', 'R', 1, 9, 0}, new byte[] {'R', 'M', 'I', 'R', 1, 1, 1, 0, 0, 1, 0},
                new byte[] {'R', 'M', 'I', 'R', 1, 1, 1, 0x7f, -1, -1, -1, 1, 2},
                new byte[] {'R', 'M', 'I', 'R', 1, 2, 0})) {
            a = sendRaw(frame);
            assertTrue(a.startsWith("ERR"), a);
        }
        // a plain-TCP client speaking nonsense, and one that hangs up mid-handshake
        try (Socket s = new Socket("127.0.0.1", mesh.enrollPort())) {
            OutputStream o = s.getOutputStream();
            o.write("PING\r\n*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            o.flush();
        }
        unchanged();

        // the issuer still serves: a renewal goes through, and a genuine request would be accepted
        BigInteger before = mesh.node(3).agent.rotator().current().leaf().getSerialNumber();
        mesh.node(3).agent.rotator().forceRenew().get(30, TimeUnit.SECONDS);
        assertNotEquals(before, mesh.node(3).agent.rotator().current().leaf().getSerialNumber());
        unchanged();
    }

    @Test
    @Order(2)
    void aRevokedClientIsCutOffEverywhereAndOthersCarryOn() throws Exception {
        ClientIdentity mallory = new ClientIdentity(MeshTestbed.clientMaterial(mesh.issuing, "mallory"), operatorTrust);
        ClientIdentity alice = new ClientIdentity(MeshTestbed.clientMaterial(mesh.issuing, "alice"), operatorTrust);
        List<Jedis> malloryConns = new ArrayList<>();
        List<Jedis> aliceConns = new ArrayList<>();
        try {
            for (MeshTestbed.Node n : mesh.nodes) {
                Jedis m = TlsLoad.connect(n, mallory);
                Jedis a = TlsLoad.connect(n, alice);
                assertEquals("PONG", m.ping());
                assertEquals("PONG", a.ping());
                malloryConns.add(m);
                aliceConns.add(a);
            }
            BigInteger serial = mallory.current().leaf().getSerialNumber();
            String a = send(OperatorRequests.revoke(serial, "key leaked", mesh.root));
            assertEquals("OK 1 revoked", a);
            assertTrue(MeshTestbed.await(Duration.ofSeconds(15), () -> mesh.everywhere("revoked_serials", "1")) >= 0,
                    "every node knows the revocation");
            for (int i = 0; i < mesh.nodes.size(); i++) {
                MeshTestbed.Node n = mesh.nodes.get(i);
                Jedis m = malloryConns.get(i);
                assertTrue(MeshTestbed.await(Duration.ofSeconds(5), () -> {
                    try {
                        m.ping();
                        return false;
                    } catch (RuntimeException closed) {
                        return true;
                    }
                }) >= 0, "mallory's connection to " + n.name + " was closed");
                assertThrows(RuntimeException.class, () -> {
                    Jedis again = TlsLoad.connect(n, mallory); // Jedis connects (and says HELLO) here
                    try {
                        again.ping();
                    } finally {
                        closeQuietly(again);
                    }
                }, "a new handshake as mallory on " + n.name);
                assertEquals("PONG", aliceConns.get(i).ping(), "alice's connection to " + n.name + " stays");
                try (Jedis fresh = TlsLoad.connect(n, alice)) {
                    assertEquals("PONG", fresh.ping());
                }
            }
        } finally {
            malloryConns.forEach(RevocationTest::closeQuietly);
            aliceConns.forEach(RevocationTest::closeQuietly);
        }
    }

    private static void closeQuietly(Jedis j) {
        try {
            j.close();
        } catch (RuntimeException broken) {
            // the server closed it: that is what was tested
        }
    }

    @Test
    @Order(3)
    void revokingANodesOwnLeafAsSupersededMakesItRenew() throws Exception {
        MeshTestbed.Node n2 = mesh.node(2);
        BigInteger own = n2.agent.rotator().current().leaf().getSerialNumber();
        // "superseded": the key is safe, so the issuer renews it (any other reason: it would not)
        String a = send(OperatorRequests.revoke(own, "superseded: moved to new hardware", mesh.root));
        assertEquals("OK 1 revoked", a);
        assertTrue(MeshTestbed.await(Duration.ofSeconds(20), () -> {
            var m = n2.agent.rotator().current();
            return !m.leaf().getSerialNumber().equals(own);
        }) >= 0, "node2 renewed");
        assertTrue(MeshTestbed.await(Duration.ofSeconds(15), () -> mesh.everywhere("revoked_serials", "2")) >= 0);
        X509Certificate[] served = MeshTestbed.servedChain(n2);
        assertNotEquals(own, served[0].getSerialNumber(), "node2 serves its new leaf");
        assertFalse(served[0].getSerialNumber().equals(own));
        // node2 is still a working mesh member: a user made on node1 reaches it
        assertEquals("+OK\r\n", mesh.node(1).call("ACL", "SETUSER", "after-revoke", "on", ">x", "~k", "+get"));
        assertTrue(MeshTestbed.await(Duration.ofSeconds(15),
                () -> n2.call("ACL", "LIST").contains("user after-revoke ")) >= 0, "node2 still in the mesh");
    }
}
