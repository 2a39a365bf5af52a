package io.redmesh.node.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Function libraries outlive a restart as in Redis 7.0: the RDB's function section both ways
 * between redis-server and RedMesh (and redis-check-rdb accepts ours), and the AOF (FUNCTION
 * LOAD propagated; a rewrite writes them in its RDB preamble or as FUNCTION LOAD commands).
 */
class FunctionPersistenceTest {
    static final String LIB1 = "#!lua name=lib1\n"
            + "redis.register_function('incr_by', function(keys, args) return redis.call('incrby', keys[1], args[1]) end)\n"
            + "redis.register_function{function_name='ro_get', description='reads a key, a description long enough',"
            + " callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}}";
    static final String LIB2 = "#!lua name=lib2\nredis.register_function('hello', function() return 'hello' end)";

    @TempDir
    Path dir;

    @BeforeEach
    void needRedis() {
        Assumptions.assumeTrue(RedisProcess.available(), "redis-server not installed");
    }

    static void loadBoth(RespClient c) {
        assertEquals("$4\r\nlib1\r\n", c.callString("FUNCTION", "LOAD", LIB1));
        assertEquals("$4\r\nlib2\r\n", c.callString("FUNCTION", "LOAD", LIB2));
        assertEquals(":5\r\n", c.callString("FCALL", "incr_by", "1", "n", "5"));
    }

    /** The libraries are there, with their code and flags, and run. */
    static void assertLoaded(RespClient c) {
        String lib1 = c.callString("FUNCTION", "LIST", "LIBRARYNAME", "lib1", "WITHCODE");
        assertTrue(lib1.contains(LIB1) && lib1.contains("+no-writes") && lib1.contains("a description long enough"), lib1);
        assertTrue(c.callString("FUNCTION", "LIST", "LIBRARYNAME", "lib2", "WITHCODE").contains(LIB2));
        assertEquals(":7\r\n", c.callString("FCALL", "incr_by", "1", "n", "2"));
        assertEquals("$1\r\n7\r\n", c.callString("FCALL_RO", "ro_get", "1", "n"));
        assertEquals("$5\r\nhello\r\n", c.callString("FCALL", "hello", "0"));
    }

    @Test
    void rdbFromRedisLoadsHereAndOursLoadsInRedis() throws Exception {
        try (RedisProcess real = RedisProcess.start("--dir", dir.toString(), "--dbfilename", "real.rdb");
             RespClient c = real.client()) {
            loadBoth(c);
            assertEquals("+OK\r\n", c.callString("SAVE"));
        }
        try (ServerFixture ours = ServerFixture.start("--dir", dir.toString(), "--dbfilename", "real.rdb");
             RespClient c = ours.client()) {
            assertLoaded(c);
            c.call("SET", "n", "5");
            assertEquals("+OK\r\n", c.callString("SAVE"));
        }
        checkRdb(dir.resolve("real.rdb"));
        try (RedisProcess real = RedisProcess.start("--dir", dir.toString(), "--dbfilename", "real.rdb");
             RespClient c = real.client()) {
            assertLoaded(c);
        }
    }

    @Test
    void aofReplaysFunctionLoadAndRewritesKeepThem() throws Exception {
        String[] aof = {"--dir", dir.toString(), "--appendonly", "yes"};
        try (ServerFixture ours = ServerFixture.start(aof); RespClient c = ours.client()) {
            loadBoth(c);
            assertEquals("$4\r\nlib3\r\n", c.callString("FUNCTION", "LOAD",
                    "#!lua name=lib3\nredis.register_function('gone', function() return 1 end)"));
            assertEquals("+OK\r\n", c.callString("FUNCTION", "DELETE", "lib3"));
        }
        try (ServerFixture ours = ServerFixture.start(aof); RespClient c = ours.client()) {
            assertLoaded(c);
            assertEquals("-ERR Function not found\r\n", c.callString("FCALL", "gone", "0"));
            c.call("SET", "n", "5");
            rewrite(c);
        }
        try (ServerFixture ours = ServerFixture.start(aof); RespClient c = ours.client()) {
            assertLoaded(c); // from the RDB preamble of the rewritten base
            c.call("SET", "n", "5");
            c.call("CONFIG", "SET", "aof-use-rdb-preamble", "no");
            rewrite(c);
        }
        try (ServerFixture ours = ServerFixture.start(aof); RespClient c = ours.client()) {
            assertLoaded(c); // from the FUNCTION LOAD commands of the rewritten base
        }
    }

    private static void rewrite(RespClient c) throws InterruptedException {
        c.call("BGREWRITEAOF");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            String info = c.callString("INFO", "persistence");
            if (info.contains("aof_rewrite_in_progress:0") && !info.contains("aof_rewrite_scheduled:1")) {
                return;
            }
            Thread.sleep(50);
        }
        fail("BGREWRITEAOF did not finish within 20 s");
    }

    private static void checkRdb(Path file) throws Exception {
        Process p = new ProcessBuilder("redis-check-rdb", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("Checksum OK"), out);
    }
}
