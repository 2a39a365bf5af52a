package io.redmesh.sentinel.testing;

import io.redmesh.node.testing.Ports;
import io.redmesh.node.testing.TestCertificates;
import io.redmesh.replication.testing.Await;
import io.redmesh.replication.testing.Info;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * The topology every sentinel test shares: one master, two replicas, three sentinels (each of
 * them ours or Debian's), processes on loopback, watched as "mymaster" with a small
 * down-after-milliseconds. With certificates, every link is TLS with client certificates: the
 * data nodes and sentinels listen on a TLS port only, replicas replicate over TLS, sentinels
 * reach data nodes and each other over TLS. {@link #start()} returns once the replicas are in sync
 * and every sentinel knows both replicas and the other sentinels; every wait is bounded and names
 * what it waited for.
 */
public final class Topology implements AutoCloseable {
    public static final String MASTER_NAME = "mymaster";

    private ServerProcess.Kind dataKind = ServerProcess.Kind.REDMESH_NODE;
    private List<ServerProcess.Kind> sentinelKinds = List.of(ServerProcess.Kind.REDMESH_SENTINEL,
            ServerProcess.Kind.REDMESH_SENTINEL, ServerProcess.Kind.REDMESH_SENTINEL);
    private TestCertificates certs;
    private long downAfter = 1000;
    private long failoverTimeout = 10_000;
    private int quorum = 2;
    private final List<String> dataArgs = new ArrayList<>();
    private final List<String> masterArgs = new ArrayList<>();
    private String sentinelConf = "";
    private String announceHost = "127.0.0.1";
    private String dataPassword;
    private boolean dataCertificatesByName;
    private Path dir;

    private ServerProcess master;
    private final List<ServerProcess> replicas = new ArrayList<>();
    private final List<ServerProcess> sentinels = new ArrayList<>();
    private final List<ServerProcess> all = new ArrayList<>();
    private SSLContext clientTls;
    private TestCertificates.Identity harness;

    public static Topology create() {
        return new Topology();
    }

    public Topology data(ServerProcess.Kind kind) {
        this.dataKind = kind;
        return this;
    }

    public Topology sentinels(ServerProcess.Kind... kinds) {
        this.sentinelKinds = List.of(kinds);
        return this;
    }

    /** TLS everywhere, with certificates from {@code certs} (each server its own, client auth required). */
    public Topology tls(TestCertificates certs) {
        this.certs = certs;
        return this;
    }

    public Topology downAfter(long ms) {
        this.downAfter = ms;
        return this;
    }

    public Topology failoverTimeout(long ms) {
        this.failoverTimeout = ms;
        return this;
    }

    /** Directives of every data node ("--name", "value" ...). */
    public Topology dataArgs(String... args) {
        dataArgs.addAll(Arrays.asList(args));
        return this;
    }

    /** Data nodes require this password (requirepass, masterauth); sentinels use it (auth-pass). */
    public Topology requirePass(String pass) {
        this.dataPassword = pass;
        dataArgs("--requirepass", pass, "--masterauth", pass);
        return sentinelConf("sentinel auth-pass " + MASTER_NAME + " " + pass + "\n");
    }

    /**
     * Hostnames as Jedis 7.4+ and Lettuce need them over TLS: the data nodes are "localhost"
     * everywhere (monitor line, replicaof, replica-announce-ip), their certificates name only
     * "localhost" (no IP address), and the sentinels run with resolve-hostnames and
     * announce-hostnames, so what they answer is a name the clients' verification accepts.
     */
    public Topology hostnames() {
        this.announceHost = "localhost";
        this.dataCertificatesByName = true;
        dataArgs("--replica-announce-ip", "localhost");
        return sentinelConf("sentinel resolve-hostnames yes\nsentinel announce-hostnames yes\n");
    }

    /** Directives of the first master only. */
    public Topology masterArgs(String... args) {
        masterArgs.addAll(Arrays.asList(args));
        return this;
    }

    /** Extra sentinel.conf lines of every sentinel (after the monitor line). */
    public Topology sentinelConf(String lines) {
        this.sentinelConf += lines;
        return this;
    }

    /** The host the sentinels monitor and the replicas follow ("localhost" for hostname tests). */
    public Topology host(String host) {
        this.announceHost = host;
        return this;
    }

    public Topology start() throws IOException {
        dir = Files.createTempDirectory("sentinel-topology");
        if (certs != null) {
            harness = certs.newClient("harness");
            clientTls = certs.clientContext(harness);
        }
        master = startData("master", new ArrayList<>(masterArgs));
        for (int i = 1; i <= 2; i++) {
            List<String> a = new ArrayList<>(List.of("--replicaof", announceHost, Integer.toString(master.servingPort())));
            if (certs != null) {
                a.addAll(List.of("--tls-replication", "yes"));
            }
            replicas.add(startData("replica" + i, a));
        }
        for (ServerProcess r : replicas) {
            Await.until(r + " in sync with " + master, 60_000, () -> "up".equals(info(r, "replication")
                    .get("master_link_status")), () -> info(r, "replication").toString());
        }
        for (int i = 0; i < sentinelKinds.size(); i++) {
            sentinels.add(startSentinel("sentinel" + (i + 1), sentinelKinds.get(i)));
        }
        awaitSettled(master);
        return this;
    }

    private ServerProcess startData(String name, List<String> extra) throws IOException {
        ServerProcess.Spec spec = ServerProcess.spec(dataKind, name, dir.resolve(name));
        if (certs != null) {
            TestCertificates.Identity id = dataCertificatesByName ? certs.newNamedPeer(name, "localhost")
                    : certs.newPeer(name, "localhost");
            spec.port(0).tls(Ports.free(), clientTls).args("--tls-cert-file", id.certFile().toString(),
                    "--tls-key-file", id.keyFile().toString(), "--tls-ca-cert-file", certs.ca().certFile().toString(),
                    "--tls-auth-clients", "yes", "--tls-replication", "yes");
        }
        spec.args("--repl-diskless-sync-delay", "0").auth(dataPassword);
        spec.args(dataArgs.toArray(new String[0]));
        spec.args(extra.toArray(new String[0]));
        ServerProcess p = spec.start();
        all.add(p);
        return p;
    }

    /** The sentinel.conf lines every sentinel gets. */
    public String sentinelLines(int masterPort) {
        StringBuilder c = new StringBuilder();
        if (certs != null) {
            c.append("tls-replication yes\ntls-auth-clients yes\ntls-ca-cert-file ").append(certs.ca().certFile()).append('\n');
        }
        c.append("sentinel monitor ").append(MASTER_NAME).append(' ').append(announceHost).append(' ')
                .append(masterPort).append(' ').append(quorum).append('\n');
        c.append("sentinel down-after-milliseconds ").append(MASTER_NAME).append(' ').append(downAfter).append('\n');
        c.append("sentinel failover-timeout ").append(MASTER_NAME).append(' ').append(failoverTimeout).append('\n');
        c.append(sentinelConf);
        return c.toString();
    }

    private ServerProcess startSentinel(String name, ServerProcess.Kind kind) throws IOException {
        ServerProcess.Spec spec = ServerProcess.spec(kind, name, dir.resolve(name));
        String conf = sentinelLines(master.servingPort());
        if (certs != null) {
            TestCertificates.Identity id = certs.newPeer(name, "localhost");
            spec.port(0).tls(Ports.free(), clientTls);
            conf = "tls-cert-file " + id.certFile() + "\ntls-key-file " + id.keyFile() + "\n" + conf;
        }
        ServerProcess p = spec.sentinelConf(conf).start();
        all.add(p);
        return p;
    }

    /** Waits until every live sentinel agrees on {@code master} and knows 2 replicas and the other sentinels. */
    public void awaitSettled(ServerProcess expectedMaster) {
        for (ServerProcess s : sentinels) {
            if (!s.isAlive()) {
                continue;
            }
            Await.until(s + " to know " + expectedMaster + " as master with 2 replicas and " + (sentinels.size() - 1)
                    + " other sentinels", 60_000, () -> {
                        Map<String, String> m = Sentinels.master(s);
                        return Integer.toString(expectedMaster.servingPort()).equals(m.get("port"))
                                && "2".equals(m.get("num-slaves"))
                                && Integer.toString(sentinels.size() - 1).equals(m.get("num-other-sentinels"))
                                && "master".equals(m.get("flags"));
                    }, () -> Sentinels.master(s) + "\n" + tail(s.logText()));
        }
    }

    static String tail(String log) {
        return log.length() > 3000 ? log.substring(log.length() - 3000) : log;
    }

    public Map<String, String> info(ServerProcess p, String section) {
        return Info.parse(p.call("INFO", section));
    }

    public ServerProcess master() {
        return master;
    }

    public List<ServerProcess> replicas() {
        return replicas;
    }

    public List<ServerProcess> sentinels() {
        return sentinels;
    }

    /** Every data node (the first master, then the replicas). */
    public List<ServerProcess> dataNodes() {
        List<ServerProcess> d = new ArrayList<>(List.of(master));
        d.addAll(replicas);
        return d;
    }

    /** The data node serving on {@code port}. */
    public ServerProcess dataNode(int port) {
        for (ServerProcess p : dataNodes()) {
            if (p.servingPort() == port) {
                return p;
            }
        }
        throw new IllegalArgumentException("no data node on port " + port);
    }

    /** The client context of the harness (null without TLS). */
    public SSLContext clientTls() {
        return clientTls;
    }

    /** The client certificate of the harness (and of the clients tests run), or null. */
    public TestCertificates.Identity harness() {
        return harness;
    }

    public TestCertificates certs() {
        return certs;
    }

    public Path dir() {
        return dir;
    }

    public long downAfter() {
        return downAfter;
    }

    /** Every log, for a failure message. */
    public String logs() {
        StringBuilder b = new StringBuilder();
        for (ServerProcess p : all) {
            b.append("---- ").append(p).append('\n').append(tail(p.logText())).append('\n');
        }
        return b.toString();
    }

    /** Stops a test class's topology, then removes its certificates (either may be null: start-up failed). */
    public static void close(Topology topology, TestCertificates certs) {
        if (topology != null) {
            topology.close();
        }
        if (certs != null) {
            certs.close();
        }
    }

    @Override
    public void close() {
        for (ServerProcess p : all) {
            p.close();
        }
    }
}
