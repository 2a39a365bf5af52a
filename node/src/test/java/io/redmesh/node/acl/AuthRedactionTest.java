package io.redmesh.node.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import org.junit.jupiter.api.Test;

/**
 * A malformed AUTH (too many arguments) still carries what the client meant as a password:
 * it is redacted from SLOWLOG and MONITOR like a well-formed one. (Redis 7.0.15 checks the
 * argument count first and shows such a line in clear; RedMesh redacts first, on purpose.)
 */
class AuthRedactionTest {
    @Test
    void authWithTooManyArgumentsIsRedactedToo() throws Exception {
        try (ServerFixture node = ServerFixture.start("--slowlog-log-slower-than", "0");
             RespClient c = node.client(); RespClient mon = node.client()) {
            assertEquals("+OK\r\n", mon.callString("MONITOR"));
            assertEquals("-ERR syntax error\r\n", c.callString("AUTH", "alice", "topsecret9", "extra"));
            c.callString("GET", "marker");
            String slowlog = c.callString("SLOWLOG", "GET", "10");
            assertFalse(slowlog.contains("topsecret9"), slowlog);
            String monitored = "";
            long deadline = System.currentTimeMillis() + 2000;
            while (System.currentTimeMillis() < deadline && !monitored.contains("\"marker\"")) {
                monitored += mon.readReplyString();
            }
            assertTrue(monitored.contains("\"marker\""), monitored);
            assertFalse(monitored.contains("topsecret9"), monitored);
        }
    }
}
