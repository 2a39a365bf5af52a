package io.redmesh.node.persist.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.NodeProcess;
import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An AOF that cannot be written (the next incr file is a link to /dev/full, so every write
 * fails with ENOSPC once a rewrite switches to it): with everysec, writes and PING get Redis's
 * -MISCONF while reads go on, byte for byte as redis-server 7.0; with always, the process exits
 * before any reply acknowledges a write that is not on disk, as Redis does.
 */
class AofWriteErrorTest {
    @TempDir
    Path tmp;

    /** Makes the incr file a rewrite opens next a link to /dev/full, then rewrites. */
    private static void breakNextIncr(RespClient c, Path dir) throws Exception {
        linkNextIncr(c, dir, "/dev/full");
    }

    /** Makes the incr file a rewrite opens next a link to {@code device}, then rewrites. */
    private static void linkNextIncr(RespClient c, Path dir, String device) throws Exception {
        Files.createSymbolicLink(dir.resolve("appendonlydir").resolve("appendonly.aof.2.incr.aof"), Path.of(device));
        assertEquals("+Background append only file rewriting started\r\n", c.callString("BGREWRITEAOF"));
        long deadline = System.currentTimeMillis() + 10_000;
        while (!c.callString("INFO", "persistence").contains("aof_rewrite_in_progress:0")
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(200);
    }

    @Test
    void everysecRefusesWritesWithRedisMisconfAndKeepsServingReads() throws Exception {
        Assumptions.assumeTrue(RedisProcess.available() && Files.exists(Path.of("/dev/full")));
        String[] aof = {"--appendonly", "yes", "--appendfsync", "everysec"};
        try (RedisProcess real = RedisProcess.start(aof); ServerFixture ours = ServerFixture.start(aof);
             RespClient r = real.client(); RespClient o = ours.client()) {
            breakNextIncr(r, real.dir());
            breakNextIncr(o, Path.of(ours.context().config.getString("dir")));
            // the first write is acknowledged (it is buffered; the failed write comes after)
            for (List<String> cmd : List.of(List.of("SET", "a", "1"), List.of("SET", "b", "2"), List.of("PING"),
                    List.of("GET", "a"), List.of("INCR", "n"), List.of("MULTI"), List.of("GET", "a"),
                    List.of("EXEC"))) {
                String[] argv = cmd.toArray(new String[0]);
                assertEquals(r.callString(argv), o.callString(argv), String.join(" ", cmd));
            }
            assertTrue(o.callString("INFO", "persistence").contains("aof_last_write_status:err"));
        }
    }

    @Test
    void alwaysExitsRatherThanAcknowledgeALostWrite() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/full")));
        Path dir = Files.createDirectories(tmp.resolve("data"));
        Path log = tmp.resolve("node.log");
        try (NodeProcess n = NodeProcess.start(log, "--dir", dir.toString(), "--appendonly", "yes",
                "--appendfsync", "always"); RespClient c = RespClient.connect(n.port())) {
            assertEquals("+OK\r\n", c.callString("SET", "before", "1"));
            breakNextIncr(c, dir);
            c.send(RespClient.encode(RespClient.args("SET", "lost", "1")));
            assertTrue(c.closedByServer(10_000), "the write must never be acknowledged");
            assertEquals(1, n.awaitExit(10));
            assertTrue(Files.readString(log).contains(
                    "Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting..."));
        }
    }

    /** /dev/null takes writes but refuses fsync (EINVAL): under always Redis exits, and so do we. */
    @Test
    void alwaysExitsWhenTheFsyncFails() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/null")));
        Path dir = Files.createDirectories(tmp.resolve("data2"));
        Path log = tmp.resolve("node2.log");
        try (NodeProcess n = NodeProcess.start(log, "--dir", dir.toString(), "--appendonly", "yes",
                "--appendfsync", "always"); RespClient c = RespClient.connect(n.port())) {
            linkNextIncr(c, dir, "/dev/null");
            c.send(RespClient.encode(RespClient.args("SET", "lost", "1")));
            assertTrue(c.closedByServer(10_000), "the write must never be acknowledged");
            assertEquals(1, n.awaitExit(10));
            assertTrue(Files.readString(log).contains(
                    "Can't persist append only file with fsync policy 'always': Invalid argument. Exiting..."),
                    Files.readString(log));
        }
    }
}
