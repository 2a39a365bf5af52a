package io.redmesh.node.security;

import org.junit.jupiter.api.Test;

/**
 * CVE-2023-22458 (7.0.8) and CVE-2023-25155 (7.0.9): HRANDFIELD, ZRANDMEMBER (WITHSCORES doubles
 * the count) and SRANDMEMBER with counts near LONG_MIN/LONG_MAX overflowed and hit an assertion.
 * Redis now refuses counts outside -LONG_MAX..LONG_MAX (/2 where the reply is doubled) with
 * "value is out of range"; the same replies are expected here, and huge positive counts on a
 * small collection answer the whole collection.
 */
class Cve2023_22458And25155RandomCountTest {
    /** Counts each server refuses or answers at once (never a valid huge negative one: see below). */
    private static final String[] PLAIN = {"-9223372036854775808", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "4611686018427387904", "abc", "1.5", "0"};
    /** With WITHVALUES/WITHSCORES the reply is doubled, so Redis refuses beyond LONG_MAX/2 either way. */
    private static final String[] DOUBLED = {"-9223372036854775808", "-9223372036854775807", "-4611686018427387904",
        "4611686018427387904", "9223372036854775807", "4611686018427387903"};

    // A valid huge negative count (-4611686018427387903, -9223372036854775807 without
    // WITHVALUES) is a request for that many random elements: redis-server 7.0.15 builds the
    // reply until the machine runs out of memory (it was OOM-killed at 23 GB while this test was
    // written). Never send one to it; ReplyCeilingTest shows what RedMesh does instead.

    @Test
    void hugeCountsGetRedisReplies() {
        try (Peers p = Peers.start()) {
            p.same("HSET", "h", "f", "v");
            p.same("ZADD", "z", "1", "m");
            p.same("SADD", "s", "m");
            for (String n : PLAIN) {
                p.same("HRANDFIELD", "h", n);
                p.same("ZRANDMEMBER", "z", n);
                p.same("SRANDMEMBER", "s", n);
                p.same("SPOP", "missing", n);
            }
            for (String n : DOUBLED) {
                p.same("HRANDFIELD", "h", n, "WITHVALUES");
                p.same("ZRANDMEMBER", "z", n, "WITHSCORES");
            }
            p.bothAlive();
        }
    }
}
