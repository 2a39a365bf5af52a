package io.redmesh.node.security;

import org.junit.jupiter.api.Test;

/**
 * CVE-2023-28856 (7.0.11): HINCRBYFLOAT with an increment that makes NaN or Infinity created an
 * invalid field (a new field was added before the check) that crashed Redis on access. Redis now
 * refuses without touching the hash; the replies, and the hash afterwards, must be Redis's.
 */
class Cve2023_28856HincrbyfloatTest {
    @Test
    void nanAndInfinityNeverCreateAField() {
        try (Peers p = Peers.start()) {
            p.same("HSET", "h", "f", "1");
            for (String inc : new String[] {"inf", "-inf", "+inf", "nan", "NaN", "infinity", "1e308", "1e309", "-1e309", "abc", ""}) {
                p.same("HINCRBYFLOAT", "h", "f", inc);
                p.same("HINCRBYFLOAT", "h", "new-" + inc, inc);
                p.same("HINCRBYFLOAT", "missing", "f", inc);
                p.same("INCRBYFLOAT", "s", inc);
            }
            p.same("HINCRBYFLOAT", "h", "f", "1.7976931348623157e308");
            p.same("HINCRBYFLOAT", "h", "f", "1.7976931348623157e308");
            p.same("HLEN", "h"); // (HGETALL's order of a hashtable-encoded hash is the dict's own)
            for (String f : new String[] {"f", "new-inf", "new-nan", "new-1e308", "new-1e309", "new--1e309", "new-"}) {
                p.same("HGET", "h", f);
                p.same("HEXISTS", "h", f);
            }
            p.same("EXISTS", "missing", "s");
            p.bothAlive();
        }
    }
}
