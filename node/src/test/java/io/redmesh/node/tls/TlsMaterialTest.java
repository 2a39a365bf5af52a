package io.redmesh.node.tls;

import io.redmesh.node.spi.tls.TlsMaterialException;
import io.redmesh.node.spi.tls.PemFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.SslProvider;
import io.redmesh.node.testing.GeneratedCertificates;
import io.redmesh.node.testing.TestCertificates;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The socket-free half of TLS: reading PEM material, checking it, and building a context. */
class TlsMaterialTest {
    @GeneratedCertificates
    private static TestCertificates certs;

    private static TlsSettings settings(String cert, String key, String pass, String ca, String auth,
                                        String protocols, String ciphers, String suites, String provider) {
        return new TlsSettings(cert, key, pass, ca, "", auth, protocols, ciphers, suites, false, true, 20480, 300,
                provider, false, "", "", "");
    }

    private static TlsSettings good(String provider) {
        return settings(certs.server().certFile().toString(), certs.server().keyFile().toString(), "",
                certs.ca().certFile().toString(), "yes", "", "", "", provider);
    }

    @Test
    void readsEveryKeyForm() throws Exception {
        PrivateKey plain = PemFiles.privateKey(certs.server().keyFile(), null);
        assertEquals(certs.server().key(), plain);
        assertEquals(plain, PemFiles.privateKey(certs.serverKeyPkcs8Encrypted(), TestCertificates.PASSPHRASE));
        assertEquals(plain, PemFiles.privateKey(certs.serverKeyTraditionalEncrypted(), TestCertificates.PASSPHRASE));
        assertEquals(certs.client().key(), PemFiles.privateKey(certs.client().keyFile(), "")); // EC
    }

    @Test
    void encryptedKeysNeedTheRightPassphrase() {
        for (Path p : List.of(certs.serverKeyPkcs8Encrypted(), certs.serverKeyTraditionalEncrypted())) {
            TlsMaterialException none = assertThrows(TlsMaterialException.class, () -> PemFiles.privateKey(p, ""));
            assertEquals("private key " + p + " is encrypted and no passphrase is configured", none.getMessage());
            TlsMaterialException wrong = assertThrows(TlsMaterialException.class, () -> PemFiles.privateKey(p, "x"));
            assertEquals("cannot decrypt private key " + p + " (wrong tls-key-file-pass?)", wrong.getMessage());
        }
    }

    @Test
    void missingAndEmptyFilesAreNamed() {
        Path missing = certs.dir().resolve("absent.pem");
        assertEquals("file not found: " + missing,
                assertThrows(TlsMaterialException.class, () -> PemFiles.certificates(missing)).getMessage());
        assertEquals("no private key found in " + certs.ca().certFile(), assertThrows(TlsMaterialException.class,
                () -> PemFiles.privateKey(certs.ca().certFile(), null)).getMessage());
        assertTrue(assertThrows(TlsMaterialException.class, () -> PemFiles.certificates(certs.server().keyFile()))
                .getMessage().contains(certs.server().keyFile().toString()));
    }

    @Test
    void aKeyMustBelongToItsCertificate() throws Exception {
        PrivateKey other = PemFiles.privateKey(certs.mismatchedKey(), null);
        assertThrows(TlsMaterialException.class,
                () -> TlsContextProvider.checkKeyMatches(certs.server().cert(), other, "k", "c"));
        // an EC key against an RSA certificate
        assertThrows(TlsMaterialException.class,
                () -> TlsContextProvider.checkKeyMatches(certs.server().cert(), certs.client().key(), "k", "c"));
        TlsContextProvider.checkKeyMatches(certs.client().cert(), certs.client().key(), "k", "c");
    }

    @Test
    void protocolsParseAsRedisDoes() throws Exception {
        assertEquals(List.of("TLSv1.2", "TLSv1.3"), TlsContextProvider.parseProtocols(""));
        assertEquals(List.of("TLSv1.3"), TlsContextProvider.parseProtocols("tlsv1.3"));
        assertEquals(List.of("TLSv1", "TLSv1.1"), TlsContextProvider.parseProtocols("TLSv1  TLSv1.1"));
        assertEquals("Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and "
                + "'TLSv1.3'.", assertThrows(TlsMaterialException.class,
                () -> TlsContextProvider.parseProtocols("TLSv1.2 SSLv3")).getMessage());
    }

    @Test
    void providerChoice() throws Exception {
        assertEquals(SslProvider.OPENSSL, TlsContextProvider.resolveProvider(good("auto")));
        assertEquals(SslProvider.OPENSSL, TlsContextProvider.resolveProvider(good("openssl")));
        assertEquals(SslProvider.JDK, TlsContextProvider.resolveProvider(good("jdk")));
        TlsSettings suites = settings("c", "k", "", "ca", "yes", "", "", "TLS_AES_128_GCM_SHA256", "auto");
        assertEquals(SslProvider.JDK, TlsContextProvider.resolveProvider(suites));
        TlsSettings forced = settings("c", "k", "", "ca", "yes", "", "", "TLS_AES_128_GCM_SHA256", "openssl");
        assertTrue(assertThrows(TlsMaterialException.class, () -> TlsContextProvider.resolveProvider(forced))
                .getMessage().startsWith("tls-ciphersuites cannot be enforced with tls-provider openssl"));
    }

    @Test
    void caIsRequiredOnlyWhenPeersAreVerified() throws Exception {
        TlsContextProvider p = new TlsContextProvider();
        TlsSettings noCa = settings(certs.server().certFile().toString(), certs.server().keyFile().toString(), "",
                "", "yes", "", "", "", "auto");
        assertEquals("Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, "
                + "tls-replication or tls-auth-clients are enabled!",
                assertThrows(TlsMaterialException.class, () -> p.reload(noCa)).getMessage());
        assertEquals(0, p.generation());
        p.reload(settings(certs.server().certFile().toString(), certs.server().keyFile().toString(), "", "", "no",
                "", "", "", "auto"));
        assertEquals(1, p.generation());
        assertEquals(certs.server().cert(), p.certificate());
        assertEquals("No tls-cert-file configured!", assertThrows(TlsMaterialException.class,
                () -> p.reload(settings("", "k", "", "", "no", "", "", "", "auto"))).getMessage());
        assertEquals("No tls-key-file configured!", assertThrows(TlsMaterialException.class,
                () -> p.reload(settings("c", "", "", "", "no", "", "", "", "auto"))).getMessage());
        assertEquals(1, p.generation(), "failed reloads leave the context alone");
    }

    @Test
    void caDirectoryIsRead() throws Exception {
        TlsContextProvider p = new TlsContextProvider();
        // the certs dir holds keys and certificates: non-certificates are skipped, as OpenSSL does
        p.reload(new TlsSettings(certs.server().certFile().toString(), certs.server().keyFile().toString(), "", "",
                certs.dir().toString(), "yes", "", "", "", false, true, 20480, 300, "auto", false, "", "", ""));
        assertEquals(1, p.generation());
    }

    @Test
    void cipherStringsExpandLikeOpenSsl() throws Exception {
        List<String> high = CipherLists.expandOpenSsl("ECDHE+AESGCM");
        assertTrue(high.contains("ECDHE-RSA-AES128-GCM-SHA256"), high.toString());
        assertTrue(high.contains("ECDHE-ECDSA-AES256-GCM-SHA384"), high.toString());
        assertFalse(high.stream().anyMatch(c -> c.contains("CBC") || c.contains("CHACHA")), high.toString());
        assertEquals(List.of("ECDHE-RSA-AES128-GCM-SHA256"), CipherLists.expandOpenSsl("ECDHE-RSA-AES128-GCM-SHA256"));
        assertThrows(TlsMaterialException.class, () -> CipherLists.expandOpenSsl("NO-SUCH-CIPHER"));
        assertThrows(TlsMaterialException.class, () -> CipherLists.parseTls13("TLS_AES_128_GCM_SHA256:BOGUS"));
        List<String> jdk = CipherLists.forJdk("ECDHE-RSA-AES128-GCM-SHA256", "");
        assertTrue(jdk.contains("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"), jdk.toString());
        assertTrue(jdk.contains("TLS_AES_256_GCM_SHA384"), "TLS 1.3 defaults kept: " + jdk);
        assertFalse(jdk.contains("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"), jdk.toString());
        assertEquals(null, CipherLists.forJdk("", ""));
    }
}
