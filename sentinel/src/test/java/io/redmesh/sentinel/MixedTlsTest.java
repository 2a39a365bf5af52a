package io.redmesh.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.Ports;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.TestCertificates;
import io.redmesh.replication.testing.Await;
import io.redmesh.sentinel.testing.ServerProcess;
import io.redmesh.sentinel.testing.ServerProcess.Kind;
import io.redmesh.sentinel.testing.Sentinels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What Redis Sentinel users wait for, on real redis-servers: one RedMesh sentinel with the global
 * {@code tls-replication yes} monitors a TLS master and, with {@code sentinel master-tls plain
 * no}, a plaintext one (redis/redis#11275), fails both over, and writes the setting back; then
 * its certificate is replaced with SENTINEL CONFIG SET tls-cert-file/tls-key-file, without a
 * restart (redis/redis#12028): new handshakes get the new certificate, the established
 * connection keeps working, the sentinel's own links reconnect with it, and no instance is
 * seen down.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MixedTlsTest {
    static TestCertificates certs;
    static SSLContext harness;
    static Path dir;
    static final List<ServerProcess> all = new ArrayList<>();
    static ServerProcess tlsMaster;
    static ServerProcess tlsReplica;
    static ServerProcess plainMaster;
    static ServerProcess plainReplica;
    static ServerProcess sentinel;
    static TestCertificates.Identity sentinelId;

    static ServerProcess redis(String name, boolean tls, String... args) throws IOException {
        ServerProcess.Spec spec = ServerProcess.spec(Kind.REDIS_SERVER, name, dir.resolve(name));
        if (tls) {
            TestCertificates.Identity id = certs.newPeer(name, "localhost");
            spec.port(0).tls(Ports.free(), harness).args("--tls-cert-file", id.certFile().toString(), "--tls-key-file",
                    id.keyFile().toString(), "--tls-ca-cert-file", certs.ca().certFile().toString(),
                    "--tls-auth-clients", "yes", "--tls-replication", "yes");
        }
        ServerProcess p = spec.args(args).start();
        all.add(p);
        return p;
    }

    @BeforeAll
    static void start() throws IOException {
        certs = TestCertificates.create();
        harness = certs.clientContext(certs.client());
        dir = Files.createTempDirectory("sentinel-mixed-tls");
        tlsMaster = redis("tls-master", true);
        tlsReplica = redis("tls-replica", true, "--replicaof", "127.0.0.1", Integer.toString(tlsMaster.servingPort()));
        plainMaster = redis("plain-master", false);
        plainReplica = redis("plain-replica", false, "--replicaof", "127.0.0.1",
                Integer.toString(plainMaster.servingPort()));
        sentinelId = certs.newPeer("sentinel", "localhost");
        StringBuilder conf = new StringBuilder("tls-cert-file " + sentinelId.certFile() + "\ntls-key-file "
                + sentinelId.keyFile()
                + "\ntls-ca-cert-file " + certs.ca().certFile() + "\ntls-auth-clients yes\ntls-replication yes\n");
        for (String[] m : new String[][] {{"secure", Integer.toString(tlsMaster.servingPort())},
                {"plain", Integer.toString(plainMaster.servingPort())}}) {
            conf.append("sentinel monitor ").append(m[0]).append(" 127.0.0.1 ").append(m[1]).append(" 1\n")
                    .append("sentinel down-after-milliseconds ").append(m[0]).append(" 1000\n")
                    .append("sentinel failover-timeout ").append(m[0]).append(" 10000\n");
        }
        conf.append("sentinel master-tls plain no\n");
        sentinel = ServerProcess.spec(Kind.REDMESH_SENTINEL, "sentinel", dir.resolve("sentinel")).port(0)
                .tls(Ports.free(), harness).sentinelConf(conf.toString()).start();
        all.add(sentinel);
    }

    @AfterAll
    static void stop() {
        for (ServerProcess p : all) {
            p.close();
        }
        if (certs != null) {
            certs.close();
        }
    }

    static void awaitHealthy(String name, ServerProcess master) {
        Await.until(sentinel + " to see " + name + " at " + master + " up with its replica", 30_000, () -> {
            Map<String, String> m = Sentinels.master(sentinel, name);
            List<Map<String, String>> r = Sentinels.replicas(sentinel, name);
            // the replica linked and its INFO read: until then SENTINEL FAILOVER says -NOGOODSLAVE
            return "master".equals(m.get("flags")) && "1".equals(m.get("num-slaves"))
                    && Integer.toString(master.servingPort()).equals(m.get("port")) && r.size() == 1
                    && "slave".equals(r.get(0).get("flags")) && "ok".equals(r.get(0).get("master-link-status"));
        }, () -> Sentinels.master(sentinel, name) + "\n" + Sentinels.replicas(sentinel, name) + "\n" + sentinel.logText());
    }

    @Test
    @Order(1)
    void oneSentinelWatchesAndFailsOverATlsAndAPlaintextMaster() throws IOException {
        awaitHealthy("secure", tlsMaster);
        awaitHealthy("plain", plainMaster);
        String rewritten = Files.readString(sentinel.configFile());
        assertTrue(rewritten.contains("sentinel master-tls plain no"), rewritten);
        assertFalse(rewritten.contains("sentinel master-tls secure"), "the default is not written: " + rewritten);
        for (String[] m : new String[][] {{"secure", "tls"}, {"plain", "plain"}}) {
            assertEquals("+OK\r\n", sentinel.call("SENTINEL", "FAILOVER", m[0]), m[0]);
        }
        awaitHealthy("secure", tlsReplica);
        awaitHealthy("plain", plainReplica);
        Await.until(tlsMaster + " to follow " + tlsReplica + " over TLS", 30_000,
                () -> tlsMaster.call("INFO", "replication").contains("master_link_status:up"),
                () -> tlsMaster.call("INFO", "replication"));
        Await.until(plainMaster + " to follow " + plainReplica, 30_000,
                () -> plainMaster.call("INFO", "replication").contains("master_link_status:up"),
                () -> plainMaster.call("INFO", "replication"));
    }

    static X509Certificate served() throws IOException {
        try (SSLSocket c = (SSLSocket) harness.getSocketFactory().createSocket("127.0.0.1", sentinel.servingPort())) {
            c.setSoTimeout(10_000);
            c.startHandshake();
            return (X509Certificate) c.getSession().getPeerCertificates()[0];
        }
    }

    @Test
    @Order(2)
    void itsCertificateIsReplacedWithoutARestart() throws Exception {
        long pid = sentinel.pid();
        // a link cut below closes with its last reply up to a ping period (1 s here) old: with
        // down-after 1000 that alone is +sdown, in Redis too; the rotation must not be
        for (String m : new String[] {"secure", "plain"}) {
            assertEquals("+OK\r\n", sentinel.call("SENTINEL", "SET", m, "down-after-milliseconds", "5000"));
        }
        assertEquals(sentinelId.cert(), served());
        String logBefore = sentinel.logText();
        try (RespClient established = RespClient.connect(sentinel.servingPort(), harness)) {
            assertEquals("+PONG\r\n", established.callString("PING"));
            // as the agent renews: the new pair written over the old files, then the node reloads them
            TestCertificates.Identity renewed = certs.newPeer("sentinel-renewed", "localhost");
            Files.copy(renewed.keyFile(), sentinelId.keyFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(renewed.certFile(), sentinelId.certFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            assertEquals("+OK\r\n", sentinel.call("SENTINEL", "CONFIG", "SET", "tls-cert-file",
                    sentinelId.certFile().toString()));
            assertEquals(renewed.cert(), served(), "new handshakes get the new certificate");
            assertEquals("+PONG\r\n", established.callString("PING"), "the established connection is kept");
            String get = sentinel.call("SENTINEL", "CONFIG", "GET", "tls-cert-file");
            assertTrue(get.contains(sentinelId.certFile().toString()), get);
            // a file that does not load is refused and the certificate in force stays
            assertTrue(sentinel.call("SENTINEL", "CONFIG", "SET", "tls-cert-file", "/nonexistent.crt").startsWith("-ERR"));
            assertEquals(renewed.cert(), served());
        }
        // its own links: dropped by the current master, they reconnect (presenting the new certificate)
        tlsReplica.call("CLIENT", "KILL", "TYPE", "normal");
        tlsReplica.call("CLIENT", "KILL", "TYPE", "pubsub");
        Thread.sleep(3000);
        awaitHealthy("secure", tlsReplica);
        awaitHealthy("plain", plainReplica);
        String since = sentinel.logText().substring(logBefore.length());
        assertFalse(since.contains("+sdown"), "no instance seen down: " + since);
        assertEquals(pid, sentinel.pid(), "no restart");
        assertTrue(sentinel.isAlive());
    }

}
