package io.redmesh.node.command.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RespClient;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Blocking list commands with several connections: clients served by another client's push, in
 * FIFO order, across several keys, chained BLMOVEs, timeouts, CLIENT UNBLOCK, pipelined requests
 * behind a blocked one, disconnects. Each deterministic scenario runs against RedMesh and, when
 * installed, a real redis-server, and the transcripts of raw replies must be identical. RedMesh
 * runs twice, with one I/O thread (a blocked client is served on the writer's thread) and with
 * four (served from another connection's thread), since the two paths deliver replies differently.
 */
class ListBlockingTest extends BlockingScenarios {
    // ------------------------------------------------------------------ scenarios

    @Test
    void blpopServedByPushFromAnotherClient() {
        List<String> t = differential(port -> {
            List<String> out = new ArrayList<>();
            try (RespClient a = RespClient.connect(port); RespClient b = RespClient.connect(port)) {
                send(a, "BLPOP", "q", "0");
                awaitBlocked(port, 1);
                out.add(b.callString("RPUSH", "q", "v1", "v2"));
                out.add(read(a));
                out.add(b.callString("LRANGE", "q", "0", "-1"));
                send(a, "BRPOP", "q2", "q", "0");
                out.add(read(a)); // data present: immediate
                out.add(b.callString("EXISTS", "q"));
            }
            return out;
        });
        assertEquals("*2\r\n$1\r\nq\r\n$2\r\nv1\r\n", t.get(1));
    }

    /**
     * scanDatabaseForReadyKeys: SWAPDB that brings a non-empty list (zset) under the name a
     * client waits on in that db serves it at once; a value of another type does not.
     */
    @Test
    void swapdbServesClientsBlockedInTheSwappedDb() {
        List<String> t = differential(port -> {
            List<String> out = new ArrayList<>();
            try (RespClient a = RespClient.connect(port); RespClient z = RespClient.connect(port);
                 RespClient w = RespClient.connect(port)) {
                out.add(a.callString("SELECT", "9"));
                out.add(z.callString("SELECT", "11"));
                send(a, "BLPOP", "k", "5");
                send(z, "BZPOPMIN", "zk", "5");
                awaitBlocked(port, 2);
                out.add(w.callString("SELECT", "11"));
                out.add(w.callString("RPUSH", "k", "x", "y"));
                out.add(w.callString("SELECT", "9"));
                out.add(w.callString("ZADD", "zk", "1", "m"));
                out.add(w.callString("SWAPDB", "9", "11"));
                out.add(read(a));
                out.add(read(z));
                out.add(w.callString("LRANGE", "k", "0", "-1"));
                out.add(w.callString("SELECT", "11"));
                out.add(w.callString("EXISTS", "zk"));
                // a string under the awaited name leaves the client waiting until its timeout
                send(a, "BLPOP", "s", "1");
                awaitBlocked(port, 1);
                out.add(w.callString("SET", "s", "str"));
                out.add(w.callString("SWAPDB", "11", "9"));
                out.add(read(a));
            }
            return out;
        });
        assertEquals("*2\r\n$1\r\nk\r\n$1\r\nx\r\n", t.get(7));
        assertEquals("*3\r\n$2\r\nzk\r\n$1\r\nm\r\n$1\r\n1\r\n", t.get(8));
    }

    @Test
    void fifoAmongBlockedClients() {
        differential(port -> {
            List<String> out = new ArrayList<>();
            try (RespClient a = RespClient.connect(port); RespClient b = RespClient.connect(port);
                 RespClient c = RespClient.connect(port); RespClient w = RespClient.connect(port)) {
                send(a, "BLPOP", "q", "0");
                awaitBlocked(port, 1);
                send(b, "BRPOP", "q", "0");
                awaitBlocked(port, 2);
                send(c, "BLMPOP", "0", "1", "q", "LEFT", "COUNT", "5");
                awaitBlocked(port, 3);
                out.add(w.callString("RPUSH", "q", "x"));
                out.add(read(a));
                out.add(w.callString("RPUSH", "q", "y", "z", "zz", "zzz"));
                out.add(read(b)); // BRPOP takes from the tail
                out.add(read(c)); // the rest
                out.add(w.callString("EXISTS", "q"));
            }
            return out;
        });
    }

    @Test
    void clientBlockedOnSeveralKeysIsServedFromTheKeyThatWasFed() {
        differential(port -> {
            List<String> out = new ArrayList<>();
            try (RespClient a = RespClient.connect(port); RespClient w = RespClient.connect(port)) {
                send(a, "BLPOP", "k1", "k2", "k3", "0");
                awaitBlocked(port, 1);
                out.add(w.callString("RPUSH", "k3", "c"));
                out.add(read(a));
                // Both fed in one transaction: Redis serves from the first key made ready.
                send(a, "BLMPOP", "0", "2", "k1", "k2", "RIGHT", "COUNT", "2");
                awaitBlocked(port, 1);
                out.add(w.callString("MULTI"));
                out.add(w.callString("RPUSH", "k2", "a", "b", "c"));
                out.add(w.callString("RPUSH", "k1", "d"));
                out.add(w.callString("EXEC"));
                out.add(read(a));
                out.add(w.callString("LRANGE", "k1", "0", "-1"));
                out.add(w.callString("LRANGE", "k2", "0", "-1"));
            }
            return out;
        });
    }

    @Test
    void blmoveFeedsAnotherBlockedClient() {
        differential(port -> {
            List<String> out = new ArrayList<>();
            try (RespClient a = RespClient.connect(port); RespClient b = RespClient.connect(port);
                 RespClient c = RespClient.connect(port); RespClient w = RespClient.connect(port)) {
                send(a, "BLMOVE", "src", "mid", "LEFT", "RIGHT", "0");
                awaitBlocked(port, 1);
                send(b, "BRPOPLPUSH", "mid", "dst", "0");
                awaitBlocked(port, 2);
                send(c, "BLPOP", "dst", "0");
                awaitBlocked(port, 3);
                out.add(w.callString("LPUSH", "src", "v"));
                out.add(read(a));
                out.add(read(b));
                out.add(read(c));
                out.add(w.callString("EXISTS", "src", "mid", "dst"));
                // Served BLMOVE whose destination meanwhile became a string: WRONGTYPE, data kept.
                send(a, "BLMOVE", "src", "str", "LEFT", "LEFT", "0");
                awaitBlocked(port, 1);
                out.add(w.callString("SET", "str", "x"));
                out.add(w.callString("RPUSH", "src", "keep"));
                out.add(read(a));
                out.add(w.callString("LRANGE", "src", "0", "-1"));
                out.add(a.callString("PING"));
            }
            return out;
        });
    }

    @Test
    void wrongTypeWhileBlockedKeepsWaiting() {
        differential(port -> {
            List<String> out = new ArrayList<>();
            try (RespClient a = RespClient.connect(port); RespClient w = RespClient.connect(port)) {
                send(a, "BLPOP", "k", "0");
                awaitBlocked(port, 1);
                out.add(w.callString("SET", "k", "str"));
                out.add(w.callString("DEL", "k"));
                out.add(w.callString("LPUSH", "other", "x"));
                awaitBlocked(port, 1);
                out.add(w.callString("LPUSH", "k", "finally"));
                out.add(read(a));
            }
            return out;
        });
    }

    @Test
    void timeoutsReplyNullInTimeAndResp3() {
        List<String> t = differential(port -> {
            List<String> out = new ArrayList<>();
            try (RespClient a = RespClient.connect(port)) {
                for (String[] cmd : new String[][] {
                        {"BLPOP", "none", "0.2"}, {"BRPOP", "none", "none2", "0.2"},
                        {"BLMOVE", "none", "d", "LEFT", "LEFT", "0.2"}, {"BRPOPLPUSH", "none", "d", "0.2"},
                        {"BLMPOP", "0.2", "1", "none", "LEFT"}}) {
                    long t0 = System.nanoTime();
                    out.add(a.callString(cmd));
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    assertTrue(ms >= 150 && ms < 3000, cmd[0] + " took " + ms + " ms");
                }
                // A sub-millisecond timeout rounds up to 1 ms: it times out, it does not block forever.
                out.add(a.callString("BLPOP", "none", "0.0001"));
                a.call("HELLO", "3");
                out.add(a.callString("BLPOP", "none", "0.05"));
                out.add(a.callString("BLMOVE", "none", "d", "LEFT", "LEFT", "0.05"));
                out.add(a.callString("BLMPOP", "0.05", "1", "none", "LEFT"));
                out.add(a.callString("EXISTS", "d"));
            }
            return out;
        });
        assertEquals("*-1\r\n", t.get(0));
        assertEquals("_\r\n", t.get(6));
    }

    @Test
    void transactionsNeverBlock() {
        differential(port -> {
            List<String> out = new ArrayList<>();
            try (RespClient a = RespClient.connect(port)) {
                a.call("MULTI");
                a.call("BLPOP", "none", "0");
                a.call("BLMOVE", "none", "d", "LEFT", "LEFT", "0");
                a.call("BRPOPLPUSH", "none", "d", "0");
                a.call("BLMPOP", "0", "1", "none", "LEFT");
                long t0 = System.nanoTime();
                out.add(a.callString("EXEC"));
                assertTrue(System.nanoTime() - t0 < 2_000_000_000L);
            }
            return out;
        });
    }

    @Test
    void clientUnblockTimeoutAndError() {
        differential(port -> {
            List<String> out = new ArrayList<>();
            try (RespClient a = RespClient.connect(port); RespClient w = RespClient.connect(port)) {
                String id = a.callString("CLIENT", "ID").substring(1).trim();
                out.add(w.callString("CLIENT", "UNBLOCK", id)); // not blocked: 0
                send(a, "BLPOP", "k", "0");
                awaitBlocked(port, 1);
                out.add(w.callString("CLIENT", "UNBLOCK", id, "TIMEOUT"));
                out.add(read(a));
                send(a, "BLMOVE", "k", "d", "LEFT", "LEFT", "0");
                awaitBlocked(port, 1);
                out.add(w.callString("CLIENT", "UNBLOCK", id, "ERROR"));
                out.add(read(a));
                send(a, "BLMPOP", "0", "1", "k", "LEFT");
                awaitBlocked(port, 1);
                out.add(w.callString("CLIENT", "UNBLOCK", id, "WRONG"));
                out.add(w.callString("CLIENT", "UNBLOCK", id));
                out.add(read(a));
                out.add(w.callString("RPUSH", "k", "x"));
                out.add(a.callString("LLEN", "k"));
            }
            return out;
        });
    }

    @Test
    void pipelinedCommandsRunAfterTheBlockedOne() {
        differential(port -> {
            List<String> out = new ArrayList<>();
            try (RespClient a = RespClient.connect(port); RespClient w = RespClient.connect(port)) {
                ByteArrayOutputStream pipe = new ByteArrayOutputStream();
                pipe.writeBytes(RespClient.encode(RespClient.args("BLPOP", "k", "0")));
                pipe.writeBytes(RespClient.encode(RespClient.args("PING")));
                pipe.writeBytes(RespClient.encode(RespClient.args("LLEN", "k")));
                pipe.writeBytes(RespClient.encode(RespClient.args("BRPOP", "k2", "0")));
                pipe.writeBytes(RespClient.encode(RespClient.args("RPUSH", "k", "mine")));
                a.send(pipe.toByteArray());
                awaitBlocked(port, 1);
                out.add(w.callString("RPUSH", "k", "a", "b"));
                out.add(read(a));
                out.add(read(a));
                out.add(read(a));
                awaitBlocked(port, 1); // the pipelined BRPOP blocks in turn
                out.add(w.callString("LPUSH", "k2", "z"));
                out.add(read(a));
                out.add(read(a));
                out.add(w.callString("LRANGE", "k", "0", "-1"));
            }
            return out;
        });
    }

    /** Requests queued behind a blocked command keep their order, also against later ones. */
    @Test
    void queuedRequestsKeepOrderAcrossUnblockPaths() {
        differential(port -> {
            List<String> out = new ArrayList<>();
            try (RespClient a = RespClient.connect(port); RespClient w = RespClient.connect(port)) {
                String id = a.callString("CLIENT", "ID").substring(1).trim();
                ByteArrayOutputStream pipe = new ByteArrayOutputStream();
                pipe.writeBytes(RespClient.encode(RespClient.args("BLPOP", "k", "0")));
                pipe.writeBytes(RespClient.encode(RespClient.args("RPUSH", "log", "1")));
                pipe.writeBytes(RespClient.encode(RespClient.args("RPUSH", "log", "2")));
                a.send(pipe.toByteArray());
                awaitBlocked(port, 1);
                send(a, "RPUSH", "log", "3"); // sent later, while blocked
                sleep(50);
                out.add(w.callString("CLIENT", "UNBLOCK", id));
                out.add(read(a));
                out.add(read(a));
                out.add(read(a));
                out.add(read(a));
                // Same through a timeout, with the follow-ups sent one by one.
                send(a, "BLPOP", "k", "0.1");
                send(a, "RPUSH", "log", "4");
                send(a, "LRANGE", "log", "0", "-1");
                out.add(read(a));
                out.add(read(a));
                out.add(read(a));
            }
            return out;
        });
    }

    @Test
    void servedInResp3() {
        differential(port -> {
            List<String> out = new ArrayList<>();
            try (RespClient a = RespClient.connect(port); RespClient w = RespClient.connect(port)) {
                a.call("HELLO", "3");
                send(a, "BLMPOP", "0", "1", "k", "LEFT", "COUNT", "3");
                awaitBlocked(port, 1);
                out.add(w.callString("RPUSH", "k", "a", "b"));
                out.add(read(a));
                send(a, "BRPOPLPUSH", "k", "d", "0");
                awaitBlocked(port, 1);
                out.add(w.callString("RPUSH", "k", "c"));
                out.add(read(a));
            }
            return out;
        });
    }

    @Test
    void blockedClientDisconnecting() {
        differential(port -> {
            List<String> out = new ArrayList<>();
            try (RespClient w = RespClient.connect(port)) {
                try (RespClient a = RespClient.connect(port)) {
                    send(a, "BLPOP", "k", "0");
                    awaitBlocked(port, 1);
                }
                awaitBlocked(port, 0);
                out.add(w.callString("RPUSH", "k", "x"));
                out.add(w.callString("LLEN", "k"));
            }
            return out;
        });
    }

    @Test
    void readyButEmptiedKeysAndRotation() {
        differential(port -> {
            List<String> out = new ArrayList<>();
            try (RespClient a = RespClient.connect(port); RespClient b = RespClient.connect(port);
                 RespClient w = RespClient.connect(port)) {
                send(a, "BLPOP", "k", "k2", "0.3");
                awaitBlocked(port, 1);
                // Fed and drained within one transaction: nothing to serve, the wait goes on.
                w.call("MULTI");
                w.call("RPUSH", "k", "x");
                w.call("LPOP", "k");
                out.add(w.callString("EXEC"));
                out.add(read(a)); // times out
                out.add(w.callString("RPUSH", "k2", "late")); // nobody waits on k2 any more
                // A rotating BLMOVE served first leaves the element for the next waiter.
                send(a, "BLMOVE", "r", "r", "LEFT", "RIGHT", "0");
                awaitBlocked(port, 1);
                send(b, "BRPOP", "r", "0");
                awaitBlocked(port, 2);
                out.add(w.callString("RPUSH", "r", "x"));
                out.add(read(a));
                out.add(read(b));
                out.add(w.callString("EXISTS", "r", "k2"));
            }
            return out;
        });
    }

    /** Keys that become lists by RENAME, COPY or MOVE wake clients blocked on them too. */
    @Test
    void keyCommandsCreatingListsServeBlockedClients() {
        differential(port -> {
            List<String> out = new ArrayList<>();
            try (RespClient a = RespClient.connect(port); RespClient w = RespClient.connect(port)) {
                for (String[] make : new String[][] {{"RENAME", "src", "dst"}, {"COPY", "src", "dst"}}) {
                    out.add(w.callString("RPUSH", "src", "v"));
                    send(a, "BLPOP", "dst", "0");
                    awaitBlocked(port, 1);
                    out.add(w.callString(make));
                    out.add(read(a));
                    out.add(w.callString("DEL", "src", "dst"));
                }
                out.add(a.callString("SELECT", "1"));
                send(a, "BLPOP", "moved", "0");
                awaitBlocked(port, 1);
                out.add(w.callString("RPUSH", "moved", "m"));
                out.add(w.callString("MOVE", "moved", "1"));
                out.add(read(a));
            }
            return out;
        });
    }

    @Test
    void watchSeesPushesAndPops() {
        differential(port -> {
            List<String> out = new ArrayList<>();
            try (RespClient a = RespClient.connect(port); RespClient w = RespClient.connect(port)) {
                out.add(a.callString("WATCH", "k"));
                out.add(w.callString("RPUSH", "k", "x"));
                a.call("MULTI");
                a.call("LLEN", "k");
                out.add(a.callString("EXEC"));
                out.add(a.callString("WATCH", "k"));
                out.add(w.callString("LPOP", "k"));
                a.call("MULTI");
                a.call("LLEN", "k");
                out.add(a.callString("EXEC"));
            }
            return out;
        });
    }
}
