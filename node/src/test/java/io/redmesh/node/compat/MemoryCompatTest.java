package io.redmesh.node.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * MEMORY against Redis 7.0.15: HELP, DOCTOR (an instance under 5 MB), PURGE and every argument
 * error byte for byte in RESP2 and RESP3; STATS with 7.0.15's fields, order and value types (the
 * numbers are each server's own); USAGE of every type at a few sizes within a stated ratio of
 * Redis's figure, since it is what eviction and maxmemory act on.
 */
class MemoryCompatTest {
    private static Diff diff;
    private static final UnaryOperator<String> NUMBERS = s -> s.replaceAll("-?\\d+(\\.\\d+)?", "N");

    @BeforeAll
    static void start() {
        diff = Diff.start();
    }

    @AfterAll
    static void stop() {
        if (diff != null) {
            diff.close();
        }
    }

    @BeforeEach
    void flush() {
        try (Diff.Pair p = diff.pair()) {
            p.same("FLUSHALL");
        }
    }

    @Test
    void repliesAndErrorsInBothProtocols() {
        try (Diff.Pair p = diff.pair()) {
            String[] script = {"MEMORY HELP", "MEMORY DOCTOR", "MEMORY PURGE", "MEMORY USAGE nokey",
                "MEMORY USAGE nokey SAMPLES 5", "SET k v", "MEMORY USAGE k SAMPLES -1", "MEMORY USAGE k SAMPLES x",
                "MEMORY USAGE k SAMPLES", "MEMORY USAGE k FOO", "MEMORY USAGE k SAMPLES 1 SAMPLES 2 FOO",
                "MEMORY USAGE nokey SAMPLES -1", "MEMORY USAGE", "MEMORY", "MEMORY NOSUCH", "MEMORY STATS x",
                "MEMORY DOCTOR x", "MEMORY PURGE x", "MEMORY HELP x", "MEMORY MALLOC-STATS x", "DEL k"};
            p.script(script);
            p.real.call("HELLO", "3");
            p.ours.call("HELLO", "3");
            p.script(script);
            p.verify();
        }
    }

    /** This pair runs with the defaults: MODULE and DEBUG refused as enable-*-command no refuses them. */
    @Test
    void moduleAndDebugRefusedByDefault() {
        try (Diff.Pair p = diff.pair()) {
            p.script("MODULE LIST", "MODULE LOAD /nonexistent.so", "MODULE HELP", "DEBUG DIGEST", "DEBUG RELOAD");
            p.verify();
        }
    }

    @Test
    void statsHaveRedisFieldsInItsOrder() {
        try (Diff.Pair p = diff.pair()) {
            p.sameNormalized(NUMBERS, "MEMORY", "STATS");
            p.script("SET a b", "SET v x EX 100", "SELECT 3", "HSET h f v", "SELECT 0");
            p.verify();
            p.sameNormalized(NUMBERS, "MEMORY", "STATS");
            p.real.call("HELLO", "3");
            p.ours.call("HELLO", "3");
            p.sameNormalized(NUMBERS, "MEMORY", "STATS");
            p.real.call("HELLO", "2");
            p.ours.call("HELLO", "2");
            // ours, as numbers: the keyspace's own accounting, consistent with INFO memory
            Map<String, String> stats = flatMap(Diff.show(p.ours.call("MEMORY", "STATS")));
            assertEquals("3", stats.get("keys.count"));
            String info = Diff.show(p.ours.call("INFO", "memory"));
            String used = info.replaceAll("(?s).*used_memory:(\\d+).*", "$1");
            long total = Long.parseLong(stats.get("total.allocated"));
            assertTrue(Math.abs(total - Long.parseLong(used)) < 4096, () -> "total.allocated " + total + " vs INFO " + used);
            assertTrue(Long.parseLong(stats.get("peak.allocated")) >= total);
            assertTrue(Long.parseLong(stats.get("overhead.total")) > 0);
            assertTrue(Long.parseLong(stats.get("dataset.bytes")) > 0);
            assertTrue(Long.parseLong(stats.get("keys.bytes-per-key")) > 0);
        }
    }

    @Test
    void mallocStatsIsTextAboutTheJvm() {
        try (Diff.Pair p = diff.pair()) {
            String ours = Diff.show(p.ours.call("MEMORY", "MALLOC-STATS"));
            assertTrue(ours.startsWith("$") && ours.contains("heap: used=") && ours.contains("non-heap: used="), ours);
            p.ours.call("HELLO", "3");
            assertTrue(Diff.show(p.ours.call("MEMORY", "MALLOC-STATS")).startsWith("="));
        }
    }

    /**
     * MEMORY USAGE feeds maxmemory and eviction, so ours must stay near Redis's for the same data
     * and must not drift unnoticed. Ratios ours/Redis (SAMPLES 0 on both: exact figures) measured
     * on this build against 7.0.15's jemalloc figures are written next to each case, and the
     * bounds are about 25% around them. Both sides are deterministic (our figure is the
     * keyspace's estimate of the HotSpot layout with compressed oops, not a heap measurement).
     * Small collections cost 3-5x Redis's (one listpack or intset there, per-element arrays
     * here); large ones 1.6x; a stream 0.76x (our nodes are Redis's listpack bytes). Under the
     * same maxmemory a RedMesh node therefore holds fewer small hashes, sets and sorted sets
     * than Redis before it evicts.
     */
    @Test
    void usageWithinStatedRatiosOfRedis() {
        try (Diff.Pair p = diff.pair()) {
            Map<String, double[]> cases = new LinkedHashMap<>();
            // key -> {lowest, highest} ours/Redis; measured ratio in the comment
            cases.put("s5", new double[] {1.2, 2.1});      // measured 1.63 (104 vs 64 bytes)
            cases.put("s100", new double[] {1.0, 1.6});    // 1.25
            cases.put("s10k", new double[] {0.85, 1.15});  // 0.98
            cases.put("sint", new double[] {1.6, 2.8});    // 2.17: Redis keeps 12345 in the robj itself
            cases.put("h5", new double[] {1.4, 2.5});      // 1.90: one listpack in Redis, one packed byte[] here (PackedPairs)
            cases.put("h1k", new double[] {1.3, 2.1});     // 1.66
            cases.put("set10", new double[] {2.4, 4.2});   // 3.20: an intset in Redis
            cases.put("set1k", new double[] {1.2, 2.0});   // 1.58
            cases.put("z5", new double[] {3.2, 5.6});      // 4.30: one listpack in Redis
            cases.put("z1k", new double[] {1.2, 2.1});     // 1.61
            cases.put("l5", new double[] {1.3, 2.3});      // 1.75
            cases.put("l1k", new double[] {2.0, 3.5});     // 2.69: one array per element here, listpack nodes in Redis
            cases.put("x5", new double[] {0.05, 0.15});    // 0.08: Redis counts its 4 KB listpack node preallocation
            cases.put("x1k", new double[] {0.55, 1.0});    // 0.76
            p.script("SET s5 hello", "SET s100 " + "x".repeat(100), "SET s10k " + "y".repeat(10_000), "SET sint 12345");
            fillCollections(p);
            p.verify();
            List<String> report = new ArrayList<>();
            List<String> outside = new ArrayList<>();
            for (Map.Entry<String, double[]> c : cases.entrySet()) {
                long redis = integer(p.real.call("MEMORY", "USAGE", c.getKey(), "SAMPLES", "0"));
                long ours = integer(p.ours.call("MEMORY", "USAGE", c.getKey(), "SAMPLES", "0"));
                double ratio = (double) ours / redis;
                String line = String.format(java.util.Locale.ROOT, "%s redis=%d ours=%d ratio=%.2f", c.getKey(), redis,
                        ours, ratio);
                report.add(line);
                if (ratio < c.getValue()[0] || ratio > c.getValue()[1]) {
                    outside.add(line);
                }
            }
            System.out.println("MEMORY USAGE ours/Redis:\n  " + String.join("\n  ", report));
            assertTrue(outside.isEmpty(), () -> "outside the stated ratio: " + outside + "\nall: " + report);
        }
    }

    private static void fillCollections(Diff.Pair p) {
        p.script("HSET h5 a 1 b 2 c 3 d 4 e 5", "SADD set10 1 2 3 4 5 6 7 8 9 10", "ZADD z5 1 a 2 b 3 c 4 d 5 e",
                "RPUSH l5 a b c d e", "XADD x5 1-1 f 1", "XADD x5 1-2 f 2", "XADD x5 2-1 f 3", "XADD x5 3-1 f 4", "XADD x5 3-2 f 5");
        for (int i = 0; i < 1000; i += 100) {
            List<String> h = new ArrayList<>(List.of("HSET", "h1k"));
            List<String> s = new ArrayList<>(List.of("SADD", "set1k"));
            List<String> z = new ArrayList<>(List.of("ZADD", "z1k"));
            List<String> l = new ArrayList<>(List.of("RPUSH", "l1k"));
            for (int j = i; j < i + 100; j++) {
                h.add("field:" + j);
                h.add("value:" + j);
                s.add("member:" + j);
                z.add(Integer.toString(j));
                z.add("member:" + j);
                l.add("element:" + j);
            }
            p.same(h.toArray(String[]::new));
            p.same(s.toArray(String[]::new));
            p.same(z.toArray(String[]::new));
            p.same(l.toArray(String[]::new));
            for (int j = i; j < i + 100; j++) {
                p.same("XADD", "x1k", (j + 1) + "-0", "sensor", "temperature", "value", Integer.toString(j));
            }
        }
    }

    private static long integer(byte[] reply) {
        String s = Diff.show(reply);
        assertTrue(s.startsWith(":"), s);
        return Long.parseLong(s.substring(1).trim());
    }

    /** A RESP2 flat map of bulk names to integer or bulk values (nested maps skipped). */
    private static Map<String, String> flatMap(String reply) {
        Map<String, String> m = new LinkedHashMap<>();
        String[] parts = reply.split("\r\n");
        for (int i = 1; i + 2 < parts.length; i++) {
            if (parts[i].startsWith("$") && i + 2 < parts.length) {
                String name = parts[i + 1];
                String v = parts[i + 2];
                if (v.startsWith(":")) {
                    m.put(name, v.substring(1));
                    i += 2;
                } else if (v.startsWith("$")) {
                    m.put(name, parts[i + 3]);
                    i += 3;
                }
            }
        }
        return m;
    }
}
