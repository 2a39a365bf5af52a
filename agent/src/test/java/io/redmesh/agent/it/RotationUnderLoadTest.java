package io.redmesh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.agent.enroll.OperatorRequests;
import io.redmesh.agent.pki.CaRotation;
import io.redmesh.agent.pki.Pem;
import io.redmesh.agent.pki.TrustBundle;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Issue #5's "rotation under load": three nodes with 15 s leaves (renewed every ~10 s) serve a
 * paced Jedis load over mutual TLS and one long-lived TLS connection while every node's
 * certificate rotates at least three times and the root CA rotates once (the operator's
 * {@code ca rotate} artifacts: overlap bundle with the new issuing CA, nodes renew onto it, final
 * bundle). Nothing may fail and the long-lived connection must survive; every node ends serving
 * a leaf of the new CA; INFO security's trust_roots goes 1, 2, 1. Debian's redis-benchmark runs
 * over TLS against one node while that node rotates.
 */
class RotationUnderLoadTest {
    private static final Duration LEAF = Duration.ofSeconds(15);

    /** Every serial each node has served, in order, sampled every 50 ms. */
    private static final class SerialWatch implements AutoCloseable {
        final Map<String, Set<BigInteger>> seen = new LinkedHashMap<>();
        private final Thread thread;
        private volatile boolean stop;

        SerialWatch(MeshTestbed mesh) {
            for (MeshTestbed.Node n : mesh.nodes) {
                seen.put(n.name, java.util.Collections.synchronizedSet(new LinkedHashSet<>()));
            }
            thread = new Thread(() -> {
                while (!stop) {
                    for (MeshTestbed.Node n : mesh.nodes) {
                        var m = n.agent.rotator().current();
                        if (m != null) {
                            seen.get(n.name).add(m.leaf().getSerialNumber());
                        }
                    }
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "serial-watch");
            thread.setDaemon(true);
            thread.start();
        }

        int min() {
            return seen.values().stream().mapToInt(Set::size).min().orElse(0);
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join();
        }
    }

    @Test
    void certificatesAndTheRootCaRotateUnderLoadWithoutAFailedRequest() throws Exception {
        try (MeshTestbed mesh = MeshTestbed.create(3, LEAF)) {
            mesh.startAll();
            // a user last changed before the CA rotation: its record is signed under the old root
            assertEquals("+OK\r\n", mesh.node(2).call("ACL", "SETUSER", "before-rotation", "on", ">b", "~b:*", "+get"));
            X509Certificate oldRoot = mesh.root.certificate();
            ClientIdentity client = new ClientIdentity(MeshTestbed.clientMaterial(mesh.issuing, "app"), List.of(oldRoot));
            assertTrue(mesh.everywhere("trust_roots", "1"));

            try (SerialWatch serials = new SerialWatch(mesh);
                 Jedis longLived = TlsLoad.connect(mesh.node(2), client);
                 TlsLoad load = new TlsLoad(mesh, client, 3)) {
                long longLivedId = longLived.clientId();
                AtomicLong longLivedOps = new AtomicLong();
                List<String> longLivedErrors = new java.util.concurrent.CopyOnWriteArrayList<>();
                Thread ll = new Thread(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        try {
                            longLived.incr("long-lived");
                            longLivedOps.incrementAndGet();
                            Thread.sleep(100);
                        } catch (InterruptedException e) {
                            return;
                        } catch (RuntimeException e) {
                            longLivedErrors.add(e.toString());
                            return;
                        }
                    }
                }, "long-lived");
                ll.start();
                load.start();

                // Debian's redis-benchmark over TLS against node 3 while node 3 renews
                redisBenchmarkDuringARotation(mesh, mesh.node(3), client);

                // every node renews on its own at 2/3 of the lifetime
                assertTrue(MeshTestbed.await(Duration.ofSeconds(30), () -> serials.min() >= 2) >= 0,
                        "every node renewed once: " + serials.seen);

                // the operator rotates the root: ca rotate's artifacts, published through the issuer
                CaRotation.Result r = CaRotation.rotate(mesh.root, TrustBundle.of(List.of(oldRoot)), 0,
                        "Testbed Root 2", Duration.ofDays(30), "testbed-issuer-2", Duration.ofDays(10),
                        Duration.ofMinutes(10));
                client.trust(r.overlapBundle().certificates()); // clients learn the new root first
                long t0 = System.nanoTime();
                String answer = OperatorRequests.send("127.0.0.1", mesh.enrollPort(),
                        r.overlapBundle().certificates(), OperatorRequests.trust(r.overlap(), r.newIssuing(), r.newRoot()));
                assertTrue(answer.startsWith("OK"), answer);
                assertTrue(MeshTestbed.await(Duration.ofSeconds(15), () -> mesh.everywhere("trust_roots", "2")) >= 0,
                        "every node trusts both roots");
                X509Certificate newIssuing = r.newIssuing().certificate();
                long allNew = MeshTestbed.await(Duration.ofSeconds(30), () -> mesh.allServe(newIssuing));
                assertTrue(allNew >= 0, "every node serves a leaf of the new issuing CA");
                System.out.println("[rotation] CA rotation published -> all nodes serving new leaves: "
                        + (System.nanoTime() - t0) / 1_000_000 + " ms");

                // clients move to the new CA before the old root leaves; then the final bundle
                client.use(MeshTestbed.clientMaterial(r.newIssuing(), "app"));
                answer = OperatorRequests.send("127.0.0.1", mesh.enrollPort(), r.overlapBundle().certificates(),
                        OperatorRequests.trust(r.fin()));
                assertTrue(answer.startsWith("OK"), answer);
                assertTrue(MeshTestbed.await(Duration.ofSeconds(15), () -> mesh.everywhere("trust_roots", "1")) >= 0,
                        "the old root left every node");

                // at least three renewals per node (natural, overlap, final); one more natural under the new CA
                int after = serials.min();
                assertTrue(MeshTestbed.await(Duration.ofSeconds(30), () -> serials.min() >= Math.max(4, after + 1)) >= 0,
                        "every node renewed at least 3 times, once more after the final bundle: " + serials.seen);
                Thread.sleep(500);
                ll.interrupt();
                ll.join(5000);
                load.close();

                // Records last changed under the old root (the "before-rotation" user, default) are
                // signed again by the issuer under the new CA, so a node that joins or restarts
                // from now on can verify every one of them.
                assertTrue(MeshTestbed.await(Duration.ofSeconds(30), () -> mesh.nodes.stream().allMatch(n ->
                        n.agent.store().entries(io.redmesh.agent.record.RecordKind.ACL_USER).stream().allMatch(rec ->
                                rec.chain().size() > 1 && rec.chain().get(1).equals(newIssuing)))) >= 0,
                        "every ACL record is signed under the new CA");


                assertEquals(List.of(), new ArrayList<>(load.failures), "failed requests under rotation");
                assertEquals(0, load.failed.get());
                assertTrue(load.ok.get() > 1000, "the load ran: " + load.ok.get());
                assertEquals(List.of(), longLivedErrors, "the long-lived connection kept working");
                assertEquals(longLivedId, longLived.clientId(), "same connection all along");
                assertEquals(longLivedOps.get(), Long.parseLong(longLived.get("long-lived")));
                for (MeshTestbed.Node n : mesh.nodes) {
                    X509Certificate[] served = MeshTestbed.servedChain(n);
                    served[0].verify(newIssuing.getPublicKey());
                    assertTrue(serials.seen.get(n.name).contains(served[0].getSerialNumber()), n.name);
                }
                System.out.println("[rotation] serials per node: " + serials.seen + "; requests ok " + load.ok.get()
                        + ", long-lived ops " + longLivedOps.get());
            }
        }
    }

    /** redis-benchmark --tls with a client certificate; node {@code n} renews while it runs. */
    private static void redisBenchmarkDuringARotation(MeshTestbed mesh, MeshTestbed.Node n, ClientIdentity client)
            throws Exception {
        if (!new java.io.File("/usr/bin/redis-benchmark").canExecute()) {
            System.out.println("[rotation] redis-benchmark not installed: skipping its part");
            return;
        }
        Path d = Files.createDirectories(mesh.dir.resolve("bench-client"));
        Path cert = d.resolve("client.crt");
        Path key = d.resolve("client.key");
        Files.writeString(cert, Pem.certificates(client.current().chain()), StandardCharsets.US_ASCII);
        Files.writeString(key, Pem.privateKey(client.current().key()), StandardCharsets.US_ASCII);
        BigInteger before = n.agent.rotator().current().leaf().getSerialNumber();
        Path out = d.resolve("bench.out");
        Process p = new ProcessBuilder("redis-benchmark", "-h", "127.0.0.1", "-p", Integer.toString(n.tlsPort), "--tls",
                "--cert", cert.toString(), "--key", key.toString(), "--cacert", mesh.caFile.toString(),
                "-n", "10000", "-c", "10", "-t", "set,get", "-q")
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            Thread.sleep(700);
            n.agent.rotator().forceRenew().get(20, TimeUnit.SECONDS);
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), "redis-benchmark finished");
        } finally {
            p.destroyForcibly();
        }
        String text = Files.readString(out);
        assertEquals(0, p.exitValue(), text);
        boolean renewedDuring = !before.equals(n.agent.rotator().current().leaf().getSerialNumber());
        assertTrue(renewedDuring, "the node renewed while redis-benchmark ran");
        for (String line : text.split("[\r\n]+")) {
            assertTrue(!line.toLowerCase(java.util.Locale.ROOT).contains("err"), "redis-benchmark: " + line);
        }
        assertTrue(text.contains("SET: ") && text.contains("GET: "), text);
        System.out.println("[rotation] redis-benchmark --tls during a rotation: "
                + text.replaceAll(".*\r", "").replaceAll("\n+", " | ").strip());
    }
}
