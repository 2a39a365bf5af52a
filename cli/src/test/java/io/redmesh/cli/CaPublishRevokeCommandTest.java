package io.redmesh.cli;

import static io.redmesh.cli.CaCommandTest.fails;
import static io.redmesh.cli.CaCommandTest.ok;
import static io.redmesh.cli.CaCommandTest.redmesh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.agent.it.MeshTestbed;
import io.redmesh.agent.pki.Names;
import io.redmesh.node.testing.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code redmesh ca revoke} and {@code redmesh ca publish} against a real issuer agent (a
 * one-node testbed), the whole root rotation through the CLI (rotate, publish the overlap bundle
 * with the new issuing CA, publish the final bundle), and the operator's mistakes.
 */
class CaPublishRevokeCommandTest {
    private static MeshTestbed mesh;
    private static Path root;
    private static Path pass;
    private static String to;

    @BeforeAll
    static void start() throws Exception {
        mesh = MeshTestbed.create(1, Duration.ofHours(1));
        mesh.startAll();
        root = mesh.rootDir("correct horse".toCharArray());
        pass = mesh.dir.resolve("root.pass");
        Files.writeString(pass, "correct horse\n");
        to = "127.0.0.1:" + mesh.enrollPort();
    }

    @AfterAll
    static void stop() {
        mesh.close();
    }

    private static boolean await(String field, String value) throws InterruptedException {
        return MeshTestbed.await(Duration.ofSeconds(20), () -> mesh.everywhere(field, value)) >= 0;
    }

    @Test
    void badInputIsAClearErrorAndNothingIsSent() throws Exception {
        String p = pass.toString();
        String d = root.toString();
        fails("invalid serial 'xyz'", "ca", "revoke", "--dir", d, "--serial", "xyz", "--to", to, "--passphrase-file", p);
        fails("serial 0", "ca", "revoke", "--dir", d, "--serial", "0", "--to", to, "--passphrase-file", p);
        fails("--to: expected host:port", "ca", "revoke", "--dir", d, "--serial", "1f", "--to", "localhost",
                "--passphrase-file", p);
        fails("revocation reason", "ca", "revoke", "--dir", d, "--serial", "1f", "--reason", "", "--to", to,
                "--passphrase-file", p);
        fails("passphrase", "ca", "revoke", "--dir", d, "--serial", "1f", "--to", to);
        Path wrong = mesh.dir.resolve("wrong.pass");
        Files.writeString(wrong, "nope\n");
        assertEquals(1, redmesh("ca", "revoke", "--dir", d, "--serial", "1f", "--to", to, "--passphrase-file",
                wrong.toString()).code());
        fails("no such file", "ca", "publish", "--dir", d, "--bundle", d + "/missing.tb", "--to", to);
        Path garbage = mesh.dir.resolve("garbage.tb");
        Files.writeString(garbage, "hello\n");
        fails("not a RedMesh trust bundle", "ca", "publish", "--dir", d, "--bundle", garbage.toString(), "--to", to);
        fails("holds no CA", "ca", "revoke", "--dir", mesh.dir.resolve("nothing").toString(), "--serial", "1f",
                "--to", to);
        int closed = Ports.free();
        fails("cannot reach the issuer", "ca", "revoke", "--dir", d, "--serial", "1f", "--to", "127.0.0.1:" + closed,
                "--passphrase-file", p);
        // another CA's operator: the issuer's certificate does not chain to its trust.crt
        Path other = mesh.dir.resolve("other-ca");
        ok("ca", "init", "--dir", other.toString(), "--passphrase-file", p);
        fails("TLS with the issuer", "ca", "revoke", "--dir", other.toString(), "--serial", "1f", "--to", to,
                "--passphrase-file", p);
        fails("Missing required option", "ca", "publish", "--dir", d, "--to", to);
        assertTrue(mesh.everywhere("revoked_serials", "0"));
    }

    @Test
    void revokeThenRotateTheRootThroughTheCli() throws Exception {
        String p = pass.toString();
        String d = root.toString();
        CaCommandTest.Run r = ok("ca", "revoke", "--dir", d, "--serial", "0x1F:2E", "--reason", "laptop stolen",
                "--to", to, "--passphrase-file", p);
        assertEquals("OK 1 revoked", r.out().strip());
        assertTrue(await("revoked_serials", "1"));

        Path issuing = mesh.dir.resolve("issuer-2");
        ok("ca", "rotate", "--dir", d, "--name", "Testbed Root 2", "--issuer", "issuer-2", "--out", issuing.toString(),
                "--no-encrypt", "--overlap", "1h", "--passphrase-file", p);
        r = ok("ca", "publish", "--dir", d, "--bundle", d + "/trust-bundle-1.tb", "--issuing-dir", issuing.toString(),
                "--to", to, "--passphrase-file", p);
        assertEquals("OK trust bundle #1 published", r.out().strip());
        assertTrue(await("trust_roots", "2"));
        // the issuer keeps the new issuing CA (state-dir/issuing-ca), so a restart issues with it
        io.redmesh.agent.pki.CaDirectory kept = new io.redmesh.agent.pki.CaDirectory(
                mesh.dir.resolve("node1").resolve("agent").resolve("issuing-ca"));
        assertTrue(MeshTestbed.await(Duration.ofSeconds(20), () -> {
            try {
                return "issuer-2".equals(Names.commonName(kept.load(null).certificate()));
            } catch (Exception e) {
                return false;
            }
        }) >= 0, "the issuer keeps the new issuing CA");
        MeshTestbed.Node n = mesh.node(1);
        assertTrue(MeshTestbed.await(Duration.ofSeconds(20), () -> {
            try {
                X509Certificate[] c = MeshTestbed.servedChain(n);
                return c.length > 1 && "issuer-2".equals(Names.commonName(c[1]));
            } catch (Exception e) {
                return false;
            }
        }) >= 0, "the node serves a leaf of the new issuing CA");

        r = ok("ca", "publish", "--dir", d, "--bundle", d + "/trust-bundle-2.tb", "--to", to);
        assertEquals("OK trust bundle #2 published", r.out().strip());
        assertTrue(await("trust_roots", "1"));

        // a replayed older bundle is refused by the issuer: exit 1 with its answer
        CaCommandTest.Run replay = redmesh("ca", "publish", "--dir", d, "--bundle", d + "/trust-bundle-1.tb", "--to", to);
        assertEquals(1, replay.code(), replay.out());
        assertTrue(replay.err().contains("ERR") && replay.err().contains("not newer"), replay.err());
        // an issuing CA that does not chain to the signing root
        Path stray = mesh.dir.resolve("stray-root");
        ok("ca", "init", "--dir", stray.toString(), "--name", "Stray", "--passphrase-file", p);
        Path strayIssuing = mesh.dir.resolve("stray-issuing");
        ok("ca", "issue", "--dir", stray.toString(), "--issuer", "stray-issuer", "--out", strayIssuing.toString(),
                "--no-encrypt", "--passphrase-file", p);
        fails("does not chain to the root", "ca", "publish", "--dir", d, "--bundle", d + "/trust-bundle-2.tb",
                "--issuing-dir", strayIssuing.toString(), "--to", to, "--passphrase-file", p);
        assertTrue(mesh.everywhere("trust_roots", "1"));
    }
}
