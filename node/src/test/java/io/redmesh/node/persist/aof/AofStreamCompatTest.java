package io.redmesh.node.persist.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The incr file byte for byte against Redis 7.0.15's for the same requests: SELECT on database
 * change, MULTI/EXEC around a transaction's writes (none for a single write), rewritten commands
 * (EXPIREAT as PEXPIREAT, INCRBYFLOAT as SET KEEPTTL, blocking pops as pops), lazily expired keys
 * as DEL. Only deterministic requests (no relative TTLs, no random pops).
 */
class AofStreamCompatTest {
    private static final List<String[]> SCRIPT = List.of(
            new String[] {"SET", "a", "1"},
            new String[] {"set", "b", "2"},
            new String[] {"GET", "a"},
            new String[] {"SET", "a", "1", "NX"},
            new String[] {"MULTI"}, new String[] {"INCR", "a"}, new String[] {"INCR", "b"}, new String[] {"EXEC"},
            new String[] {"MULTI"}, new String[] {"INCR", "a"}, new String[] {"GET", "b"}, new String[] {"EXEC"},
            new String[] {"MULTI"}, new String[] {"GET", "a"}, new String[] {"EXEC"},
            new String[] {"MULTI"}, new String[] {"SET", "x", "0"}, new String[] {"SELECT", "2"},
            new String[] {"SET", "y", "2"}, new String[] {"EXEC"},
            new String[] {"SET", "z", "in2"},
            new String[] {"SELECT", "0"},
            new String[] {"EXPIREAT", "a", "4102444800"},
            new String[] {"PEXPIREAT", "b", "4102444800000"},
            new String[] {"SET", "c", "v", "PXAT", "4102444800000"},
            new String[] {"PERSIST", "a"},
            new String[] {"INCRBYFLOAT", "f", "2.5"},
            new String[] {"HINCRBYFLOAT", "h", "x", "1.25"},
            new String[] {"RPUSH", "l", "1", "2", "3"},
            new String[] {"BLPOP", "l", "0"},
            new String[] {"BRPOPLPUSH", "l", "l2", "0"},
            new String[] {"DEL", "nosuchkey"},
            new String[] {"SET", "old", "v", "PXAT", "1000"},
            new String[] {"GET", "old"},
            new String[] {"EXPIREAT", "c", "1"},
            new String[] {"ZADD", "zs", "1", "a", "2", "b"},
            new String[] {"ZINCRBY", "zs", "1.5", "a"},
            new String[] {"BZPOPMIN", "zs", "0"},
            new String[] {"SADD", "s", "a"},
            new String[] {"SREM", "s", "a"},
            new String[] {"MSET", "m1", "1", "m2", "2"},
            new String[] {"RENAME", "m1", "m3"},
            new String[] {"EXPIRE", "m2", "-5"},
            new String[] {"GETEX", "b", "PXAT", "4102444800000"},
            new String[] {"GETEX", "b", "PERSIST"},
            new String[] {"GETDEL", "b"},
            new String[] {"RPUSH", "l3", "a", "b", "c", "d"},
            new String[] {"LMPOP", "1", "l3", "LEFT", "COUNT", "2"},
            new String[] {"LMOVE", "l3", "l4", "LEFT", "RIGHT"},
            new String[] {"ZADD", "zz", "1", "a", "2", "b", "3", "c"},
            new String[] {"ZMPOP", "1", "zz", "MIN", "COUNT", "2"},
            new String[] {"HSET", "hh", "a", "1"},
            new String[] {"HDEL", "hh", "a"},
            new String[] {"SETRANGE", "sr", "2", "xy"},
            new String[] {"PEXPIRE", "sr", "0"},
            // bit commands propagate as themselves, and only when something changed
            new String[] {"SETBIT", "bm", "7", "1"},
            new String[] {"SETBIT", "bm", "7", "1"},
            new String[] {"SETBIT", "bm", "40000", "0"},
            new String[] {"BITFIELD", "bf", "SET", "u8", "0", "200", "INCRBY", "u8", "0", "100", "GET", "u4", "0"},
            new String[] {"BITFIELD", "bf", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "255"},
            new String[] {"BITFIELD", "bf", "INCRBY", "i8", "#1", "0"},
            new String[] {"BITFIELD_RO", "bf", "GET", "u8", "0"},
            new String[] {"BITOP", "OR", "bo", "bm", "bf"},
            new String[] {"BITOP", "AND", "bo2", "nokey"},
            new String[] {"BITOP", "NOT", "bo", "nokey"},
            new String[] {"GETBIT", "bm", "7"},
            // PFCOUNT's cache update propagates although the command is read-only; a cached count does not
            new String[] {"PFADD", "hll", "a", "b", "c"},
            new String[] {"PFADD", "hll", "a"},
            new String[] {"PFCOUNT", "hll"},
            new String[] {"PFCOUNT", "hll"},
            new String[] {"PFCOUNT", "hll", "nokey"},
            new String[] {"PFMERGE", "hll2", "hll"},
            new String[] {"PFDEBUG", "TODENSE", "hll2"},
            new String[] {"PFDEBUG", "TODENSE", "hll2"},
            new String[] {"PFDEBUG", "ENCODING", "hll"},
            new String[] {"FLUSHDB"});

    private Path ourDir;
    private Path realDir;

    @BeforeEach
    void setUp() throws Exception {
        ourDir = AofTestSupport.tempDir("aof-stream-ours");
        realDir = AofTestSupport.tempDir("aof-stream-real");
    }

    @AfterEach
    void tearDown() {
        AofTestSupport.deleteTree(ourDir);
        AofTestSupport.deleteTree(realDir);
    }

    @Test
    void incrFileMatchesRedis() throws Exception {
        Assumptions.assumeTrue(RedisProcess.available());
        String[] directives = {"--appendonly", "yes", "--aof-use-rdb-preamble", "no", "--appendfsync", "always"};
        try (ServerFixture node = ServerFixture.start(concat(new String[] {"--dir", ourDir.toString()}, directives));
             RedisProcess real = RedisProcess.start(concat(new String[] {"--dir", realDir.toString()}, directives));
             RespClient o = node.client();
             RespClient r = real.client()) {
            for (String[] cmd : SCRIPT) {
                assertEquals(r.callString(cmd), o.callString(cmd), String.join(" ", cmd));
            }
            assertEquals(read(realDir), read(ourDir));
        }
    }

    @Test
    void activelyExpiredAndEvictedKeysBecomeDel() throws Exception {
        try (ServerFixture node = ServerFixture.start("--dir", ourDir.toString(), "--appendonly", "yes",
                "--aof-use-rdb-preamble", "no", "--hz", "100");
             RespClient c = node.client()) {
            c.callString("SET", "short", "v", "PX", "20");
            String aof = "";
            for (int i = 0; i < 100 && !aof.contains("DEL $5 short"); i++) {
                Thread.sleep(50); // the cron's active expiry, never touched by a client
                aof = read(ourDir);
            }
            org.junit.jupiter.api.Assertions.assertTrue(aof.contains("*2 $3 DEL $5 short "), aof);
            // eviction: with a tiny maxmemory every write evicts the other key
            c.callString("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
            c.callString("SET", "victim", "x".repeat(1000));
            c.callString("CONFIG", "SET", "maxmemory", "1");
            c.callString("SET", "other", "y");
            c.callString("CONFIG", "SET", "maxmemory", "0");
            org.junit.jupiter.api.Assertions.assertTrue(read(ourDir).contains("*2 $3 DEL $6 victim "), read(ourDir));
        }
    }

    static String read(Path dir) throws Exception {
        return new String(Files.readAllBytes(dir.resolve("appendonlydir/appendonly.aof.1.incr.aof")),
                StandardCharsets.ISO_8859_1).replace("\r\n", " ");
    }

    static String[] concat(String[] a, String[] b) {
        String[] r = new String[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
