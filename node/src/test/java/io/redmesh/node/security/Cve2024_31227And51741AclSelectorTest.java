package io.redmesh.node.security;

import org.junit.jupiter.api.Test;

/**
 * CVE-2024-31227 (7.2.6) and CVE-2024-51741 (7.2.7), both backported by Debian to 7.0.15: a
 * malformed read/write key-pattern selector ("%" rules) in ACL SETUSER could crash Redis or leave
 * an invalid user behind. Each malformed rule must get Redis's error, leave the user unchanged,
 * and the same rules arriving as an ACL file line (ACL LOAD) must be refused the same way.
 */
class Cve2024_31227And51741AclSelectorTest {
    private static final String[] RULES = {
        "%", "%R", "%W", "%RW", "%~", "%R~", "%W~", "%RW~", "%X~a", "%RR~a", "%RWX~a", "%r~a", "%R~",
        "(%)", "(%R)", "(%R~", "(%R~a", "(%R~a)", "(~a", "()", "(", ")", "(%W~a %R~b)", "%~~a", "%R~~",
        "%R~%R~a", "(%RW~* +get)", "~", "&", "%\u00ff~a",
    };

    @Test
    void malformedSelectorsAreRefusedAsInRedis() {
        try (Peers p = Peers.start()) {
            p.same("ACL", "SETUSER", "u", "on", "nopass", "+@all", "~k*");
            for (String rule : RULES) {
                p.same("ACL", "SETUSER", "u", rule);
                p.same("ACL", "GETUSER", "u");
                p.same("ACL", "SETUSER", "fresh-" + rule.length(), rule);
            }
            p.same("ACL", "LIST");
            p.same("ACL", "DRYRUN", "u", "GET", "k1");
            p.bothAlive();
        }
    }
}
