package io.redmesh.node.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import io.redmesh.node.testing.TestCertificates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A short, bounded redis-benchmark run (Debian's, as a subprocess) over plaintext and over
 * mutual TLS: every test must finish and no reply may be an error. It checks correctness under
 * concurrent load, not speed (speed is reported by ../shared/bench, never asserted).
 */
class RedisBenchmarkTest {
    /** redis-benchmark tests and the command each needs; only those the node serves are run. */
    private static final Map<String, String> TESTS = new LinkedHashMap<>();

    static {
        TESTS.put("ping_inline", "ping");
        TESTS.put("ping_mbulk", "ping");
        TESTS.put("set", "set");
        TESTS.put("get", "get");
        TESTS.put("incr", "incr");
        TESTS.put("mset", "mset");
        TESTS.put("lpush", "lpush");
        TESTS.put("rpush", "rpush");
        TESTS.put("lpop", "lpop");
        TESTS.put("rpop", "rpop");
        TESTS.put("sadd", "sadd");
        TESTS.put("hset", "hset");
        TESTS.put("spop", "spop");
        TESTS.put("zadd", "zadd");
        TESTS.put("zpopmin", "zpopmin");
        TESTS.put("lrange_100", "lrange");
    }

    /** The tests whose command the running node knows (COMMAND INFO answers non-nil). */
    private static String availableTests(ServerFixture s) {
        List<String> out = new ArrayList<>();
        try (RespClient c = s.client()) {
            for (Map.Entry<String, String> t : TESTS.entrySet()) {
                if (!c.callString("COMMAND", "INFO", t.getValue()).equals("*1\r\n*-1\r\n")) {
                    out.add(t.getKey());
                }
            }
        }
        return String.join(",", out);
    }

    private static String benchmark(int port, List<String> extra) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("redis-benchmark", "-h", "127.0.0.1", "-p", Integer.toString(port),
                "--csv"));
        cmd.addAll(extra);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("redis-benchmark did not finish: " + cmd);
        }
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        return text;
    }

    /** Every requested test has a CSV result line and nothing reported an error. */
    private static void assertClean(String output, String tests) {
        assertFalse(output.toLowerCase(java.util.Locale.ROOT).contains("error"), output);
        for (String t : tests.split(",")) {
            String name = t.equals("lrange_100") ? "LRANGE_100" : t.toUpperCase(java.util.Locale.ROOT);
            assertTrue(output.lines().anyMatch(l -> l.startsWith("\"" + name)), "no result for " + t + ":\n" + output);
        }
    }

    @Test
    void plaintextRunFinishesWithoutErrors() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/redis-benchmark")));
        try (ServerFixture s = ServerFixture.start()) {
            String tests = availableTests(s);
            assertTrue(tests.contains("set") && tests.contains("get") && tests.contains("incr"), tests);
            assertClean(benchmark(s.port(), List.of("-n", "20000", "-c", "20", "-r", "1000", "-t", tests)), tests);
            assertClean(benchmark(s.port(), List.of("-n", "50000", "-c", "20", "-P", "16", "-r", "1000",
                    "-t", "set,get,incr")), "set,get,incr");
            try (RespClient c = s.client()) {
                assertTrue(c.callString("DBSIZE").matches(":[1-9][0-9]*\r\n"));
                assertEquals("+PONG\r\n", c.callString("PING"));
            }
        }
    }

    @Test
    void mutualTlsRunFinishesWithoutErrors() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/redis-benchmark")));
        try (TestCertificates certs = TestCertificates.create();
             ServerFixture s = ServerFixture.start(certs.serverArgs("--tls-auth-clients", "yes"))) {
            List<String> tls = List.of("--tls", "--cacert", certs.ca().certFile().toString(),
                    "--cert", certs.client().certFile().toString(), "--key", certs.client().keyFile().toString());
            String tests = availableTests(s);
            List<String> a = new ArrayList<>(tls);
            a.addAll(List.of("-n", "10000", "-c", "20", "-r", "1000", "-t", tests));
            assertClean(benchmark(s.tlsPort(), a), tests);
            List<String> pipelined = new ArrayList<>(tls);
            pipelined.addAll(List.of("-n", "30000", "-c", "20", "-P", "16", "-t", "set,get"));
            assertClean(benchmark(s.tlsPort(), pipelined), "set,get");
            // a new TLS connection per request: handshakes under load
            List<String> reconnecting = new ArrayList<>(tls);
            reconnecting.addAll(List.of("-n", "300", "-c", "5", "-k", "0", "-t", "get"));
            assertClean(benchmark(s.tlsPort(), reconnecting), "get");
            // (redis-benchmark resets connections still handshaking when it stops, so a few
            // failed handshakes are the client's doing, not counted against the server)
            try (RespClient c = s.client()) {
                String stats = c.callString("INFO", "stats");
                java.util.regex.Matcher ok = java.util.regex.Pattern.compile("tls_handshakes_ok:(\\d+)").matcher(stats);
                assertTrue(ok.find() && Long.parseLong(ok.group(1)) >= 300, stats);
            }
        }
    }
}
