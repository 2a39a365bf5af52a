package io.redmesh.node.command.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What replicas and the AOF receive for hash and set writes (Redis 7.0's rewrites). */
class HashSetPropagationTest {
    @Test
    void rewritesAndNoOps() {
        try (ServerFixture s = ServerFixture.start(); RespClient c = s.client()) {
            List<String> seen = WriteLog.record(s, false);
            c.call("HSET", "h", "a", "1");
            c.call("HINCRBYFLOAT", "h", "f", "10.5");
            c.call("HINCRBYFLOAT", "h", "f", "0.1");
            c.call("HINCRBY", "h", "i", "2");
            c.call("HDEL", "h", "nofield");          // no change: not propagated
            c.call("HSETNX", "h", "a", "2");         // no change
            c.call("SADD", "s", "7");
            c.call("SADD", "s", "7");                // no change
            c.call("SREM", "s", "nomember");         // no change
            c.call("SPOP", "s");                     // SREM of the popped member
            c.call("SINTERSTORE", "d", "nokey");     // nothing to delete: no change
            assertEquals(List.of("HSET h a 1", "HSET h f 10.5", "HSET h f 10.6", "HINCRBY h i 2", "SADD s 7",
                    "SREM s 7"), seen);
        }
    }

    @Test
    void spopWithCount() {
        try (ServerFixture s = ServerFixture.start(); RespClient c = s.client()) {
            List<String> seen = WriteLog.record(s, false);
            c.call("SADD", "s", "1", "2", "3", "4", "5");
            seen.clear();
            c.call("SPOP", "s", "2");
            // Several writes of one command reach replicas and the AOF as a transaction (Redis 7.0).
            assertEquals(4, seen.size());
            assertEquals("MULTI", seen.get(0));
            assertEquals("EXEC", seen.get(3));
            for (String line : seen.subList(1, 3)) {
                assertTrue(line.matches("SREM s [1-5]"), line);
            }
            assertEquals(":3\r\n", c.callString("SCARD", "s"));
            seen.clear();
            c.call("SPOP", "s", "10");
            assertEquals(List.of("DEL s"), seen);
            seen.clear();
            c.call("SPOP", "s", "10");               // missing key: nothing
            c.call("SPOP", "s", "0");
            assertEquals(List.of(), seen);
        }
    }
}
