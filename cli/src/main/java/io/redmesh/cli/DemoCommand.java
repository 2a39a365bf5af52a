package io.redmesh.cli;

import io.redmesh.agent.pki.CaDirectory;
import io.redmesh.agent.pki.CertificateAuthority;
import io.redmesh.agent.pki.CertificateRequests;
import io.redmesh.agent.pki.JoinToken;
import io.redmesh.agent.pki.Pem;
import io.redmesh.agent.pki.Role;
import io.redmesh.agent.pki.SanPolicy;
import io.redmesh.agent.pki.SecureFiles;
import io.redmesh.agent.pki.TrustBundle;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code redmesh demo}: a mesh on loopback with nothing to prepare. A fresh CA in a temporary
 * directory, three RedMesh nodes (separate processes) each with its agent, TLS on every link
 * (client port with client certificates, agent mesh, enrollment), leaves that renew every
 * minute, and a live table of what each node reports. Ctrl-C stops the nodes and removes the
 * directory.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start a 3-node RedMesh mesh on loopback (fresh CA, TLS everywhere, rotating certificates) "
                + "and watch it; Ctrl-C stops everything and removes its files")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--nodes", defaultValue = "3", description = "how many nodes (default: ${DEFAULT-VALUE})")
    int nodes;

    @Option(names = "--leaf-lifetime", defaultValue = "90s",
            description = "certificate lifetime; renewed at 2/3 of it (default: ${DEFAULT-VALUE}: a new certificate every minute)")
    String leafLifetime;

    @Option(names = "--duration", defaultValue = "0",
            description = "stop by itself after this long (e.g. 60s); 0 = until Ctrl-C")
    String duration;

    @Option(names = "--plain", description = "print the table on new lines instead of redrawing the screen")
    boolean plain;

    @Option(names = "--cluster", description = "a Redis Cluster of 6 nodes instead: 3 masters and their 3 replicas, "
            + "tls-cluster and tls-replication on agent-issued certificates (examples/cluster-6node)")
    boolean cluster;

    @Option(names = "--sentinel", description = "a master, 2 replicas and 3 sentinels instead, all with agents and TLS "
            + "(examples/sentinel-ha)")
    boolean sentinel;

    @Option(names = "--config", paramLabel = "FILE", description = "the redis.conf every data node starts from "
            + "(--cluster's and --sentinel's default: node.conf of examples/cluster-6node or examples/sentinel-ha)")
    Path config;

    @Option(names = "--sentinel-config", paramLabel = "FILE", description = "with --sentinel: the sentinel.conf each "
            + "sentinel gets a copy of (default: examples/sentinel-ha/sentinel.conf)")
    Path sentinelConfig;

    private final List<Process> children = new ArrayList<>();
    private Path dir;

    @Override
    public Integer call() throws Exception {
        if (cluster && sentinel) {
            System.err.println("--cluster and --sentinel are two different topologies: choose one");
            return 2;
        }
        if (cluster || sentinel) {
            nodes = 6;
            String example = cluster ? "cluster-6node" : "sentinel-ha";
            config = config != null ? config : ExampleFiles.find(example + "/node.conf");
            if (sentinel && sentinelConfig == null) {
                sentinelConfig = ExampleFiles.find("sentinel-ha/sentinel.conf");
            }
        }
        for (Path f : java.util.Arrays.asList(config, sentinelConfig)) {
            if (f != null && !Files.isReadable(f)) {
                System.err.println("Cannot read " + f + " (run from a RedMesh checkout or give --config FILE)");
                return 2;
            }
        }
        if (nodes < 1 || nodes > 9) {
            System.err.println("--nodes must be between 1 and 9");
            return 2;
        }
        Duration lifetime;
        Duration runFor;
        try {
            lifetime = io.redmesh.agent.config.AgentConfig.duration(leafLifetime);
            runFor = io.redmesh.agent.config.AgentConfig.duration(duration);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        if (lifetime.toSeconds() < 30) {
            System.err.println("--leaf-lifetime must be at least 30s");
            return 2;
        }
        dir = Files.createTempDirectory("redmesh-demo-");
        Thread cleanup = new Thread(this::stopAll, "demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            DemoSetup setup = prepare(lifetime);
            System.out.println("RedMesh demo: " + nodes + " nodes, CA and files in " + dir);
            for (int i = 1; i <= nodes; i++) {
                children.add(launch(setup, i));
            }
            // generous: six JVMs starting at once on a 2-core machine at load 24 took over 120 s
            awaitUp(setup, Duration.ofSeconds(240));
            if (cluster) {
                System.out.println("Creating the cluster: CLUSTER MEET, ADDSLOTSRANGE, REPLICATE ...");
                clusterOf(setup).create(System.nanoTime() + TimeUnit.SECONDS.toNanos(120));
                System.out.println("Cluster created: 3 masters, 3 replicas, cluster_state:ok on every node.");
            }
            if (sentinel) {
                sentinelsOf(setup).awaitReady(System.nanoTime() + TimeUnit.SECONDS.toNanos(120));
                System.out.println("Sentinels ready: each sees " + DemoSentinels.MASTER_NAME
                        + " on node1, its 2 replicas and the 2 other sentinels (quorum 2).");
            }
            createAdmin(setup);
            printHowToConnect(setup);
            watch(setup, runFor);
            return 0;
        } catch (IOException e) {
            System.err.println("RedMesh demo: " + e.getMessage());
            return 1;
        } finally {
            stopAll();
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running
            }
        }
    }

    // ------------------------------------------------------------------ set-up

    /** Ports, passwords and paths of one demo run. */
    record DemoSetup(Path dir, int[] tlsPorts, int[] meshPorts, int[] busPorts, int[] metricsPorts, int enrollPort,
                     String adminPassword, Path caFile, Path clientCert, Path clientKey) {}

    private DemoCluster clusterOf(DemoSetup s) {
        return new DemoCluster(i -> connect(s, i), s.tlsPorts, s.busPorts);
    }

    private DemoSentinels sentinelsOf(DemoSetup s) {
        return new DemoSentinels(i -> connect(s, i), s.tlsPorts);
    }

    /** node1, node2 ...; with --sentinel, node1-3 then sentinel1-3. */
    private String name(int i) {
        return sentinel ? DemoSentinels.name(i) : "node" + i;
    }

    private DemoSetup prepare(Duration lifetime) throws Exception {
        CertificateAuthority root = CertificateAuthority.createRoot("RedMesh Demo Root", Duration.ofDays(7));
        CertificateAuthority issuing = root.createIssuing("demo-issuer", Duration.ofDays(2));
        new CaDirectory(dir.resolve("issuer")).create(issuing, null, TrustBundle.of(List.of(root.certificate())));
        Path caFile = dir.resolve("ca.crt");
        SecureFiles.writePublic(caFile, Pem.certificate(root.certificate()).getBytes(StandardCharsets.US_ASCII));
        // the root as `redmesh ca init` leaves it, so `redmesh ca rotate/publish/revoke` work on the demo
        byte[] caPass = new byte[12];
        new SecureRandom().nextBytes(caPass);
        String caPassphrase = HexFormat.of().formatHex(caPass);
        SecureFiles.writeSecret(dir.resolve("ca.pass"), (caPassphrase + "\n").getBytes(StandardCharsets.US_ASCII));
        TrustBundle rootTrust = TrustBundle.of(List.of(root.certificate()));
        CaDirectory rootDir = new CaDirectory(dir.resolve("ca"));
        rootDir.create(root, caPassphrase.toCharArray(), rootTrust);
        rootDir.writeSignedBundle(io.redmesh.agent.pki.SignedTrustBundle.sign(rootTrust, 1, null, List.of(root)));
        // A client certificate for redis-cli (the nodes require one: tls-auth-clients yes).
        KeyPair keys = CertificateRequests.newKeyPair();
        var csr = CertificateRequests.parse(CertificateRequests.create(keys, "demo-client", List.of(), List.of()));
        X509Certificate leaf = issuing.signLeaf(csr, "demo-client", Role.CLIENT, Duration.ofDays(1), SanPolicy.defaults());
        Path clientCert = dir.resolve("client.crt");
        Path clientKey = dir.resolve("client.key");
        SecureFiles.writePublic(clientCert, Pem.certificates(issuing.leafChain(leaf)).getBytes(StandardCharsets.US_ASCII));
        SecureFiles.writeSecret(clientKey, Pem.privateKey(keys.getPrivate()).getBytes(StandardCharsets.US_ASCII));
        byte[] pw = new byte[12];
        new SecureRandom().nextBytes(pw);
        int[] tls = new int[nodes];
        int[] mesh = new int[nodes];
        int[] bus = new int[nodes];
        int[] metrics = new int[nodes];
        for (int i = 0; i < nodes; i++) {
            tls[i] = freePort();
            mesh[i] = freePort();
            bus[i] = freePort();
            metrics[i] = freePort();
        }
        DemoSetup s = new DemoSetup(dir, tls, mesh, bus, metrics, freePort(), HexFormat.of().formatHex(pw), caFile,
                clientCert, clientKey);
        for (int i = 1; i <= nodes; i++) {
            writeAgentConfig(s, i, lifetime, JoinToken.mint(root, name(i), Role.OPERATOR, Duration.ofHours(1)));
        }
        return s;
    }

    private void writeAgentConfig(DemoSetup s, int i, Duration lifetime, String token) throws IOException {
        Path nodeDir = dir.resolve(name(i));
        Files.createDirectories(nodeDir);
        StringBuilder c = new StringBuilder();
        c.append("# written by redmesh demo\n");
        c.append("name ").append(name(i)).append('\n');
        c.append("state-dir ").append(nodeDir.resolve("agent")).append('\n');
        c.append("mesh-port ").append(s.meshPorts[i - 1]).append('\n');
        c.append("seeds");
        for (int p : s.meshPorts) {
            c.append(" 127.0.0.1:").append(p);
        }
        c.append('\n');
        c.append("ca-file ").append(s.caFile).append('\n');
        c.append("leaf-lifetime ").append(lifetime.toSeconds()).append("s\n");
        c.append("sync-timeout 5s\n");
        if (i == 1) {
            c.append("issuer-dir ").append(dir.resolve("issuer")).append('\n');
            c.append("enroll-port ").append(s.enrollPort).append('\n');
        } else {
            c.append("issuer 127.0.0.1:").append(s.enrollPort).append('\n');
        }
        SecureFiles.writeSecret(nodeDir.resolve("join.token"), token.getBytes(StandardCharsets.US_ASCII));
        c.append("join-token-file ").append(nodeDir.resolve("join.token")).append('\n');
        SecureFiles.writeSecret(nodeDir.resolve("agent.conf"), c.toString().getBytes(StandardCharsets.UTF_8));
    }

    private Process launch(DemoSetup s, int i) throws IOException {
        Path nodeDir = dir.resolve(name(i));
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        // no hsperfdata file: a node killed with SIGKILL (to watch a failover) leaves nothing in /tmp
        cmd.addAll(List.of("-XX:+UseSerialGC", "-Xss512k", "-Xmx256m", "-XX:-UsePerfData",
                "--add-opens", "java.base/java.util.concurrent.atomic=ALL-UNNAMED",
                "--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), RedMesh.class.getName()));
        boolean isSentinel = sentinel && DemoSentinels.isSentinel(i);
        cmd.addAll(List.of(isSentinel ? "sentinel" : "server", "--agent", nodeDir.resolve("agent.conf").toString()));
        if (isSentinel) {
            cmd.add(DemoSentinels.sentinelConfig(sentinelConfig, s.tlsPorts[0], nodeDir.resolve("sentinel.conf")).toString());
        } else if (config != null) {
            // a copy per node: CONFIG REWRITE (which sentinels send to the replicas they re-point)
            // rewrites the file a node started from, and the example's file is shared
            Path own = nodeDir.resolve("node.conf");
            Files.copy(config, own, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            cmd.add(own.toString());
        }
        // what differs per node (ports, files) follows the shared config file, and wins over it
        cmd.addAll(List.of("--port", "0", "--tls-port", Integer.toString(s.tlsPorts[i - 1]), "--bind", "127.0.0.1",
                "--tls-auth-clients", "yes", "--dir", nodeDir.toString(), "--save", "",
                "--metrics-port", Integer.toString(s.metricsPorts[i - 1]),
                "--logfile", nodeDir.resolve("node.log").toString()));
        if (cluster) {
            cmd.addAll(List.of("--cluster-port", Integer.toString(s.busPorts[i - 1])));
        }
        if (sentinel && i > 1 && !isSentinel) {
            cmd.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(s.tlsPorts[0])));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(nodeDir.resolve("stdout.log").toFile());
        pb.environment().put("REDMESH_EXIT_WITH_PID", Long.toString(ProcessHandle.current().pid()));
        return pb.start();
    }

    /**
     * A free loopback port below Linux's ephemeral range (32768-60999), so the outgoing
     * connections the nodes make while starting cannot take it before its node binds it.
     */
    private final java.util.Set<Integer> given = new java.util.HashSet<>();

    private int freePort() throws IOException {
        java.util.Random rnd = new java.util.Random();
        for (int attempt = 0; attempt < 500; attempt++) {
            int port = 20000 + rnd.nextInt(12000);
            if (given.contains(port)) {
                continue;
            }
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 1);
                given.add(port);
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free loopback port between 20000 and 32000");
    }

    /**
     * The demo's own connections trust ca/trust.crt, which `redmesh ca rotate` extends with the new
     * root, so the table keeps seeing nodes that serve new-CA certificates during a rotation.
     */
    private RespConnection connect(DemoSetup s, int i) throws IOException {
        return RespConnection.tls("127.0.0.1", s.tlsPorts[i - 1], trustFile(), s.clientCert, s.clientKey);
    }

    private Path trustFile() {
        return dir.resolve("ca").resolve(CaDirectory.TRUST);
    }

    private void awaitUp(DemoSetup s, Duration max) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        for (int i = 1; i <= nodes; i++) {
            while (true) {
                Process p = children.get(i - 1);
                if (!p.isAlive()) {
                    throw new IOException(name(i) + " exited (code " + p.exitValue() + "); its last log lines:\n"
                            + logTail(i));
                }
                try (RespConnection c = connect(s, i)) {
                    if ("PONG".equals(c.call("PING"))) {
                        break;
                    }
                } catch (IOException notYet) {
                    // starting
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException(name(i) + " did not come up within " + max.toSeconds()
                            + "s; its last log lines:\n" + logTail(i));
                }
                Thread.sleep(200);
            }
        }
    }

    /** The end of a node's log and output (the directory is removed on exit, so say it now). */
    private String logTail(int i) {
        StringBuilder b = new StringBuilder();
        for (String f : List.of("node.log", "stdout.log")) {
            try {
                List<String> lines = Files.readAllLines(dir.resolve(name(i)).resolve(f), StandardCharsets.UTF_8);
                for (String l : lines.subList(Math.max(0, lines.size() - 15), lines.size())) {
                    b.append("  ").append(l).append('\n');
                }
            } catch (IOException e) {
                // not written
            }
        }
        return b.toString();
    }

    /** The demo's administrator, created on node1: the agents give it to every node. */
    private void createAdmin(DemoSetup s) throws IOException, InterruptedException {
        try (RespConnection c = connect(s, 1)) {
            Object r = c.call("ACL", "SETUSER", "admin", "on", ">" + s.adminPassword, "~*", "&*", "+@all");
            if (!"OK".equals(r)) {
                throw new IOException("ACL SETUSER admin failed: " + r);
            }
        }
        // the agents take it to the other nodes: the connect line is printed once it works on all
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int i = 2; i <= nodes; i++) {
            while (true) {
                try (RespConnection c = connect(s, i)) {
                    if ("OK".equals(c.call("AUTH", "admin", s.adminPassword))) {
                        break;
                    }
                } catch (IOException notYet) {
                    // asked again
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("the admin user made on node1 did not reach " + name(i) + " within 30 s");
                }
                Thread.sleep(100);
            }
        }
    }

    private void printHowToConnect(DemoSetup s) {
        System.out.println();
        System.out.println("Connect to any node (every link is TLS with client certificates"
                + (cluster ? "; -c follows -MOVED to the slot's master" : "") + "):");
        // ca/trust.crt: the roots clients should trust, which `redmesh ca rotate` extends with the new one
        System.out.println("  redis-cli " + (cluster ? "-c " : "") + "--tls --cacert " + trustFile() + " --cert " + s.clientCert
                + " --key " + s.clientKey + " -p " + s.tlsPorts[0] + " --user admin --pass " + s.adminPassword);
        StringBuilder ports = new StringBuilder();
        StringBuilder metrics = new StringBuilder();
        StringBuilder pids = new StringBuilder();
        for (int i = 0; i < nodes; i++) {
            ports.append(i == 0 ? "" : ", ").append(s.tlsPorts[i]);
            metrics.append(i == 0 ? "" : ", ").append(s.metricsPorts[i]);
            pids.append(i == 0 ? "" : ", ").append(name(i + 1)).append('=').append(children.get(i).pid());
        }
        System.out.println("Node TLS ports: " + ports + ". Try ACL SETUSER on one node and watch ACL CHANGED and ACL DIGEST change on all;");
        System.out.println("certificates renew every " + leafLifetimeText() + " (watch CERT SERIAL). Ctrl-C stops everything.");
        System.out.println("Node PIDs: " + pids + (cluster || sentinel ? " (kill -9 a master's PID: a replica takes over)" : ""));
        if (sentinel) {
            System.out.println("Ask a sentinel where the master is: redis-cli --tls --cacert " + trustFile() + " --cert "
                    + s.clientCert + " --key " + s.clientKey + " -p " + s.tlsPorts[DemoSentinels.DATA_NODES]
                    + " SENTINEL GET-MASTER-ADDR-BY-NAME " + DemoSentinels.MASTER_NAME);
        }
        System.out.println("Prometheus metrics: http://127.0.0.1:PORT/metrics, PORT one of " + metrics);
        System.out.println("Root CA: " + dir.resolve("ca") + " (passphrase in " + dir.resolve("ca.pass")
                + "), issuer enrollment endpoint 127.0.0.1:" + s.enrollPort);
        System.out.println("Audit logs: " + dir + "/nodeN/agent/audit.jsonl (bin/redmesh audit verify FILE)");
        System.out.println("Mesh status from the command line: bin/redmesh mesh status --tls --cacert " + trustFile()
                + " --cert " + s.clientCert + " --key " + s.clientKey + " -p " + s.tlsPorts[0]
                + " --user admin --pass " + s.adminPassword);
        System.out.println("The same as shell variables (the READMEs' walkthroughs use them): . " + writeEnv(s));
        System.out.println();
    }

    /**
     * demo.env: the demo's ports, PIDs and credentials as shell variables (TLS, ADMIN, NODE1_PORT,
     * NODE1_PID, NODE1_METRICS, ..., CA_DIR, CA_PASS, ENROLL), for the examples' walkthroughs.
     */
    private Path writeEnv(DemoSetup s) {
        StringBuilder e = new StringBuilder("# written by redmesh demo; removed with it\n");
        e.append("DEMO_DIR=").append(dir).append('\n');
        e.append("TLS='--tls --cacert ").append(trustFile()).append(" --cert ").append(s.clientCert).append(" --key ")
                .append(s.clientKey).append("'\n");
        e.append("ADMIN='--user admin --pass ").append(s.adminPassword).append("'\n");
        for (int i = 1; i <= nodes; i++) {
            String v = name(i).toUpperCase(java.util.Locale.ROOT);
            e.append(v).append("_PORT=").append(s.tlsPorts[i - 1]).append('\n');
            e.append(v).append("_PID=").append(children.get(i - 1).pid()).append('\n');
            e.append(v).append("_METRICS=").append(s.metricsPorts[i - 1]).append('\n');
        }
        e.append("CA_DIR=").append(dir.resolve("ca")).append('\n');
        e.append("CA_PASS=").append(dir.resolve("ca.pass")).append('\n');
        e.append("ENROLL=127.0.0.1:").append(s.enrollPort).append('\n');
        Path env = dir.resolve("demo.env");
        try {
            SecureFiles.writeSecret(env, e.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException failed) {
            System.err.println("could not write " + env + ": " + failed.getMessage());
        }
        return env;
    }

    private String leafLifetimeText() {
        Duration d = io.redmesh.agent.config.AgentConfig.duration(leafLifetime);
        return (d.toSeconds() * 2 / 3) + "s";
    }

    // ------------------------------------------------------------------ the live table

    private void watch(DemoSetup s, Duration runFor) throws InterruptedException {
        long end = runFor.isZero() ? Long.MAX_VALUE : System.nanoTime() + runFor.toNanos();
        Map<String, Integer> rotations = new LinkedHashMap<>();
        Map<String, String> lastSerial = new LinkedHashMap<>();
        DemoCluster clusterView = cluster ? clusterOf(s) : null;
        DemoSentinels sentinelView = sentinel ? sentinelsOf(s) : null;
        java.util.Set<Integer> reportedExit = new java.util.HashSet<>();
        while (System.nanoTime() < end) {
            Map<String, Map<String, String>> rows = new java.util.LinkedHashMap<>();
            Map<String, Map<String, String>> meshView = new java.util.HashMap<>();
            for (int i = 1; i <= nodes; i++) {
                String name = name(i);
                Map<String, String> row;
                try (RespConnection c = connect(s, i)) {
                    c.call("AUTH", "admin", s.adminPassword);
                    Object info = c.call("INFO", "security");
                    Map<String, Map<String, String>> seen = StatusTable.rows(info instanceof String str ? str : "");
                    if (meshView.isEmpty()) {
                        meshView = seen;
                    }
                    row = seen.getOrDefault(name, new LinkedHashMap<>());
                    row.put("reachable", "1");
                    if (clusterView != null) {
                        row.putAll(clusterView.fields(c));
                    }
                    if (sentinelView != null) {
                        row.putAll(sentinelView.fields(i, c));
                    }
                } catch (IOException e) {
                    row = new LinkedHashMap<>();
                    row.put("reachable", "0");
                }
                // a sentinel's INFO has no security section: what the mesh reports of it stands in
                if (!row.containsKey("acl_digest") && "1".equals(row.get("reachable")) && meshView.containsKey(name)) {
                    Map<String, String> reported = new LinkedHashMap<>(meshView.get(name));
                    reported.putAll(row);
                    row = reported;
                }
                row.put("pid", Long.toString(children.get(i - 1).pid()));
                row.put("port", Integer.toString(s.tlsPorts[i - 1]));
                String serial = row.get("cert_serial");
                if (serial != null && !serial.isEmpty()) {
                    if (lastSerial.containsKey(name) && !serial.equals(lastSerial.get(name))) {
                        rotations.merge(name, 1, Integer::sum);
                    }
                    lastSerial.put(name, serial);
                }
                row.put("members", row.getOrDefault("members", "?") + "  rotations=" + rotations.getOrDefault(name, 0));
                rows.put(name, row);
            }
            String table;
            if (clusterView != null || sentinelView != null) {
                DemoCluster.addLag(rows);
                table = StatusTable.render(rows, clusterView != null ? DemoCluster.columns() : DemoSentinels.columns());
            } else {
                table = StatusTable.render(rows);
            }
            if (plain) {
                System.out.println(java.time.LocalTime.now().withNano(0) + "\n" + table);
            } else {
                System.out.print("\033[H\033[2J");
                System.out.println("RedMesh demo  " + java.time.LocalTime.now().withNano(0) + "   (Ctrl-C to stop)\n");
                System.out.print(table);
            }
            // a node that exits (killed to watch a failover) is reported; the demo ends when none is left
            int alive = 0;
            for (int i = 0; i < nodes; i++) {
                if (children.get(i).isAlive()) {
                    alive++;
                } else if (reportedExit.add(i)) {
                    System.out.println(name(i + 1) + " exited; see " + dir.resolve(name(i + 1)).resolve("node.log"));
                }
            }
            System.out.flush();
            if (alive == 0) {
                return;
            }
            Thread.sleep(1000);
        }
    }

    // ------------------------------------------------------------------ stop

    private synchronized void stopAll() {
        for (Process p : children) {
            p.destroy(); // SIGTERM: each node shuts down cleanly
        }
        for (Process p : children) {
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
        children.clear();
        if (dir != null && Files.exists(dir)) {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                System.err.println("could not remove " + dir + ": " + e.getMessage());
            }
            System.out.println("RedMesh demo stopped; " + dir + " removed.");
            dir = null;
        }
    }
}
