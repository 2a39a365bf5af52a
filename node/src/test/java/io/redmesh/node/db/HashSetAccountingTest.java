package io.redmesh.node.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import org.junit.jupiter.api.Test;

/** Every in-place change of a hash or set leaves the key's used_memory share up to date. */
class HashSetAccountingTest {
    private static void assertAccounted(ServerFixture s, String key) {
        Database db = s.context().keyspace.db(0);
        DictEntry e = db.dict().find(key.getBytes());
        assertEquals(MemoryEstimator.entryBytes(e), e.accounted, "accounting of " + key);
    }

    @Test
    void inPlaceChangesAreReaccounted() {
        try (ServerFixture s = ServerFixture.start(); RespClient c = s.client()) {
            long empty = s.context().keyspace.usedBytes();
            String big = "x".repeat(1000);
            c.call("HSET", "h", "a", "1");
            assertAccounted(s, "h");
            c.call("HSET", "h", "b", big);
            assertAccounted(s, "h");
            c.call("HINCRBYFLOAT", "h", "f", "1.5");
            c.call("HINCRBY", "h", "i", "1");
            c.call("HSETNX", "h", "n", big);
            assertAccounted(s, "h");
            c.call("HDEL", "h", "b");
            assertAccounted(s, "h");
            c.call("SADD", "s", "1", "2", "3");
            assertAccounted(s, "s");
            c.call("SADD", "s", big);
            assertAccounted(s, "s");
            c.call("SREM", "s", big, "1");
            assertAccounted(s, "s");
            c.call("SADD", "t", "1", "2", "3", "4");
            c.call("SPOP", "t");
            assertAccounted(s, "t");
            c.call("SPOP", "t", "2");
            assertAccounted(s, "t");
            c.call("SMOVE", "s", "u", "2");
            assertAccounted(s, "s");
            assertAccounted(s, "u");
            c.call("SUNIONSTORE", "v", "s", "t", "u");
            assertAccounted(s, "v");
            assertTrue(s.context().keyspace.usedBytes() > empty + 2000);
            c.call("FLUSHALL");
            assertEquals(empty, s.context().keyspace.usedBytes());
            assertNull(s.context().keyspace.db(0).dict().find("h".getBytes()));
        }
    }

    @Test
    void deletingEmptiedKeysReturnsTheirMemory() {
        try (ServerFixture s = ServerFixture.start(); RespClient c = s.client()) {
            long empty = s.context().keyspace.usedBytes();
            c.call("HSET", "h", "a", "1", "b", "x".repeat(500));
            c.call("SADD", "s", "a", "b");
            c.call("HDEL", "h", "a", "b");
            c.call("SREM", "s", "a", "b");
            c.call("SADD", "p", "1", "2");
            c.call("SPOP", "p", "5");
            assertEquals(empty, s.context().keyspace.usedBytes());
            assertEquals(":0\r\n", c.callString("DBSIZE"));
        }
    }
}
