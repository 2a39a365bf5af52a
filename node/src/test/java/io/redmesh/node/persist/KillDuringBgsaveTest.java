package io.redmesh.node.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.Ports;
import io.redmesh.node.testing.RespClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety at the process level: a server killed with SIGKILL in the middle of a BGSAVE
 * leaves the previous dump.rdb exactly as it was (the new snapshot only ever lived in
 * temp-bg-&lt;pid&gt;.rdb, which is renamed over it after fsync).
 */
class KillDuringBgsaveTest {
    @TempDir
    Path dir;

    @Test
    void kill9DuringBgsaveLeavesThePreviousDumpIntact() throws Exception {
        int port = Ports.free();
        Path hold = dir.resolve("hold");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                SaveTestServer.class.getName(), hold.toString(),
                "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--dir", dir.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] first;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.equals("READY")) {
                // startup log
            }
            assertEquals("READY", line);
            Thread drain = new Thread(() -> {
                try {
                    while (out.readLine() != null) {
                        // keep the pipe from filling
                    }
                } catch (java.io.IOException ignored) {
                    // the process died
                }
            });
            drain.setDaemon(true);
            drain.start();
            try (RespClient c = RespClient.connect(port)) {
                for (int i = 0; i < 3000; i++) {
                    c.call("SET", "k" + i, "first");
                }
                assertEquals("+Background saving started\r\n", c.callString("BGSAVE"));
                BackgroundSaveTest.await(() -> BackgroundSaveTest.info(c, "rdb_bgsave_in_progress").equals("0"),
                        "the first save");
                Path dump = dir.resolve("dump.rdb");
                first = Files.readAllBytes(dump);
                assertEquals(3000, TextFormat.read(dump).size());

                for (int i = 0; i < 3000; i++) {
                    c.call("SET", "k" + i, "second");
                }
                Files.createFile(hold); // the next save walks slowly (100 µs a key) and never ends
                assertEquals("+Background saving started\r\n", c.callString("BGSAVE"));
                long pid = p.pid();
                Path tmp = dir.resolve("temp-bg-" + pid + ".rdb");
                BackgroundSaveTest.await(() -> {
                    try {
                        return Files.exists(tmp) && Files.size(tmp) > 0;
                    } catch (java.io.IOException e) {
                        return false;
                    }
                }, "the temp file to grow");
                assertEquals("1", BackgroundSaveTest.info(c, "rdb_bgsave_in_progress"));
                assertEquals("+PONG\r\n", c.callString("PING")); // serving during the save
            }
            p.destroyForcibly(); // SIGKILL
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(137, p.exitValue());
            Path dump = dir.resolve("dump.rdb");
            org.junit.jupiter.api.Assertions.assertArrayEquals(first, Files.readAllBytes(dump), "dump.rdb changed");
            Map<String, String> after = TextFormat.read(dump); // complete, BEGIN..END
            assertEquals(3000, after.size());
            assertTrue(after.values().stream().allMatch(v -> v.startsWith(TextFormat.render("first".getBytes()))));
            Path tmp = dir.resolve("temp-bg-" + p.pid() + ".rdb");
            assertTrue(Files.exists(tmp), "the interrupted save's temp file is left, not renamed");
            assertFalse(Files.readString(tmp, StandardCharsets.ISO_8859_1).endsWith("END\n"));
        } finally {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
