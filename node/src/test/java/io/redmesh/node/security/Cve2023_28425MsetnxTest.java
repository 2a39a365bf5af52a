package io.redmesh.node.security;

import org.junit.jupiter.api.Test;

/**
 * CVE-2023-28425 (7.0.10): MSETNX naming the same key twice hit an assertion and stopped Redis.
 * The replies and the data afterwards must be Redis's.
 */
class Cve2023_28425MsetnxTest {
    @Test
    void repeatedKeysAreHandled() {
        try (Peers p = Peers.start()) {
            p.same("MSETNX", "k", "v1", "k", "v2");
            p.same("GET", "k");
            p.same("MSETNX", "k", "v3", "k", "v4");
            p.same("MSETNX", "a", "1", "b", "2", "a", "3");
            p.same("MGET", "k", "a", "b");
            p.same("MSETNX", "x");
            p.bothAlive();
        }
    }
}
