package io.redmesh.node.security;

import org.junit.jupiter.api.Test;

/**
 * CVE-2022-31144 (7.0.4): XAUTOCLAIM on a group whose pending entries were deleted from the
 * stream wrote more deleted IDs than the COUNT-sized array held (heap overflow). CVE-2022-35951
 * (7.0.5): COUNT times the attempts factor overflowed. RedMesh keeps the IDs in growable lists,
 * so neither can write out of bounds; what it must show is 7.0.15's answers: deleted entries
 * counted against COUNT, COUNT bounded to LONG_MAX / 16 ("COUNT must be > 0" above), the
 * transient-memory refusal just below that bound, and both servers serving afterwards.
 */
class Cve2022_31144And35951XautoclaimTest {
    @Test
    void deletedPendingEntriesAndHugeCounts() {
        try (Peers p = Peers.start()) {
            for (int i = 1; i <= 40; i++) {
                p.same("XADD", "s", i + "-1", "f", "v");
            }
            p.same("XGROUP", "CREATE", "s", "g", "0");
            p.same("XREADGROUP", "GROUP", "g", "c", "COUNT", "40", "STREAMS", "s", ">");
            for (int i = 1; i <= 40; i += 2) {
                p.same("XDEL", "s", i + "-1");
            }
            // CVE-2022-31144's state: more deleted pending entries than COUNT.
            p.same("XAUTOCLAIM", "s", "g", "c2", "0", "0", "COUNT", "1");
            p.same("XAUTOCLAIM", "s", "g", "c2", "0", "0", "COUNT", "3", "JUSTID");
            p.same("XAUTOCLAIM", "s", "g", "c2", "0", "0", "COUNT", "7");
            p.same("XPENDING", "s", "g");
            // CVE-2022-35951: COUNT at and around LONG_MAX / max(16, 10).
            for (String count : new String[] {"9223372036854775807", "922337203685477580", "576460752303423488",
                "576460752303423487", "1099511627776", "0", "-1", "x"}) {
                p.same("XAUTOCLAIM", "s", "g", "c3", "0", "0", "COUNT", count);
            }
            p.same("XAUTOCLAIM", "s", "g", "c3", "0", "0", "COUNT", "68719476736", "JUSTID");
            p.same("XPENDING", "s", "g");
            p.bothAlive();
        }
    }
}
