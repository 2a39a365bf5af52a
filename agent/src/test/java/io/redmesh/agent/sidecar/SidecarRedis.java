package io.redmesh.agent.sidecar;

import io.redmesh.node.testing.Ports;
import io.redmesh.node.testing.RealRedis;
import io.redmesh.node.testing.TestCertificates;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * A Debian redis-server for sidecar tests, in the style of node's RealRedis but restartable on
 * the same ports (server-down tests) and with TLS from {@link TestCertificates}: its certificate
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
    private Process process;

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
    }

    static boolean available() {
        return RealRedis.available();
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
            SidecarRedis r = new SidecarRedis(Files.createTempDirectory("sidecar-redis"), port, tlsPort, certs);
            r.start();
            return r;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** (Re)starts the process on the same ports and files; users set at runtime are gone (no persistence). */
    void start() {
        List<String> cmd = new ArrayList<>(List.of("redis-server",
                "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", dir.toString(), "--daemonize", "no",
                "--user", ADMIN, "on", ">" + ADMIN_PASSWORD, "~*", "&*", "+@all"));
        if (certs != null) {
            cmd.addAll(List.of("--tls-port", Integer.toString(tlsPort), "--tls-cert-file", certFile.toString(),
                    "--tls-key-file", keyFile.toString(), "--tls-ca-cert-file", certs.ca().certFile().toString()));
        }
        try {
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile())).start();
            long deadline = System.currentTimeMillis() + 5000;
            int probe = port != 0 ? port : tlsPort;
            while (System.currentTimeMillis() < deadline) {
                if (!process.isAlive()) {
                    break;
                }
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", probe), 200);
                    return;
                } catch (IOException e) {
                    Thread.sleep(20);
                }
            }
            String log = Files.readString(dir.resolve("redis.log"));
            stop();
            throw new IllegalStateException("redis-server did not start: " + log);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the process (by its own handle), keeping the directory for a restart. */
    void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
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
