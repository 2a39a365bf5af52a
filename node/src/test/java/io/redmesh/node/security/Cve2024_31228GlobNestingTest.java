package io.redmesh.node.security;

import org.junit.jupiter.api.Test;

/**
 * CVE-2024-31228 (7.2.6, backported by Debian to 7.0.15): a pattern with thousands of stars
 * recursed once per star in stringmatchlen and could overflow the stack; the fix gives up (no
 * match) past 1000 levels. RedMesh's matcher does not recurse, and keeps the fix's observable
 * rule (a pattern whose 1001st star group is followed by anything never matches) in every place
 * a pattern is matched: KEYS, SCAN MATCH, PSUBSCRIBE, PUBSUB CHANNELS, CONFIG GET, COMMAND LIST,
 * and ACL key and channel patterns. Every reply is compared with redis-server's.
 */
class Cve2024_31228GlobNestingTest {
    private static final String KEY = "a".repeat(1100);

    @Test
    void starGroupsPastTheLimitMatchNothingEverywhereAsInRedis() {
        try (Peers p = Peers.start()) {
            p.same("SET", KEY, "1");
            for (int groups : new int[] {999, 1000, 1001, 5000}) {
                String star = "*a".repeat(groups);
                String trailing = "a*".repeat(groups);
                p.same("KEYS", star);
                p.same("KEYS", trailing);
                p.same("SCAN", "0", "MATCH", star, "COUNT", "10");
                p.same("CONFIG", "GET", "*?".repeat(groups) + "x");
                p.same("COMMAND", "LIST", "FILTERBY", "PATTERN", "*?".repeat(groups));
                p.same("PUBSUB", "CHANNELS", star);
            }
            p.same("KEYS", "*".repeat(200_000) + "a");
            p.same("KEYS", "*a".repeat(100_000));
            p.bothAlive();
        }
    }

    @Test
    void aclPatternsPastTheLimitGrantNothingAsInRedis() {
        try (Peers p = Peers.start()) {
            String ok = "*a".repeat(1000);
            String over = "*a".repeat(1001);
            p.same("ACL", "SETUSER", "u", "on", "nopass", "+@all", "~" + ok, "&" + ok);
            p.same("ACL", "SETUSER", "v", "on", "nopass", "+@all", "~" + over, "&" + over);
            p.same("SET", KEY, "1");
            p.same("AUTH", "u", "x");
            p.same("GET", KEY);
            p.same("PUBLISH", KEY, "m");
            p.same("AUTH", "v", "x");
            p.same("GET", KEY);
            p.same("PUBLISH", KEY, "m");
            p.bothAlive();
        }
    }
}
