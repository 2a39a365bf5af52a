package io.redmesh.node.command.family;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What list commands hand to replicas and the AOF: blocking and multi-key pops are replayed as
 * the plain command that had the same effect (Redis's rewriteClientCommandVector), so a replica
 * never blocks; commands that changed nothing are not propagated.
 */
class ListPropagationTest {
    @Test
    void blockingAndMultiKeyPopsPropagateAsPlainCommands() throws Exception {
        List<String> seen;
        try (ServerFixture s = ServerFixture.start()) {
            seen = WriteLog.record(s, true);
            try (RespClient a = s.client(); RespClient w = s.client()) {
                w.call("RPUSH", "k", "a", "b", "c", "d");
                w.call("BLPOP", "none", "k", "0");
                w.call("BRPOP", "k", "0");
                w.call("LMPOP", "2", "none", "k", "LEFT", "COUNT", "10");
                w.call("LPOP", "none");
                w.call("LTRIM", "none", "0", "1");
                w.call("LREM", "k", "0", "zz");
                w.call("RPUSH", "src", "x", "y");
                w.call("BLMOVE", "src", "dst", "LEFT", "RIGHT", "0");
                w.call("BRPOPLPUSH", "src", "dst", "0");
                w.call("BLMPOP", "0", "1", "dst", "RIGHT", "COUNT", "1");
                // Served after blocking: the re-run is what gets propagated.
                a.send(RespClient.encode(RespClient.args("BLMPOP", "0", "1", "q", "RIGHT", "COUNT", "5")));
                long deadline = System.currentTimeMillis() + 5000;
                while (s.context().blocking.blockedClients() == 0 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(5);
                }
                w.call("RPUSH", "q", "1", "2");
                a.readReply();
            }
        }
        assertEquals(List.of(
                "0:RPUSH k a b c d",
                "0:LPOP k",
                "0:RPOP k",
                "0:LPOP k 2",
                "0:RPUSH src x y",
                "0:LMOVE src dst LEFT RIGHT",
                "0:RPOPLPUSH src dst",
                "0:RPOP dst 1",
                "0:RPUSH q 1 2",
                "0:RPOP q 2"), seen);
    }
}
