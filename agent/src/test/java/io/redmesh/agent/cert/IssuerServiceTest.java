package io.redmesh.agent.cert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.agent.pki.CertificateAuthority;
import io.redmesh.agent.pki.CertificateRequests;
import io.redmesh.agent.pki.JoinToken;
import io.redmesh.agent.pki.Names;
import io.redmesh.agent.pki.OpenSsl;
import io.redmesh.agent.pki.Pem;
import io.redmesh.agent.pki.Role;
import io.redmesh.agent.pki.SanPolicy;
import io.redmesh.agent.pki.TrustBundle;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The issuer's rules: join tokens (once, even across restarts), renewals by proof, garbage. */
class IssuerServiceTest {
    static CertificateAuthority root;
    static CertificateAuthority issuing;
    static TrustBundle bundle;

    @TempDir
    Path state;
    @TempDir
    Path tmp;

    @BeforeAll
    static void cas() throws Exception {
        root = CertificateAuthority.createRoot("Root", Duration.ofDays(30));
        issuing = root.createIssuing("issuer-1", Duration.ofDays(10));
        bundle = TrustBundle.of(List.of(root.certificate()));
    }

    IssuerService issuer() throws Exception {
        return new IssuerService(issuing, bundle, state);
    }

    static PKCS10CertificationRequest csr(KeyPair kp, String name) throws Exception {
        return CertificateRequests.create(kp, name, List.of("localhost"), List.of("127.0.0.1"));
    }

    static String error(byte[] response) throws Exception {
        IssueResponse r = IssueResponse.decode(response);
        assertTrue(!r.isOk(), "expected a refusal");
        return r.error();
    }

    static List<X509Certificate> chain(byte[] response) throws Exception {
        IssueResponse r = IssueResponse.decode(response);
        assertTrue(r.isOk(), r.error());
        return Pem.parseCertificates(r.chainPem(), "chain");
    }

    @Test
    void aTokenGetsAChainOnceEvenAcrossARestart() throws Exception {
        IssuerService s = issuer();
        String token = s.mintToken("node-1", Role.NODE, Duration.ofMinutes(5));
        KeyPair kp = CertificateRequests.newKeyPair();
        byte[] resp = s.handle(IssueRequest.withToken(csr(kp, "node-1"), token).encode());
        List<X509Certificate> chain = chain(resp);
        assertEquals(2, chain.size());
        assertEquals(kp.getPublic(), chain.get(0).getPublicKey());
        assertEquals(Role.NODE, Names.role(chain.get(0)));
        assertEquals(bundle, TrustBundle.parse(IssueResponse.decode(resp).trustPem(), "trust"));
        if (OpenSsl.available()) {
            var r = OpenSsl.verify(tmp, bundle.certificates(), chain, "sslclient");
            assertEquals(0, r.code(), r.output());
        }
        Duration life = Duration.between(chain.get(0).getNotBefore().toInstant(), chain.get(0).getNotAfter().toInstant());
        assertTrue(life.compareTo(Duration.ofHours(24)) >= 0 && life.compareTo(Duration.ofHours(24).plusMinutes(1)) <= 0, life.toString());

        // Reused: refused, also by a fresh issuer on the same state dir.
        assertEquals("join token already used",
                error(s.handle(IssueRequest.withToken(csr(CertificateRequests.newKeyPair(), "node-1"), token).encode())));
        IssuerService restarted = issuer();
        assertEquals("join token already used",
                error(restarted.handle(IssueRequest.withToken(csr(CertificateRequests.newKeyPair(), "node-1"), token).encode())));
        // The same key again is a retry whose answer was lost (a client-side timeout): served,
        // also after a restart; the token still admits no other key.
        assertEquals(kp.getPublic(), chain(restarted.handle(IssueRequest.withToken(csr(kp, "node-1"), token).encode()))
                .get(0).getPublicKey());
        // A root-signed operator token works too, and gives the operator role.
        String op = JoinToken.mint(root, "alice", Role.OPERATOR, Duration.ofMinutes(1));
        List<X509Certificate> opChain = chain(restarted.handle(
                IssueRequest.withToken(csr(CertificateRequests.newKeyPair(), "alice"), op).encode()));
        assertEquals(Role.OPERATOR, Names.role(opChain.get(0)));
    }

    @Test
    void expiredTokensTokensForAnotherNameAndStrangersTokensAreRefused() throws Exception {
        IssuerService s = issuer();
        String shortLived = s.mintToken("node-2", Role.NODE, Duration.ofSeconds(30));
        IssuerService later = new IssuerService(issuing, bundle, state, Duration.ofHours(1), SanPolicy.defaults(),
                Clock.offset(Clock.systemUTC(), Duration.ofMinutes(2)));
        String e = error(later.handle(IssueRequest.withToken(csr(CertificateRequests.newKeyPair(), "node-2"), shortLived).encode()));
        assertTrue(e.startsWith("join token: expired"), e);

        String forNode3 = s.mintToken("node-3", Role.NODE, Duration.ofMinutes(5));
        e = error(s.handle(IssueRequest.withToken(csr(CertificateRequests.newKeyPair(), "node-4"), forNode3).encode()));
        assertEquals("the join token is for 'node-3', not for 'node-4'", e);
        // The refusal did not spend the token.
        chain(s.handle(IssueRequest.withToken(csr(CertificateRequests.newKeyPair(), "node-3"), forNode3).encode()));

        CertificateAuthority other = CertificateAuthority.createRoot("Other", Duration.ofDays(1)).createIssuing("o", Duration.ofDays(1));
        String stranger = JoinToken.mint(other, "node-5", Role.NODE, Duration.ofMinutes(5));
        e = error(s.handle(IssueRequest.withToken(csr(CertificateRequests.newKeyPair(), "node-5"), stranger).encode()));
        assertTrue(e.contains("unknown CA"), e);
        e = error(s.handle(IssueRequest.withToken(csr(CertificateRequests.newKeyPair(), "node-5"), "rmjt1.garbage").encode()));
        assertTrue(e.startsWith("join token:"), e);
        e = error(s.handle(new IssueRequest(Pem.csr(csr(CertificateRequests.newKeyPair(), "node-5")), null, null, null).encode()));
        assertEquals("the request carries neither a join token nor a current certificate", e);
        // Transport identity must match the CSR.
        String t6 = s.mintToken("node-6", Role.NODE, Duration.ofMinutes(5));
        e = error(s.handle(IssueRequest.withToken(csr(CertificateRequests.newKeyPair(), "node-6"), t6).encode(), "node-7"));
        assertEquals("the request for 'node-6' came from 'node-7'", e);
        KeyPair k7 = CertificateRequests.newKeyPair();
        String t7 = s.mintToken("node-7", Role.NODE, Duration.ofMinutes(5));
        List<X509Certificate> c7 = chain(s.handleFromPeer(IssueRequest.withToken(csr(k7, "node-7"), t7).encode(), null));
        e = error(s.handleFromPeer(IssueRequest.withToken(csr(CertificateRequests.newKeyPair(), "node-6"), t6).encode(),
                c7.toArray(X509Certificate[]::new)));
        assertEquals("the request for 'node-6' came from 'node-7'", e);
    }

    @Test
    void renewalNeedsAValidCertificateForTheSameNameAndItsKey() throws Exception {
        IssuerService s = issuer();
        KeyPair k1 = CertificateRequests.newKeyPair();
        String byIssuer = s.mintToken("node-8", Role.OPERATOR, Duration.ofMinutes(5));
        assertTrue(error(s.handle(IssueRequest.withToken(csr(k1, "node-8"), byIssuer).encode()))
                .startsWith("operator tokens must be signed by a root CA"));
        String token = JoinToken.mint(root, "node-8", Role.OPERATOR, Duration.ofMinutes(5));
        List<X509Certificate> c1 = chain(s.handle(IssueRequest.withToken(csr(k1, "node-8"), token).encode()));

        KeyPair k2 = CertificateRequests.newKeyPair();
        List<X509Certificate> c2 = chain(s.handle(IssueRequest.renewal(csr(k2, "node-8"), c1, k1.getPrivate()).encode(), "node-8"));
        assertEquals(k2.getPublic(), c2.get(0).getPublicKey());
        assertEquals(Role.OPERATOR, Names.role(c2.get(0)), "the role is kept");
        assertTrue(!c1.get(0).getSerialNumber().equals(c2.get(0).getSerialNumber()));

        // Someone holding only the public chain (no key) cannot renew it.
        KeyPair thief = CertificateRequests.newKeyPair();
        String e = error(s.handle(IssueRequest.renewal(csr(thief, "node-8"), c2, thief.getPrivate()).encode()));
        assertTrue(e.contains("proof is not signed by the current certificate's key"), e);
        // A certificate for node-8 cannot renew node-9.
        e = error(s.handle(IssueRequest.renewal(csr(CertificateRequests.newKeyPair(), "node-9"), c2, k2.getPrivate()).encode()));
        assertEquals("renewal: the current certificate is for 'node-8', not for 'node-9'", e);
        // A certificate from another CA.
        CertificateAuthority other = CertificateAuthority.createRoot("Other", Duration.ofDays(1)).createIssuing("o", Duration.ofDays(1));
        KeyPair ko = CertificateRequests.newKeyPair();
        X509Certificate foreign = other.signLeaf(CertificateRequests.parse(Pem.csr(csr(ko, "node-8")), "c"), "node-8",
                Role.NODE, Duration.ofHours(1), SanPolicy.defaults());
        e = error(s.handle(IssueRequest.renewal(csr(CertificateRequests.newKeyPair(), "node-8"), other.leafChain(foreign),
                ko.getPrivate()).encode()));
        assertTrue(e.contains("does not chain to the trust bundle"), e);
        // Expired (seen from an issuer whose clock is past the leaf's notAfter).
        IssuerService later = new IssuerService(issuing, bundle, state, Duration.ofHours(1), SanPolicy.defaults(),
                Clock.offset(Clock.systemUTC(), Duration.ofHours(25)));
        e = error(later.handle(IssueRequest.renewal(csr(CertificateRequests.newKeyPair(), "node-8"), c2, k2.getPrivate()).encode()));
        assertTrue(e.contains("not valid") || e.contains("expired"), e);
        // Revoked.
        BigInteger serial = c2.get(0).getSerialNumber();
        s.setRevoked(serial::equals);
        e = error(s.handle(IssueRequest.renewal(csr(CertificateRequests.newKeyPair(), "node-8"), c2, k2.getPrivate()).encode()));
        assertTrue(e.contains("is revoked"), e);
        // A CA certificate is no leaf.
        e = error(s.handle(IssueRequest.renewal(csr(CertificateRequests.newKeyPair(), "issuer-1"), issuing.chain(),
                issuing.privateKey()).encode()));
        assertTrue(e.contains("is a CA certificate"), e);
        // A client's certificate (ca issue --role client) renews nothing: it serves no agent, and
        // carries neither host names nor serverAuth
        KeyPair kc = CertificateRequests.newKeyPair();
        X509Certificate client = issuing.signLeaf(CertificateRequests.parse(Pem.csr(csr(kc, "app")), "c"), "app",
                Role.CLIENT, Duration.ofHours(1), SanPolicy.defaults());
        assertEquals(List.of("1.3.6.1.5.5.7.3.2"), client.getExtendedKeyUsage());
        assertEquals(List.of("spiffe://redmesh/client/app"), client.getSubjectAlternativeNames().stream()
                .map(san -> String.valueOf(san.get(1))).toList());
        e = error(s.handle(IssueRequest.renewal(csr(CertificateRequests.newKeyPair(), "app"), issuing.leafChain(client),
                kc.getPrivate()).encode()));
        assertTrue(e.contains("a client's certificate is not renewed"), e);
    }

    @Test
    void garbageRequestsGetAnErrorNeverAnException() throws Exception {
        IssuerService s = issuer();
        Random rnd = new Random(42);
        for (int i = 0; i < 200; i++) {
            byte[] b = new byte[rnd.nextInt(300)];
            rnd.nextBytes(b);
            assertTrue(!IssueResponse.decode(s.handle(b)).isOk());
        }
        String[] json = {"", "{}", "[]", "null", "{\"v\":1}", "{\"v\":1,\"csr\":5}", "{\"v\":1,\"csr\":\"x\"}",
            "{\"v\":2,\"csr\":\"x\"}", "{\"v\":1,\"csr\":\"x\",\"token\":[1]}", "{\"v\":1,\"csr\":\"x\",\"proof\":\"!!\"}",
            "{\"v\":1,\"csr\":\"-----BEGIN CERTIFICATE REQUEST-----\\nAAAA\\n-----END CERTIFICATE REQUEST-----\\n\",\"token\":\"t\"}",
            "{\"v\":1,\"csr\":\"" + Pem.csr(csr(CertificateRequests.newKeyPair(), "n")).replace("\n", "\\n")
                    + "\",\"chain\":\"garbage\",\"proof\":\"AAAA\"}"};
        for (String j : json) {
            String e = error(s.handle(j.getBytes(StandardCharsets.UTF_8)));
            assertTrue(!e.isEmpty() && !e.contains("Exception"), e);
        }
        // Deep nesting within the size bound (a parser stack overflow would escape as an Error).
        String deep = "[".repeat(IssueRequest.MAX_BYTES - 10);
        assertTrue(!error(s.handle(deep.getBytes(StandardCharsets.US_ASCII))).isEmpty());
        String deepObj = "{\"v\":1,\"csr\":\"x\",\"token\":" + "[".repeat(30000) + "}";
        assertTrue(!error(s.handle(deepObj.getBytes(StandardCharsets.US_ASCII))).isEmpty());
        String e = error(s.handle(new byte[IssueRequest.MAX_BYTES + 1]));
        assertTrue(e.startsWith("request too large"), e);
        e = error(s.handle(null));
        assertEquals("empty request", e);
    }
}
