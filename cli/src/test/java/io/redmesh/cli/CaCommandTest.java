package io.redmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.agent.cert.IssuerService;
import io.redmesh.agent.pki.CaDirectory;
import io.redmesh.agent.pki.JoinToken;
import io.redmesh.agent.pki.OpenSsl;
import io.redmesh.agent.pki.Pem;
import io.redmesh.agent.pki.SignedTrustBundle;
import io.redmesh.agent.pki.TrustBundle;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** redmesh ca init|issue|token|rotate, with openssl making the CSRs and verifying the chains. */
class CaCommandTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    static Run redmesh(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new RedMesh());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static Run ok(String... args) {
        Run r = redmesh(args);
        assertEquals(0, r.code(), String.join(" ", args) + "\nout: " + r.out() + "\nerr: " + r.err());
        return r;
    }

    static void fails(String expected, String... args) {
        Run r = redmesh(args);
        assertNotEquals(0, r.code(), r.out());
        assertTrue(r.err().contains(expected), "expected '" + expected + "' in: " + r.err());
    }

    Path passFile(String name, String pass) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, pass + "\n");
        return p;
    }

    /** An EC P-256 key and CSR made by openssl, as an operator would. */
    Path opensslCsr(String cn, String sans) throws Exception {
        Path key = dir.resolve(cn + ".key");
        Path csr = dir.resolve(cn + ".csr");
        var r = OpenSsl.run(List.of("openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=" + cn, "-addext",
                "subjectAltName=" + sans));
        assertEquals(0, r.code(), r.output());
        return csr;
    }

    static OpenSsl.Result verify(Path roots, Path chainFile, Path scratch) throws Exception {
        List<X509Certificate> chain = Pem.parseCertificates(Files.readString(chainFile), "chain");
        List<X509Certificate> anchors = Pem.parseCertificates(Files.readString(roots), "roots");
        return OpenSsl.verify(scratch, anchors, chain, "sslclient");
    }

    @Test
    void initIssueTokenAndLeafFromAnOpensslCsr() throws Exception {
        Assumptions.assumeTrue(OpenSsl.available());
        Path root = dir.resolve("root");
        Path pass = passFile("pass", "root secret");
        Run init = ok("ca", "init", "--dir", root.toString(), "--passphrase-file", pass.toString(), "--days", "30");
        assertTrue(init.out().contains("Root CA 'RedMesh Root CA' created"), init.out());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("ca.key"))));
        var k = OpenSsl.run(List.of("openssl", "pkey", "-noout", "-in", root.resolve("ca.key").toString(),
                "-passin", "pass:root secret"));
        assertEquals(0, k.code(), k.output());
        assertTrue(Files.exists(root.resolve("trust-bundle-1.tb")));
        fails("refusing to overwrite", "ca", "init", "--dir", root.toString(), "--passphrase-file", pass.toString());
        fails("wrong passphrase for", "ca", "token", "--dir", root.toString(), "--name", "n1",
                "--passphrase-file", passFile("bad", "nope").toString());
        fails("a passphrase is required", "ca", "token", "--dir", root.toString(), "--name", "n1");
        fails("environment variable REDMESH_NO_SUCH_VAR is not set", "ca", "token", "--dir", root.toString(),
                "--name", "n1", "--passphrase-env", "REDMESH_NO_SUCH_VAR");
        fails("Missing required argument", "ca", "init", "--dir", dir.resolve("x").toString());

        // Issuing CA for an issuer agent, unencrypted for unattended start.
        Path issuer = dir.resolve("issuer");
        ok("ca", "issue", "--dir", root.toString(), "--passphrase-file", pass.toString(), "--issuer", "issuer-1",
                "--out", issuer.toString(), "--no-encrypt");
        assertEquals(2, Pem.parseCertificates(Files.readString(issuer.resolve("ca.crt")), "c").size());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(issuer.resolve("ca.key"))));
        fails("needs --out-passphrase-file", "ca", "issue", "--dir", root.toString(), "--passphrase-file", pass.toString(),
                "--issuer", "issuer-2", "--out", dir.resolve("issuer2").toString());

        // A join token from the issuer dir works at an IssuerService built from that dir.
        Run tok = ok("ca", "token", "--dir", issuer.toString(), "--name", "node-1", "--ttl", "10m");
        String token = tok.out().strip();
        assertTrue(tok.err().contains("usable once"), tok.err());
        var ca = new CaDirectory(issuer);
        JoinToken jt = JoinToken.verify(token, ca.trust(), ca.load(null).chain(), Instant.now());
        assertEquals("node-1", jt.name());
        new IssuerService(ca.load(null), ca.trust(), dir.resolve("state"));
        fails("invalid duration", "ca", "token", "--dir", issuer.toString(), "--name", "n", "--ttl", "soon");
        fails("unknown role", "ca", "token", "--dir", issuer.toString(), "--name", "n", "--role", "admin");
        fails("invalid node name", "ca", "token", "--dir", issuer.toString(), "--name", "no spaces");
        fails("join tokens enroll nodes and operators", "ca", "token", "--dir", issuer.toString(), "--name", "app",
                "--role", "client");

        // A leaf for an operator from an openssl CSR, signed by the issuing CA, verified by openssl.
        Path csr = opensslCsr("alice", "DNS:localhost,IP:127.0.0.1");
        Path chain = dir.resolve("alice.crt");
        ok("ca", "issue", "--dir", issuer.toString(), "--csr", csr.toString(), "--name", "alice", "--role", "operator",
                "--hours", "2", "--out", chain.toString());
        var v = verify(root.resolve("ca.crt"), chain, dir);
        assertEquals(0, v.code(), v.output());
        var text = OpenSsl.run(List.of("openssl", "x509", "-noout", "-text", "-in", chain.toString()));
        assertTrue(text.output().contains("OU = operator") || text.output().contains("OU=operator"), text.output());
        assertTrue(text.output().contains("URI:spiffe://redmesh/node/alice"), text.output());
        // A client's certificate: OU=client and a client URI, never the node URI the bus and
        // replicas' peer-name checks take
        Path appCsr = opensslCsr("app", "DNS:localhost");
        Path appChain = dir.resolve("app.crt");
        ok("ca", "issue", "--dir", issuer.toString(), "--csr", appCsr.toString(), "--name", "app", "--role", "client",
                "--hours", "2", "--out", appChain.toString());
        assertEquals(0, verify(root.resolve("ca.crt"), appChain, dir).code());
        var appText = OpenSsl.run(List.of("openssl", "x509", "-noout", "-text", "-in", appChain.toString()));
        assertTrue(appText.output().contains("URI:spiffe://redmesh/client/app") && !appText.output().contains("redmesh/node/")
                && !appText.output().contains("DNS:localhost") && !appText.output().contains("Server Authentication"),
                appText.output());
        // Bad inputs.
        fails("not for 'bob'", "ca", "issue", "--dir", issuer.toString(), "--csr", csr.toString(), "--name", "bob",
                "--out", dir.resolve("bob.crt").toString());
        Path garbage = dir.resolve("garbage.csr");
        Files.writeString(garbage, "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n");
        fails("garbage.csr", "ca", "issue", "--dir", issuer.toString(), "--csr", garbage.toString(), "--name", "x",
                "--out", dir.resolve("x.crt").toString());
        fails("cannot read", "ca", "issue", "--dir", issuer.toString(), "--csr", dir.resolve("missing").toString(),
                "--name", "x", "--out", dir.resolve("x.crt").toString());
        fails("give either --issuer", "ca", "issue", "--dir", issuer.toString(), "--out", dir.resolve("x").toString());
        fails("holds no CA", "ca", "token", "--dir", dir.resolve("nowhere").toString(), "--name", "x");
    }

    @Test
    void rotateWritesBundlesThatVerifyOldAndNewLeavesInOrder() throws Exception {
        Assumptions.assumeTrue(OpenSsl.available());
        Path root = dir.resolve("root");
        Path pass = passFile("pass", "pw");
        ok("ca", "init", "--dir", root.toString(), "--passphrase-file", pass.toString(), "--name", "Root A");
        Path oldIssuer = dir.resolve("issuer-old");
        ok("ca", "issue", "--dir", root.toString(), "--passphrase-file", pass.toString(), "--issuer", "iss",
                "--out", oldIssuer.toString(), "--out-passphrase-file", pass.toString());
        Path oldLeaf = dir.resolve("old.crt");
        ok("ca", "issue", "--dir", oldIssuer.toString(), "--passphrase-file", pass.toString(),
                "--csr", opensslCsr("n1", "DNS:localhost").toString(), "--name", "n1", "--out", oldLeaf.toString());
        X509Certificate oldRoot = Pem.parseCertificates(Files.readString(root.resolve("ca.crt")), "r").get(0);

        Path newIssuer = dir.resolve("issuer-new");
        Run rot = ok("ca", "rotate", "--dir", root.toString(), "--passphrase-file", pass.toString(), "--overlap", "1h",
                "--issuer", "iss-2", "--out", newIssuer.toString(), "--no-encrypt");
        assertTrue(rot.out().contains("publish now"), rot.out());
        String serial = oldRoot.getSerialNumber().toString(16);
        assertTrue(Files.exists(root.resolve("ca-" + serial + ".crt")) && Files.exists(root.resolve("ca-" + serial + ".key")));
        SignedTrustBundle overlap = SignedTrustBundle.decode(Files.readAllBytes(root.resolve("trust-bundle-2.tb")));
        SignedTrustBundle fin = SignedTrustBundle.decode(Files.readAllBytes(root.resolve("trust-bundle-3.tb")));
        TrustBundle start = SignedTrustBundle.decode(Files.readAllBytes(root.resolve("trust-bundle-1.tb"))).bundle();
        overlap.verifyAgainst(start, 1);
        fin.verifyAgainst(overlap.bundle(), 2);
        assertEquals(2, overlap.bundle().certificates().size());
        assertEquals(1, fin.bundle().certificates().size());
        assertTrue(overlap.bundle().contains(oldRoot) && !fin.bundle().contains(oldRoot));

        Path newLeaf = dir.resolve("new.crt");
        ok("ca", "issue", "--dir", newIssuer.toString(), "--csr", opensslCsr("n2", "IP:127.0.0.1").toString(),
                "--name", "n2", "--out", newLeaf.toString());
        Path overlapPem = dir.resolve("overlap.pem");
        Files.writeString(overlapPem, overlap.bundle().toPem());
        Path finalPem = dir.resolve("final.pem");
        Files.writeString(finalPem, fin.bundle().toPem());
        assertEquals(0, verify(overlapPem, oldLeaf, dir).code());
        assertEquals(0, verify(overlapPem, newLeaf, dir).code());
        assertEquals(0, verify(finalPem, newLeaf, dir).code());
        assertNotEquals(0, verify(finalPem, oldLeaf, dir).code());
        // The root dir now holds the new root (same passphrase) and trusts both during the overlap.
        assertEquals(overlap.bundle(), new CaDirectory(root).trust());
        assertTrue(new CaDirectory(root).load("pw".toCharArray()).isRoot());
        // A second rotation continues the sequence.
        ok("ca", "rotate", "--dir", root.toString(), "--passphrase-file", pass.toString());
        assertTrue(Files.exists(root.resolve("trust-bundle-5.tb")));
        fails("only the root directory can be rotated", "ca", "rotate", "--dir", newIssuer.toString(),
                "--passphrase-file", pass.toString());
    }
}
