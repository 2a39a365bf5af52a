package io.redmesh.agent.it;

import io.redmesh.agent.pki.CertificateAuthority;
import io.redmesh.agent.pki.CertificateRequests;
import io.redmesh.agent.pki.Pem;
import io.redmesh.agent.pki.Role;
import io.redmesh.agent.pki.SanPolicy;
import io.redmesh.node.testing.Ports;
import io.redmesh.node.testing.RedisProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

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
    private RedisProcess process;

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
        return RedisProcess.available();
    }

    /** (Re)starts redis-server on the same port with the same arguments (built on first start). */
    void start() {
        if (process == null) {
            process = RedisProcess.builder().port(0).tlsPort(tlsPort).dir(dir)
                    .args("--tls-cert-file", certFile.toString(), "--tls-key-file", keyFile.toString(),
                            "--tls-ca-cert-file", caFile.toString(), "--tls-auth-clients", authClients)
                    .user(ADMIN, "on", ">" + ADMIN_PASSWORD, "~*", "&*", "+@all")
                    .start();
        } else {
            process.restart();
        }
    }

    /** Stops this process only (its own handle: SIGTERM, then SIGKILL after 5 s); the directory stays. */
    void stop() {
        if (process != null) {
            process.stop();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
