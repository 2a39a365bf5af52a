package io.redmesh.node.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.spi.NodeControl;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import io.redmesh.node.util.GlobPattern;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue #10's matcher attacked where the glob tests do not look: patterns made of many distinct
 * character classes (compiling them was quadratic: a 3.8 MB pattern took 219 s and 34 GB of
 * allocation), and ACL rules with pathological patterns arriving through the SPI the mesh uses
 * (NodeControl.setUser, what an ACL record becomes on every node), including the re-check of
 * subscribed channels an ACL change runs under the server lock.
 */
class PatternAttacksTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** "[xyz]" for distinct triples of printable bytes: every class differs from every other. */
    static byte[] distinctClasses(int bytes) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        for (int a = 'A'; a <= 'z' && p.size() < bytes; a++) {
            for (int c2 = 'A'; c2 <= 'z' && p.size() < bytes; c2++) {
                for (int c3 = 'A'; c3 <= 'z' && p.size() < bytes; c3++) {
                    if (a == ']' || c2 == ']' || c3 == ']' || a == '\\' || c2 == '\\' || c3 == '\\' || a == '^'
                            || c2 == '-') {
                        continue;
                    }
                    p.write('[');
                    p.write(a);
                    p.write(c2);
                    p.write(c3);
                    p.write(']');
                }
            }
        }
        return p.toByteArray();
    }

    @Test
    void distinctClassesCompileInLinearTimeAndMemory() {
        byte[] pattern = distinctClasses(1 << 20); // ~210,000 distinct classes
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
        GlobPattern g = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> GlobPattern.compile(pattern));
        long allocated = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        assertTrue(allocated < 40L * pattern.length, "compiling " + pattern.length + " bytes allocated " + allocated);
        assertTrue(!g.matches(b("abc")));
    }

    @Test
    void patternCommandsWithSuchAPatternStayBounded() throws Exception {
        byte[] pattern = distinctClasses(4 << 20);
        try (ServerFixture ours = ServerFixture.start(); RespClient c = ours.client(); RespClient other = ours.client()) {
            c.call("SET", "abc", "1");
            for (String cmd : new String[] {"KEYS", "PSUBSCRIBE"}) {
                long t = System.nanoTime();
                c.send(RespClient.encode(b(cmd), pattern));
                long worstPing = 0;
                for (int i = 0; i < 5; i++) {
                    long p = System.nanoTime();
                    assertEquals("+PONG\r\n", other.callString("PING"));
                    worstPing = Math.max(worstPing, (System.nanoTime() - p) / 1_000_000);
                }
                c.readReply();
                long ms = (System.nanoTime() - t) / 1_000_000;
                assertTrue(ms < 5000, cmd + " of a " + pattern.length + "-byte pattern took " + ms + " ms");
                assertTrue(worstPing < 2000, cmd + ": PING waited " + worstPing + " ms");
            }
        }
    }

    /**
     * ACL rules as the mesh delivers them (a record's value is at most 1 MB): key and channel
     * patterns in the exponential shape of CVE-2022-36021, past CVE-2024-31228's nesting limit,
     * and of distinct classes. The user's commands stay fast; changing the rules of a user with
     * 20,000 subscribed channels re-checks them all in bounded time (each pattern compiled
     * once per re-check, not once per channel).
     */
    @Test
    void aclRulesWithPathologicalPatternsArrivingAsMeshRecords() throws Exception {
        String exponential = "a*".repeat(40) + "b";
        String nested = "*a".repeat(2000) + "b";
        String classes = new String(distinctClasses(300_000), StandardCharsets.ISO_8859_1);
        try (ServerFixture ours = ServerFixture.start(); RespClient admin = ours.client()) {
            NodeControl control = ours.server().control();
            control.setUser("meshuser", "on nopass +@all ~" + exponential + " ~" + nested + " ~" + classes
                    + " ~key:* &" + classes + " &" + exponential + " &chan:*");
            try (RespClient u = ours.client()) {
                assertEquals("+OK\r\n", u.callString("AUTH", "meshuser", "x"));
                String key = "a".repeat(60);
                long t = System.nanoTime();
                for (int i = 0; i < 50; i++) {
                    assertTrue(u.callString("GET", key).startsWith("-NOPERM"));
                    assertEquals("+OK\r\n", u.callString("SET", "key:" + i, "v"));
                    assertTrue(u.callString("PUBLISH", key, "m").startsWith("-NOPERM"));
                }
                long ms = (System.nanoTime() - t) / 1_000_000;
                assertTrue(ms < 5000, "150 checked commands took " + ms + " ms");
                assertTrue(admin.callString("ACL", "GETUSER", "meshuser").length() > classes.length());
            }
            // a subscriber of that user with 20,000 channels, then a rule change that drops a
            // pattern: every channel is checked against the new patterns, the big one first
            try (RespClient sub = ours.client()) {
                sub.callString("AUTH", "meshuser", "x");
                byte[][] subscribe = new byte[20_001][];
                subscribe[0] = b("SUBSCRIBE");
                for (int i = 1; i <= 20_000; i++) {
                    subscribe[i] = b("chan:" + i);
                }
                sub.send(RespClient.encode(subscribe));
                for (int i = 0; i < 20_000; i++) {
                    sub.readReply();
                }
                long t = System.nanoTime();
                assertTimeoutPreemptively(Duration.ofSeconds(20), () -> control.setUser("meshuser",
                        "resetchannels &" + classes + "x &chan:*"));
                long ms = (System.nanoTime() - t) / 1_000_000;
                assertTrue(ms < 5000, "re-checking 20,000 channels took " + ms + " ms");
                assertEquals("+PONG\r\n", admin.callString("PING"));
                assertTrue(admin.callString("PUBSUB", "NUMSUB", "chan:1").endsWith(":1\r\n"), "still subscribed");
            }
        }
    }
}
