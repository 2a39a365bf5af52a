package io.redmesh.node.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Server bugs the client suites ran into, pinned byte for byte against redis-server 7.0 so they
 * stay fixed whatever client version the suites use.
 */
class ClientFoundRegressionTest {
    /** Runs the commands on a fresh connection to each server; replies (but HELLO's) must be identical. */
    private static void sameReplies(List<String[]> commands) {
        Assumptions.assumeTrue(RedisProcess.available());
        try (ServerFixture s = ServerFixture.start(); RedisProcess real = RedisProcess.start();
                RespClient ours = s.client(); RespClient theirs = real.client()) {
            for (String[] cmd : commands) {
                if (cmd[0].equals("HELLO")) { // server name, version and id differ by design
                    ours.call(cmd);
                    theirs.call(cmd);
                    continue;
                }
                assertEquals(new String(theirs.call(cmd), java.nio.charset.StandardCharsets.ISO_8859_1),
                        new String(ours.call(cmd), java.nio.charset.StandardCharsets.ISO_8859_1),
                        String.join(" ", cmd));
            }
        }
    }

    /** Jedis's RESP3 pubsubNumSub failed with a ClassCastException: NUMSUB was sent as a map. */
    @Test
    void pubsubNumsubIsAFlatArrayOnResp3() {
        sameReplies(List.of(
                new String[] {"HELLO", "3"},
                new String[] {"PUBSUB", "NUMSUB", "a", "b"},
                new String[] {"PUBSUB", "NUMSUB"},
                new String[] {"HELLO", "2"},
                new String[] {"PUBSUB", "NUMSUB", "a"}));
    }

    /**
     * Lettuce's handshake sends CLIENT MAINT_NOTIFICATIONS, which Redis 7.0 refuses; the suite's
     * "no error replies on connect" check could not see it because no error reply was ever
     * counted: the reply writer's error listener was never wired to the server's statistics.
     */
    @Test
    void errorRepliesAreCountedInInfoLikeRedis() {
        Assumptions.assumeTrue(RedisProcess.available());
        List<String[]> commands = List.of(
                new String[] {"NOSUCHCOMMAND"},
                new String[] {"CLIENT", "MAINT_NOTIFICATIONS", "on"},
                new String[] {"GET"},
                new String[] {"SET", "s", "x"},
                new String[] {"INCR", "s"},
                new String[] {"LPUSH", "s", "x"},
                new String[] {"MULTI"},
                new String[] {"INCR", "s"},
                new String[] {"EXEC"},
                new String[] {"MULTI"},
                new String[] {"GET"},
                new String[] {"EXEC"},
                new String[] {"PING"});
        try (ServerFixture s = ServerFixture.start(); RedisProcess real = RedisProcess.start();
                RespClient ours = s.client(); RespClient theirs = real.client()) {
            for (String[] cmd : commands) {
                ours.call(cmd);
                theirs.call(cmd);
            }
            // a protocol error is an error reply too (and closes that connection)
            for (int port : new int[] {s.port(), real.port()}) {
                try (RespClient bad = RespClient.connect(port)) {
                    bad.send("*1\r\n$x\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                    bad.readReply();
                }
            }
            assertEquals(errorLines(theirs), errorLines(ours));
            for (String which : List.of("everything", "all", "default")) {
                assertEquals(headers(theirs, which), headers(ours, which), "INFO " + which + " section order");
            }
        }
    }

    /** total_error_replies and the errorstats section, the error counters of INFO. */
    private static List<String> errorLines(RespClient c) {
        String info = c.callString("INFO", "everything");
        return info.lines()
                .filter(l -> l.startsWith("total_error_replies:") || l.startsWith("errorstat_")
                        || l.startsWith("cmdstat_get:") || l.startsWith("cmdstat_incr:"))
                .map(l -> l.replaceAll("usec=[^,]*,usec_per_call=[^,]*,", ""))
                .sorted() // Redis lists commandstats in its (randomly seeded) dict order
                .toList();
    }

    private static List<String> headers(RespClient c, String which) {
        return c.callString("INFO", which).lines().filter(l -> l.startsWith("# ")).toList();
    }
}
