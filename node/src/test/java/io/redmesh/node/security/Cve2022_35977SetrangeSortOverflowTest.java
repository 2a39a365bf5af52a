package io.redmesh.node.security;

import org.junit.jupiter.api.Test;

/**
 * CVE-2022-35977 (7.0.8): SETRANGE (and APPEND) with an offset that overflows offset + length,
 * and SORT/SORT_RO with LIMIT values that overflow, drove Redis to an out-of-memory panic. The
 * fix checks the resulting size against proto-max-bulk-len; RedMesh must answer the same errors
 * and create nothing; SORT clamps its range instead of allocating for it.
 */
class Cve2022_35977SetrangeSortOverflowTest {
    @Test
    void setrangeAndAppendOverflowAreRefusedAsRedisRefusesThem() {
        try (Peers p = Peers.start()) {
            p.same("SET", "k", "abc");
            for (String offset : new String[] {"9223372036854775807", "9223372036854775806", "4611686018427387904",
                    "2147483647", "2147483648", "536870911", "536870912", "-1", "-9223372036854775808", "1e3", " 1"}) {
                p.same("SETRANGE", "k", offset, "x");
                p.same("SETRANGE", "missing", offset, "xyz");
                p.same("SETRANGE", "missing", offset, "");
            }
            p.same("CONFIG", "SET", "proto-max-bulk-len", "1048576");
            p.same("SETRANGE", "k", "1048575", "x");
            p.same("SETRANGE", "k", "1048576", "x");
            p.same("SETRANGE", "k", "1048570", "0123456789");
            p.same("APPEND", "k", "y");
            p.same("STRLEN", "k");
            p.same("EXISTS", "missing");
            p.bothAlive();
        }
    }

    /** SORT / SORT_RO whose LIMIT offset + count overflows: the same clamped ranges as 7.0.8+. */
    @Test
    void sortLimitOverflowIsClampedAsRedisClampsIt() {
        try (Peers p = Peers.start()) {
            p.same("RPUSH", "l", "3", "1", "2");
            p.same("SADD", "s", "3", "1", "2");
            p.same("ZADD", "z", "3", "c", "1", "a", "2", "b");
            String[] big = {"9223372036854775807", "9223372036854775806", "4611686018427387904", "2147483647",
                    "2147483648", "-1", "-9223372036854775808", "0", "1"};
            for (String key : new String[] {"l", "s", "z", "missing"}) {
                for (String start : big) {
                    for (String count : big) {
                        p.same("SORT", key, "ALPHA", "LIMIT", start, count);
                        p.same("SORT_RO", key, "BY", "nosort", "LIMIT", start, count);
                        p.same("SORT", key, "BY", "nosort", "DESC", "LIMIT", start, count, "STORE", "dst");
                    }
                }
            }
            p.same("LRANGE", "dst", "0", "-1");
            p.bothAlive();
        }
    }
}
