package io.redmesh.agent.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Root, issuing CA, CSR, leaf profile, PEM, join tokens, bundles, revocations, rotation. */
class PkiTest {
    static CertificateAuthority root;
    static CertificateAuthority issuing;

    @TempDir
    Path dir;

    @BeforeAll
    static void cas() throws Exception {
        root = CertificateAuthority.createRoot("Test Root", Duration.ofDays(30));
        issuing = root.createIssuing("issuer-1", Duration.ofDays(10));
    }

    static X509Certificate leaf(CertificateAuthority ca, String name, Role role, KeyPair kp) throws Exception {
        var csr = CertificateRequests.create(kp, name, List.of("localhost", name + ".example.net"),
                List.of("127.0.0.1", "::1"));
        return ca.signLeaf(CertificateRequests.parse(Pem.csr(csr), "csr"), name, role, Duration.ofMinutes(5),
                SanPolicy.defaults());
    }

    @Test
    void leafChainPassesOpensslVerifyWithTheProfile() throws Exception {
        Assumptions.assumeTrue(OpenSsl.available());
        KeyPair kp = CertificateRequests.newKeyPair();
        X509Certificate leaf = leaf(issuing, "node-1", Role.NODE, kp);
        List<X509Certificate> chain = issuing.leafChain(leaf);
        assertEquals(2, chain.size());
        assertEquals(issuing.certificate(), chain.get(1));
        for (String purpose : new String[] {"sslserver", "sslclient"}) {
            var r = OpenSsl.verify(dir, List.of(root.certificate()), chain, purpose);
            assertEquals(0, r.code(), r.output());
            assertTrue(r.output().contains(": OK"), r.output());
        }
        // Profile: CN, OU, O; SANs; SPIFFE URI; EKU; key usage; not a CA; serial; SKI/AKI.
        String subject = leaf.getSubjectX500Principal().getName();
        assertTrue(subject.contains("CN=node-1") && subject.contains("OU=node") && subject.contains("O=RedMesh"), subject);
        Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
        List<String> flat = new ArrayList<>();
        for (List<?> s : sans) {
            flat.add(s.get(0) + ":" + s.get(1));
        }
        assertTrue(flat.contains("2:localhost"), flat.toString());
        assertTrue(flat.contains("2:node-1.example.net"), flat.toString());
        assertTrue(flat.contains("7:127.0.0.1"), flat.toString());
        assertTrue(flat.stream().anyMatch(s -> s.startsWith("7:0:0:0:0:0:0:0:1")), flat.toString());
        assertTrue(flat.contains("6:spiffe://redmesh/node/node-1"), flat.toString());
        assertEquals(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"), leaf.getExtendedKeyUsage());
        assertTrue(leaf.getKeyUsage()[0]);
        assertFalse(leaf.getKeyUsage()[5]);
        assertEquals(-1, leaf.getBasicConstraints());
        assertEquals(0, issuing.certificate().getBasicConstraints());
        assertTrue(leaf.getSerialNumber().signum() > 0 && leaf.getSerialNumber().bitLength() <= 128);
        assertTrue(leaf.getExtensionValue("2.5.29.14") != null && leaf.getExtensionValue("2.5.29.35") != null);
        assertEquals("SHA256withECDSA", leaf.getSigAlgName());
        assertEquals(Role.NODE, Names.role(leaf));
        assertEquals("node-1", Names.commonName(leaf));
        // The text dump, as an operator would look at it.
        Path p = dir.resolve("leaf.pem");
        Files.writeString(p, Pem.certificate(leaf));
        var text = OpenSsl.run(List.of("openssl", "x509", "-noout", "-text", "-in", p.toString()));
        assertTrue(text.output().contains("URI:spiffe://redmesh/node/node-1"), text.output());
        assertTrue(text.output().contains("TLS Web Server Authentication, TLS Web Client Authentication"), text.output());
        assertTrue(text.output().contains("ASN1 OID: prime256v1"), text.output());
    }

    @Test
    void aLeafFromAnotherCaFailsOpensslAndThePkixCheck() throws Exception {
        Assumptions.assumeTrue(OpenSsl.available());
        CertificateAuthority other = CertificateAuthority.createRoot("Other", Duration.ofDays(1));
        X509Certificate leaf = leaf(other, "node-x", Role.NODE, CertificateRequests.newKeyPair());
        assertNotEquals(0, OpenSsl.verify(dir, List.of(root.certificate()), List.of(leaf), null).code());
        TrustBundle b = TrustBundle.of(List.of(root.certificate()));
        PkiException e = assertThrows(PkiException.class, () -> b.verify(List.of(leaf), Instant.now()));
        assertTrue(e.getMessage().contains("does not chain to the trust bundle"), e.getMessage());
        // The real one passes, and fails once expired.
        X509Certificate good = leaf(issuing, "node-2", Role.NODE, CertificateRequests.newKeyPair());
        b.verify(issuing.leafChain(good), Instant.now());
        assertThrows(PkiException.class, () -> b.verify(issuing.leafChain(good), Instant.now().plus(Duration.ofHours(1))));
    }

    @Test
    void encryptedKeyRoundTripsOpensslReadsItAndAWrongPassphraseIsClear() throws Exception {
        String pem = Pem.encryptedPrivateKey(root.privateKey(), "correct horse".toCharArray());
        assertTrue(pem.startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"), pem);
        var k = Pem.parsePrivateKey(pem, "correct horse".toCharArray(), "ca.key");
        assertTrue(Keys.matches(root.certificate().getPublicKey(), k));
        PkiException e = assertThrows(PkiException.class, () -> Pem.parsePrivateKey(pem, "wrong".toCharArray(), "ca.key"));
        assertTrue(e.getMessage().startsWith("wrong passphrase for ca.key"), e.getMessage());
        e = assertThrows(PkiException.class, () -> Pem.parsePrivateKey(pem, null, "ca.key"));
        assertTrue(e.getMessage().contains("passphrase is required"), e.getMessage());
        if (OpenSsl.available()) {
            Path f = dir.resolve("k.pem");
            Files.writeString(f, pem);
            var r = OpenSsl.run(List.of("openssl", "pkey", "-noout", "-in", f.toString(), "-passin", "pass:correct horse"));
            assertEquals(0, r.code(), r.output());
            r = OpenSsl.run(List.of("openssl", "pkey", "-noout", "-in", f.toString(), "-passin", "pass:nope"));
            assertNotEquals(0, r.code(), r.output());
        }
    }

    @Test
    void garbageInputGivesClearErrors() {
        String[] garbage = {"", "   ", "hello", "-----BEGIN CERTIFICATE-----\nnot base64!!\n-----END CERTIFICATE-----\n",
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n",
            "-----BEGIN PRIVATE KEY-----\nAAAAAAAA\n-----END PRIVATE KEY-----\n", "x".repeat(Pem.MAX_PEM_CHARS + 1)};
        for (String g : garbage) {
            PkiException e = assertThrows(PkiException.class, () -> Pem.parseCertificates(g, "in.pem"));
            assertTrue(e.getMessage().startsWith("in.pem"), e.getMessage());
            e = assertThrows(PkiException.class, () -> CertificateRequests.parse(g, "req.csr"));
            assertTrue(e.getMessage().startsWith("req.csr") || e.getMessage().startsWith("certificate request"), e.getMessage());
            e = assertThrows(PkiException.class, () -> Pem.parsePrivateKey(g, null, "k.pem"));
            assertTrue(e.getMessage().startsWith("k.pem"), e.getMessage());
        }
        // A certificate where a CSR is expected, and the other way round.
        PkiException e = assertThrows(PkiException.class,
                () -> CertificateRequests.parse(Pem.certificate(root.certificate()), "req.csr"));
        assertTrue(e.getMessage().contains("not a certificate request"), e.getMessage());
    }

    @Test
    void csrWithATamperedSignatureOrBadSansIsRefused() throws Exception {
        KeyPair kp = CertificateRequests.newKeyPair();
        var csr = CertificateRequests.create(kp, "node-3", List.of("node-3.local"), List.of("10.0.0.3"));
        byte[] der = csr.getEncoded();
        der[der.length - 5] ^= 1; // inside the signature
        var tampered = new org.bouncycastle.pkcs.PKCS10CertificationRequest(der);
        PkiException e = assertThrows(PkiException.class, () -> CertificateRequests.parse(tampered));
        assertTrue(e.getMessage().contains("signature") || e.getMessage().contains("unreadable"), e.getMessage());

        var parsed = CertificateRequests.parse(Pem.csr(csr), "csr");
        e = assertThrows(PkiException.class, () -> issuing.signLeaf(parsed, "node-4", Role.NODE, Duration.ofHours(1), SanPolicy.defaults()));
        assertTrue(e.getMessage().contains("not for 'node-4'"), e.getMessage());
        SanPolicy strict = SanPolicy.restricted(List.of("example.net"), List.of("192.168.0.0/16"));
        e = assertThrows(PkiException.class, () -> issuing.signLeaf(parsed, "node-3", Role.NODE, Duration.ofHours(1), strict));
        assertTrue(e.getMessage().contains("refused by the issuer's policy"), e.getMessage());
        SanPolicy ok = SanPolicy.restricted(List.of(".local"), List.of("10.0.0.0/8"));
        issuing.signLeaf(parsed, "node-3", Role.NODE, Duration.ofHours(1), ok);
        e = assertThrows(PkiException.class, () -> CertificateRequests.create(kp, "bad name!", List.of(), List.of()));
        assertTrue(e.getMessage().contains("invalid node name"), e.getMessage());
        e = assertThrows(PkiException.class, () -> CertificateRequests.create(kp, "n", List.of(), List.of("example.com")));
        assertTrue(e.getMessage().contains("invalid IP address"), e.getMessage());
        var wild = CertificateRequests.parse(Pem.csr(CertificateRequests.create(kp, "n", List.of("*.example.com"), List.of())), "c");
        e = assertThrows(PkiException.class, () -> SanPolicy.defaults().check("n", wild.dnsNames(), wild.ips()));
        assertTrue(e.getMessage().contains("wildcards"), e.getMessage());
        var any = CertificateRequests.parse(Pem.csr(CertificateRequests.create(kp, "n", List.of(), List.of("0.0.0.0"))), "c");
        e = assertThrows(PkiException.class, () -> SanPolicy.defaults().check("n", any.dnsNames(), any.ips()));
        assertTrue(e.getMessage().contains("not a unicast"), e.getMessage());
    }

    @Test
    void joinTokensVerifyAndRefuseTamperingExpiryAndStrangers() throws Exception {
        TrustBundle b = TrustBundle.of(List.of(root.certificate()));
        String t = JoinToken.mint(issuing, "node-5", Role.OPERATOR, Duration.ofMinutes(10));
        assertTrue(t.startsWith("rmjt1.") && t.length() < 400, t);
        JoinToken jt = JoinToken.verify(t, b, issuing.chain(), Instant.now());
        assertEquals("node-5", jt.name());
        assertEquals(Role.OPERATOR, jt.role());
        // A root-signed token verifies with the bundle alone.
        JoinToken.verify(JoinToken.mint(root, "node-6", Role.NODE, Duration.ofMinutes(1)), b, List.of(), Instant.now());
        // Without the issuer's chain, the signer is unknown.
        PkiException e = assertThrows(PkiException.class, () -> JoinToken.verify(t, b, List.of(), Instant.now()));
        assertTrue(e.getMessage().contains("unknown CA"), e.getMessage());
        e = assertThrows(PkiException.class, () -> JoinToken.verify(t, b, issuing.chain(), Instant.now().plus(Duration.ofMinutes(11))));
        assertTrue(e.getMessage().contains("expired"), e.getMessage());
        // Change the payload (another name) keeping the signature.
        String[] parts = t.split("\\.");
        String payload = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("node-5", "node-9");
        String forged = "rmjt1." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        e = assertThrows(PkiException.class, () -> JoinToken.verify(forged, b, issuing.chain(), Instant.now()));
        assertTrue(e.getMessage().contains("bad signature"), e.getMessage());
        // Signed by a CA from another root.
        CertificateAuthority otherRoot = CertificateAuthority.createRoot("Other", Duration.ofDays(1));
        CertificateAuthority otherIssuing = otherRoot.createIssuing("x", Duration.ofDays(1));
        String stranger = JoinToken.mint(otherIssuing, "node-5", Role.NODE, Duration.ofMinutes(1));
        e = assertThrows(PkiException.class, () -> JoinToken.verify(stranger, b, otherIssuing.chain(), Instant.now()));
        assertTrue(e.getMessage().contains("not trusted"), e.getMessage());
        for (String g : new String[] {"", "rmjt1.", "rmjt1.a.b.c", "rmjt1.!!!.???", "nope", "rmjt1.aGVsbG8.aGVsbG8",
            "rmjt1." + "A".repeat(3000) + ".x"}) {
            e = assertThrows(PkiException.class, () -> JoinToken.verify(g, b, issuing.chain(), Instant.now()));
            assertTrue(e.getMessage().startsWith("join token:"), e.getMessage());
        }
    }

    @Test
    void caDirectoryRefusesToOverwriteAndWritesTheKeyPrivately() throws Exception {
        CaDirectory d = new CaDirectory(dir.resolve("ca"));
        d.create(root, "pw".toCharArray(), TrustBundle.of(List.of(root.certificate())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(d.keyFile())));
        assertTrue(Files.readString(d.keyFile()).contains("ENCRYPTED PRIVATE KEY"));
        PkiException e = assertThrows(PkiException.class,
                () -> d.create(root, "pw".toCharArray(), TrustBundle.of(List.of(root.certificate()))));
        assertTrue(e.getMessage().contains("refusing to overwrite"), e.getMessage());
        CertificateAuthority loaded = d.load("pw".toCharArray());
        assertEquals(root.certificate(), loaded.certificate());
        e = assertThrows(PkiException.class, () -> d.load("bad".toCharArray()));
        assertTrue(e.getMessage().startsWith("wrong passphrase for "), e.getMessage());
        e = assertThrows(PkiException.class, () -> new CaDirectory(dir.resolve("none")).load(null));
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());
        // A key that does not match the certificate.
        CaDirectory m = new CaDirectory(dir.resolve("mismatch"));
        m.create(issuing, null, TrustBundle.of(List.of(root.certificate())));
        Files.writeString(m.keyFile(), Pem.privateKey(root.privateKey()));
        e = assertThrows(PkiException.class, () -> m.load(null));
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
    }

    @Test
    void revocationListRoundTripsAndRefusesGarbage() throws Exception {
        RevocationList l = RevocationList.of().with(new BigInteger("abcdef0123456789", 16), Instant.now(), "key compromise")
                .with(BigInteger.TEN, Instant.now(), "superseded");
        RevocationList back = RevocationList.decode(l.encode());
        assertEquals(l, back);
        assertTrue(back.contains(BigInteger.TEN));
        assertEquals(2, back.serials().size());
        for (String g : new String[] {"", "nope\n", "redmesh-revocations 1\nzz 2020 x\n",
            "redmesh-revocations 1\nab notatime reason\n", "redmesh-revocations 1\nab 2026-11-28T00:00:00Z\n"}) {
            assertThrows(PkiException.class, () -> RevocationList.decode(g.getBytes(StandardCharsets.UTF_8)));
        }
        assertThrows(PkiException.class, () -> l.with(BigInteger.ONE, Instant.now(), "two\nlines"));
    }

    @Test
    void signedBundlesFollowTheRotationAndRefuseReplaysAndStrangers() throws Exception {
        TrustBundle start = TrustBundle.of(List.of(root.certificate()));
        SignedTrustBundle initial = SignedTrustBundle.sign(start, 1, null, List.of(root));
        SignedTrustBundle decoded = SignedTrustBundle.decode(initial.encode());
        decoded.verifyAgainst(start, 0);
        decoded.verifyAgainst(start, 1); // re-delivery of the same bundle

        CaRotation.Result r = CaRotation.rotate(root, start, 1, "Root 2", Duration.ofDays(30), "issuer-2",
                Duration.ofDays(10), Duration.ofHours(1));
        assertEquals(List.of(root.certificate(), r.newRoot().certificate()), r.overlapBundle().certificates());
        assertEquals(List.of(r.newRoot().certificate()), r.finalBundle().certificates());
        SignedTrustBundle overlap = SignedTrustBundle.decode(r.overlap().encode());
        SignedTrustBundle fin = SignedTrustBundle.decode(r.fin().encode());
        assertEquals(2, overlap.sequence());
        assertEquals(3, fin.sequence());
        assertTrue(overlap.overlapUntil() != null && fin.overlapUntil() == null);
        overlap.verifyAgainst(start, 1);
        fin.verifyAgainst(overlap.bundle(), 2);
        fin.verifyAgainst(start, 1); // a node that missed the overlap bundle
        // Replaying the old single-root bundle after the overlap: stale.
        PkiException e = assertThrows(PkiException.class, () -> initial.verifyAgainst(overlap.bundle(), 2));
        assertTrue(e.getMessage().contains("not newer"), e.getMessage());
        // A bundle signed by a stranger's root.
        CertificateAuthority evil = CertificateAuthority.createRoot("Evil", Duration.ofDays(1));
        SignedTrustBundle forged = SignedTrustBundle.sign(TrustBundle.of(List.of(evil.certificate())), 9, null, List.of(evil));
        e = assertThrows(PkiException.class, () -> forged.verifyAgainst(start, 1));
        assertTrue(e.getMessage().contains("not signed by a currently trusted CA"), e.getMessage());
        // Tampering: another certificate list under the old signatures.
        String text = new String(overlap.encode(), StandardCharsets.US_ASCII).replace("sequence 2", "sequence 7");
        SignedTrustBundle t = SignedTrustBundle.decode(text.getBytes(StandardCharsets.US_ASCII));
        assertThrows(PkiException.class, () -> t.verifyAgainst(start, 1));
        for (String g : new String[] {"", "redmesh-trust-bundle 1\n", "redmesh-trust-bundle 1\nsequence x\nissued y\noverlap-until -\n",
            new String(overlap.encode(), StandardCharsets.US_ASCII).replace("signature ", "signatur ")}) {
            assertThrows(PkiException.class, () -> SignedTrustBundle.decode(g.getBytes(StandardCharsets.US_ASCII)));
        }

        // Leaves: old and new CA verify against [old, new]; after [new] only the new one.
        X509Certificate oldLeaf = leaf(issuing, "n1", Role.NODE, CertificateRequests.newKeyPair());
        X509Certificate newLeaf = leaf(r.newIssuing(), "n1", Role.NODE, CertificateRequests.newKeyPair());
        r.overlapBundle().verify(issuing.leafChain(oldLeaf), Instant.now());
        r.overlapBundle().verify(r.newIssuing().leafChain(newLeaf), Instant.now());
        r.finalBundle().verify(r.newIssuing().leafChain(newLeaf), Instant.now());
        assertThrows(PkiException.class, () -> r.finalBundle().verify(issuing.leafChain(oldLeaf), Instant.now()));
        if (OpenSsl.available()) {
            assertEquals(0, OpenSsl.verify(dir, r.overlapBundle().certificates(), issuing.leafChain(oldLeaf), null).code());
            assertEquals(0, OpenSsl.verify(dir, r.overlapBundle().certificates(), r.newIssuing().leafChain(newLeaf), null).code());
            assertEquals(0, OpenSsl.verify(dir, r.finalBundle().certificates(), r.newIssuing().leafChain(newLeaf), null).code());
            assertNotEquals(0, OpenSsl.verify(dir, r.finalBundle().certificates(), issuing.leafChain(oldLeaf), null).code());
        }
        e = assertThrows(PkiException.class, () -> CaRotation.rotate(issuing, start, 1, "x", Duration.ofDays(1), null,
                Duration.ofDays(1), Duration.ofHours(1)));
        assertTrue(e.getMessage().contains("only a root CA"), e.getMessage());
    }
}
