package io.redmesh.agent.mesh;

import static io.redmesh.agent.mesh.MeshCluster.await;

import io.redmesh.agent.record.RecordKind;
import io.redmesh.agent.record.RecordStore;
import io.redmesh.agent.record.SignedRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Not a pass/fail benchmark: prints propagation latency over 6 in-JVM members (TLS, loopback,
 * shared CPUs) for docs/PERFORMANCE.md. Each of N publishes comes from member (i mod 6), one
 * every 10 ms; for each record and each of the 5 receivers, latency = the receiver's merge time
 * - the publish call's start (same JVM, one monotonic clock), and "to all" is the max of the 5.
 */
class MeshLatencyProbeTest {
    static final int N = Integer.getInteger("mesh.probe.n", 200);

    @Test
    void propagationLatencyAcrossSixMembers() throws Exception {
        try (MeshCluster c = MeshCluster.of(6, RecordStore.DEFAULT_TOMBSTONE_TTL)) {
            c.startAll();
            c.awaitMembers(6, Duration.ofSeconds(20));
            for (MeshCluster.Member m : c.members) {
                m.mesh.awaitSynced(Duration.ofSeconds(10));
            }
            Map<String, Long> published = new ConcurrentHashMap<>();
            Map<String, List<Long>> arrivals = new ConcurrentHashMap<>();
            AtomicInteger viaAntiEntropy = new AtomicInteger();
            for (MeshCluster.Member m : c.members) {
                m.mesh.addObserver(new Mesh.Observer() {
                    @Override
                    public void applied(SignedRecord r, boolean remote, boolean ae, long propagationMillis) {
                        if (remote && r.key().startsWith("probe-")) {
                            arrivals.computeIfAbsent(r.key(), k -> Collections.synchronizedList(new ArrayList<>()))
                                    .add(System.nanoTime());
                            if (ae) {
                                viaAntiEntropy.incrementAndGet();
                            }
                        }
                    }
                });
            }
            // warm-up (JIT, TLS sessions)
            for (int i = 0; i < 30; i++) {
                c.get(1 + i % 6).publish(RecordKind.ACL_USER, "warm-" + i, "on");
                Thread.sleep(5);
            }
            for (int i = 0; i < N; i++) {
                String key = "probe-" + i;
                published.put(key, System.nanoTime());
                c.get(1 + i % 6).publish(RecordKind.ACL_USER, key, "on >p" + i + " ~* +@all");
                Thread.sleep(10);
            }
            await(() -> published.keySet().stream().allMatch(k -> arrivals.getOrDefault(k, List.of()).size() >= 5),
                    Duration.ofSeconds(30), "every probe record at every member");
            List<Long> each = new ArrayList<>();
            List<Long> toAll = new ArrayList<>();
            for (Map.Entry<String, Long> e : published.entrySet()) {
                long max = 0;
                for (long t : arrivals.get(e.getKey())) {
                    long us = (t - e.getValue()) / 1000;
                    each.add(us);
                    max = Math.max(max, us);
                }
                toAll.add(max);
            }
            System.out.printf("MESH LATENCY PROBE: %d publishes over 6 members, %d deliveries (%d via anti-entropy)%n",
                    N, each.size(), viaAntiEntropy.get());
            System.out.println("  per delivery: " + stats(each));
            System.out.println("  to all 5 receivers: " + stats(toAll));
        }
    }

    static String stats(List<Long> micros) {
        Collections.sort(micros);
        return String.format("p50 %.1f ms, p99 %.1f ms, max %.1f ms", pct(micros, 50) / 1000.0,
                pct(micros, 99) / 1000.0, micros.get(micros.size() - 1) / 1000.0);
    }

    static long pct(List<Long> sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }
}
