package io.redmesh.node.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.GeneratedCertificates;
import io.redmesh.node.testing.TestCertificates;
import io.redmesh.node.tls.CertificateIdentity.Mode;
import io.redmesh.node.tls.CertificateIdentity.Result;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.junit.jupiter.api.Test;

/** The certificate-to-user rules, including the certificates that must never be mapped. */
class CertificateIdentityTest {
    @GeneratedCertificates
    private static TestCertificates certs;

    private static X509Certificate cert(X500Name subject, String... uris) {
        return certs.newClient(subject, uris).cert();
    }

    @Test
    void aPlainCommonNameNamesTheUser() {
        Result r = CertificateIdentity.of(certs.newClient("alice").cert(), Mode.CN);
        assertEquals("alice", r.user());
        assertNull(r.refusal());
    }

    @Test
    void offNeverMaps() {
        assertFalse(CertificateIdentity.of(certs.newClient("alice").cert(), Mode.OFF).mapped());
    }

    @Test
    void twoCommonNamesAreAmbiguousAndRefused() {
        X500Name twoRdns = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.CN, "alice").addRDN(BCStyle.CN, "admin").build();
        Result r = CertificateIdentity.of(cert(twoRdns), Mode.CN);
        assertFalse(r.mapped());
        assertEquals("the certificate subject has 2 CNs", r.refusal());

        X500Name multiValued = new X500NameBuilder(BCStyle.INSTANCE)
                .addMultiValuedRDN(new org.bouncycastle.asn1.ASN1ObjectIdentifier[] {BCStyle.CN, BCStyle.CN},
                        new String[] {"alice", "admin"}).build();
        assertFalse(CertificateIdentity.of(cert(multiValued), Mode.CN).mapped());
    }

    @Test
    void aCommonNameWithANulByteIsRefused() {
        X500Name nul = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, "admin\0.attacker.example").build();
        Result r = CertificateIdentity.of(cert(nul), Mode.CN);
        assertFalse(r.mapped());
        assertEquals("the certificate CN contains a NUL byte", r.refusal());
    }

    @Test
    void noCommonNameIsRefused() {
        X500Name none = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "RedMesh Test").build();
        assertEquals("the certificate subject has no CN", CertificateIdentity.of(cert(none), Mode.CN).refusal());
    }

    @Test
    void oneUriSanNamesTheUserInUriMode() {
        X500Name subject = new X500Name("CN=ignored");
        Result r = CertificateIdentity.of(cert(subject, "spiffe://prod.example/ns/cache/sa/api"), Mode.URI);
        assertEquals("spiffe://prod.example/ns/cache/sa/api", r.user());
    }

    @Test
    void uriModeIgnoresTheCommonName() {
        Result r = CertificateIdentity.of(certs.newClient("alice").cert(), Mode.URI);
        assertFalse(r.mapped());
        assertEquals("the certificate has no URI subject alternative name", r.refusal());
    }

    @Test
    void twoUriSansAreAmbiguousAndRefused() {
        Result r = CertificateIdentity.of(cert(new X500Name("CN=x"),
                "spiffe://prod.example/a", "spiffe://prod.example/admin"), Mode.URI);
        assertFalse(r.mapped());
        assertTrue(r.refusal().contains("2 URI"));
    }

    @Test
    void modeParsesCaseInsensitively() {
        assertEquals(Mode.CN, Mode.of("CN"));
        assertEquals(Mode.URI, Mode.of("uri"));
        assertEquals(Mode.OFF, Mode.of("Off"));
    }

    @Test
    void aNonAsciiCommonNameNamesTheUserByItsUtf8Bytes() {
        // ACL SETUSER from a UTF-8 client names the user by the bytes of "jos\u00e9"; the model
        // holds names one char per byte (Latin-1), so that is the string the certificate must give.
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, "jos\u00e9").build();
        Result r = CertificateIdentity.of(cert(subject), Mode.CN);
        String utf8AsLatin1 = new String("jos\u00e9".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        assertEquals(utf8AsLatin1, r.user());
    }
}
