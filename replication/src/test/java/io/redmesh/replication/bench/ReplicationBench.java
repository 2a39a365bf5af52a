package io.redmesh.replication.bench;

import io.redmesh.node.testing.Ports;
import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.TestCertificates;
import io.redmesh.replication.testing.Info;
import io.redmesh.replication.testing.ReplicatedNodeProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * Replication, RedMesh against Debian's redis-server 7.0.15 in the same run (opt-in, not part of
 * the suite; tools/bench/replication.sh runs it). Every server is its own process on loopback:
 * <ol>
 *   <li>full sync of N keys (default 1,000,000) over TLS with client certificates: seconds from
 *       REPLICAOF to the link up and the sync over, the master's peak replication buffer
 *       (mem_total_replication_buffers) and the longest PING round trip on the master while a
 *       writer keeps writing; RedMesh with dual channel off and on;</li>
 *   <li>replication lag under redis-benchmark SET load: the master/replica offset difference
 *       (bytes) and how long the replica took to reach each master offset (ms);</li>
 *   <li>master throughput (redis-benchmark SET) with 0, 1 and 2 replicas attached, plaintext and TLS.</li>
 * </ol>
 * Prints one "RESULT ..." line per figure. Bounded: every wait and every load has an end.
 */
class ReplicationBench {
    static final int KEYS = Integer.getInteger("bench.keys", 1_000_000);
    static final int SET_REQUESTS = Integer.getInteger("bench.requests", 200_000);
    /** Interleaved rounds: each round runs every variant once, Redis first. */
    static final int ROUNDS = Integer.getInteger("bench.rounds", 1);
    /**
     * JVM option sets to compare for RedMesh nodes, separated by ';' (default: the launcher's);
     * e.g. -Dbench.jvm="-XX:+UseParallelGC -Xmx2g;-XX:+UseG1GC -Xmx2g".
     */
    static final List<List<String>> JVMS = jvmSets(System.getProperty("bench.jvm", ""));
    /** The JVM options RedMesh nodes start with now. */
    static List<String> jvm = ReplicatedNodeProcess.LAUNCHER_JVM;

    static List<List<String>> jvmSets(String spec) {
        List<List<String>> sets = new ArrayList<>();
        for (String set : spec.split(";")) {
            if (!set.isBlank()) {
                sets.add(List.of(set.trim().split("\\s+")));
            }
        }
        if (sets.isEmpty()) {
            sets.add(ReplicatedNodeProcess.LAUNCHER_JVM);
        }
        return sets;
    }

    /** A short name for the JVM options in use, for RESULT lines when several are compared. */
    static String jvmTag() {
        return JVMS.size() == 1 ? "" : " jvm=" + String.join("_", jvm).replace("-XX:", "").replace("+", "");
    }
    static TestCertificates certs;

    interface Server extends AutoCloseable {
        int port();

        int tlsPort();

        @Override
        void close();
    }

    static void result(String line) {
        System.out.println("RESULT " + line);
        System.out.flush();
    }

    static List<String> tlsArgs(int tlsPort) {
        return List.of("--tls-port", Integer.toString(tlsPort), "--tls-cert-file", certs.server().certFile().toString(),
                "--tls-key-file", certs.server().keyFile().toString(), "--tls-ca-cert-file",
                certs.ca().certFile().toString(), "--tls-auth-clients", "yes", "--tls-replication", "yes");
    }

    static Server start(boolean redmesh, String name, boolean tls, String... more) throws IOException {
        int tlsPort = tls ? Ports.free() : 0;
        List<String> args = new ArrayList<>(tls ? tlsArgs(tlsPort) : List.of());
        args.addAll(List.of("--repl-diskless-sync-delay", "0", "--client-output-buffer-limit", "replica 0 0 0"));
        args.addAll(List.of(more));
        if (redmesh) {
            Path dir = Files.createTempDirectory("bench-" + name);
            ReplicatedNodeProcess p = ReplicatedNodeProcess.start(name, dir, 0, jvm, args.toArray(new String[0]));
            return new Server() {
                public int port() {
                    return p.port();
                }

                public int tlsPort() {
                    return tlsPort;
                }

                public void close() {
                    p.close();
                }
            };
        }
        List<String> a = new ArrayList<>(args);
        if (tls) {
            a.subList(0, 2).clear(); // the TLS port goes through the builder
        }
        RedisProcess r = RedisProcess.builder().tlsPort(tlsPort).args(a.toArray(new String[0])).start();
        return new Server() {
            public int port() {
                return r.port();
            }

            public int tlsPort() {
                return tlsPort;
            }

            public void close() {
                r.close();
            }
        };
    }

    static void load(int port, int keys) {
        try (Jedis j = new Jedis("127.0.0.1", port, 60_000)) {
            Pipeline p = j.pipelined();
            for (int i = 0; i < keys; i++) {
                p.set("key:" + i, "value:" + i + ":0123456789abcdef");
                if (i % 10_000 == 9_999) {
                    p.sync();
                }
            }
            p.sync();
        }
    }

    static long awaitSynced(int replicaPort, long timeoutMillis) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            try {
                var m = Info.of(replicaPort, "replication");
                if ("up".equals(m.get("master_link_status")) && "0".equals(m.get("master_sync_in_progress"))) {
                    return System.nanoTime() - start;
                }
            } catch (RuntimeException e) {
                // loading: retry
            }
            Thread.sleep(20);
        }
        throw new AssertionError("replica :" + replicaPort + " not synced after " + timeoutMillis + " ms");
    }

    /** Full sync over TLS with a writer and a PING probe on the master. */
    static void fullSync(boolean redmesh, boolean dual) throws Exception {
        String label = (redmesh ? "redmesh" : "redis") + (dual ? "+dual-channel" : "") + (redmesh ? jvmTag() : "");
        String[] dualArgs = dual ? new String[] {"--repl-rdb-channel", "yes"} : new String[0];
        try (Server master = start(redmesh, "master", true, dualArgs)) {
            load(master.port(), KEYS);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong maxPingNanos = new AtomicLong();
            AtomicLong peakBuffers = new AtomicLong();
            AtomicLong writes = new AtomicLong();
            Thread writer = new Thread(() -> {
                try (Jedis w = new Jedis("127.0.0.1", master.port(), 30_000)) {
                    long i = 0;
                    while (!stop.get()) {
                        w.set("w:" + (i++ % 100_000), "during-sync-" + i);
                        writes.incrementAndGet();
                    }
                }
            });
            Thread probe = new Thread(() -> {
                try (Jedis p = new Jedis("127.0.0.1", master.port(), 30_000)) {
                    while (!stop.get()) {
                        long t = System.nanoTime();
                        p.ping();
                        maxPingNanos.accumulateAndGet(System.nanoTime() - t, Math::max);
                        String mem = p.info("memory");
                        for (String l : mem.split("\r\n")) {
                            if (l.startsWith("mem_total_replication_buffers:")) {
                                peakBuffers.accumulateAndGet(Long.parseLong(l.substring(30)), Math::max);
                            }
                        }
                        Thread.sleep(5);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            writer.start();
            probe.start();
            Thread.sleep(500);
            maxPingNanos.set(0);
            try (Server replica = start(redmesh, "replica", true, dualArgs);
                 Jedis r = new Jedis("127.0.0.1", replica.port(), 30_000)) {
                long syncStart = System.nanoTime();
                r.replicaof("127.0.0.1", master.tlsPort());
                awaitSynced(replica.port(), 300_000);
                double secs = (System.nanoTime() - syncStart) / 1e9;
                stop.set(true);
                writer.join(30_000);
                probe.join(30_000);
                result(String.format(Locale.ROOT, "full_sync tls %s keys=%d seconds=%.2f master_peak_repl_buffers=%d "
                        + "master_max_ping_ms=%.1f writes_during=%d", label, KEYS, secs, peakBuffers.get(),
                        maxPingNanos.get() / 1e6, writes.get()));
            } finally {
                stop.set(true);
            }
        }
    }

    /** redis-benchmark SET against the master; returns requests per second. */
    static double setLoad(Server master, boolean tls, int requests) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("redis-benchmark", "-h", "127.0.0.1", "-t", "set", "-c", "50",
                "-n", Integer.toString(requests), "-r", "100000", "-d", "64", "-q", "--csv"));
        if (tls) {
            cmd.addAll(List.of("-p", Integer.toString(master.tlsPort()), "--tls", "--cacert",
                    certs.ca().certFile().toString(), "--cert", certs.client().certFile().toString(), "--key",
                    certs.client().keyFile().toString()));
        } else {
            cmd.addAll(List.of("-p", Integer.toString(master.port())));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("redis-benchmark did not end");
        }
        for (String l : out.split("\n")) {
            if (l.startsWith("\"SET\"")) {
                return Double.parseDouble(l.split(",")[1].replace("\"", ""));
            }
        }
        throw new AssertionError("no SET line in: " + out);
    }

    /** Master throughput with 0, 1, 2 replicas; the replication lag with one. */
    static void throughputAndLag(boolean redmesh, boolean tls) throws Exception {
        throughputAndLag(redmesh, redmesh, tls);
    }

    /**
     * @param redmeshReplicas whether the replicas are RedMesh too; false attaches redis-server
     *                        replicas to either master, so only the master's side differs
     */
    static void throughputAndLag(boolean redmesh, boolean redmeshReplicas, boolean tls) throws Exception {
        String label = (redmesh ? "redmesh" : "redis") + (redmesh && !redmeshReplicas ? "(redis replicas)" : "")
                + (redmesh ? jvmTag() : "") + " " + (tls ? "tls" : "plain");
        try (Server master = start(redmesh, "master", tls)) {
            setLoad(master, tls, SET_REQUESTS / 4); // warm-up
            result(String.format(Locale.ROOT, "throughput %s replicas=0 set_rps=%.0f", label,
                    setLoad(master, tls, SET_REQUESTS)));
            List<Server> replicas = new ArrayList<>();
            try {
                for (int n = 1; n <= 2; n++) {
                    Server r = start(redmeshReplicas, "replica" + n, tls);
                    replicas.add(r);
                    try (Jedis j = new Jedis("127.0.0.1", r.port())) {
                        j.replicaof("127.0.0.1", tls ? master.tlsPort() : master.port());
                    }
                    awaitSynced(r.port(), 120_000);
                    if (n == 1) {
                        lag(master, r, tls, label);
                    }
                    result(String.format(Locale.ROOT, "throughput %s replicas=%d set_rps=%.0f", label, n,
                            setLoad(master, tls, SET_REQUESTS)));
                }
            } finally {
                for (Server r : replicas) {
                    r.close();
                }
            }
        }
    }

    /** Offsets sampled every 5 ms during a SET load: bytes behind, and ms to reach each master offset. */
    static void lag(Server master, Server replica, boolean tls, String label) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<long[]> masterSamples = new ArrayList<>();
        List<long[]> replicaSamples = new ArrayList<>();
        Thread sampler = new Thread(() -> {
            try (Jedis m = new Jedis("127.0.0.1", master.port()); Jedis r = new Jedis("127.0.0.1", replica.port())) {
                while (!stop.get()) {
                    long t = System.nanoTime();
                    long mo = offset(m.info("replication"), "master_repl_offset");
                    long ro = offset(r.info("replication"), "slave_repl_offset");
                    synchronized (masterSamples) {
                        masterSamples.add(new long[] {t, mo});
                        replicaSamples.add(new long[] {System.nanoTime(), ro});
                    }
                    Thread.sleep(5);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        sampler.start();
        setLoad(master, tls, SET_REQUESTS);
        stop.set(true);
        sampler.join(10_000);
        long maxBytes = 0;
        List<Long> bytes = new ArrayList<>();
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < replicaSamples.size(); i++) {
            long behind = masterSamples.get(i)[1] - replicaSamples.get(i)[1];
            bytes.add(Math.max(0, behind));
            maxBytes = Math.max(maxBytes, behind);
            long ro = replicaSamples.get(i)[1];
            long rt = replicaSamples.get(i)[0];
            // when did the master first reach the offset the replica has now?
            for (long[] ms : masterSamples) {
                if (ms[1] >= ro) {
                    millis.add(Math.max(0, (rt - ms[0]) / 1_000_000));
                    break;
                }
            }
        }
        bytes.sort(null);
        millis.sort(null);
        result(String.format(Locale.ROOT, "lag %s bytes_p50=%d bytes_p99=%d bytes_max=%d ms_p50=%d ms_p99=%d ms_max=%d",
                label, pct(bytes, 50), pct(bytes, 99), maxBytes, pct(millis, 50), pct(millis, 99),
                millis.isEmpty() ? 0 : millis.get(millis.size() - 1)));
    }

    static long pct(List<Long> sorted, int p) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100));
    }

    static long offset(String info, String field) {
        for (String l : info.split("\r\n")) {
            if (l.startsWith(field + ":")) {
                return Long.parseLong(l.substring(field.length() + 1));
            }
        }
        return 0;
    }

    @Test
    void run() throws Exception {
        certs = TestCertificates.create();
        try {
            String only = System.getProperty("bench.only", "sync,throughput");
            for (int round = 1; round <= ROUNDS; round++) {
                result("round " + round);
                if (only.contains("sync")) {
                    fullSync(false, false);
                    for (List<String> j : JVMS) {
                        jvm = j;
                        fullSync(true, false);
                        if (!only.contains("nodual")) {
                            fullSync(true, true);
                        }
                    }
                }
                for (boolean tls : new boolean[] {false, true}) {
                    if (!only.contains("throughput") || (only.contains("tlsonly") && !tls)) {
                        continue;
                    }
                    throughputAndLag(false, tls);
                    for (List<String> j : JVMS) {
                        jvm = j;
                        throughputAndLag(true, tls);
                    }
                    if (!only.contains("noredisreplicas")) {
                        throughputAndLag(true, false, tls);
                    }
                }
            }
        } finally {
            certs.close();
        }
    }
}
