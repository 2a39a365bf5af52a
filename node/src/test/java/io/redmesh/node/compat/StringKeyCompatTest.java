package io.redmesh.node.compat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * String and generic key commands against Redis 7.0, edge cases and every error text: SET's
 * option combinations, expiry overflow, GETEX, INCR overflow, INCRBYFLOAT's long double results,
 * GETRANGE/SETRANGE limits, LCS, EXPIRE conditions, TTLs, RENAME/COPY/MOVE, SCAN, OBJECT.
 */
class StringKeyCompatTest {
    private static Diff diff;

    @BeforeAll
    static void start() {
        diff = Diff.start();
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
    void setOptions() {
        try (Diff.Pair p = diff.pair()) {
            p.script("SET k v NX XX", "SET k v XX NX", "SET k v EX 10 PX 100", "SET k v EX 10 KEEPTTL",
                    "SET k v KEEPTTL EX 10", "SET k v EX", "SET k v EX 0", "SET k v EX -1", "SET k v EX abc",
                    "SET k v PX 0", "SET k v EX 9223372036854775807", "SET k v PX 9223372036854775807",
                    "SET k v EXAT 9223372036854775807", "SET k v PXAT 9223372036854775807",
                    "SET k v EX 9223372036854776", "SET k v EX 9223372036854775", "SET k v EX abc EX 10",
                    "SET k v EX abc FOO", "SET k v EX 10 EX 10", "TTL k", "SET k v EX 10 PX 20000", "SET k v PX 20000 EX 5 NX",
                    "SET k v NX NX GET GET", "SET k v KEEPTTL KEEPTTL", "TTL k", "SET k v EXAT 1", "GET k",
                    "SET k v PXAT 1 GET", "SET k v GET", "SET k v2 NX GET", "SET k v3 XX GET", "SET nk v XX GET",
                    "SET nk v NX GET", "SET k v FOO", "SET k v PERSIST", "SET k v ex 10 px 10", "SET k v EXAT 1 EXAT",
                    "SET k", "SET k v KEEPTTL", "TTL k", "SET k v EX 100", "SET k w KEEPTTL", "TTL k", "SET k w",
                    "TTL k", "SETEX k 0 v", "SETEX k -5 v", "SETEX k abc v", "SETEX k 9223372036854775807 v",
                    "SETEX k 10 v", "TTL k", "PSETEX k 0 v", "PSETEX k 9223372036854775807 v", "PSETEX k 100000 v",
                    "TTL k", "SETNX k x", "SETNX new1 x", "SETNX a b c", "SETEX a 10", "GETSET nokey x",
                    "GETSET nokey y", "GETSET a", "MSET a", "MSET a 1 b", "MSETNX a 1 b", "MSET a 1 b 2",
                    "MSETNX a 1 c 3", "MSETNX c 1 d 3", "MGET a b c d nokey", "MGET", "GETDEL a", "GETDEL a",
                    "GETDEL");
            p.verify();
        }
    }

    @Test
    void getex() {
        try (Diff.Pair p = diff.pair()) {
            p.script("SET k v", "GETEX k PERSIST EX 10", "GETEX k EX 10 PERSIST", "GETEX k EX 0", "GETEX k PX -1",
                    "GETEX k FOO", "GETEX k KEEPTTL", "GETEX k NX", "GETEX k GET", "GETEX k EX abc FOO",
                    "GETEX nokey EX abc", "GETEX nokey EX 10", "GETEX k EX 9223372036854775807",
                    "GETEX k EX 9223372036854775", "GETEX k EX 10 EX 20", "TTL k", "GETEX k PERSIST PERSIST", "TTL k",
                    "GETEX k PX 50000", "TTL k", "GETEX k", "GETEX k EXAT 99999999999", "EXPIRETIME k",
                    "GETEX k PXAT 99999999999000", "PEXPIRETIME k", "GETEX k EXAT 1", "EXISTS k", "GETEX",
                    "SET k v", "GETEX k PXAT 1", "EXISTS k");
            p.verify();
        }
    }

    @Test
    void counters() {
        try (Diff.Pair p = diff.pair()) {
            p.script("INCR nokeyx", "DECR nokeyx", "INCRBY nokeyx 9223372036854775807", "INCRBY nokeyx 1",
                    "DECRBY nokeyy -9223372036854775808", "DECRBY nokeyy 9223372036854775808",
                    "INCRBY nokeyz -9223372036854775808", "DECR nokeyz", "SET n 9223372036854775807", "INCR n",
                    "INCRBY n -1", "DECRBY n -9223372036854775808", "DECRBY n 9223372036854775807",
                    "SET n -9223372036854775808", "DECR n", "INCRBY n abc", "INCRBY n 1.5", "INCRBY n",
                    "SET n \" 1\"", "INCR n", "SET n \"1 \"", "INCR n", "SET n 01", "INCR n", "SET n +1", "INCR n",
                    "SET n \"\"", "INCR n", "SET n 123456789012345678901", "INCR n", "SET n 1.5", "INCR n",
                    "SET n -0", "INCR n", "SET n 10", "INCRBY n -20", "DECRBY n 5", "DECRBY n -5", "GET n");
            p.verify();
        }
    }

    @Test
    void incrbyfloatLongDouble() {
        try (Diff.Pair p = diff.pair()) {
            p.script("SET f 10.5", "INCRBYFLOAT f 0.1", "SET f 3.0e3", "INCRBYFLOAT f 1", "SET f 5.0e-20",
                    "INCRBYFLOAT f 0", "INCRBYFLOAT f abc", "INCRBYFLOAT f nan", "INCRBYFLOAT f inf",
                    "INCRBYFLOAT f -inf", "INCRBYFLOAT f 1e5000", "SET f 1e308", "INCRBYFLOAT f 1e308",
                    "INCRBYFLOAT a 0x10", "INCRBYFLOAT a 0x1.8p3", "INCRBYFLOAT a 0x", "INCRBYFLOAT a 0x1p",
                    "INCRBYFLOAT b 123456789012345678901234567890", "INCRBYFLOAT c 0.1", "INCRBYFLOAT c 0.2",
                    "INCRBYFLOAT c 0.3", "INCRBYFLOAT d 1e-400", "INCRBYFLOAT d 1e-4940", "INCRBYFLOAT d 1e-5000",
                    "INCRBYFLOAT e -1e-20", "INCRBYFLOAT g \"1\\x00abc\"", "INCRBYFLOAT h \"\\x00\"",
                    "INCRBYFLOAT i \" 1\"", "INCRBYFLOAT i \"1 \"", "INCRBYFLOAT i \"\"", "INCRBYFLOAT i +1",
                    "INCRBYFLOAT i +", "INCRBYFLOAT i .", "INCRBYFLOAT i 5.", "INCRBYFLOAT i .5", "INCRBYFLOAT i 1e",
                    "INCRBYFLOAT i 1e+2", "INCRBYFLOAT i INFINITY", "INCRBYFLOAT j 3.3333333333333333333333",
                    "INCRBYFLOAT j -3.3333333333333333333333", "INCRBYFLOAT k 9999999999999999999.99999",
                    "INCRBYFLOAT l 1.18973149535723176502e4932", "INCRBYFLOAT l 1e4932", "INCRBYFLOAT m 1e16",
                    "INCRBYFLOAT m 0.5", "INCRBYFLOAT m 1e-17", "SET n 5", "INCRBYFLOAT n 1", "OBJECT ENCODING n",
                    "OBJECT REFCOUNT n", "INCRBYFLOAT nokey", "INCRBYFLOAT f 1 2");
            p.verify();
        }
    }

    @Test
    void ranges() {
        try (Diff.Pair p = diff.pair()) {
            p.script("SET s hello", "GETRANGE s 0 -1", "GETRANGE s -100 100", "GETRANGE s 3 1", "GETRANGE s -1 -3",
                    "GETRANGE s 5 10", "GETRANGE s 4 4", "GETRANGE s 0 abc", "GETRANGE s -3 -1", "GETRANGE s 1 -100",
                    "GETRANGE s -100 -100", "GETRANGE s 9223372036854775807 9223372036854775807",
                    "GETRANGE s -9223372036854775808 -9223372036854775808", "GETRANGE nokey 0 -1", "SUBSTR s 1 2",
                    "SET e \"\"", "GETRANGE e 0 -1", "GETRANGE e -1 0", "SETRANGE s -1 x", "SETRANGE s 0 \"\"",
                    "SETRANGE s 10 x", "GET s", "SETRANGE s abc x", "SETRANGE s 9223372036854775807 x",
                    "SETRANGE s 9223372036854775807 \"\"", "SETRANGE nks 9223372036854775807 x",
                    "SETRANGE nks 536870912 x", "SETRANGE nks 536870911 \"\"", "EXISTS nks", "SETRANGE nks 3 ab",
                    "GET nks", "APPEND s 123", "STRLEN s", "STRLEN nokey", "APPEND nk \"\"", "EXISTS nk", "STRLEN nk");
            p.verify();
        }
    }

    @Test
    void lcs() {
        try (Diff.Pair p = diff.pair()) {
            p.script("SET a ohmytext", "SET b mynewtext", "LCS a b", "LCS a b LEN", "LCS a b IDX",
                    "LCS a b IDX MINMATCHLEN 4", "LCS a b IDX MINMATCHLEN 4 WITHMATCHLEN", "LCS a b IDX WITHMATCHLEN",
                    "LCS a b LEN IDX", "LCS a b IDX LEN", "LCS a b MINMATCHLEN", "LCS a b MINMATCHLEN abc",
                    "LCS a b MINMATCHLEN -5 IDX", "LCS a b FOO", "LCS a nokey", "LCS nokey nokey2",
                    "LCS nokey nokey2 IDX", "LCS a b LEN LEN", "LCS a b WITHMATCHLEN", "LCS a", "SET x ABCBDAB",
                    "SET y BDCABA", "LCS x y IDX WITHMATCHLEN", "LCS y x IDX WITHMATCHLEN", "SET x aaaaaaaaaa",
                    "SET y aaaa", "LCS x y IDX WITHMATCHLEN", "LCS x y", "SET x \"\\x00\\xff\\x00\"", "SET y \"\\xff\"",
                    "LCS x y IDX");
            p.verify();
            p.sameNormalized(ConnectionCompatTest.NO_ID, "HELLO", "3");
            p.script("LCS a b IDX WITHMATCHLEN", "LCS a b IDX MINMATCHLEN 4", "LCS a b LEN");
            p.verify();
        }
    }

    @Test
    void expiry() {
        try (Diff.Pair p = diff.pair()) {
            p.script("SET a 1", "SET b 2", "EXPIRE a 100 NX XX", "EXPIRE a 100 GT LT", "EXPIRE a 100 FOO",
                    "EXPIRE a abc", "EXPIRE a 100 NX GT", "EXPIRE a 9223372036854775807", "EXPIRE a 9223372036854775",
                    "EXPIRE a 9223372036854775 NX", "PEXPIRE a 9223372036854775807", "PEXPIREAT a 9223372036854775807",
                    "EXPIREAT a 9223372036854775807", "EXPIRE a -9223372036854775808", "EXPIRE nokey 100",
                    "EXPIRE nokey abc", "EXPIRE a 100 XX", "EXPIRE a 100 NX", "EXPIRE a 50 GT", "EXPIRE a 200 GT",
                    "EXPIRE a 300 LT", "EXPIRE a 100 LT", "TTL a", "EXPIRE b 100 GT", "EXPIRE b 100 LT", "TTL b",
                    "PERSIST b", "PERSIST b", "PERSIST nokey", "TTL nokey", "PTTL nokey", "EXPIRETIME nokey",
                    "PEXPIRETIME nokey", "EXPIRETIME b", "PEXPIRETIME b", "EXPIREAT b 99999999999", "EXPIRETIME b",
                    "PEXPIRETIME b", "PEXPIREAT b 99999999999999", "EXPIRETIME b", "TTL b", "EXPIRE b 0", "EXISTS b",
                    "SET b 2", "EXPIRE b -10", "EXISTS b", "SET b 2", "PEXPIREAT b 1", "EXISTS b", "SET c 3",
                    "PEXPIRE c 100000000", "TTL c", "EXPIRE c 10 lt", "TTL", "TTL a b", "PERSIST", "EXPIRE a");
            p.verify();
        }
    }

    @Test
    void renameCopyMove() {
        try (Diff.Pair p = diff.pair()) {
            p.script("SET a 1", "RENAME nokey x", "RENAME a a", "RENAMENX a a", "RENAMENX nokey x", "RENAME nokey nokey",
                    "EXPIRE a 100", "RENAME a b", "TTL b", "EXISTS a", "SET c 3", "RENAMENX b c", "RENAMENX b d", "TTL d",
                    "COPY d e", "COPY d e", "COPY d e REPLACE", "COPY d d", "COPY d e DB", "COPY d e DB abc",
                    "COPY d e DB 100", "COPY d e DB -1", "COPY d e DB 99999999999", "COPY d e DB 1",
                    "COPY d e DB 1 REPLACE FOO", "COPY d d DB 1 REPLACE", "COPY d d DB 0", "COPY nokey z", "TTL e",
                    "MOVE d 0", "MOVE d 100", "MOVE d abc", "MOVE d -1", "MOVE d 99999999999", "MOVE d 1", "MOVE nokey 1",
                    "MOVE c 1", "SET c 4", "MOVE c 1", "SELECT 1", "GET c", "GET d", "TTL d", "GET e", "SELECT 0",
                    "RENAME", "COPY a", "MOVE a");
            p.verify();
        }
    }

    @Test
    void keysScanTypeObject() {
        try (Diff.Pair p = diff.pair()) {
            p.script("MSET k1 a k2 b k3 c xx d", "SCAN abc", "SCAN 18446744073709551616",
                    "SCAN -18446744073709551616", "SCAN \" 0\"", "SCAN +", "SCAN -", "SCAN 1x", "SCAN 0 COUNT 0",
                    "SCAN 0 COUNT -1", "SCAN 0 COUNT abc", "SCAN 0 MATCH", "SCAN 0 TYPE", "SCAN 0 FOO bar",
                    "SCAN 0 COUNT 10 FOO", "TYPE k1", "TYPE nokey", "KEYS", "KEYS a b", "KEYS nomatch*", "EXISTS k1 k1 no",
                    "TOUCH k1 k2 nokey", "DEL", "DEL k1 k1", "UNLINK k2 nokey", "RANDOMKEY x");
            p.verify();
            p.sameUnordered("KEYS", "*");
            p.sameUnordered("KEYS", "k?");
            for (String cursor : new String[] {"0", "+0", "", "00", "-0", "0\u0000x"}) {
                p.sameUnordered("SCAN", cursor, "COUNT", "1000");
            }
            p.sameUnordered("SCAN", "0", "MATCH", "k*", "COUNT", "1000");
            p.sameUnordered("SCAN", "0", "TYPE", "string", "COUNT", "1000");
            p.sameUnordered("SCAN", "0", "TYPE", "STRING", "COUNT", "1000");
            p.sameUnordered("SCAN", "0", "TYPE", "foo", "COUNT", "1000");
            p.script("FLUSHALL", "RANDOMKEY", "SCAN 0", "KEYS *",
                    "SET i 12345", "OBJECT ENCODING i", "SET i 12345678901234567890", "OBJECT ENCODING i",
                    "SET i 1234567890123456789", "OBJECT ENCODING i",
                    "SET i " + "a".repeat(44), "OBJECT ENCODING i", "SET i " + "a".repeat(45), "OBJECT ENCODING i",
                    "SET i -1", "OBJECT ENCODING i", "SET i 01", "OBJECT ENCODING i", "SET i \"\"", "OBJECT ENCODING i",
                    "SET i \" 12\"", "OBJECT ENCODING i", "SET i -0", "OBJECT ENCODING i",
                    "SET i 9223372036854775807", "OBJECT ENCODING i", "SET i -9223372036854775808",
                    "OBJECT ENCODING i", "OBJECT REFCOUNT i", "SET i 100", "OBJECT REFCOUNT i", "SET i 10001",
                    "OBJECT REFCOUNT i", "APPEND j x", "OBJECT ENCODING j", "APPEND j y", "OBJECT ENCODING j",
                    "SET n 123", "APPEND n 4", "OBJECT ENCODING n", "OBJECT REFCOUNT n", "INCR n", "OBJECT ENCODING n",
                    "SETRANGE n 0 7", "OBJECT ENCODING n", "SETRANGE r 2 ab", "OBJECT ENCODING r", "SET n 5",
                    "INCRBYFLOAT n 1", "OBJECT ENCODING n", "COPY n n2", "OBJECT ENCODING n2", "RENAME n n3",
                    "OBJECT ENCODING n3", "OBJECT ENCODING nokey", "OBJECT REFCOUNT nokey", "OBJECT IDLETIME nokey",
                    "OBJECT FREQ nokey", "OBJECT FREQ i", "OBJECT ENCODING i x", "OBJECT HELP x", "OBJECT HELP",
                    "OBJECT", "OBJECT FOO", "OBJECT ENCODING", "CONFIG SET maxmemory-policy allkeys-lfu",
                    "OBJECT IDLETIME i", "OBJECT FREQ nokey", "CONFIG SET maxmemory-policy noeviction");
            p.verify();
        }
    }

    @Test
    void wrongTypes() {
        try (Diff.Pair p = diff.pair()) {
            p.script("HSET h f v", "SADD s m", "RPUSH l a", "ZADD z 1 m", "SET a x", "GET h", "SET h x GET", "SET h x NX GET",
                    "GETEX h", "GETEX h EX abc", "GETDEL h", "APPEND h x", "INCR h", "DECRBY h 1", "INCRBYFLOAT h 1",
                    "SETRANGE h 0 x", "SETRANGE h 0 \"\"", "GETRANGE h 0 1", "STRLEN h", "LCS a h", "LCS h a IDX",
                    "MGET h a s", "SETNX h x", "GETSET h x", "TYPE h", "TYPE s", "TYPE l", "TYPE z",
                    "OBJECT ENCODING h", "EXPIRE h 100", "TTL h", "PERSIST h", "RENAME h h2", "TYPE h2",
                    "COPY h2 h3", "TYPE h3", "MOVE h3 1", "SET h3 plain", "GET h3", "SCAN 0 TYPE hash COUNT 100",
                    "MULTI", "INCR a", "LPUSH a x", "GET a", "EXEC", "MSET h2 v", "GET h2");
            p.verify();
        }
    }
}
