package io.redmesh.node.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import io.redmesh.node.util.ServerLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BGSAVE, LASTSAVE, save points, -MISCONF and SHUTDOWN's save, with a text stand-in for the RDB writer. */
class BackgroundSaveTest {
    @TempDir
    Path dir;

    private ServerFixture start(TextFormat f, String... extra) {
        List<String> a = new ArrayList<>(List.of("--dir", dir.toString()));
        a.addAll(List.of(extra));
        ServerFixture s = ServerFixture.start(a.toArray(new String[0]));
        s.server().saver().format(f);
        return s;
    }

    static String info(RespClient c, String field) {
        String info = c.callString("INFO", "persistence");
        int i = info.indexOf("\r\n" + field + ":");
        assertTrue(i >= 0, field + " missing in " + info);
        int from = i + field.length() + 3;
        return info.substring(from, info.indexOf("\r\n", from));
    }

    static void await(BooleanSupplier cond, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!cond.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static String hex(String s) {
        return HexFormat.of().formatHex(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void saveIsRefusedWhileABackgroundSaveRuns() throws Exception {
        TextFormat f = new TextFormat();
        try (ServerFixture s = start(f); RespClient c = s.client()) {
            c.call("SET", "k", "v");
            CountDownLatch gate = new CountDownLatch(1);
            f.endGate = gate;
            assertEquals("+Background saving started\r\n", c.callString("BGSAVE"));
            assertEquals("-ERR Background save already in progress\r\n", c.callString("SAVE"));
            gate.countDown();
            await(() -> info(c, "rdb_bgsave_in_progress").equals("0"), "the save to end");
            assertEquals("+OK\r\n", c.callString("SAVE"));
        }
    }

    @Test
    void bgsaveWritesTheInstantWhileWritesGoOn() throws Exception {
        TextFormat f = new TextFormat();
        try (ServerFixture s = start(f); RespClient c = s.client()) {
            Map<String, String> expected = new HashMap<>();
            for (int i = 0; i < 2000; i++) {
                c.call("SET", "k" + i, "v" + i);
                expected.put("0 " + hex("k" + i), hex("v" + i) + " 0");
            }
            c.call("SELECT", "3");
            c.call("RPUSH", "list", "a", "b", "c");
            c.call("SELECT", "0");
            expected.put("3 " + hex("list"), "list:61,62,63 0");
            long before = Long.parseLong(c.callString("LASTSAVE").substring(1).trim());
            CountDownLatch gate = new CountDownLatch(1);
            f.endGate = gate;
            assertEquals("+Background saving started\r\n", c.callString("BGSAVE"));
            // The walk is quick; end() holds the save open. Writes made meanwhile are not in it.
            for (int i = 0; i < 500; i++) {
                c.call("SET", "k" + i, "changed");
                c.call("DEL", "k" + (1000 + i));
                c.call("SET", "new" + i, "x");
            }
            c.call("FLUSHDB"); // the old dict stays what the snapshot walks
            assertEquals("-ERR Background save already in progress\r\n", c.callString("BGSAVE"));
            assertEquals("-ERR Background save already in progress\r\n", c.callString("BGSAVE", "SCHEDULE"));
            assertEquals("1", info(c, "rdb_bgsave_in_progress"));
            assertEquals("2001", info(c, "current_save_keys_total"));
            Path tmp = dir.resolve("temp-bg-" + ServerLog.pid() + ".rdb");
            assertTrue(Files.exists(tmp));
            assertFalse(Files.exists(dir.resolve("dump.rdb")));
            gate.countDown();
            await(() -> info(c, "rdb_bgsave_in_progress").equals("0"), "the save to end");
            assertEquals("ok", info(c, "rdb_last_bgsave_status"));
            assertEquals("1", info(c, "rdb_saves"));
            assertEquals("3500", info(c, "rdb_changes_since_last_save")); // 1500 writes + FLUSHDB of 2000 keys during the save
            assertFalse(Files.exists(tmp));
            assertEquals("", SnapshotDiff.diff(expected, TextFormat.read(dir.resolve("dump.rdb"))));
            long after = Long.parseLong(c.callString("LASTSAVE").substring(1).trim());
            assertTrue(after >= before && Long.parseLong(info(c, "rdb_last_save_time")) == after);
            assertEquals("-1", info(c, "rdb_current_bgsave_time_sec"));
        }
    }

    @Test
    void badArgumentsAreSyntaxErrorsAndTheServerKeepsServing() {
        try (ServerFixture s = start(new TextFormat()); RespClient c = s.client()) {
            assertEquals("-ERR syntax error\r\n", c.callString("BGSAVE", "foo"));
            assertEquals("-ERR syntax error\r\n", c.callString("BGSAVE", "SCHEDULE", "x"));
            assertEquals("-ERR wrong number of arguments for 'lastsave' command\r\n", c.callString("LASTSAVE", "x"));
            assertEquals("+PONG\r\n", c.callString("PING"));
        }
    }

    @Test
    void bgsaveInsideMultiIsScheduledAndCronStartsIt() throws Exception {
        try (ServerFixture s = start(new TextFormat()); RespClient c = s.client()) {
            c.call("SET", "a", "1");
            c.call("MULTI");
            assertEquals("+QUEUED\r\n", c.callString("BGSAVE"));
            assertEquals("*1\r\n+Background saving scheduled\r\n", c.callString("EXEC"));
            await(() -> Files.exists(dir.resolve("dump.rdb")), "the scheduled save");
            await(() -> info(c, "rdb_bgsave_in_progress").equals("0"), "the save to end");
            assertEquals(Map.of("0 " + hex("a"), hex("1") + " 0"), TextFormat.read(dir.resolve("dump.rdb")));
        }
    }

    @Test
    void aSavePointStartsABgsaveFromCron() throws Exception {
        try (ServerFixture s = start(new TextFormat(), "--save", "1 2"); RespClient c = s.client()) {
            c.call("SET", "a", "1");
            Thread.sleep(2200);
            assertFalse(Files.exists(dir.resolve("dump.rdb")), "1 change < 2");
            c.call("SET", "b", "2");
            await(() -> Files.exists(dir.resolve("dump.rdb")), "the save point");
            await(() -> info(c, "rdb_changes_since_last_save").equals("0"), "the save to end");
            assertEquals(2, TextFormat.read(dir.resolve("dump.rdb")).size());
        }
    }

    /**
     * processCommand() checks maxmemory before the disk error: a write refused on both counts
     * gets -OOM from Redis 7.0, and -MISCONF only once memory is no longer the problem. The same
     * requests to a real redis-server and to a node, byte for byte.
     */
    @Test
    void outOfMemoryIsReportedBeforeADiskErrorAsRedisDoes() throws Exception {
        Assumptions.assumeTrue(RedisProcess.available(), "redis-server not installed");
        Path ours = Files.createDirectory(dir.resolve("ours"));
        Path theirs = Files.createDirectory(dir.resolve("theirs"));
        try (RedisProcess redis = RedisProcess.builder().args("--dir", theirs.toString(), "--save", "3600 1").start();
                ServerFixture node = ServerFixture.start("--dir", ours.toString(), "--save", "3600 1");
                RespClient r = RespClient.connect(redis.port()); RespClient n = node.client()) {
            for (RespClient c : List.of(r, n)) {
                c.call("SET", "a", "1");
            }
            Files.delete(ours);
            Files.delete(theirs);
            for (RespClient c : List.of(r, n)) {
                assertEquals("+Background saving started\r\n", c.callString("BGSAVE"));
                await(() -> info(c, "rdb_last_bgsave_status").equals("err"), "the failed save");
            }
            List<String> steps = List.of("SET a 2", "CONFIG SET maxmemory 1", "SET a 3", "GET a",
                    "CONFIG SET maxmemory 0", "SET a 4");
            for (String step : steps) {
                String[] argv = step.split(" ");
                assertEquals(r.callString(argv), n.callString(argv), step);
            }
        }
    }

    @Test
    void aFailedBgsaveDeniesWritesUntilFixedOrAllowed() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("gone"));
        try (ServerFixture s = ServerFixture.start("--dir", sub.toString(), "--save", "3600 1");
                RespClient c = s.client()) {
            s.server().saver().format(new TextFormat());
            c.call("SET", "a", "1");
            Files.delete(sub);
            assertEquals("+Background saving started\r\n", c.callString("BGSAVE"));
            await(() -> info(c, "rdb_last_bgsave_status").equals("err"), "the failure");
            String misconf = "-" + PersistenceCommands.MISCONF + "\r\n";
            assertEquals(misconf, c.callString("SET", "b", "2"));
            assertEquals(misconf, c.callString("PING"));
            assertEquals(misconf, c.callString("DEL", "a"));
            assertEquals("$1\r\n1\r\n", c.callString("GET", "a"));
            assertEquals("-ERR Errors trying to SHUTDOWN. Check logs.\r\n", c.callString("SHUTDOWN"));
            assertEquals("+OK\r\n", c.callString("CONFIG", "SET", "stop-writes-on-bgsave-error", "no"));
            assertEquals("+OK\r\n", c.callString("SET", "b", "2"));
            assertEquals("+OK\r\n", c.callString("CONFIG", "SET", "stop-writes-on-bgsave-error", "yes"));
            assertEquals(misconf, c.callString("SET", "b", "2"));
            c.call("MULTI");
            assertEquals(misconf, c.callString("SET", "b", "3"));
            assertEquals("-EXECABORT Transaction discarded because of previous errors.\r\n", c.callString("EXEC"));
            Files.createDirectory(sub);
            assertEquals("+OK\r\n", c.callString("SAVE")); // a good SAVE clears the status, as rdbSave does
            assertEquals("ok", info(c, "rdb_last_bgsave_status"));
            assertEquals("+OK\r\n", c.callString("SET", "b", "2"));
            assertEquals("2", info(c, "rdb_saves"));
        }
    }

    /** The replies above, byte for byte against a real redis-server whose dir disappears. */
    @Test
    void misconfAndShutdownFailureMatchRedis() throws Exception {
        Assumptions.assumeTrue(RedisProcess.available());
        List<String> ours = new ArrayList<>();
        List<String> theirs = new ArrayList<>();
        Path a = Files.createDirectory(dir.resolve("a"));
        Path b = Files.createDirectory(dir.resolve("b"));
        try (ServerFixture s = ServerFixture.start("--dir", a.toString(), "--save", "3600 1");
                RedisProcess r = RedisProcess.start("--dir", b.toString(), "--save", "3600 1")) {
            s.server().saver().format(new TextFormat());
            Files.delete(a);
            Files.delete(b);
            for (Object[] side : new Object[][] {{s.client(), ours}, {r.client(), theirs}}) {
                try (RespClient c = (RespClient) side[0]) {
                    @SuppressWarnings("unchecked")
                    List<String> out = (List<String>) side[1];
                    c.call("SET", "a", "1");
                    out.add(c.callString("BGSAVE"));
                    await(() -> info(c, "rdb_last_bgsave_status").equals("err"), "the failure");
                    for (String[] cmd : new String[][] {{"SET", "b", "2"}, {"PING"}, {"GET", "a"}, {"INCR", "n"},
                            {"SHUTDOWN"}, {"BGSAVE", "x"}, {"CONFIG", "SET", "save", ""}, {"SET", "b", "2"}}) {
                        out.add(c.callString(cmd));
                    }
                }
            }
        }
        assertEquals(theirs, ours);
    }

    @Test
    void shutdownSavesWhenSavePointsExistAndNosaveSkipsIt() throws Exception {
        TextFormat f = new TextFormat();
        try (ServerFixture s = start(f, "--save", "3600 1"); RespClient c = s.client()) {
            c.call("SET", "a", "1");
            c.send(RespClient.encode(RespClient.args("SHUTDOWN")));
            assertTrue(c.closedByServer(10_000));
            assertEquals(Map.of("0 " + hex("a"), hex("1") + " 0"), TextFormat.read(dir.resolve("dump.rdb")));
        }
        Files.delete(dir.resolve("dump.rdb"));
        try (ServerFixture s = start(f, "--save", "3600 1"); RespClient c = s.client()) {
            c.call("SET", "a", "1");
            c.send(RespClient.encode(RespClient.args("SHUTDOWN", "NOSAVE")));
            assertTrue(c.closedByServer(10_000));
            assertFalse(Files.exists(dir.resolve("dump.rdb")));
        }
        try (ServerFixture s = start(f); RespClient c = s.client()) { // save "": only SHUTDOWN SAVE saves
            c.call("SET", "z", "9");
            c.send(RespClient.encode(RespClient.args("SHUTDOWN", "SAVE")));
            assertTrue(c.closedByServer(10_000));
            assertEquals(Map.of("0 " + hex("z"), hex("9") + " 0"), TextFormat.read(dir.resolve("dump.rdb")));
        }
    }

    @Test
    void sigtermSavesLikeShutdownAndAFailedSaveKeepsTheServerUp() throws Exception {
        TextFormat f = new TextFormat();
        Path sub = Files.createDirectory(dir.resolve("sig"));
        try (ServerFixture s = ServerFixture.start("--dir", sub.toString(), "--save", "3600 1");
                RespClient c = s.client()) {
            s.server().saver().format(f);
            c.call("SET", "a", "1");
            Files.delete(sub);
            s.server().shutdownOnSignal("TERM"); // the save fails: "can't exit"
            assertEquals("+PONG\r\n", c.callString("PING"));
            Files.createDirectory(sub);
            s.server().shutdownOnSignal("TERM");
            assertTrue(c.closedByServer(10_000));
            assertEquals(Map.of("0 " + hex("a"), hex("1") + " 0"), TextFormat.read(sub.resolve("dump.rdb")));
        }
    }

    @Test
    void shutdownKillsARunningBgsaveAndItsTempFileNeverReplacesTheFinalSave() throws Exception {
        TextFormat f = new TextFormat();
        try (ServerFixture s = start(f, "--save", "3600 1"); RespClient c = s.client()) {
            c.call("SET", "a", "old");
            CountDownLatch gate = new CountDownLatch(1);
            f.endGate = gate;
            assertEquals("+Background saving started\r\n", c.callString("BGSAVE"));
            c.call("SET", "a", "new");
            gate.countDown(); // may finish before or after the kill: either way SHUTDOWN's save wins
            c.send(RespClient.encode(RespClient.args("SHUTDOWN")));
            assertTrue(c.closedByServer(10_000));
            Thread.sleep(300);
            assertEquals(Map.of("0 " + hex("a"), hex("new") + " 0"), TextFormat.read(dir.resolve("dump.rdb")));
            assertFalse(Files.exists(dir.resolve("temp-bg-" + ServerLog.pid() + ".rdb")));
        }
    }

    @Test
    void flushallKillsTheBgsaveAndSavesTheEmptyDatasetWithSavePoints() throws Exception {
        TextFormat f = new TextFormat();
        try (ServerFixture s = start(f, "--save", "3600 1"); RespClient c = s.client()) {
            c.call("SET", "a", "1");
            CountDownLatch gate = new CountDownLatch(1);
            f.endGate = gate;
            assertEquals("+Background saving started\r\n", c.callString("BGSAVE"));
            assertEquals("+OK\r\n", c.callString("FLUSHALL"));
            gate.countDown();
            assertEquals("0", info(c, "rdb_bgsave_in_progress"));
            assertEquals(Map.of(), TextFormat.read(dir.resolve("dump.rdb")));
            assertEquals("ok", info(c, "rdb_last_bgsave_status"));
            assertEquals("+OK\r\n", c.callString("SET", "b", "1"));
        }
    }

    @Test
    void infoPersistenceHasRedis70sFieldsInOrder() throws Exception {
        Assumptions.assumeTrue(RedisProcess.available());
        try (ServerFixture s = start(new TextFormat()); RedisProcess r = RedisProcess.start();
                RespClient c = s.client(); RespClient rc = r.client()) {
            assertEquals(fieldNames(rc.callString("INFO", "persistence")), fieldNames(c.callString("INFO", "persistence")));
        }
    }

    private static List<String> fieldNames(String info) {
        List<String> out = new ArrayList<>();
        for (String l : info.split("\r\n")) {
            int i = l.indexOf(':');
            if (i > 0 && !l.startsWith("$")) {
                out.add(l.substring(0, i));
            }
        }
        return out;
    }
}
