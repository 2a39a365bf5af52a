package io.redmesh.node.command.family;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What SORT hands to replicas and the AOF: SORT ... STORE as sent (its result is deterministic:
 * a set is sorted ALPHA when stored), a SORT that stores nothing new or only reads not at all;
 * and a client blocked on the STORE key is served by it.
 */
class SortPropagationTest {
    @Test
    void storeIsPropagatedAsSentAndWakesBlockedClients() throws Exception {
        List<String> seen;
        try (ServerFixture s = ServerFixture.start()) {
            seen = WriteLog.record(s, true);
            try (RespClient a = s.client(); RespClient w = s.client()) {
                w.call("SADD", "s", "b", "c", "a");
                w.call("SORT", "s");
                w.call("SORT_RO", "s", "ALPHA");
                w.call("SORT", "none", "STORE", "nothing");
                a.send(RespClient.encode(RespClient.args("BLPOP", "dst", "0")));
                long deadline = System.currentTimeMillis() + 5000;
                while (s.context().blocking.blockedClients() == 0 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(5);
                }
                assertEquals(":3\r\n", new String(w.call("SORT", "s", "BY", "nosort", "STORE", "dst"), StandardCharsets.ISO_8859_1));
                assertEquals("*2\r\n$3\r\ndst\r\n$1\r\na\r\n", new String(a.readReply(), StandardCharsets.ISO_8859_1),
                        "the stored list (sorted ALPHA although BY nosort) serves the blocked client");
                assertEquals("*2\r\n$1\r\nb\r\n$1\r\nc\r\n", new String(w.call("LRANGE", "dst", "0", "-1"), StandardCharsets.ISO_8859_1));
            }
        }
        assertEquals(List.of(
                "0:SADD s b c a",
                "0:SORT s BY nosort STORE dst",
                "0:LPOP dst"), seen);
    }
}
