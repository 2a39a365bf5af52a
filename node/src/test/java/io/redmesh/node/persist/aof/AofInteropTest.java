package io.redmesh.node.persist.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Our appendonlydir against Redis 7.0.15's tools: redis-check-aof accepts it, a real
 * redis-server loads the same data from it, and we load what a real redis-server wrote.
 */
class AofInteropTest {
    private Path dir;

    @BeforeEach
    void setUp() throws Exception {
        dir = AofTestSupport.tempDir("aof-interop");
    }

    @AfterEach
    void tearDown() {
        AofTestSupport.deleteTree(dir);
    }

    @Test
    void ourAofIsValidForRedisCheckAofAndLoadsInRealRedis() throws Exception {
        String ours;
        try (ServerFixture node = ServerFixture.start("--dir", dir.toString(), "--appendonly", "yes",
                "--aof-use-rdb-preamble", "no");
             RespClient c = node.client()) {
            AofTestSupport.populate(c);
            ours = AofTestSupport.dataset(c);
        }
        Path manifest = dir.resolve("appendonlydir/appendonly.aof.manifest");
        assertEquals("file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n",
                Files.readString(manifest));
        Assumptions.assumeTrue(RedisProcess.available());
        String[] check = AofTestSupport.run("redis-check-aof", manifest.toString());
        assertEquals("0", check[0], check[1]);
        assertTrue(check[1].contains("is valid"), check[1]);

        try (ServerFixture again = ServerFixture.start("--dir", dir.toString(), "--appendonly", "yes");
             RespClient c = again.client()) {
            assertEquals(ours, AofTestSupport.dataset(c));
        }
        try (RedisProcess real = RedisProcess.start("--dir", dir.toString(), "--appendonly", "yes");
             RespClient c = real.client()) {
            assertEquals(ours, AofTestSupport.dataset(c));
        }
    }

    @Test
    void timestampAnnotationsAreWrittenAndSkipped() throws Exception {
        try (ServerFixture node = ServerFixture.start("--dir", dir.toString(), "--appendonly", "yes",
                "--aof-timestamp-enabled", "yes", "--aof-use-rdb-preamble", "no");
             RespClient c = node.client()) {
            c.callString("SET", "a", "1");
            c.callString("BGREWRITEAOF");
            waitRewrite(c);
            c.callString("SET", "b", "2");
        }
        Path aofDir = dir.resolve("appendonlydir");
        assertTrue(Files.readString(aofDir.resolve("appendonly.aof.2.base.aof")).startsWith("#TS:"));
        // (the incr file gets one when the second changes; the first one went to history)
        if (RedisProcess.available()) {
            String[] check = AofTestSupport.run("redis-check-aof", aofDir.resolve("appendonly.aof.manifest").toString());
            assertEquals("0", check[0], check[1]);
        }
        try (ServerFixture again = ServerFixture.start("--dir", dir.toString(), "--appendonly", "yes");
             RespClient c = again.client()) {
            assertEquals("$1\r\n2\r\n", c.callString("GET", "b"));
            assertEquals("$1\r\n1\r\n", c.callString("GET", "a"));
        }
    }

    @Test
    void weLoadWhatRealRedisWrote() throws Exception {
        Assumptions.assumeTrue(RedisProcess.available());
        String theirs;
        try (RedisProcess real = RedisProcess.start("--dir", dir.toString(), "--appendonly", "yes",
                "--aof-use-rdb-preamble", "no");
             RespClient c = real.client()) {
            AofTestSupport.populate(c);
            // a rewrite too, so the base holds data and incr files continue after it
            c.callString("BGREWRITEAOF");
            waitRewrite(c);
            c.callString("SET", "after-rewrite", "1");
            c.callString("RPUSH", "biglist", "tail");
            theirs = AofTestSupport.dataset(c);
        }
        try (ServerFixture node = ServerFixture.start("--dir", dir.toString(), "--appendonly", "yes");
             RespClient c = node.client()) {
            assertEquals(theirs, AofTestSupport.dataset(c));
        }
    }

    @Test
    void infoPersistenceFieldsAsRedisWithAofOn() throws Exception {
        Assumptions.assumeTrue(RedisProcess.available());
        Path other = AofTestSupport.tempDir("aof-info-real");
        try (ServerFixture node = ServerFixture.start("--dir", dir.toString(), "--appendonly", "yes");
             RedisProcess real = RedisProcess.start("--dir", other.toString(), "--appendonly", "yes");
             RespClient o = node.client();
             RespClient r = real.client()) {
            assertEquals(fieldNames(r.callString("INFO", "persistence")), fieldNames(o.callString("INFO", "persistence")));
            assertTrue(o.callString("INFO", "persistence").contains("aof_enabled:1"));
        } finally {
            AofTestSupport.deleteTree(other);
        }
    }

    private static java.util.List<String> fieldNames(String info) {
        java.util.List<String> names = new java.util.ArrayList<>();
        for (String l : info.split("\r\n")) {
            int colon = l.indexOf(':');
            if (colon > 0 && !l.startsWith("$")) {
                names.add(l.substring(0, colon));
            }
        }
        return names;
    }

    /** RDB bases need the RDB module; these tests run once it is on the branch. */
    static boolean rdbAvailable() {
        try {
            Class.forName("io.redmesh.node.persist.rdb.RdbWriter");
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    @Test
    void rdbPreambleBaseBothWays() throws Exception {
        Assumptions.assumeTrue(rdbAvailable() && RedisProcess.available());
        String ours;
        try (ServerFixture node = ServerFixture.start("--dir", dir.toString(), "--appendonly", "yes");
             RespClient c = node.client()) {
            AofTestSupport.populate(c);
            assertEquals("+Background append only file rewriting started\r\n", c.callString("BGREWRITEAOF"));
            waitRewrite(c);
            c.callString("SET", "after", "rewrite");
            ours = AofTestSupport.dataset(c);
        }
        Path manifest = dir.resolve("appendonlydir/appendonly.aof.manifest");
        assertEquals("file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n",
                Files.readString(manifest));
        String[] check = AofTestSupport.run("redis-check-aof", manifest.toString());
        assertEquals("0", check[0], check[1]);
        try (RedisProcess real = RedisProcess.start("--dir", dir.toString(), "--appendonly", "yes");
             RespClient c = real.client()) {
            assertEquals(ours, AofTestSupport.dataset(c));
        }
        AofTestSupport.deleteTree(dir.resolve("appendonlydir"));
        String theirs;
        try (RedisProcess real = RedisProcess.start("--dir", dir.toString(), "--appendonly", "yes");
             RespClient c = real.client()) {
            AofTestSupport.populate(c);
            c.callString("BGREWRITEAOF");
            waitRewrite(c);
            c.callString("SET", "after", "rewrite");
            theirs = AofTestSupport.dataset(c);
        }
        try (ServerFixture node = ServerFixture.start("--dir", dir.toString(), "--appendonly", "yes");
             RespClient c = node.client()) {
            assertEquals(theirs, AofTestSupport.dataset(c));
        }
    }

    static void waitRewrite(RespClient c) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            String info = c.callString("INFO", "persistence");
            if (info.contains("aof_rewrite_in_progress:0") && info.contains("aof_rewrite_scheduled:0")) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("rewrite did not finish");
    }
}
