package io.redmesh.node.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DEBUG against Redis 7.0.15 (both started with enable-debug-command yes): PROTOCOL's every type
 * in RESP2 and RESP3, the argument errors of each subcommand, DIGEST and DIGEST-VALUE equal to
 * redis-server's over a dataset of every type and encoding (so Redis's algorithm is matched, not
 * imitated), and RELOAD with its options keeping every type, TTL and database on both servers.
 * The subcommands RedMesh refuses (the crashing ones, JMAP) are checked on our node alone, as is
 * RELOAD NOFLUSH meeting a duplicate key (Redis stops the server there).
 */
class DebugCompatTest {
    private static Diff diff;

    @BeforeAll
    static void start() {
        diff = Diff.start("--enable-debug-command", "yes");
    }

    @AfterAll
    static void stop() {
        if (diff != null) {
            diff.close();
        }
    }

    @BeforeEach
    void flush() {
        try (Diff.Pair p = diff.pair()) {
            p.same("FLUSHALL");
        }
    }

    @Test
    void protocolTypesInBothProtocols() {
        String[] types = {"string", "integer", "double", "bignum", "null", "array", "set", "map", "attrib", "push",
            "verbatim", "true", "false", "nosuch", "STRING"};
        try (Diff.Pair p = diff.pair()) {
            for (String t : types) {
                p.soft("DEBUG", "PROTOCOL", t);
            }
            p.real.call("HELLO", "3");
            p.ours.call("HELLO", "3");
            for (String t : types) {
                if (t.equals("push")) {
                    p.sameRaw(Diff.bytes("DEBUG PROTOCOL push\r\n"), 2); // the push, then the real reply
                } else {
                    p.soft("DEBUG", "PROTOCOL", t);
                }
            }
            p.script("DEBUG PROTOCOL", "DEBUG PROTOCOL a b");
            p.verify();
        }
    }

    @Test
    void subcommandRepliesAndErrors() {
        try (Diff.Pair p = diff.pair()) {
            p.script("DEBUG LOG \"hello from the test\"", "DEBUG LOG", "DEBUG RELOAD FOO", "DEBUG RELOAD NOSAVE BAR",
                    "DEBUG QUICKLIST-PACKED-THRESHOLD 0", "DEBUG QUICKLIST-PACKED-THRESHOLD abc",
                    "DEBUG QUICKLIST-PACKED-THRESHOLD 5gb", "DEBUG QUICKLIST-PACKED-THRESHOLD 1mb",
                    "DEBUG QUICKLIST-PACKED-THRESHOLD 1.5", "DEBUG QUICKLIST-PACKED-THRESHOLD",
                    "DEBUG QUICKLIST-PACKED-THRESHOLD 0", "DEBUG LISTPACK nokey", "DEBUG QUICKLIST nokey",
                    "SET s 1", "DEBUG LISTPACK s", "DEBUG QUICKLIST s", "RPUSH l a b 3", "DEBUG QUICKLIST l",
                    "DEBUG QUICKLIST l 1", "DEBUG QUICKLIST l 1 2", "DEBUG LISTPACK l", "HSET h a 1 b 2",
                    "DEBUG LISTPACK h", "ZADD z 1 a 2.5 b", "DEBUG LISTPACK z", "DEBUG QUICKLIST z",
                    "SADD si 1 2 3", "DEBUG LISTPACK si", "DEBUG STRINGMATCH-TEST x",
                    "DEBUG STRINGMATCH-LEN", "DEBUG DIGEST x", "DEBUG CHANGE-REPL-ID", "DEBUG CHANGE-REPL-ID x",
                    "DEBUG OBJECT nokey", "DEBUG SLEEP 0", "DEBUG SET-ACTIVE-EXPIRE 1", "DEBUG NOSUCH", "DEBUG",
                    "DEBUG DIGEST-VALUE", "DEBUG DIGEST-VALUE nokey");
            p.real.call("HELLO", "3");
            p.ours.call("HELLO", "3");
            p.script("DEBUG DIGEST", "DEBUG DIGEST-VALUE s nokey", "DEBUG LISTPACK h", "DEBUG RELOAD FOO");
            p.verify();
        }
    }

    /** Our HELP lists what we implement, in Redis's words and order: each of its lines is one of Redis's. */
    @Test
    void helpIsRedisHelpForWhatIsImplemented() {
        try (Diff.Pair p = diff.pair()) {
            List<String> redis = lines(p.real.call("DEBUG", "HELP"));
            List<String> ours = lines(p.ours.call("DEBUG", "HELP"));
            int at = 0;
            for (String l : ours.subList(1, ours.size())) { // the array header differs with the count
                int found = redis.subList(at, redis.size()).indexOf(l);
                assertTrue(found >= 0, () -> "not in Redis's DEBUG HELP, or out of its order: " + l);
                at += found + 1;
            }
        }
    }

    @Test
    void digestsMatchRedisForEveryTypeAndEncoding() {
        try (Diff.Pair p = diff.pair()) {
            fill(p);
            for (String k : new String[] {"str", "int", "list", "intset", "set", "zsmall", "zbig", "hsmall", "hbig",
                "stream", "hll", "volatile"}) {
                p.soft("DEBUG", "DIGEST-VALUE", k);
            }
            p.verify();
            p.same("DEBUG", "DIGEST");
            p.same("DEBUG", "DIGEST-VALUE", "str", "int", "list", "intset", "set", "zsmall", "zbig", "hsmall", "hbig",
                    "stream", "hll", "volatile", "nokey");
            p.same("SELECT", "5");
            p.same("DEBUG", "DIGEST-VALUE", "other", "str");
            p.same("SELECT", "0");
            // order and membership both change a digest: a list reversed, a member removed
            p.same("LPUSH", "list", "new");
            p.same("SREM", "set", "m3");
            p.same("DEBUG", "DIGEST");
            p.same("FLUSHALL");
            p.same("DEBUG", "DIGEST");
        }
    }

    @Test
    void reloadKeepsEveryTypeTtlAndDatabase() {
        try (Diff.Pair p = diff.pair()) {
            fill(p);
            String before = p.same("DEBUG", "DIGEST");
            p.same("DEBUG", "RELOAD");
            assertEquals(before, p.same("DEBUG", "DIGEST"), "the dataset changed across DEBUG RELOAD");
            p.script("DBSIZE", "SELECT 5", "DBSIZE", "GET other", "SELECT 0", "TYPE stream", "XLEN stream",
                    "XINFO GROUPS stream", "OBJECT ENCODING zbig", "OBJECT ENCODING intset", "OBJECT ENCODING hsmall",
                    "TTL nokey", "PFCOUNT hll");
            long ttl = Long.parseLong(Diff.show(p.ours.call("PTTL", "volatile")).substring(1).trim());
            assertTrue(ttl > 900_000 && ttl <= 1_000_000, "TTL after RELOAD: " + ttl);
            // NOSAVE: what changed since the last save is gone; NOSAVE NOFLUSH MERGE adds the file to memory
            p.script("SET late 1", "DEL str", "DEBUG RELOAD NOSAVE", "EXISTS late", "EXISTS str", "DEL str",
                    "SET late2 2", "DEBUG RELOAD NOSAVE NOFLUSH MERGE", "EXISTS str", "EXISTS late2");
            p.soft("DEBUG", "DIGEST");
            p.verify();
        }
    }

    /** Where Redis would stop the server (NOFLUSH without MERGE, a key in both), ours refuses and keeps its data. */
    @Test
    void reloadNoflushWithADuplicateChangesNothing() {
        try (Diff.Pair p = diff.pair()) {
            p.ours.call("SET", "k", "disk");
            p.ours.call("DEBUG", "RELOAD");
            p.ours.call("SET", "k", "memory");
            p.ours.call("SET", "other", "x");
            assertEquals("-ERR Error trying to load the RDB dump, check server logs.\r\n",
                    Diff.show(p.ours.call("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH")));
            assertEquals("$6\r\nmemory\r\n", Diff.show(p.ours.call("GET", "k")));
            assertEquals("+OK\r\n", Diff.show(p.ours.call("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH", "MERGE")));
            assertEquals("$4\r\ndisk\r\n", Diff.show(p.ours.call("GET", "k")));
            assertEquals("$1\r\nx\r\n", Diff.show(p.ours.call("GET", "other")));
        }
    }

    /** RESTORE of a payload with a wrong CRC-64: refused, accepted while checks are skipped, refused again. */
    @Test
    void skipChecksumValidation() {
        try (Diff.Pair p = diff.pair()) {
            p.same("SET", "k", "some value");
            byte[] dump = p.real.call("DUMP", "k");
            String head = Diff.show(dump);
            byte[] payload = java.util.Arrays.copyOfRange(dump, head.indexOf("\r\n") + 2, dump.length - 2);
            payload[payload.length - 1] ^= 0x55; // the checksum's last byte
            byte[][] restore = {Diff.bytes("RESTORE"), Diff.bytes("k2"), Diff.bytes("0"), payload};
            assertEquals(Diff.show(p.real.call(restore)), Diff.show(p.ours.call(restore)));
            p.script("DEBUG SET-SKIP-CHECKSUM-VALIDATION 1");
            p.verify();
            assertEquals(Diff.show(p.real.call(restore)), Diff.show(p.ours.call(restore)));
            p.script("GET k2", "DEL k2", "DEBUG SET-SKIP-CHECKSUM-VALIDATION 0", "DEBUG SET-SKIP-CHECKSUM-VALIDATION");
            p.verify();
            assertEquals(Diff.show(p.real.call(restore)), Diff.show(p.ours.call(restore)));
        }
    }

    /** Redis runs ten million rounds (seconds on a loaded machine); ours at most a million, so it is checked alone. */
    @Test
    void stringmatchFuzzTestPasses() {
        try (Diff.Pair p = diff.pair()) {
            assertEquals("+Apparently Redis did not crash: test passed\r\n",
                    Diff.show(p.ours.call("DEBUG", "STRINGMATCH-TEST")));
        }
    }

    @Test
    void crashingSubcommandsAreRefusedAndTheNodeStaysUp() {
        try (Diff.Pair p = diff.pair()) {
            for (String sub : new String[] {"SEGFAULT", "PANIC", "OOM", "ASSERT", "RESTART", "CRASH-AND-RECOVER", "JMAP"}) {
                String reply = Diff.show(p.ours.call("DEBUG", sub));
                assertTrue(reply.startsWith("-ERR DEBUG " + sub + " is refused"), reply);
                assertEquals("+PONG\r\n", Diff.show(p.ours.call("PING")));
            }
        }
    }

    /** One key of each type and encoding Redis distinguishes, a TTL, and a second database. */
    private static void fill(Diff.Pair p) {
        p.script("SET str hello", "SET int 12345", "RPUSH list a b 1 -7 \"\"", "SADD intset 1 2 3 -100",
                "SADD set m1 m2 m3 4", "ZADD zsmall 1 a 0.1 b -inf c 1e300 d", "CONFIG SET zset-max-listpack-entries 2",
                "ZADD zbig 1 a 0.1 b 2.5 c 3 d", "CONFIG SET zset-max-listpack-entries 128",
                "HSET hsmall f1 v1 f2 2", "CONFIG SET hash-max-listpack-entries 2", "HSET hbig a 1 b 2 c 3",
                "CONFIG SET hash-max-listpack-entries 128", "XADD stream 1-1 f v", "XADD stream 2-5 f v2 g w",
                "XADD stream 3-0 x y", "XDEL stream 2-5", "XGROUP CREATE stream g 0", "PFADD hll a b c",
                "SET volatile v EX 1000", "SELECT 5", "SET other x", "SET str y", "SELECT 0");
        p.verify();
    }

    private static List<String> lines(byte[] reply) {
        List<String> out = new ArrayList<>();
        for (String l : new String(reply, java.nio.charset.StandardCharsets.ISO_8859_1).split("\r\n")) {
            out.add(l);
        }
        return out;
    }
}
