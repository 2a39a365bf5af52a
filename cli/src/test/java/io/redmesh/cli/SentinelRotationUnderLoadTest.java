package io.redmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.SslOptions;
import io.redmesh.replication.testing.Await;
import io.redmesh.sentinel.testing.Writers;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Certificate rotation of every link of a sentinel topology under client load, done by the
 * agents themselves (issue #14): the sentinel-ha example with 30-second leaves, so each of the
 * six processes (a master, two replicas, three sentinels) renews every 20 seconds, while Jedis's
 * sentinel pool and Lettuce's sentinel client write through the sentinels over TLS with client
 * certificates. Every process renews at least twice, then the CA is rotated (new root and
 * issuer, published to the mesh), and every process renews once more under the new root. Zero
 * failed writes, no process restarted, and no sentinel took the rotations for a failure (no
 * +sdown, no +odown, no failover: the master stays the master).
 */
class SentinelRotationUnderLoadTest {
    private static final List<String> ALL = List.of("node1", "node2", "node3", "sentinel1", "sentinel2", "sentinel3");
    private static final List<String> SENTINELS = List.of("sentinel1", "sentinel2", "sentinel3");
    private static ExampleRun run;
    private static ReloadingClientTls trust;
    private static SSLContext clientTls;

    @BeforeAll
    static void start() throws Exception {
        run = ExampleRun.start("sentinel-ha", "--plain", "--leaf-lifetime", "30s");
        Map<String, String> tls = options(run.env.get("TLS"));
        trust = ReloadingClientTls.trusting(Path.of(tls.get("--cacert")));
        clientTls = trust.context(Path.of(tls.get("--cert")), Path.of(tls.get("--key")));
    }

    @AfterAll
    static void stop() {
        if (run != null) {
            run.close();
        }
    }

    /** "--a x --b y" as a map. */
    private static Map<String, String> options(String line) {
        String[] words = line.trim().split(" +");
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i + 1 < words.length; i++) {
            if (words[i].startsWith("--") && !words[i + 1].startsWith("--")) {
                out.put(words[i], words[++i]);
            }
        }
        return out;
    }

    /** The leaf a process serves on its TLS port now. */
    private static X509Certificate served(String name) throws Exception {
        try (SSLSocket s = (SSLSocket) clientTls.getSocketFactory().createSocket("127.0.0.1", run.port(name))) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }

    /** Polls every process's served leaf until {@code done} holds for all of them; returns the serials each served. */
    private static void watchLeaves(String what, long maxMillis, Map<String, Set<BigInteger>> seen,
            java.util.function.BiPredicate<String, X509Certificate> done) throws Exception {
        long deadline = System.currentTimeMillis() + maxMillis;
        Set<String> pending = new HashSet<>(ALL);
        while (!pending.isEmpty()) {
            for (String name : new ArrayList<>(pending)) {
                X509Certificate leaf = served(name);
                seen.computeIfAbsent(name, n -> new HashSet<>()).add(leaf.getSerialNumber());
                if (done.test(name, leaf)) {
                    pending.remove(name);
                }
            }
            assertTrue(System.currentTimeMillis() < deadline, what + " within " + maxMillis + " ms; still waiting for "
                    + pending + "; serials seen " + seen);
            Thread.sleep(1000);
        }
    }

    @Test
    void agentsRenewEveryLinkAndRotateTheCaWithoutAFailedWriteOrAnSdown() throws Exception {
        Map<String, Long> logLength = new HashMap<>();
        for (String name : ALL) {
            logLength.put(name, Files.size(log(name)));
        }
        List<Integer> sentinelPorts = SENTINELS.stream().map(run::port).toList();
        Map<String, String> admin = options(run.env.get("ADMIN"));
        SslOptions lettuceTls = SslOptions.builder().jdkSslProvider()
                .sslContext(b -> b.trustManager(trust)).keyManager(
                        Path.of(options(run.env.get("TLS")).get("--cert")).toFile(),
                        Path.of(options(run.env.get("TLS")).get("--key")).toFile(), null)
                .build();
        String master = "mymaster";
        try (Writers jedis = Writers.jedis(master, sentinelPorts, clientTls, "jedis", admin.get("--user"), admin.get("--pass"));
                Writers lettuce = Writers.lettuce(master, sentinelPorts, lettuceTls, "lettuce", admin.get("--user"),
                        admin.get("--pass"))) {
            Await.until("both clients writing", 60_000, () -> jedis.ok.get() >= 20 && lettuce.ok.get() >= 20,
                    () -> jedis + "; " + lettuce);

            // two renewals of every process's leaf (one every 20 s) under the load
            Map<String, Set<BigInteger>> serials = new HashMap<>();
            watchLeaves("two renewals of every leaf", 120_000, serials, (name, leaf) -> serials.get(name).size() >= 3);
            long jedisAt = jedis.ok.get();
            long lettuceAt = lettuce.ok.get();

            // the CA: a new root and issuer, published to the mesh; every process then serves a new-root leaf
            run.rotateCa(ALL);
            Map<String, X509Certificate> firstUnderNewRoot = new HashMap<>();
            for (String name : ALL) {
                firstUnderNewRoot.put(name, served(name));
            }
            // and renews once more under it
            watchLeaves("a renewal under the new root", 90_000, serials, (name, leaf) -> !leaf.getSerialNumber()
                    .equals(firstUnderNewRoot.get(name).getSerialNumber())
                    && leaf.getIssuerX500Principal().equals(firstUnderNewRoot.get(name).getIssuerX500Principal()));
            Await.until("both clients still writing", 30_000,
                    () -> jedis.ok.get() >= jedisAt + 50 && lettuce.ok.get() >= lettuceAt + 50, () -> jedis + "; " + lettuce);
            assertEquals(0, jedis.failed.get(), jedis.toString());
            assertEquals(0, lettuce.failed.get(), lettuce.toString());
            System.out.println("rotation under load: " + jedis + "; " + lettuce + "; leaves served per process "
                    + serials.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().size()).sorted().toList());
        }
        for (String name : ALL) {
            assertTrue(ProcessHandle.of(run.pid(name)).map(ProcessHandle::isAlive).orElse(false), name + " was not restarted");
            String since = Files.readString(log(name)).substring(logLength.get(name).intValue());
            assertFalse(since.contains("+sdown") || since.contains("+odown") || since.contains("+switch-master"),
                    name + " saw nothing down: " + since);
        }
        String addr = Walkthrough.run(run.redisCli("sentinel2", false, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster"));
        assertEquals("127.0.0.1\n" + run.port("node1"), addr, "the master after the rotations");
    }

    private static Path log(String name) {
        return run.dir.resolve(name).resolve("node.log");
    }
}
