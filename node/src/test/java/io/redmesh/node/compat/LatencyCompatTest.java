package io.redmesh.node.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RespClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The latency monitor and the LATENCY command against Redis 7.0.15: the same events provoked on
 * both (DEBUG SLEEP for "command", a mass expiry for "expire-cycle"), then LATEST, HISTORY, GRAPH,
 * DOCTOR, RESET, HISTOGRAM and HELP compared. Latencies and timestamps are measured, so replies
 * are compared with their numbers masked and the numbers checked to be plausible; everything
 * else (texts, errors, structure, advice) must be byte for byte Redis's, in RESP2 and RESP3.
 */
class LatencyCompatTest {
    private static Diff diff;

    @BeforeAll
    static void start() {
        diff = Diff.start("--enable-debug-command", "yes");
    }

    @AfterAll
    static void stop() {
        if (diff != null) {
            diff.close();
        }
    }

    /** Digits masked: timestamps, measured latencies, and the lengths of texts that contain them. */
    private static final UnaryOperator<String> NUMBERS = s -> s.replaceAll("\\d+", "N");

    @Test
    void withoutEventsRepliesAndErrorsAreRedis() {
        try (Diff.Pair p = diff.pair()) {
            both(p, "LATENCY", "RESET");
            p.script("CONFIG SET latency-monitor-threshold 0", "LATENCY RESET", "LATENCY HELP", "LATENCY DOCTOR",
                    "LATENCY LATEST", "LATENCY HISTORY command", "LATENCY GRAPH command", "LATENCY GRAPH \"a\r\nb\"",
                    "LATENCY RESET", "LATENCY RESET command nosuch", "LATENCY", "LATENCY HISTORY", "LATENCY GRAPH",
                    "LATENCY GRAPH a b", "LATENCY HISTORY a b", "LATENCY LATEST x", "LATENCY DOCTOR x",
                    "LATENCY HELP x", "LATENCY NOSUCH", "LATENCY HISTOGRAM nosuch get|x a|b|c",
                    // A threshold no command here comes near (a command preempted for 149 ms on
                    // a loaded machine was once recorded with 100, and DOCTOR then differed).
                    "CONFIG SET latency-monitor-threshold 10000", "LATENCY DOCTOR");
            both(p, "HELLO", "3");
            p.script("LATENCY DOCTOR", "LATENCY GRAPH command", "LATENCY LATEST", "LATENCY HELP");
            both(p, "HELLO", "2");
            p.script("CONFIG SET latency-monitor-threshold 0");
            p.verify();
        }
    }

    @Test
    void commandEventsAreRecordedAndReportedAsRedisDoes() throws Exception {
        try (Diff.Pair p = diff.pair()) {
            both(p, "LATENCY", "RESET");
            // 150 ms: far above anything but the sleeps, as a JVM pause of 50 ms on a loaded
            // machine added a sample to RedMesh's series that Redis did not have
            p.same("CONFIG", "SET", "latency-monitor-threshold", "150");
            p.same("DEBUG", "SLEEP", "0.2");
            p.same("DEBUG", "SLEEP", "0.01"); // under the threshold: no sample
            Thread.sleep(1100);
            p.same("DEBUG", "SLEEP", "0.3");
            long now = System.currentTimeMillis() / 1000;
            String latest = p.sameNormalized(NUMBERS, "LATENCY", "LATEST");
            assertTrue(latest.contains("command"), latest);
            checkLatest(p.ours.call("LATENCY", "LATEST"), now, 300);
            checkLatest(p.real.call("LATENCY", "LATEST"), now, 300);
            String history = new String(p.ours.call("LATENCY", "HISTORY", "command"), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertTrue(history.startsWith("*2\r\n"), "two seconds sampled: " + Diff.esc(history));
            p.sameNormalized(NUMBERS, "LATENCY", "HISTORY", "command");
            p.same("LATENCY", "HISTORY", "COMMAND"); // HISTORY and GRAPH look the name up as is
            p.sameNormalized(NUMBERS, "LATENCY", "GRAPH", "command");
            p.same("LATENCY", "GRAPH", "Command");
            p.sameNormalized(NUMBERS, "LATENCY", "DOCTOR");
            p.same("CONFIG", "SET", "slowlog-log-slower-than", "-1");
            p.sameNormalized(NUMBERS, "LATENCY", "DOCTOR");
            p.same("CONFIG", "SET", "slowlog-log-slower-than", "100000");
            p.sameNormalized(NUMBERS, "LATENCY", "DOCTOR");
            p.same("CONFIG", "SET", "slowlog-log-slower-than", "10000");
            both(p, "HELLO", "3");
            p.sameNormalized(NUMBERS, "LATENCY", "LATEST");
            p.sameNormalized(NUMBERS, "LATENCY", "GRAPH", "command");
            p.sameNormalized(NUMBERS, "LATENCY", "DOCTOR");
            both(p, "HELLO", "2");
            p.same("LATENCY", "RESET", "command", "COMMAND", "nosuch"); // case-insensitive, each event once
            p.same("LATENCY", "LATEST");
            p.same("LATENCY", "DOCTOR");
            p.same("CONFIG", "SET", "latency-monitor-threshold", "0");
            p.same("LATENCY", "DOCTOR"); // no events left and monitoring off: the "disabled" text again
        }
    }

    /** [[event, time, latency, max]]: time is now, the latency that of the last sleep. */
    private static void checkLatest(byte[] reply, long now, long sleptMillis) {
        Matcher m = Pattern.compile(":(\\d+)\r\n:(\\d+)\r\n:(\\d+)\r\n").matcher(new String(reply,
                java.nio.charset.StandardCharsets.ISO_8859_1));
        assertTrue(m.find(), Diff.esc(new String(reply, java.nio.charset.StandardCharsets.ISO_8859_1)));
        assertTrue(Math.abs(Long.parseLong(m.group(1)) - now) <= 2, "sample time " + m.group(1) + " now " + now);
        long latency = Long.parseLong(m.group(2));
        assertTrue(latency >= sleptMillis && latency < sleptMillis + 500, "latency " + latency);
        assertEquals(m.group(2), m.group(3), "the worst sample is the last one");
    }

    @Test
    void histogramListsTheCommandsCalledWithRedisBuckets() {
        try (Diff.Pair p = diff.pair()) {
            p.same("CONFIG", "RESETSTAT");
            p.same("SET", "a", "1");
            p.same("GET", "a");
            p.same("GET", "a");
            p.same("CONFIG", "GET", "hz");
            p.same("DEBUG", "SLEEP", "0.003");
            String named = "LATENCY HISTOGRAM get set config nosuch get config|get GET";
            assertEquals(calls(p.real.call(Diff.words(named))), calls(p.ours.call(Diff.words(named))));
            for (String proto : new String[] {"2", "3"}) {
                both(p, "HELLO", proto);
                assertEquals(calls(p.real.call("LATENCY", "HISTOGRAM")), calls(p.ours.call("LATENCY", "HISTOGRAM")),
                        "every command with samples, RESP" + proto);
                String ours = new String(p.ours.call("LATENCY", "HISTOGRAM", "debug"), java.nio.charset.StandardCharsets.ISO_8859_1);
                String real = new String(p.real.call("LATENCY", "HISTOGRAM", "debug"), java.nio.charset.StandardCharsets.ISO_8859_1);
                // The bucket bounds are HdrHistogram's (1024 ns doubling, highest equivalent value
                // in microseconds): a 3 ms sleep lands in the 4227 us bucket on both, or later.
                assertEquals(Set.of(), nonBuckets(ours), Diff.esc(ours));
                assertEquals(Set.of(), nonBuckets(real), Diff.esc(real));
                assertEquals(NUMBERS.apply(real), NUMBERS.apply(ours));
            }
            both(p, "HELLO", "2");
        }
    }

    /** Sends to both without comparing (replies that carry ids, or resets of unequal state). */
    private static void both(Diff.Pair p, String... args) {
        p.real.call(args);
        p.ours.call(args);
    }

    /** "command=calls" of each listed command, sorted (Redis lists them in its dict's hash order). */
    private static List<String> calls(byte[] reply) {
        String s = new String(reply, java.nio.charset.StandardCharsets.ISO_8859_1);
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("\\$\\d+\r\n([a-z|_-]+)\r\n[*%]\\d+\r\n\\$5\r\ncalls\r\n:(\\d+)\r\n").matcher(s);
        while (m.find()) {
            out.add(m.group(1) + "=" + m.group(2));
        }
        assertTrue(!out.isEmpty() || s.equals("*0\r\n") || s.equals("%0\r\n"), Diff.esc(s));
        java.util.Collections.sort(out);
        return out;
    }

    /** The histogram keys that are no HdrHistogram log bucket bound. */
    private static Set<Long> nonBuckets(String reply) {
        List<Long> bounds = new ArrayList<>();
        for (int k = 0; k <= 20; k++) {
            long level = 1024L << k;
            bounds.add((level + (8L << k) - 1) / 1000);
        }
        Set<Long> odd = new TreeSet<>();
        Matcher section = Pattern.compile("histogram_usec\r\n[*%](\\d+)\r\n((?::\\d+\r\n)*)").matcher(reply);
        while (section.find()) {
            Matcher v = Pattern.compile(":(\\d+)\r\n").matcher(section.group(2));
            for (int i = 0; v.find(); i++) {
                if (i % 2 == 0 && !bounds.contains(Long.parseLong(v.group(1)))) {
                    odd.add(Long.parseLong(v.group(1)));
                }
            }
        }
        return odd;
    }

    @Test
    void aMassExpiryIsAnExpireCycleEventOnBoth() throws Exception {
        try (Diff.Pair p = diff.pair()) {
            both(p, "LATENCY", "RESET");
            p.same("FLUSHALL");
            // The threshold goes first: the keys of the first server may expire while the second
            // is still being filled.
            p.same("CONFIG", "SET", "latency-monitor-threshold", "1");
            for (RespClient c : new RespClient[] {p.real, p.ours}) {
                java.io.ByteArrayOutputStream batch = new java.io.ByteArrayOutputStream();
                for (int i = 0; i < 100_000; i++) {
                    batch.writeBytes(RespClient.encode(RespClient.args("SET", "exp:" + i, "v", "PX", "300")));
                    if (i % 5000 == 4999) {
                        c.send(batch.toByteArray());
                        for (int j = 0; j < 5000; j++) {
                            c.readReply();
                        }
                        batch.reset();
                    }
                }
            }
            long deadline = System.currentTimeMillis() + 10_000;
            String ours = "";
            String real = "";
            while (System.currentTimeMillis() < deadline && !(ours.contains("expire-cycle") && real.contains("expire-cycle"))) {
                Thread.sleep(200);
                ours = new String(p.ours.call("LATENCY", "LATEST"), java.nio.charset.StandardCharsets.ISO_8859_1);
                real = new String(p.real.call("LATENCY", "LATEST"), java.nio.charset.StandardCharsets.ISO_8859_1);
            }
            assertTrue(real.contains("expire-cycle"), "redis-server: " + Diff.esc(real));
            assertTrue(ours.contains("expire-cycle"), "RedMesh: " + Diff.esc(ours));
            p.same("CONFIG", "SET", "latency-monitor-threshold", "0");
            both(p, "LATENCY", "RESET");
            p.same("FLUSHALL");
        }
    }

    /**
     * RedMesh only: Redis 7.0 bounds one eviction pass to ~500 us (maxmemory-eviction-tenacity)
     * and continues in a timer, so its "eviction-cycle" rarely passes a 1 ms threshold; RedMesh
     * evicts in one pass and must report it when it is long.
     */
    @Test
    void aLargeEvictionIsAnEvictionCycleEvent() {
        try (RespClient c = diff.ours.client()) {
            c.call("LATENCY", "RESET");
            c.call("FLUSHALL");
            java.io.ByteArrayOutputStream batch = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < 100_000; i++) {
                batch.writeBytes(RespClient.encode(RespClient.args("SET", "evict:" + i, "v")));
                if (i % 5000 == 4999) {
                    c.send(batch.toByteArray());
                    for (int j = 0; j < 5000; j++) {
                        c.readReply();
                    }
                    batch.reset();
                }
            }
            c.call("CONFIG", "SET", "maxmemory-policy", "allkeys-random");
            c.call("CONFIG", "SET", "latency-monitor-threshold", "1");
            c.call("CONFIG", "SET", "maxmemory", "1mb");
            c.call("SET", "trigger", "1");
            String latest = c.callString("LATENCY", "LATEST");
            c.call("CONFIG", "SET", "maxmemory", "0");
            c.call("CONFIG", "SET", "latency-monitor-threshold", "0");
            c.call("CONFIG", "SET", "maxmemory-policy", "noeviction");
            c.call("FLUSHALL");
            assertTrue(latest.contains("eviction-cycle"), Diff.esc(latest));
        }
    }
}
