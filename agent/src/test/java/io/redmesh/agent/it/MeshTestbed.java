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
public final class MeshTestbed implements AutoCloseable {
    public final Path dir;
    public final CertificateAuthority root;
    public final CertificateAuthority issuing;
    /** The root that signs operator join tokens (a test that rotates the root moves it). */
    public volatile CertificateAuthority tokenRoot;
    public final Path caFile;
    final Duration leafLifetime;
    public final List<Node> nodes = new ArrayList<>();
    private final List<Integer> meshPorts = new ArrayList<>();
    private int enrollPort;

    /** One node: its server (null while stopped), its agent, and how to reach it. */
    public final class Node {
        public final int index;
        public final String name;
        final Role role;
        final Path stateDir;
        final int meshPort;
        public final int port = Ports.free();
        public final int tlsPort = Ports.free();
        final int metricsPort = Ports.free();
        public io.redmesh.node.Node server;
        public Agent agent;
        ServerFixture fixture;
        /** More directives for this node (after the testbed's own, so they win). */
        public final List<String> directives = new ArrayList<>();
        /** Upper modules whose commands the node binds (replication), and how each attaches. */
        public List<io.redmesh.node.spi.ModuleCommands> modules = List.of();
        public java.util.function.Consumer<io.redmesh.node.spi.NodeControl> attach = c -> {};
        /**
         * How the node is built from the testbed's arguments (ports, TLS port, dir, metrics);
         * null: {@link ServerFixture#build} with {@link #modules}. A sentinel test builds one in
         * sentinel mode from its sentinel.conf.
         */
        public java.util.function.Function<List<String>, io.redmesh.node.Node> build;

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
                c.joinToken = JoinToken.mint(tokenRoot, name, Role.OPERATOR, Duration.ofHours(1));
            } else {
                c.issuers.add(new AgentConfig.HostPort("127.0.0.1", enrollPort));
                c.joinToken = JoinToken.mint(role == Role.OPERATOR ? tokenRoot : issuing, name, role, Duration.ofHours(1));
            }
            return c;
        }

        /** Builds the node, attaches its agent (certificate, then mesh sync before listening), starts it. */
        void start() throws Exception {
            awaitPortFree(meshPort); // a stopped member's Atomix may still be letting go of it
            List<String> args = new ArrayList<>(List.of("--port", Integer.toString(port), "--tls-port",
                    Integer.toString(tlsPort), "--tls-auth-clients", "optional", "--dir", stateDir.toString(),
                    "--metrics-port", Integer.toString(metricsPort)));
            args.addAll(directives);
            server = build != null ? build.apply(args) : ServerFixture.build(null, modules, args.toArray(new String[0]));
            attach.accept(server.control());
            AgentConfig cfg = config();
            if (storedCertificateValid(cfg.stateDir.resolve("tls").resolve("node.crt"))) {
                cfg.joinToken = null; // a restart renews with its stored certificate, no token
            } // else (expired while stopped, with seconds-long test leaves) a fresh token, as an operator would

            agent = InProcessAgent.attach(server.control(), cfg, Duration.ofSeconds(30));
            fixture = ServerFixture.started(server);
        }

        private boolean storedCertificateValid(Path crt) throws Exception {
            if (!Files.exists(crt)) {
                return false;
            }
            X509Certificate leaf = Pem.parseCertificates(Files.readString(crt, StandardCharsets.US_ASCII), "node.crt").get(0);
            return leaf.getNotAfter().getTime() > System.currentTimeMillis() + 3000;
        }

        /**
         * Starts a node that was stopped in this JVM: its old Atomix member may still hold the
         * mesh port for a few seconds after a stop that timed out, and the node refuses to start
         * while it cannot bind it, so this tries again (a supervisor would do the same).
         */
        void restart() throws Exception {
            for (int attempt = 1; ; attempt++) {
                try {
                    start();
                    return;
                } catch (IllegalStateException e) {
                    if (attempt == 10 || e.getMessage() == null || !e.getMessage().contains("cannot join the mesh")) {
                        throw e;
                    }
                    stop();
                    Thread.sleep(3000);
                }
            }
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

        public String call(String... args) {
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
        this.tokenRoot = root;
        new CaDirectory(dir.resolve("issuer")).create(issuing, null, TrustBundle.of(List.of(root.certificate())));
        this.caFile = dir.resolve("ca.crt");
        Files.writeString(caFile, Pem.certificate(root.certificate()), StandardCharsets.US_ASCII);
    }

    /** {@code n} nodes (not started); {@code roles[i]} for node i+1, operator when absent. */
    public static MeshTestbed create(int n, Duration leafLifetime, Role... roles) throws Exception {
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

    public Node node(int i) {
        return nodes.get(i - 1);
    }

    /**
     * Starts every node at once, as an operator starting a fleet would: the issuer serves
     * enrollment from the moment its agent exists; the others retry until it answers.
     */
    public void startAll() throws Exception {
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

    /** Whether every node serves, on a fresh handshake, a leaf issued by {@code issuing}. */
    public boolean allServe(X509Certificate issuing) {
        try {
            for (Node n : nodes) {
                X509Certificate[] c = servedChain(n);
                if (c.length < 2 || !c[1].equals(issuing)) {
                    return false;
                }
            }
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** Waits (at most 20 s) until nothing listens on {@code port} any more. */
    static void awaitPortFree(int port) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
                probe.setReuseAddress(true);
                probe.bind(new java.net.InetSocketAddress("127.0.0.1", port));
                return;
            } catch (IOException inUse) {
                Thread.sleep(100);
            }
        }
    }

    /** Polls {@code cond} every 20 ms until true or {@code max} passed; returns the elapsed ms or -1. */
    public static long await(Duration max, BooleanSupplier cond) throws InterruptedException {
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

    /** The issuer's (node 1's) enrollment port. */
    public int enrollPort() {
        return enrollPort;
    }

    /**
     * Writes this testbed's root CA as an operator's CA directory (ca.crt, ca.key encrypted with
     * {@code passphrase}, trust.crt), so {@code redmesh ca rotate|publish|revoke} can work on it.
     */
    public Path rootDir(char[] passphrase) throws Exception {
        Path d = dir.resolve("root-ca");
        new CaDirectory(d).create(root, passphrase, TrustBundle.of(List.of(root.certificate())));
        return d;
    }

    /** One field of INFO security on {@code n} (over plain TCP), or null. */
    public static String securityField(Node n, String field) {
        for (String l : n.call("INFO", "security").split("\r\n")) {
            if (l.startsWith(field + ":")) {
                return l.substring(field.length() + 1);
            }
        }
        return null;
    }

    /** Whether every running node reports {@code field:value} in INFO security. */
    public boolean everywhere(String field, String value) {
        for (Node n : nodes) {
            if (n.server != null && !value.equals(securityField(n, field))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The certificate chain {@code n} serves on its TLS port now, from a fresh handshake (trusting
     * anything: the caller checks what it got).
     */
    public static X509Certificate[] servedChain(Node n) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] c, String a) {}

            @Override
            public void checkServerTrusted(X509Certificate[] c, String a) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", n.tlsPort)) {
            s.setSoTimeout(5000);
            s.startHandshake();
            java.security.cert.Certificate[] c = s.getSession().getPeerCertificates();
            return java.util.Arrays.copyOf(c, c.length, X509Certificate[].class);
        }
    }

    /** A client leaf for {@code name} signed by {@code ca}, with its key, for {@link ClientIdentity}. */
    public static ClientIdentity.Material clientMaterial(CertificateAuthority ca, String name) throws Exception {
        KeyPair keys = CertificateRequests.newKeyPair();
        var csr = CertificateRequests.parse(CertificateRequests.create(keys, name, List.of(), List.of()));
        X509Certificate leaf = ca.signLeaf(csr, name, Role.NODE, Duration.ofHours(1), SanPolicy.defaults());
        return new ClientIdentity.Material(keys.getPrivate(), ca.leafChain(leaf));
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
