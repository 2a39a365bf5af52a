package io.redmesh.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.redmesh.node.testing.TestCertificates;
import io.redmesh.replication.testing.Await;
import io.redmesh.sentinel.testing.ServerProcess;
import io.redmesh.sentinel.testing.Sentinels;
import io.redmesh.sentinel.testing.Topology;
import io.redmesh.sentinel.testing.Writers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Certificate renewal of every link of a sentinel topology under client load, as the agent renews
 * (new files written in place, then the node reloads them; a sentinel through SENTINEL CONFIG
 * SET, which Redis Sentinel lacks): three rounds over the 3 sentinels, the master and its 2
 * replicas while Jedis and Lettuce write through the sentinels. Zero failed writes, each process
 * serves its new certificate, no process restarts, no sentinel sees anything down.
 */
class RotationTest {
    static TestCertificates certs;
    static Topology topology;

    @BeforeAll
    static void start() throws IOException {
        certs = TestCertificates.create();
        topology = Topology.create().tls(certs).start();
    }

    @AfterAll
    static void stop() {
        Topology.close(topology, certs);
    }

    /** CONFIG GET (a data node) or SENTINEL CONFIG GET (a sentinel) of one directive. */
    static String config(ServerProcess p, String name) {
        String reply = p.kind().sentinel() ? p.call("SENTINEL", "CONFIG", "GET", name) : p.call("CONFIG", "GET", name);
        List<String> b = Sentinels.bulks(reply);
        return b.size() == 2 ? b.get(1) : reply;
    }

    static Certificate served(ServerProcess p) throws IOException {
        try (SSLSocket s = (SSLSocket) topology.clientTls().getSocketFactory().createSocket("127.0.0.1", p.servingPort())) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            return s.getSession().getPeerCertificates()[0];
        }
    }

    /** Writes a fresh pair over the process's files, then has it reload them; returns the new certificate. */
    static Certificate renew(ServerProcess p, int round) throws IOException {
        TestCertificates.Identity fresh = certs.newPeer(p.name() + "-r" + round, "localhost");
        Path cert = Path.of(config(p, "tls-cert-file"));
        Path key = Path.of(config(p, "tls-key-file"));
        Files.copy(fresh.keyFile(), key, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(fresh.certFile(), cert, StandardCopyOption.REPLACE_EXISTING);
        String reply = p.kind().sentinel() ? p.call("SENTINEL", "CONFIG", "SET", "tls-cert-file", cert.toString())
                : p.call("CONFIG", "SET", "tls-cert-file", cert.toString());
        assertEquals("+OK\r\n", reply, p + " reloads its certificate");
        return fresh.cert();
    }

    @Test
    void everyLinkRenewedThreeTimesUnderLoadWithoutAFailedWrite() throws Exception {
        List<ServerProcess> all = new ArrayList<>(topology.dataNodes());
        all.addAll(topology.sentinels());
        Map<ServerProcess, Long> pids = new HashMap<>();
        Map<ServerProcess, Integer> logLength = new HashMap<>();
        for (ServerProcess p : all) {
            pids.put(p, p.pid());
            logLength.put(p, p.logText().length());
        }
        try (Writers jedis = Writers.jedis(topology, "jedis"); Writers lettuce = Writers.lettuce(topology, "lettuce")) {
            Await.until("both clients writing", 60_000, () -> jedis.ok.get() >= 20 && lettuce.ok.get() >= 20,
                    () -> jedis + "; " + lettuce);
            for (int round = 1; round <= 3; round++) {
                for (ServerProcess p : all) {
                    Certificate renewed = renew(p, round);
                    assertEquals(renewed, served(p), p + " serves its round " + round + " certificate");
                }
                long jedisAt = jedis.ok.get();
                long lettuceAt = lettuce.ok.get();
                // the sentinels' own links are renewed as they reconnect; the clients keep writing
                Await.until("both clients writing after round " + round, 30_000,
                        () -> jedis.ok.get() >= jedisAt + 20 && lettuce.ok.get() >= lettuceAt + 20,
                        () -> jedis + "; " + lettuce);
            }
            assertEquals(0, jedis.failed.get(), jedis.toString());
            assertEquals(0, lettuce.failed.get(), lettuce.toString());
        }
        for (ServerProcess p : all) {
            assertEquals(pids.get(p), p.pid(), p + " was not restarted");
            String since = p.logText().substring(logLength.get(p));
            assertFalse(since.contains("+sdown") || since.contains("+odown") || since.contains("Error accepting"),
                    p + " saw nothing down and refused no handshake: " + since);
        }
        topology.awaitSettled(topology.master());
    }
}
