package io.redmesh.node.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.command.ServerContext;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BGSAVE through the real RDB writer while every write command family runs: the file passes
 * redis-check-rdb and a node started on it holds exactly the keyspace of the instant.
 */
class RdbBgsaveTest {
    @TempDir
    Path dir;

    @Test
    void anRdbWrittenUnderWritesLoadsAsTheInstant() throws Exception {
        long seed = System.nanoTime();
        Map<String, String> expected;
        try (ServerFixture s = ServerFixture.start("--dir", dir.toString())) {
            ServerContext ctx = s.context();
            BackgroundSaver saver = s.server().saver();
            saver.sliceNanos(20_000); // tiny slices: many writes land between them
            try (RespClient c = s.client()) {
                CommandsDuringBgsaveTest.populate(c, new Random(seed));
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                Random r = new Random(seed + w + 1);
                Thread t = new Thread(() -> {
                    try (RespClient c = s.client()) {
                        while (!stop.get()) {
                            c.send(RespClient.encode(RespClient.args("SELECT", Integer.toString(r.nextInt(4)))));
                            c.readReply();
                            c.send(RespClient.encode(RespClient.args(CommandsDuringBgsaveTest.randomCommand(r))));
                            c.readReply();
                        }
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                });
                writers.add(t);
                t.start();
            }
            Thread.sleep(100);
            ctx.lock.lock();
            try {
                expected = TextFormat.instant(ctx.keyspace);
                assertTrue(saver.startBackground());
            } finally {
                ctx.lock.unlock();
            }
            BackgroundSaveTest.await(() -> {
                ctx.lock.lock();
                try {
                    return !saver.inProgress();
                } finally {
                    ctx.lock.unlock();
                }
            }, "the save");
            stop.set(true);
            for (Thread t : writers) {
                t.join();
            }
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            assertTrue(saver.lastOk());
        }
        Path rdb = dir.resolve("dump.rdb");
        if (Files.isExecutable(Path.of("/usr/bin/redis-check-rdb"))) {
            Process p = new ProcessBuilder("redis-check-rdb", rdb.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), out);
        }
        try (ServerFixture s2 = ServerFixture.start("--dir", dir.toString())) {
            Map<String, String> loaded;
            long now;
            s2.context().lock.lock();
            try {
                loaded = TextFormat.instant(s2.context().keyspace);
                now = System.currentTimeMillis();
            } finally {
                s2.context().lock.unlock();
            }
            // keys whose TTL ran out before the load are (rightly) not loaded
            expected.values().removeIf(v -> {
                long at = Long.parseLong(v.substring(v.lastIndexOf(' ') + 1));
                return at != 0 && at <= now;
            });
            loaded.values().removeIf(v -> {
                long at = Long.parseLong(v.substring(v.lastIndexOf(' ') + 1));
                return at != 0 && at <= now;
            });
            assertEquals("", SnapshotDiff.diff(expected, loaded), "seed " + seed);
        }
    }
}
