package io.redmesh.node.command.family;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redmesh.node.testing.RespClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * XREAD BLOCK and XREADGROUP BLOCK with several connections, against RedMesh (one and four I/O
 * threads) and a real redis-server 7.0.15, whose raw transcripts must be identical: woken by
 * XADD (only the fed stream in the reply, "$" meaning the last ID when the client blocked),
 * group consumers served in turn, XGROUP DESTROY ending the wait with NOGROUP, the stream's
 * deletion (7.0 keeps the client waiting), SWAPDB, timeouts in RESP2 and RESP3, MULTI.
 */
class StreamBlockingTest extends BlockingScenarios {

    @Test
    void xreadIsWokenByXaddWithTheNewEntriesOnly() {
        List<String> t = differential(port -> {
            List<String> out = new ArrayList<>();
            try (RespClient a = RespClient.connect(port); RespClient w = RespClient.connect(port)) {
                out.add(w.callString("XADD", "s", "1-1", "old", "1"));
                send(a, "XREAD", "BLOCK", "0", "STREAMS", "s", "other", "$", "$");
                awaitBlocked(port, 1);
                out.add(w.callString("XADD", "other", "5-1", "o", "1"));
                out.add(read(a));
                send(a, "XREAD", "BLOCK", "0", "STREAMS", "s", "other", "$", "$");
                awaitBlocked(port, 1);
                out.add(w.callString("MULTI"));
                out.add(w.callString("XADD", "s", "2-1", "a", "1"));
                out.add(w.callString("XADD", "s", "2-2", "a", "2"));
                out.add(w.callString("XADD", "other", "6-1", "b", "1"));
                out.add(w.callString("EXEC"));
                out.add(read(a));
                send(a, "XREAD", "COUNT", "1", "BLOCK", "0", "STREAMS", "s", "2-2");
                awaitBlocked(port, 1);
                out.add(w.callString("MULTI"));
                out.add(w.callString("XADD", "s", "3-1", "a", "1"));
                out.add(w.callString("XADD", "s", "3-2", "a", "2"));
                out.add(w.callString("EXEC"));
                out.add(read(a));
            }
            return out;
        });
        assertEquals("*1\r\n*2\r\n$5\r\nother\r\n*1\r\n*2\r\n$3\r\n5-1\r\n*2\r\n$1\r\no\r\n$1\r\n1\r\n", t.get(2));
    }

    @Test
    void groupConsumersAreServedInTurnAndDestroyEndsTheWait() {
        differential(port -> {
            List<String> out = new ArrayList<>();
            try (RespClient a = RespClient.connect(port); RespClient b = RespClient.connect(port);
                 RespClient w = RespClient.connect(port)) {
                out.add(w.callString("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"));
                send(a, "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">");
                awaitBlocked(port, 1);
                send(b, "XREADGROUP", "GROUP", "g", "bob", "COUNT", "5", "BLOCK", "0", "STREAMS", "s", ">");
                awaitBlocked(port, 2);
                out.add(w.callString("XADD", "s", "1-1", "f", "v"));
                out.add(read(a));
                out.add(w.callString("XPENDING", "s", "g"));
                out.add(w.callString("XADD", "s", "2-1", "f", "v"));
                out.add(read(b));
                send(a, "XREADGROUP", "GROUP", "g", "alice", "NOACK", "BLOCK", "0", "STREAMS", "s", ">");
                awaitBlocked(port, 1);
                out.add(w.callString("XGROUP", "DESTROY", "s", "g"));
                out.add(read(a));
                out.add(w.callString("XGROUP", "CREATE", "s", "g2", "$"));
                send(b, "XREADGROUP", "GROUP", "g2", "bob", "BLOCK", "0", "STREAMS", "s", ">");
                awaitBlocked(port, 1);
                out.add(w.callString("XACK", "s", "g2", "1-1"));
                out.add(w.callString("XADD", "s", "3-1", "f", "v"));
                out.add(read(b));
                out.add(w.callString("XINFO", "GROUPS", "s"));
            }
            return out;
        });
    }

    @Test
    void deletionSwapdbTimeoutsAndMulti() {
        differential(port -> {
            List<String> out = new ArrayList<>();
            try (RespClient a = RespClient.connect(port); RespClient w = RespClient.connect(port)) {
                out.add(w.callString("XADD", "s", "1-1", "f", "v"));
                send(a, "XREAD", "BLOCK", "0", "STREAMS", "s", "$");
                awaitBlocked(port, 1);
                out.add(w.callString("DEL", "s"));
                out.add(w.callString("XADD", "s", "1-1", "again", "v")); // not above the ID it waits past
                out.add(w.callString("XADD", "s", "2-1", "again", "v"));
                out.add(read(a));
                out.add(a.callString("SELECT", "9"));
                send(a, "XREAD", "BLOCK", "0", "STREAMS", "sw", "0");
                awaitBlocked(port, 1);
                out.add(w.callString("SELECT", "11"));
                out.add(w.callString("XADD", "sw", "7-7", "f", "v"));
                out.add(w.callString("SWAPDB", "9", "11"));
                out.add(read(a));
                out.add(a.callString("XREAD", "BLOCK", "50", "STREAMS", "none", "$"));
                out.add(a.callString("XREADGROUP", "GROUP", "g", "c", "BLOCK", "50", "STREAMS", "sw", ">"));
                out.add(a.callString("MULTI"));
                out.add(a.callString("XREAD", "BLOCK", "0", "STREAMS", "none", "$"));
                out.add(a.callString("EXEC"));
                a.call("HELLO", "3");
                out.add(a.callString("XREAD", "BLOCK", "50", "STREAMS", "none", "$"));
                out.add(a.callString("XREAD", "STREAMS", "sw", "0"));
            }
            return out;
        });
    }
}
