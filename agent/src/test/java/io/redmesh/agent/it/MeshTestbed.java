package io.redmesh.agent.it;

import io.redmesh.agent.Agent;
import io.redmesh.agent.InProcessAgent;
import io.redmesh.agent.config.AgentConfig;
import io.redmesh.agent.pki.CaDirectory;
import io.redmesh.agent.pki.CertificateAuthority;
import io.redmesh.agent.pki.CertificateRequests;
import io.redmesh.agent.pki.JoinToken;
import io.redmesh.agent.pki.Pem;
import io.redmesh.agent.pki.Role;
import io.redmesh.agent.pki.SanPolicy;
import io.redmesh.agent.pki.TrustBundle;
import io.redmesh.node.server.RedisServer;
import io.redmesh.node.testing.Ports;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Real RedMesh nodes with in-process agents on loopback, a fresh CA per testbed: node 1 is the
 * issuer, every node joins with a one-time token. Nodes keep their state dirs, so a stopped
 * node can be started again and must catch up.
 */
final class MeshTestbed implements AutoCloseable {
    final Path dir;
    final CertificateAuthority root;
    final CertificateAuthority issuing;
    final Path caFile;
    final Duration leafLifetime;
    final List<Node> nodes = new ArrayList<>();
    private final List<Integer> meshPorts = new ArrayList<>();
    private int enrollPort;

    /** One node: its server (null while stopped), its agent, and how to reach it. */
    final class Node {
        final int index;
        final String name;
        final Role role;
        final Path stateDir;
        final int meshPort;
        final int port = Ports.free();
        final int tlsPort = Ports.free();
        final int metricsPort = Ports.free();
        RedisServer server;
        Agent agent;
        ServerFixture fixture;

        Node(int index, Role role) throws IOException {
            this.index = index;
            this.name = "node" + index;
            this.role = role;
            this.stateDir = dir.resolve(name);
            this.meshPort = meshPorts.get(index - 1);
            Files.createDirectories(stateDir);
        }

        AgentConfig config() throws Exception {
            AgentConfig c = new AgentConfig();
            c.name = name;
            c.stateDir = stateDir.resolve("agent");
            c.meshPort = meshPort;
            for (int p : meshPorts) {
                c.seeds.add(new AgentConfig.HostPort("127.0.0.1", p));
            }
            c.caFile = caFile;
            c.leafLifetime = leafLifetime;
            c.syncTimeout = Duration.ofSeconds(5);
            if (index == 1) {
                c.issuerDir = dir.resolve("issuer");
                c.enrollPort = enrollPort;
                c.joinToken = JoinToken.mint(root, name, Role.OPERATOR, Duration.ofHours(1));
            } else {
                c.issuers.add(new AgentConfig.HostPort("127.0.0.1", enrollPort));
                c.joinToken = JoinToken.mint(role == Role.OPERATOR ? root : issuing, name, role, Duration.ofHours(1));
            }
            return c;
        }

        /** Builds the node, attaches its agent (certificate, then mesh sync before listening), starts it. */
        void start() throws Exception {
            server = ServerFixture.build(null, "--port", Integer.toString(port), "--tls-port", Integer.toString(tlsPort),
                    "--tls-auth-clients", "optional", "--dir", stateDir.toString(), "--metrics-port",
                    Integer.toString(metricsPort));
            AgentConfig cfg = config();
            if (Files.exists(cfg.stateDir.resolve("tls").resolve("node.crt"))) {
                cfg.joinToken = null; // a restart renews with its stored certificate, no token
            }
            agent = InProcessAgent.attach(server, cfg, Duration.ofSeconds(30));
            fixture = ServerFixture.started(server);
        }

        void stop() {
            if (fixture != null) {
                fixture.close();
            }
            if (agent != null) {
                agent.close();
            }
            fixture = null;
            server = null;
            agent = null;
        }

        RespClient client() {
            return RespClient.connect(port);
        }

        String call(String... args) {
            try (RespClient c = client()) {
                return c.callString(args);
            }
        }
    }

    private MeshTestbed(Path dir, Duration leafLifetime) throws Exception {
        this.dir = dir;
        this.leafLifetime = leafLifetime;
        this.root = CertificateAuthority.createRoot("Testbed Root", Duration.ofDays(30));
        this.issuing = root.createIssuing("testbed-issuer", Duration.ofDays(10));
        new CaDirectory(dir.resolve("issuer")).create(issuing, null, TrustBundle.of(List.of(root.certificate())));
        this.caFile = dir.resolve("ca.crt");
        Files.writeString(caFile, Pem.certificate(root.certificate()), StandardCharsets.US_ASCII);
    }

    /** {@code n} nodes (not started); {@code roles[i]} for node i+1, operator when absent. */
    static MeshTestbed create(int n, Duration leafLifetime, Role... roles) throws Exception {
        MeshTestbed t = new MeshTestbed(Files.createTempDirectory("redmesh-mesh"), leafLifetime);
        for (int i = 0; i < n; i++) {
            t.meshPorts.add(Ports.free());
        }
        t.enrollPort = Ports.free();
        for (int i = 1; i <= n; i++) {
            t.nodes.add(t.new Node(i, i - 1 < roles.length ? roles[i - 1] : Role.OPERATOR));
        }
        return t;
    }

    Node node(int i) {
        return nodes.get(i - 1);
    }

    /**
     * Starts every node at once, as an operator starting a fleet would: the issuer serves
     * enrollment from the moment its agent exists; the others retry until it answers.
     */
    void startAll() throws Exception {
        List<java.util.concurrent.Future<?>> started = new ArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newCachedThreadPool();
        try {
            for (Node n : nodes) {
                started.add(pool.submit(() -> {
                    n.start();
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : started) {
                f.get(120, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdown();
        }
    }

    /** A client TLS context presenting a certificate of this mesh's CA for {@code name}. */
    SSLContext clientContext(String name) throws Exception {
        KeyPair keys = CertificateRequests.newKeyPair();
        var csr = CertificateRequests.parse(CertificateRequests.create(keys, name, List.of(), List.of()));
        X509Certificate leaf = issuing.signLeaf(csr, name, Role.NODE, Duration.ofHours(1), SanPolicy.defaults());
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("me", keys.getPrivate(), new char[0], issuing.leafChain(leaf).toArray(new X509Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        java.security.KeyStore ts = java.security.KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("root", root.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    /** Polls {@code cond} every 20 ms until true or {@code max} passed; returns the elapsed ms or -1. */
    static long await(Duration max, BooleanSupplier cond) throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + max.toNanos();
        while (System.nanoTime() < deadline) {
            if (cond.getAsBoolean()) {
                return (System.nanoTime() - t0) / 1_000_000;
            }
            Thread.sleep(20);
        }
        return -1;
    }

    @Override
    public void close() {
        for (Node n : nodes) {
            try {
                n.stop();
            } catch (RuntimeException e) {
                // keep stopping the others
            }
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
