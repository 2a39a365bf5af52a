package io.redmesh.node.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import org.junit.jupiter.api.Test;

/**
 * The key a command writes must be the key ACL checked. SORT and GEORADIUS[BYMEMBER] take the
 * LAST "STORE dst" they are given, but their key finders name another argument:
 * sortGetKeys() does not skip STORE's argument, so in "STORE get STORE secret" it reads "get"
 * as GET and skips the second STORE; GEORADIUS's key spec is a keyword search that stops at the
 * FIRST "STORE". A user limited to ~src ~get ~g ~allowed could thus overwrite any key. Redis
 * 7.0.15 has the same holes (checked against Debian's redis-server); RedMesh should not.
 */
class StoreKeyAclBypassTest {
    /** Refused either way: by ACL (a finder that names the written key) or as a syntax error. */
    private static final String REFUSED = "-(NOPERM this user has no permissions to access one of the keys used as arguments|ERR syntax error)\r\n";

    private static void assertRefused(String reply) {
        assertTrue(reply.matches(REFUSED), reply);
    }

    @Test
    void sortStoreKeyIsTheOneAclChecks() {
        try (ServerFixture s = ServerFixture.start(); RespClient admin = s.client(); RespClient u = s.client()) {
            admin.call("RPUSH", "src", "3", "1", "2");
            admin.call("SET", "secret", "precious");
            admin.call("ACL", "SETUSER", "u", "on", "nopass", "~src", "~get", "+@all");
            assertEquals("+OK\r\n", u.callString("AUTH", "u", "x"));
            assertRefused(u.callString("SORT", "src", "STORE", "get", "STORE", "secret"));
            assertEquals("$8\r\nprecious\r\n", admin.callString("GET", "secret"));
        }
    }

    @Test
    void georadiusStoreKeyIsTheOneAclChecks() {
        try (ServerFixture s = ServerFixture.start(); RespClient admin = s.client(); RespClient u = s.client()) {
            admin.call("GEOADD", "g", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania");
            admin.call("SET", "secret", "precious");
            admin.call("ACL", "SETUSER", "u", "on", "nopass", "~g", "~allowed", "+@all");
            assertEquals("+OK\r\n", u.callString("AUTH", "u", "x"));
            assertRefused(u.callString("GEORADIUS", "g", "15", "37", "200", "km", "STORE", "allowed", "STORE", "secret"));
            assertRefused(u.callString("GEORADIUSBYMEMBER", "g", "Palermo", "200", "km",
                    "STOREDIST", "allowed", "STOREDIST", "secret"));
            assertEquals("$8\r\nprecious\r\n", admin.callString("GET", "secret"));
        }
    }
}
