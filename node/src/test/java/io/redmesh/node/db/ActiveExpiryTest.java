package io.redmesh.node.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import org.junit.jupiter.api.Test;

/** Expired keys are reclaimed without being touched (active expiry), and lazily on access. */
class ActiveExpiryTest {
    @Test
    void expiredKeysDisappearWithoutAccess() throws Exception {
        try (ServerFixture s = ServerFixture.start("--hz", "50"); RespClient c = s.client()) {
            for (int i = 0; i < 2000; i++) {
                c.call("SET", "t" + i, "v", "PX", "50");
            }
            c.call("SET", "persistent", "v");
            long deadline = System.currentTimeMillis() + 10_000;
            String size = c.callString("DBSIZE");
            while (!size.equals(":1\r\n") && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
                size = c.callString("DBSIZE");
            }
            assertEquals(":1\r\n", size, "active expiry reclaimed the volatile keys");
            assertTrue(c.callString("INFO", "stats").contains("expired_keys:2000"));
        }
    }

    @Test
    void lazyExpiryOnAccess() throws Exception {
        try (ServerFixture s = ServerFixture.start(); RespClient c = s.client()) {
            c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0"); // refused (debug disabled): stays on, harmless
            c.call("SET", "k", "v", "PX", "20");
            Thread.sleep(40);
            assertEquals("$-1\r\n", c.callString("GET", "k"));
            assertEquals(":-2\r\n", c.callString("TTL", "k"));
        }
    }

    @Test
    void debugSetActiveExpireDisablesTheCycle() throws Exception {
        try (ServerFixture s = ServerFixture.start("--enable-debug-command", "yes", "--hz", "50");
             RespClient c = s.client()) {
            assertEquals("+OK\r\n", c.callString("DEBUG", "SET-ACTIVE-EXPIRE", "0"));
            for (int i = 0; i < 100; i++) {
                c.call("SET", "t" + i, "v", "PX", "10");
            }
            Thread.sleep(300);
            assertEquals(":100\r\n", c.callString("DBSIZE"), "nothing reclaimed while disabled");
            assertEquals("+OK\r\n", c.callString("DEBUG", "SET-ACTIVE-EXPIRE", "1"));
            long deadline = System.currentTimeMillis() + 5000;
            while (!c.callString("DBSIZE").equals(":0\r\n") && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(":0\r\n", c.callString("DBSIZE"));
        }
    }
}
