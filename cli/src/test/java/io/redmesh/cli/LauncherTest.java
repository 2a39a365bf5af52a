package io.redmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.Ports;
import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.RespClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/redmesh-server and bin/redmesh as an operator or a tool that expects redis-server uses
 * them: the log lines they grep for, the exit codes, signals, and the config error report.
 */
class LauncherTest {
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration STOP = Duration.ofSeconds(30);

    private static String[] base(int port, String... extra) {
        List<String> a = new java.util.ArrayList<>(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", ""));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    @Test
    void logsItsPidAndReadinessAndStopsCleanlyOnSigterm() throws Exception {
        int port = Ports.free();
        try (Launched s = Launched.server(base(port))) {
            String pidLine = s.awaitLine(" PID: ", START);
            Matcher m = Pattern.compile(" PID: (\\d+)").matcher(pidLine);
            assertTrue(m.find(), pidLine);
            // the script exec's java, so the PID a supervisor holds is the server's own
            assertEquals(s.pid(), Long.parseLong(m.group(1)), pidLine);
            s.awaitLine("Ready to accept connections", START);
            try (RespClient c = RespClient.connect(port)) {
                assertEquals("+PONG\r\n", c.callString("PING"));
                String info = c.callString("INFO", "server");
                assertTrue(info.contains("process_id:" + s.pid() + "\r\n"), info);
            }
            s.signal("TERM"); // not Process.destroy(): that also closes our end of its output
            assertEquals(0, s.awaitExit(STOP), s.output());
            assertTrue(s.output().contains("Received SIGTERM scheduling shutdown..."), s.output());
        }
    }

    @Test
    void stopsCleanlyOnSigintThroughTheRedmeshCommand() throws Exception {
        int port = Ports.free();
        try (Launched s = Launched.script("redmesh", "server", "--port", Integer.toString(port), "--bind",
                "127.0.0.1", "--save", "")) {
            s.awaitLine("Ready to accept connections", START);
            assertTrue(s.output().contains(" PID: " + s.pid()), s.output());
            s.signal("INT");
            assertEquals(0, s.awaitExit(STOP), s.output());
            assertTrue(s.output().contains("Received SIGINT scheduling shutdown..."), s.output());
        }
    }

    @Test
    void stopsCleanlyOnShutdown() throws Exception {
        int port = Ports.free();
        try (Launched s = Launched.server(base(port))) {
            s.awaitLine("Ready to accept connections", START);
            try (RespClient c = RespClient.connect(port)) {
                c.send(RespClient.encode(RespClient.args("SHUTDOWN")));
                assertEquals(0, s.awaitExit(STOP), s.output());
            }
            // and the port is free again
            try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
                assertEquals(port, again.getLocalPort());
            }
        }
    }

    @Test
    void aTakenPortFailsTheStart() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            try (Launched s = Launched.server(base(port))) {
                assertNotEquals(0, s.awaitExit(START), s.output());
                assertTrue(s.output().contains("Failed listening on port " + port + " (tcp), aborting."), s.output());
                assertTrue(s.output().contains("Could not create server TCP listening socket 127.0.0.1:" + port
                        + ": bind: Address already in use"), s.output());
                assertFalse(s.output().contains("Ready to accept connections"), s.output());
            }
        }
    }

    @Test
    void aBadConfigFileIsReportedWithItsLine(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("bad.conf");
        Files.writeString(conf, "# a config with one mistake\nport 7777\nmaxmemoryy 100mb\nsave \"\"\n");
        String expected = "*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n"
                + "Reading the configuration file, at line 3\n"
                + ">>> 'maxmemoryy 100mb'\n"
                + "Bad directive or wrong number of arguments";
        try (Launched s = Launched.server(conf.toString())) {
            assertEquals(1, s.awaitExit(START), s.output());
            assertEquals(expected, s.output().trim());
        }
        if (RedisProcess.available()) {
            assertEquals(expected, redisServer(conf.toString()), "same report as redis-server");
        }
    }

    @Test
    void badValuesOnTheCommandLineAreReportedAsRedisDoes(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("ok.conf");
        Files.writeString(conf, "save \"\"\nbind 127.0.0.1\n");
        String[][] cases = {
            {conf.toString(), "--port", "notaport"},
            {"--maxmemory-policy", "sometimes"},
            {"--tls-auth-clients", "perhaps"},
        };
        for (String[] args : cases) {
            try (Launched s = Launched.server(args)) {
                assertEquals(1, s.awaitExit(START), s.output());
                String ours = s.output().trim();
                assertTrue(ours.startsWith("*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***"), ours);
                if (RedisProcess.available()) {
                    assertEquals(redisServer(args), ours, "same report as redis-server for " + List.of(args));
                }
            }
        }
    }

    @Test
    void versionAnswersAsRedisServerDoes() throws Exception {
        try (Launched s = Launched.server("--version")) {
            assertEquals(0, s.awaitExit(START), s.output());
            assertTrue(s.output().startsWith("Redis server v=7.0.15 "), s.output());
        }
    }

    /** Runs Debian's redis-server with the arguments and returns its trimmed output (bounded). */
    private static String redisServer(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("redis-server"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("redis-server did not exit for " + cmd);
        }
        return new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
    }
}
