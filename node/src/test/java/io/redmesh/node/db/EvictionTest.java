package io.redmesh.node.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import org.junit.jupiter.api.Test;

/** maxmemory and every maxmemory-policy, over the wire, as a Redis cache user would see them. */
class EvictionTest {
    private static long infoField(RespClient c, String section, String field) {
        String info = c.callString("INFO", section);
        for (String line : info.split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1));
            }
        }
        throw new AssertionError(field + " not in INFO " + section);
    }

    private static void fill(RespClient c, String prefix, int n, boolean withTtl) {
        String value = "x".repeat(100);
        for (int i = 0; i < n; i++) {
            if (withTtl) {
                c.call("SET", prefix + i, value, "EX", "10000");
            } else {
                c.call("SET", prefix + i, value);
            }
        }
    }

    @Test
    void noevictionRefusesWritesWithRedisOomErrorButServesReads() {
        try (ServerFixture s = ServerFixture.start("--maxmemory", "200kb", "--maxmemory-policy", "noeviction");
             RespClient c = s.client()) {
            String value = "x".repeat(1000);
            String last = "";
            int i = 0;
            while (i < 10_000 && !last.startsWith("-OOM")) {
                last = c.callString("SET", "k" + i++, value);
            }
            assertEquals("-OOM command not allowed when used memory > 'maxmemory'.\r\n", last);
            assertEquals("$1000\r\n" + value + "\r\n", c.callString("GET", "k0"), "reads still work");
            assertEquals(":1\r\n", c.callString("DEL", "k0"), "DEL is not denyoom");
            assertTrue(infoField(c, "memory", "used_memory") <= 200 * 1024 + 2000);
        }
    }

    @Test
    void allkeysLruKeepsMemoryUnderTheLimitAndPrefersIdleKeys() throws Exception {
        try (ServerFixture s = ServerFixture.start("--maxmemory", "300kb", "--maxmemory-policy", "allkeys-lru",
                "--maxmemory-samples", "10");
             RespClient c = s.client()) {
            c.call("SET", "hot", "1");
            String value = "x".repeat(200);
            for (int i = 0; i < 800; i++) {
                assertEquals("+OK\r\n", c.callString("SET", "cold" + i, value));
            }
            // The LRU clock has Redis's one-second resolution: let the cold keys age.
            Thread.sleep(1100);
            c.call("GET", "hot");
            for (int i = 800; i < 1300; i++) {
                assertEquals("+OK\r\n", c.callString("SET", "cold" + i, value));
            }
            assertTrue(infoField(c, "memory", "used_memory") <= 300 * 1024);
            assertTrue(infoField(c, "stats", "evicted_keys") > 0);
            assertEquals("$1\r\n1\r\n", c.callString("GET", "hot"), "the frequently used key survives");
        }
    }

    @Test
    void volatilePoliciesOnlyEvictKeysWithTtl() {
        for (String policy : new String[] {"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"}) {
            try (ServerFixture s = ServerFixture.start("--maxmemory", "300kb", "--maxmemory-policy", policy);
                 RespClient c = s.client()) {
                fill(c, "keep", 300, false);
                fill(c, "ttl", 3000, true);
                for (int i = 0; i < 300; i++) {
                    assertEquals(":1\r\n", c.callString("EXISTS", "keep" + i), policy + " evicted a persistent key");
                }
                assertTrue(infoField(c, "stats", "evicted_keys") > 0, policy);
                // with only persistent keys left, writes get OOM like noeviction
                c.call("FLUSHALL");
                String last = "";
                for (int i = 0; i < 10_000 && !last.startsWith("-OOM"); i++) {
                    last = c.callString("SET", "p" + i, "y".repeat(500));
                }
                assertTrue(last.startsWith("-OOM"), policy + ": " + last);
            }
        }
    }

    @Test
    void allkeysRandomAndLfuEvict() {
        for (String policy : new String[] {"allkeys-random", "allkeys-lfu"}) {
            try (ServerFixture s = ServerFixture.start("--maxmemory", "250kb", "--maxmemory-policy", policy);
                 RespClient c = s.client()) {
                fill(c, "k", 4000, false);
                assertTrue(infoField(c, "memory", "used_memory") <= 250 * 1024, policy);
                assertTrue(infoField(c, "stats", "evicted_keys") > 0, policy);
            }
        }
    }

    @Test
    void lfuFrequencyAndLruIdleTimeAreReported() {
        try (ServerFixture s = ServerFixture.start("--maxmemory-policy", "allkeys-lfu"); RespClient c = s.client()) {
            c.call("SET", "f", "v");
            for (int i = 0; i < 100; i++) {
                c.call("GET", "f");
            }
            String freq = c.callString("OBJECT", "FREQ", "f");
            assertTrue(Long.parseLong(freq.substring(1).trim()) > 5, freq);
            assertTrue(c.callString("OBJECT", "IDLETIME", "f").startsWith("-ERR An LFU maxmemory policy is selected"));
            assertEquals("+OK\r\n", c.callString("CONFIG", "SET", "maxmemory-policy", "allkeys-lru"));
            assertEquals(":0\r\n", c.callString("OBJECT", "IDLETIME", "f"));
        }
    }

    @Test
    void usedMemoryFollowsTheKeyspaceNotTheHeap() {
        try (ServerFixture s = ServerFixture.start(); RespClient c = s.client()) {
            long empty = infoField(c, "memory", "used_memory");
            fill(c, "k", 1000, false);
            long full = infoField(c, "memory", "used_memory");
            // 1000 keys of ~100 bytes: roughly 100 KB to 250 KB by our accounting.
            assertTrue(full - empty > 100_000 && full - empty < 250_000, "delta " + (full - empty));
            c.call("FLUSHALL");
            assertEquals(empty, infoField(c, "memory", "used_memory"));
        }
    }
}
