package io.redmesh.node.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redmesh.node.testing.RealRedis;
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
        Assumptions.assumeTrue(RealRedis.available());
        try (ServerFixture s = ServerFixture.start(); RealRedis real = RealRedis.start();
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
}
