package io.redmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.Ports;
import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.RespClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/redmesh-sentinel (and redmesh server --sentinel) as a redis-sentinel drop-in: it watches
 * the master in its sentinel.conf and rewrites that file with its id, stops cleanly on SIGTERM,
 * and refuses malformed sentinel lines with redis-sentinel's own report (line and text; Debian's
 * redis-sentinel is the judge, byte for byte), and refuses to run without a config file.
 */
class SentinelLauncherTest {
    private static final Duration START = Duration.ofSeconds(90);

    @Test
    void watchesItsMasterRewritesItsFileAndStopsOnSigterm(@TempDir Path dir) throws Exception {
        try (RedisProcess master = RedisProcess.available() ? RedisProcess.start() : null) {
            org.junit.jupiter.api.Assumptions.assumeTrue(master != null, "Debian's redis-server");
            int port = Ports.free();
            Path conf = dir.resolve("sentinel.conf");
            Files.writeString(conf, "port " + port + "\nbind 127.0.0.1\ndir " + dir + "\nsentinel monitor mymaster 127.0.0.1 "
                    + master.port() + " 1\n");
            try (Launched s = Launched.script("redmesh-sentinel", conf.toString())) {
                s.awaitLine("Running mode=sentinel, port=" + port, START);
                s.awaitLine("Sentinel ID is ", START);
                s.awaitLine("+monitor master mymaster 127.0.0.1 " + master.port() + " quorum 1", START);
                try (RespClient c = RespClient.connect(port)) {
                    assertEquals("+PONG\r\n", c.callString("PING"));
                    assertTrue(c.callString("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster")
                            .contains(Integer.toString(master.port())));
                    assertTrue(c.callString("INFO", "server").contains("redis_mode:sentinel"));
                }
                String file = Files.readString(conf);
                assertTrue(file.matches("(?s).*\nsentinel myid [0-9a-f]{40}\n.*"), file);
                assertTrue(file.contains("sentinel current-epoch 0"), file);
                s.signal("TERM");
                assertEquals(0, s.awaitExit(Duration.ofSeconds(30)), s.output());
                assertTrue(s.output().contains("Sentinel is now ready to exit, bye bye..."), s.output());
            }
        }
    }

    @Test
    void serverWithTheSentinelFlagIsASentinel(@TempDir Path dir) throws Exception {
        int port = Ports.free();
        Path conf = dir.resolve("s.conf");
        Files.writeString(conf, "bind 127.0.0.1\ndir " + dir + "\n");
        try (Launched s = Launched.server(conf.toString(), "--sentinel", "--port", Integer.toString(port))) {
            s.awaitLine("Running mode=sentinel", START);
            try (RespClient c = RespClient.connect(port)) {
                assertEquals("*2\r\n$8\r\nsentinel\r\n*0\r\n", c.callString("ROLE"));
            }
        }
    }

    @Test
    void malformedSentinelLinesAreReportedAsRedisSentinelDoes(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("not-executable.sh");
        Files.writeString(script, "#!/bin/sh\n");
        String[] cases = {
            "sentinel monitor mymaster 127.0.0.1 6379 0",
            "sentinel monitor mymaster 127.0.0.1 6379 2\nsentinel down-after-milliseconds nosuch 100",
            "sentinel monitor mymaster 127.0.0.1 6379 2\nsentinel down-after-milliseconds mymaster -5",
            "sentinel monitor mymaster 127.0.0.1 6379 2\nsentinel monitor mymaster 127.0.0.1 6380 2",
            "sentinel monitor mymaster not-an-ip 6379 2",
            "sentinel monitor mymaster 127.0.0.1 6379",
            "sentinel no-such-statement x",
            "sentinel myid tooshort",
            "sentinel resolve-hostnames perhaps",
            "sentinel deny-scripts-reconfig maybe",
            "sentinel monitor mymaster 127.0.0.1 6379 2\nsentinel notification-script mymaster " + script,
            "sentinel monitor mymaster 127.0.0.1 6379 2\nsentinel known-replica mymaster 127.0.0.1 70000",
            "sentinel monitor mymaster 127.0.0.1 6379 2\nsentinel rename-command mymaster CONFIG C1\n"
                    + "sentinel rename-command mymaster CONFIG C2",
        };
        int n = 0;
        for (String lines : cases) {
            Path conf = dir.resolve("bad" + n++ + ".conf");
            Files.writeString(conf, "# a sentinel configuration with one mistake\nport " + Ports.free()
                    + "\nbind 127.0.0.1\n" + lines + "\n");
            try (Launched s = Launched.script("redmesh-sentinel", conf.toString())) {
                assertEquals(1, s.awaitExit(START), s.output());
                String ours = withoutLogLines(s.output());
                assertTrue(ours.startsWith("*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line "),
                        ours);
                if (RedisProcess.available()) {
                    assertEquals(withoutLogLines(redisSentinel(conf.toString())), ours,
                            "same report as redis-sentinel for:\n" + lines);
                }
            }
        }
    }

    @Test
    void refusesToRunWithoutAConfigFile() throws Exception {
        try (Launched s = Launched.script("redmesh-sentinel", "--port", Integer.toString(Ports.free()))) {
            assertEquals(1, s.awaitExit(START), s.output());
            assertTrue(s.output().contains("Sentinel needs config file on disk to save state. Exiting..."), s.output());
        }
    }

    /** The report without log lines ("pid:X date # ..."), which carry a pid and a time. */
    static String withoutLogLines(String out) {
        return out.replaceAll("(?m)^\\d+:[XCMS] .*\n?", "").trim();
    }

    private static String redisSentinel(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("redis-sentinel"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("redis-sentinel did not exit for " + cmd);
        }
        return new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
    }
}
