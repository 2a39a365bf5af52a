package io.redmesh.node.security;

import org.junit.jupiter.api.Test;

/**
 * CVE-2023-41053 (7.0.13): SORT_RO's key was not checked against the user's key patterns, so a
 * user limited to some keys could read any list, set or sorted set with it. Replayed against
 * redis-server: SORT_RO and SORT of a key outside the user's patterns are refused (NOPERM), a
 * read-only pattern lets SORT_RO read but not SORT ... STORE write, and BY/GET patterns (which
 * read keys no argument names) need a user who may read every key.
 */
class Cve2023_41053SortRoKeyAclTest {
    @Test
    void sortRoChecksItsKeyAsRedisDoes() {
        try (Peers p = Peers.start()) {
            p.same("RPUSH", "secret", "2", "1");
            p.same("RPUSH", "mine", "b", "a");
            p.same("SET", "w_a", "1");
            p.same("ACL", "SETUSER", "limited", "on", "nopass", "~mine", "+@all");
            p.same("ACL", "SETUSER", "reader", "on", "nopass", "%R~*", "+@all");
            p.same("AUTH", "limited", "x");
            p.same("SORT_RO", "secret");
            p.same("SORT_RO", "secret", "BY", "nosort");
            p.same("SORT", "secret", "LIMIT", "0", "1");
            p.same("SORT_RO", "mine", "ALPHA");
            p.same("SORT_RO", "mine", "BY", "w_*");
            p.same("SORT_RO", "mine", "GET", "secret");
            p.same("SORT", "mine", "ALPHA", "STORE", "secret");
            p.same("ACL", "LOG", "RESET");
            p.same("AUTH", "reader", "x");
            p.same("SORT_RO", "secret");
            p.same("SORT_RO", "mine", "BY", "w_*", "GET", "#");
            p.same("SORT", "mine", "ALPHA", "STORE", "mine");
            p.same("AUTH", "default", "x");
            p.same("LRANGE", "secret", "0", "-1");
            p.same("LRANGE", "mine", "0", "-1");
            p.bothAlive();
        }
    }
}
