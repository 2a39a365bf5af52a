package io.redmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.agent.pki.CaDirectory;
import io.redmesh.agent.pki.CertificateAuthority;
import io.redmesh.agent.pki.CertificateRequests;
import io.redmesh.agent.pki.JoinToken;
import io.redmesh.agent.pki.Pem;
import io.redmesh.agent.pki.Role;
import io.redmesh.agent.pki.SanPolicy;
import io.redmesh.agent.pki.TrustBundle;
import io.redmesh.node.testing.Ports;
import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.RespClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/redmesh agent agent.conf} as an operator runs it beside a Debian redis-server, in
 * a mesh whose issuer is a {@code bin/redmesh server --agent issuer.conf} process: readiness
 * line, users set on the RedMesh node applied on the redis-server, a clean stop on SIGTERM, and
 * the errors an operator sees for a bad file or a file without {@code sidecar}.
 */
class SidecarLauncherTest {
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration STOP = Duration.ofSeconds(30);
    private static final String ADMIN = "meshadmin";
    private static final String ADMIN_PASSWORD = "admin-pw-1";

    @Test
    void aSidecarAgentAppliesTheMeshUsersAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(RedisProcess.available(), "redis-server not installed");
        CertificateAuthority root = CertificateAuthority.createRoot("Launcher Root", Duration.ofDays(30));
        CertificateAuthority issuing = root.createIssuing("launcher-issuer", Duration.ofDays(10));
        new CaDirectory(dir.resolve("issuer")).create(issuing, null, TrustBundle.of(List.of(root.certificate())));
        Path ca = dir.resolve("ca.crt");
        Files.writeString(ca, Pem.certificate(root.certificate()), StandardCharsets.US_ASCII);
        int nodePort = Ports.free();
        int meshIssuer = Ports.free();
        int meshSidecar = Ports.free();
        int enroll = Ports.free();
        int redisPort = Ports.free();
        int redisTls = Ports.free();
        String seeds = "seeds 127.0.0.1:" + meshIssuer + " 127.0.0.1:" + meshSidecar;

        Path issuerConf = dir.resolve("issuer.conf");
        Files.write(issuerConf, List.of("name node1", "state-dir " + dir.resolve("node1"), "mesh-port " + meshIssuer,
                seeds, "ca-file " + ca, "issuer-dir " + dir.resolve("issuer"), "enroll-port " + enroll,
                "join-token " + JoinToken.mint(root, "node1", Role.OPERATOR, Duration.ofHours(1)), "sync-timeout 5s"));
        Path pass = dir.resolve("admin.pass");
        Files.writeString(pass, ADMIN_PASSWORD + "\n");
        Path agentConf = dir.resolve("agent.conf");
        Files.write(agentConf, List.of("# the sidecar of the redis-server beside it", "name side1",
                "state-dir " + dir.resolve("side1"), "mesh-port " + meshSidecar, seeds, "ca-file " + ca,
                "issuer 127.0.0.1:" + enroll,
                "join-token " + JoinToken.mint(issuing, "side1", Role.NODE, Duration.ofHours(1)),
                "sync-timeout 5s", "sidecar 127.0.0.1:" + redisTls, "sidecar-user " + ADMIN,
                "sidecar-password-file " + pass, "sidecar-tls yes", "sidecar-check-interval 1s"));

        Path redisDir = Files.createDirectories(dir.resolve("redis"));
        writeIdentity(issuing, "redis", redisDir.resolve("initial.crt"), redisDir.resolve("initial.key"));
        try (RedisProcess redis = RedisProcess.builder().port(redisPort).tlsPort(redisTls).dir(redisDir)
                     .args("--tls-cert-file", redisDir.resolve("initial.crt").toString(),
                             "--tls-key-file", redisDir.resolve("initial.key").toString(),
                             "--tls-ca-cert-file", ca.toString(), "--tls-auth-clients", "optional")
                     .user(ADMIN, "on", ">" + ADMIN_PASSWORD, "~*", "&*", "+@all").start();
             Launched node = Launched.script("redmesh", "server", "--agent", issuerConf.toString(),
                "--port", Integer.toString(nodePort), "--bind", "127.0.0.1", "--save", "")) {
            node.awaitLine("Ready to accept connections", START);
            try (Launched agent = Launched.script("redmesh", "agent", agentConf.toString())) {
                String ready = agent.awaitLine("Agent side1 ready: securing redis-server 127.0.0.1:" + redisTls, START);
                assertTrue(ready.contains("(tls)"), ready);
                try (RespClient c = RespClient.connect(nodePort)) {
                    assertEquals("+OK\r\n", c.callString("ACL", "SETUSER", "alice", "on", ">alice-pw", "~a:*", "+get"));
                }
                awaitTrue("alice on the redis-server", () -> aclList(redisPort).contains("user alice on "));
                try (RespClient c = RespClient.connect(redisPort)) {
                    assertEquals("+OK\r\n", c.callString("AUTH", "alice", "alice-pw"));
                    assertTrue(c.callString("SET", "a:1", "v").startsWith("-NOPERM"));
                }
                try (RespClient c = RespClient.connect(nodePort)) {
                    assertEquals(":1\r\n", c.callString("ACL", "DELUSER", "alice"));
                }
                awaitTrue("alice deleted on the redis-server", () -> !aclList(redisPort).contains("user alice "));
                assertTrue(aclList(redisPort).contains("user " + ADMIN + " on "), "the admin user stays");
                assertEquals(0, agent.process().toHandle().descendants().count(), "the agent runs no child process");

                agent.signal("TERM");
                assertEquals(0, agent.awaitExit(STOP), agent.output());
                assertTrue(agent.output().contains("Received SIGTERM, stopping the agent..."), agent.output());
                assertTrue(agent.output().contains("Agent side1 stopped"), agent.output());
                assertFalse(agent.process().toHandle().isAlive());
            }
            node.signal("TERM");
            assertEquals(0, node.awaitExit(STOP), node.output());
        }
    }

    @Test
    void aBadAgentConfigIsReportedWithTheFileAndLine(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("agent.conf");
        Files.writeString(conf, "name side1\nstate-dir " + dir + "\nmesh-port notaport\n");
        try (Launched a = Launched.script("redmesh", "agent", conf.toString())) {
            assertEquals(1, a.awaitExit(START), a.output());
            String out = a.output();
            assertTrue(out.contains("*** FATAL AGENT CONFIG FILE ERROR ***"), out);
            assertTrue(out.contains("Reading the configuration file " + conf + ", at line 3"), out);
            assertTrue(out.contains(">>> 'mesh-port notaport'"), out);
            assertTrue(out.contains("Invalid port 'notaport'"), out);
        }
    }

    @Test
    void anAgentConfigWithoutSidecarIsRefused(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("agent.conf");
        Files.write(conf, List.of("name node2", "state-dir " + dir.resolve("state"), "mesh-port 17002",
                "ca-file " + dir.resolve("ca.crt"), "issuer 127.0.0.1:17101"));
        try (Launched a = Launched.script("redmesh", "agent", conf.toString())) {
            assertEquals(1, a.awaitExit(START), a.output());
            assertEquals("Agent config " + conf + " names no 'sidecar' server: to secure a RedMesh node in this "
                    + "process run 'redmesh server --agent " + conf + " [redis.conf] [--directive value ...]'",
                    a.output().trim());
        }
    }

    @Test
    void aMissingPasswordFileIsNamed(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("agent.conf");
        Path pass = dir.resolve("nowhere.pass");
        Files.write(conf, List.of("name side1", "state-dir " + dir.resolve("state"), "mesh-port 17002",
                "ca-file " + dir.resolve("ca.crt"), "issuer 127.0.0.1:17101", "sidecar 127.0.0.1:6380",
                "sidecar-user " + ADMIN, "sidecar-password-file " + pass));
        try (Launched a = Launched.script("redmesh", "agent", conf.toString())) {
            assertEquals(1, a.awaitExit(START), a.output());
            assertTrue(a.output().contains("Agent side1 failed: cannot read sidecar-password-file " + pass),
                    a.output());
        }
    }

    // ------------------------------------------------------------------ helpers

    private static void writeIdentity(CertificateAuthority issuing, String name, Path cert, Path key) throws Exception {
        KeyPair keys = CertificateRequests.newKeyPair();
        var csr = CertificateRequests.parse(CertificateRequests.create(keys, name, List.of("localhost"),
                List.of("127.0.0.1")));
        X509Certificate leaf = issuing.signLeaf(csr, name, Role.NODE, Duration.ofHours(1), SanPolicy.defaults());
        Files.writeString(cert, Pem.certificates(issuing.leafChain(leaf)), StandardCharsets.US_ASCII);
        Files.writeString(key, Pem.privateKey(keys.getPrivate()), StandardCharsets.US_ASCII);
    }

    private static String aclList(int port) {
        try (RespClient c = RespClient.connect(port)) {
            c.callString("AUTH", ADMIN, ADMIN_PASSWORD);
            return c.callString("ACL", "LIST");
        } catch (RuntimeException e) {
            return "";
        }
    }

    private static void awaitTrue(String what, java.util.function.BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (cond.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(what + ": not within 20 s");
    }
}
