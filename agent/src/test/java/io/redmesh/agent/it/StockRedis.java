package io.redmesh.agent.it;

import io.redmesh.agent.pki.CertificateAuthority;
import io.redmesh.agent.pki.CertificateRequests;
import io.redmesh.agent.pki.Pem;
import io.redmesh.agent.pki.Role;
import io.redmesh.agent.pki.SanPolicy;
import io.redmesh.node.testing.Ports;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Debian redis-server secured by a sidecar agent of a {@link MeshTestbed}: TLS only (port 0),
 * an initial certificate from the testbed's issuing CA (what an operator installs before the
 * agent first runs), an admin user created on the command line, no persistence. Restartable on
 * the same port with the same arguments, as systemd would restart it: runtime ACL changes and
 * CONFIG SETs are gone after a restart.
 */
final class StockRedis implements AutoCloseable {
    static final String ADMIN = "meshadmin";
    static final String ADMIN_PASSWORD = "admin-pw-1";

    final Path dir;
    final int tlsPort = Ports.free();
    final Path certFile;
    final Path keyFile;
    final Path caFile;
    private final String authClients;
    private Process process;

    /**
     * @param authClients tls-auth-clients: "yes" (client certificate required) or "optional"
     */
    StockRedis(Path dir, CertificateAuthority issuing, Path caFile, String authClients) throws Exception {
        this.dir = Files.createDirectories(dir);
        this.caFile = caFile;
        this.authClients = authClients;
        this.certFile = dir.resolve("initial.crt");
        this.keyFile = dir.resolve("initial.key");
        writeIdentity(issuing, "redis-" + dir.getFileName(), certFile, keyFile);
    }

    /** A key and a certificate from {@code issuing} (chain included) for name, with loopback SANs. */
    static void writeIdentity(CertificateAuthority issuing, String name, Path cert, Path key) throws Exception {
        KeyPair keys = CertificateRequests.newKeyPair();
        var csr = CertificateRequests.parse(CertificateRequests.create(keys, name, List.of("localhost"),
                List.of("127.0.0.1")));
        X509Certificate leaf = issuing.signLeaf(csr, name, Role.NODE, Duration.ofHours(1), SanPolicy.defaults());
        Files.writeString(cert, Pem.certificates(issuing.leafChain(leaf)), StandardCharsets.US_ASCII);
        Files.writeString(key, Pem.privateKey(keys.getPrivate()), StandardCharsets.US_ASCII);
    }

    static boolean available() {
        return io.redmesh.node.testing.RealRedis.available();
    }

    void start() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", "0", "--bind", "127.0.0.1",
                "--tls-port", Integer.toString(tlsPort), "--tls-cert-file", certFile.toString(),
                "--tls-key-file", keyFile.toString(), "--tls-ca-cert-file", caFile.toString(),
                "--tls-auth-clients", authClients, "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                "--daemonize", "no", "--user", ADMIN, "on", ">" + ADMIN_PASSWORD, "~*", "&*", "+@all"));
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile())).start();
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline && process.isAlive()) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", tlsPort), 200);
                return;
            } catch (IOException e) {
                Thread.sleep(20);
            }
        }
        String log = Files.readString(dir.resolve("redis.log"));
        stop();
        throw new IllegalStateException("redis-server did not start: " + log);
    }

    /** Stops this process only (its own handle: SIGTERM, then SIGKILL after 5 s). */
    void stop() {
        Process p = process;
        process = null;
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
