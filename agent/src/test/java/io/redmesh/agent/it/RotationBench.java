package io.redmesh.agent.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.agent.enroll.OperatorRequests;
import io.redmesh.agent.pki.CaRotation;
import io.redmesh.agent.pki.CertificateAuthority;
import io.redmesh.agent.pki.Pem;
import io.redmesh.agent.pki.TrustBundle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The certificate-rotation benchmark (docs/PERFORMANCE.md, "Certificate rotation"), not a test:
 * its name keeps it out of surefire's default includes, and it runs only when asked, through
 * {@code tools/bench/rotation.sh} ({@code -Drotation.bench=true -Dtest=RotationBench}).
 * <ol>
 * <li>root CA rotation on a 3-node mesh: milliseconds from publishing the overlap bundle with the
 *     new issuing CA to every node serving a leaf of the new CA (seen by a fresh handshake), and
 *     from publishing the final bundle to every node trusting only the new root;
 * <li>redis-benchmark --tls (client certificate) SET/GET against one node, alternating runs
 *     without rotation and with every node renewing its leaf every {@code rotation.period.ms}.
 * </ol>
 * Properties: rotation.rounds (3), rotation.requests (100000), rotation.clients (10),
 * rotation.period.ms (1000), rotation.out (a file for the figures, also printed).
 */
class RotationBench {
    private static int prop(String name, int def) {
        return Integer.parseInt(System.getProperty(name, Integer.toString(def)));
    }

    @Test
    void measure() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("rotation.bench"), "run through tools/bench/rotation.sh");
        int rounds = prop("rotation.rounds", 3);
        int requests = prop("rotation.requests", 100_000);
        int clients = prop("rotation.clients", 10);
        int period = prop("rotation.period.ms", 1000);
        List<String> out = new ArrayList<>();
        out.add("# rotation bench " + java.time.Instant.now() + " load=" + Files.readString(Path.of("/proc/loadavg")).strip()
                + " cores=" + Runtime.getRuntime().availableProcessors());
        try (MeshTestbed mesh = MeshTestbed.create(3, Duration.ofHours(1))) {
            mesh.startAll();
            caRotation(mesh, rounds, out);
            throughput(mesh, rounds, requests, clients, period, out);
        }
        String text = String.join("\n", out) + "\n";
        System.out.print(text);
        String file = System.getProperty("rotation.out");
        if (file != null && !file.isEmpty()) {
            Files.writeString(Path.of(file), text, StandardCharsets.UTF_8);
        }
    }

    private static void caRotation(MeshTestbed mesh, int rounds, List<String> out) throws Exception {
        out.add("# CA rotation: round, ms publish(overlap+issuing CA) -> all 3 nodes serve new-CA leaves,"
                + " ms publish(final) -> all trust only the new root");
        CertificateAuthority root = mesh.root;
        long sequence = 0;
        for (int r = 1; r <= rounds; r++) {
            CaRotation.Result rot = CaRotation.rotate(root, TrustBundle.of(List.of(root.certificate())), sequence,
                    "Bench Root " + r, Duration.ofDays(30), "bench-issuer-" + r, Duration.ofDays(10), Duration.ofHours(1));
            List<X509Certificate> operatorTrust = rot.overlapBundle().certificates();
            X509Certificate issuing = rot.newIssuing().certificate();
            long t0 = System.nanoTime();
            String a = OperatorRequests.send("127.0.0.1", mesh.enrollPort(), operatorTrust,
                    OperatorRequests.trust(rot.overlap(), rot.newIssuing(), rot.newRoot()));
            assertTrue(a.startsWith("OK"), a);
            assertTrue(MeshTestbed.await(Duration.ofSeconds(60), () -> mesh.allServe(issuing)) >= 0);
            long toNewLeaves = (System.nanoTime() - t0) / 1_000_000;
            long t1 = System.nanoTime();
            a = OperatorRequests.send("127.0.0.1", mesh.enrollPort(), operatorTrust, OperatorRequests.trust(rot.fin()));
            assertTrue(a.startsWith("OK"), a);
            assertTrue(MeshTestbed.await(Duration.ofSeconds(60), () -> mesh.everywhere("trust_roots", "1")) >= 0);
            long toFinal = (System.nanoTime() - t1) / 1_000_000;
            out.add("ca_rotation " + r + " " + toNewLeaves + " " + toFinal);
            root = rot.newRoot();
            sequence += 2;
            // let the renewals the final bundle triggered settle before the next round
            Thread.sleep(3000);
        }
    }

    private static void throughput(MeshTestbed mesh, int rounds, int requests, int clients, int period,
                                   List<String> out) throws Exception {
        if (!new java.io.File("/usr/bin/redis-benchmark").canExecute()) {
            out.add("# redis-benchmark not installed: no throughput figures");
            return;
        }
        MeshTestbed.Node target = mesh.node(2);
        CertificateAuthority issuing = mesh.node(1).agent.issuer().authority();
        ClientIdentity.Material client = MeshTestbed.clientMaterial(issuing, "bench");
        Path d = Files.createDirectories(mesh.dir.resolve("bench"));
        Path cert = d.resolve("client.crt");
        Path key = d.resolve("client.key");
        Path ca = d.resolve("ca.crt");
        Files.writeString(cert, Pem.certificates(client.chain()), StandardCharsets.US_ASCII);
        Files.writeString(key, Pem.privateKey(client.key()), StandardCharsets.US_ASCII);
        Files.writeString(ca, Pem.certificate(issuing.root()), StandardCharsets.US_ASCII);
        out.add("# redis-benchmark --tls -t set,get -n " + requests + " -c " + clients + " against node2;"
                + " 'rotating' = every node renews every " + period + " ms");
        out.add("# run, mode, SET rps, GET rps, new leaves node2 served during the run");
        for (int r = 1; r <= rounds; r++) {
            for (boolean rotating : new boolean[] {false, true}) {
                // every node is asked to renew every `period` ms (a request already in flight is
                // not doubled); the figure reported is how many leaves node2 actually served
                java.util.Set<java.math.BigInteger> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
                seen.add(target.agent.rotator().current().leaf().getSerialNumber());
                Thread rotator = new Thread(() -> {
                    Map<MeshTestbed.Node, java.util.concurrent.CompletableFuture<Void>> pending = new LinkedHashMap<>();
                    long next = 0;
                    while (!Thread.currentThread().isInterrupted()) {
                        if (rotating && System.currentTimeMillis() >= next) {
                            for (MeshTestbed.Node n : mesh.nodes) {
                                var f = pending.get(n);
                                if (f == null || f.isDone()) {
                                    pending.put(n, n.agent.rotator().forceRenew());
                                }
                            }
                            next = System.currentTimeMillis() + period;
                        }
                        seen.add(target.agent.rotator().current().leaf().getSerialNumber());
                        try {
                            Thread.sleep(20);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "bench-rotator");
                rotator.start();
                Map<String, String> rps = benchmark(target, cert, key, ca, requests, clients);
                rotator.interrupt();
                rotator.join(30_000);
                out.add("throughput " + r + " " + (rotating ? "rotating" : "steady") + " " + rps.get("SET") + " "
                        + rps.get("GET") + " " + (seen.size() - 1));
            }
        }
    }

    private static Map<String, String> benchmark(MeshTestbed.Node n, Path cert, Path key, Path ca, int requests,
                                                 int clients) throws Exception {
        Process p = new ProcessBuilder("redis-benchmark", "-h", "127.0.0.1", "-p", Integer.toString(n.tlsPort), "--tls",
                "--cert", cert.toString(), "--key", key.toString(), "--cacert", ca.toString(), "-n",
                Integer.toString(requests), "-c", Integer.toString(clients), "-t", "set,get", "--csv")
                .redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS));
        Map<String, String> rps = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.replace("\"", "").split(",");
            if (f.length > 1 && (f[0].equals("SET") || f[0].equals("GET"))) {
                rps.put(f[0], f[1]);
            } else if (line.toLowerCase(java.util.Locale.ROOT).contains("err")) {
                throw new AssertionError("redis-benchmark: " + line);
            }
        }
        return rps;
    }
}
