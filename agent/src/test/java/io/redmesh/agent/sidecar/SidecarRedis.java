package io.redmesh.agent.sidecar;

import io.redmesh.node.testing.Ports;
import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.TestCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import javax.net.ssl.SSLSocket;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * A Debian redis-server for sidecar tests (a {@link RedisProcess}, restartable on the same ports
 * for server-down tests) with TLS from {@link TestCertificates}: its certificate
 * and key are copies at fixed paths in its own directory ("the files the rotator writes"), so a
 * test can replace them atomically and call installTls. An admin user is created at start.
 */
final class SidecarRedis implements AutoCloseable {
    static final String ADMIN = "admin";
    static final String ADMIN_PASSWORD = "admin-secret-1";

    private final Path dir;
    private final int port;
    private final int tlsPort;
    private final TestCertificates certs;
    private final Path certFile;
    private final Path keyFile;
    private final RedisProcess process;

    private SidecarRedis(Path dir, int port, int tlsPort, TestCertificates certs) throws IOException {
        this.dir = dir;
        this.port = port;
        this.tlsPort = tlsPort;
        this.certs = certs;
        this.certFile = dir.resolve("server.crt");
        this.keyFile = dir.resolve("server.key");
        if (certs != null) {
            replaceAtomically(certs.server().certFile(), certFile);
            replaceAtomically(certs.server().keyFile(), keyFile);
        }
        RedisProcess.Builder b = RedisProcess.builder().port(port).dir(dir)
                .user(ADMIN, "on", ">" + ADMIN_PASSWORD, "~*", "&*", "+@all");
        if (certs != null) {
            b.tlsPort(tlsPort).args("--tls-cert-file", certFile.toString(), "--tls-key-file", keyFile.toString(),
                    "--tls-ca-cert-file", certs.ca().certFile().toString());
        }
        this.process = b.start();
    }

    static boolean available() {
        return RedisProcess.available();
    }

    /** TLS only (port 0), client certificates required (Redis's default). */
    static SidecarRedis tls(TestCertificates certs) {
        return start(0, Ports.free(), certs);
    }

    /** Plain TCP for the sidecar, plus a TLS port to probe certificates on. */
    static SidecarRedis plainWithTlsPort(TestCertificates certs) {
        return start(Ports.free(), Ports.free(), certs);
    }

    private static SidecarRedis start(int port, int tlsPort, TestCertificates certs) {
        try {
            return new SidecarRedis(Files.createTempDirectory("sidecar-redis"), port, tlsPort, certs);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** (Re)starts the process on the same ports and files; users set at runtime are gone (no persistence). */
    void start() {
        process.restart();
    }

    /** Stops the process (by its own handle), keeping the directory for a restart. */
    void stop() {
        process.stop();
    }

    int port() {
        return port;
    }

    int tlsPort() {
        return tlsPort;
    }

    Path certFile() {
        return certFile;
    }

    Path keyFile() {
        return keyFile;
    }

    Path dir() {
        return dir;
    }

    /** The sidecar configuration for this server: TLS when it has no plain port. */
    SidecarConfig.Builder sidecar() {
        SidecarConfig.Builder b = SidecarConfig.builder("127.0.0.1", port != 0 ? port : tlsPort)
                .admin(ADMIN, ADMIN_PASSWORD);
        if (port == 0) {
            b.tls(certs.ca().certFile(), certs.client().certFile(), certs.client().keyFile());
        }
        return b;
    }

    /** A client connection as {@code user}, over TLS when the server has no plain port. */
    Jedis client(String user, String password) {
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder().user(user).password(password)
                .socketTimeoutMillis(5000).clientSetInfoConfig(ClientSetInfoConfig.DISABLED);
        if (port == 0) {
            b.ssl(true).sslSocketFactory(certs.clientContext(certs.client()).getSocketFactory());
        }
        return new Jedis(new HostAndPort("127.0.0.1", port != 0 ? port : tlsPort), b.build());
    }

    Jedis admin() {
        return client(ADMIN, ADMIN_PASSWORD);
    }

    /** The certificate a new TLS connection is served now (a fresh context: no session resumption). */
    java.security.cert.X509Certificate servedCertificate() throws IOException {
        try (SSLSocket s = (SSLSocket) certs.clientContext(certs.client()).getSocketFactory()
                .createSocket("127.0.0.1", tlsPort)) {
            s.setSoTimeout(5000);
            s.startHandshake();
            return (java.security.cert.X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }

    /** What a rotator does: write next to the target, then rename over it. */
    static void replaceAtomically(Path from, Path to) throws IOException {
        Path tmp = to.resolveSibling(to.getFileName() + ".tmp");
        Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void close() {
        stop();
        try (var s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temp dir
        }
    }
}
