package io.redmesh.node.persist.seal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.Ports;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a node appending to a sealed AOF (appendfsync always), twice: every acknowledged
 * write is back after each restart (the crashed runs are closed and chained on reopen), and no
 * stored value is on disk. Runs once persist/aof is on the branch.
 */
class SealedCrashTest {
    @TempDir
    Path dir;

    /** The node's own JVM. */
    public static void main(String[] args) throws Exception {
        io.redmesh.node.Node server = io.redmesh.node.Node.fromArgs(Arrays.asList(args));
        server.start();
        server.awaitStop();
    }

    static Process spawn(Path log, int port, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx256m", "-cp",
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                SealedCrashTest.class.getName(), "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", ""));
        cmd.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline && p.isAlive()) {
            try (RespClient c = RespClient.connect(port)) {
                if (c.callString("PING").equals("+PONG\r\n")) {
                    return p;
                }
            } catch (RuntimeException e) {
                Thread.sleep(100);
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("node did not start: " + Files.readString(log));
    }

    @Test
    void killNineTwiceLosesNoAcknowledgedWrite() throws Exception {
        Path key = dir.resolve("master.keys");
        Files.writeString(key, "crash " + "7e".repeat(32) + "\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Path data = Files.createDirectories(dir.resolve("data"));
        String[] args = {"--dir", data.toString(), "--appendonly", "yes", "--appendfsync", "always",
            "--encryption-at-rest", "yes", "--encryption-key-file", key.toString()};
        try (ServerFixture probe = ServerFixture.start("--dir", Files.createDirectories(dir.resolve("probe")).toString(),
                "--appendonly", "yes"); RespClient c = probe.client()) {
            Assumptions.assumeTrue(c.callString("INFO", "persistence").contains("aof_enabled:1"),
                    "no AOF on this branch yet");
        }
        long total = 0;
        for (int round = 0; round < 2; round++) {
            AtomicLong acked = new AtomicLong();
            int r = round;
            int port = Ports.free();
            Process node = spawn(dir.resolve("node" + round + ".log"), port, args);
            AtomicBoolean stop = new AtomicBoolean();
            Thread w = new Thread(() -> {
                try (RespClient c = RespClient.connect(port)) {
                    for (long i = 1; !stop.get(); i++) {
                        if (!c.callString("SET", "secret:" + r + ":" + i, "secret-v" + i).equals("+OK\r\n")) {
                            return;
                        }
                        acked.set(i);
                    }
                } catch (RuntimeException e) {
                    // the kill
                }
            });
            w.start();
            Thread.sleep(1200);
            node.destroyForcibly(); // SIGKILL
            node.waitFor(10, TimeUnit.SECONDS);
            stop.set(true);
            w.join(10_000);
            long n = acked.get();
            assertTrue(n > 10, "progress " + n);
            total += n;
            try (ServerFixture s = ServerFixture.start(args); RespClient c = s.client()) {
                String v = "secret-v" + n;
                assertEquals("$" + v.length() + "\r\n" + v + "\r\n", c.callString("GET", "secret:" + r + ":" + n));
                assertTrue(Long.parseLong(c.callString("DBSIZE").substring(1).trim()) >= total);
            }
        }
        try (var files = Files.walk(data)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(p)) {
                    assertTrue(!new String(Files.readAllBytes(p), "ISO-8859-1").contains("secret"), p.toString());
                }
            }
        }
    }
}
