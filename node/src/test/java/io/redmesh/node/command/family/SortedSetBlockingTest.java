package io.redmesh.node.command.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.spi.ExecutedCommandListener;
import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import io.redmesh.node.testing.StartedNode;
import io.redmesh.node.testing.StartedRedis;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * BZPOPMIN, BZPOPMAX and BZMPOP with real waiting: a client blocks, a second one feeds the key.
 * Each scenario runs against RedMesh and, when installed, against redis-server 7.0, and the
 * blocked client's replies must be the same bytes.
 */
class SortedSetBlockingTest {
    @StartedNode
    static ServerFixture ours;
    /** Null where redis-server is not installed: the node-only tests still run. */
    @StartedRedis(optional = true)
    static RedisProcess real;

    /** A scenario: given a client factory for one server, returns the replies it observed. */
    interface Scenario {
        List<String> run(IntFunction<RespClient> clients);
    }

    /** Runs a scenario on RedMesh, and on redis-server when available, comparing the results. */
    static List<String> check(Scenario s) {
        List<String> mine;
        try (RespClient admin = ours.client()) {
            admin.call("FLUSHALL");
            mine = s.run(i -> ours.client());
        }
        if (real != null) {
            try (RespClient admin = real.client()) {
                admin.call("FLUSHALL");
            }
            List<String> theirs = s.run(i -> real.client());
            assertEquals(theirs, mine);
        }
        return mine;
    }

    static String str(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    static void send(RespClient c, String... args) {
        c.send(RespClient.encode(RespClient.args(args)));
    }

    /** Waits until the server reports {@code n} blocked clients. */
    static void awaitBlocked(RespClient admin, int n) {
        long deadline = System.currentTimeMillis() + 5000;
        while (System.currentTimeMillis() < deadline) {
            if (admin.callString("INFO", "clients").contains("blocked_clients:" + n + "\r\n")) {
                return;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError("never saw blocked_clients:" + n);
    }

    @Test
    void bzpopminIsServedByAnotherClientsZadd() {
        List<String> r = check(clients -> {
            try (RespClient a = clients.apply(0); RespClient b = clients.apply(1)) {
                send(a, "BZPOPMIN", "k1", "k2", "0");
                awaitBlocked(b, 1);
                List<String> out = new ArrayList<>();
                out.add(b.callString("ZADD", "k2", "2", "two", "1", "one"));
                out.add(str(a.readReply()));
                out.add(b.callString("ZRANGE", "k2", "0", "-1", "WITHSCORES"));
                awaitBlocked(b, 0);
                return out;
            }
        });
        assertEquals("*3\r\n$2\r\nk2\r\n$3\r\none\r\n$1\r\n1\r\n", r.get(1));
    }

    @Test
    void bzpopmaxInResp3AndSkiplistEncoding() {
        check(clients -> {
            try (RespClient a = clients.apply(0); RespClient b = clients.apply(1)) {
                a.call("HELLO", "3");
                send(a, "BZPOPMAX", "big", "0");
                awaitBlocked(b, 1);
                List<String> args = new ArrayList<>(List.of("ZADD", "big"));
                for (int i = 0; i < 200; i++) {
                    args.add(Integer.toString(i));
                    args.add("m" + i);
                }
                List<String> out = new ArrayList<>();
                out.add(b.callString(args.toArray(new String[0])));
                out.add(str(a.readReply()));
                out.add(b.callString("OBJECT", "ENCODING", "big"));
                out.add(b.callString("ZCARD", "big"));
                return out;
            }
        });
    }

    @Test
    void bzmpopWithCountInBothProtocols() {
        List<String> r = check(clients -> {
            try (RespClient a = clients.apply(0); RespClient a3 = clients.apply(1); RespClient b = clients.apply(2)) {
                a3.call("HELLO", "3");
                send(a, "BZMPOP", "0", "2", "m1", "m2", "MAX", "COUNT", "2");
                awaitBlocked(b, 1);
                send(a3, "BZMPOP", "0", "1", "m2", "MIN", "COUNT", "10");
                awaitBlocked(b, 2);
                List<String> out = new ArrayList<>();
                out.add(b.callString("ZADD", "m2", "1", "a", "2", "b", "3", "c", "4", "d"));
                out.add(str(a.readReply()));
                out.add(str(a3.readReply()));
                out.add(b.callString("EXISTS", "m2"));
                return out;
            }
        });
        assertEquals("*2\r\n$2\r\nm2\r\n*2\r\n*2\r\n$1\r\nd\r\n$1\r\n4\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n", r.get(1));
        assertEquals("*2\r\n$2\r\nm2\r\n*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2\r\n", r.get(2));
    }

    @Test
    void clientsAreServedInTheOrderTheyBlocked() {
        check(clients -> {
            try (RespClient a = clients.apply(0); RespClient c = clients.apply(1); RespClient b = clients.apply(2)) {
                send(a, "BZPOPMIN", "q", "0");
                awaitBlocked(b, 1);
                send(c, "BZPOPMIN", "q", "0");
                awaitBlocked(b, 2);
                List<String> out = new ArrayList<>();
                out.add(b.callString("ZADD", "q", "1", "first"));
                out.add(str(a.readReply()));
                awaitBlocked(b, 1);
                out.add(b.callString("ZADD", "q", "2", "second"));
                out.add(str(c.readReply()));
                return out;
            }
        });
    }

    @Test
    void transactionsFeedBlockedClientsOnlyWithWhatIsLeftAtExec() {
        check(clients -> {
            try (RespClient a = clients.apply(0); RespClient b = clients.apply(1)) {
                send(a, "BZPOPMIN", "t", "0");
                awaitBlocked(b, 1);
                List<String> out = new ArrayList<>();
                // Added and removed inside one transaction: nothing to serve.
                out.add(b.callString("MULTI"));
                out.add(b.callString("ZADD", "t", "1", "x"));
                out.add(b.callString("ZREM", "t", "x"));
                out.add(b.callString("EXEC"));
                awaitBlocked(b, 1);
                // A string is not what the client waits for; it stays blocked.
                out.add(b.callString("SET", "t", "str"));
                awaitBlocked(b, 1);
                out.add(b.callString("DEL", "t"));
                out.add(b.callString("MULTI"));
                out.add(b.callString("ZADD", "t", "5", "five"));
                out.add(b.callString("ZADD", "t", "3", "three"));
                out.add(b.callString("EXEC"));
                out.add(str(a.readReply()));
                out.add(b.callString("ZRANGE", "t", "0", "-1"));
                return out;
            }
        });
    }

    @Test
    void aClientWaitingOnSeveralKeysIsServedFromTheFirstOneFed() {
        check(clients -> {
            try (RespClient a = clients.apply(0); RespClient a2 = clients.apply(1); RespClient b = clients.apply(2)) {
                send(a, "BZPOPMIN", "k1", "k2", "0");
                awaitBlocked(b, 1);
                send(a2, "BZMPOP", "0", "2", "k1", "k2", "MAX", "COUNT", "5");
                awaitBlocked(b, 2);
                List<String> out = new ArrayList<>();
                out.add(b.callString("MULTI"));
                out.add(b.callString("ZADD", "k2", "1", "two-a", "2", "two-b"));
                out.add(b.callString("ZADD", "k1", "1", "one-a"));
                out.add(b.callString("EXEC"));
                out.add(str(a.readReply()));
                out.add(str(a2.readReply()));
                out.add(b.callString("ZRANGE", "k1", "0", "-1"));
                return out;
            }
        });
    }

    @Test
    void everyCommandThatCreatesASortedSetWakesTheWaiters() {
        check(clients -> {
            try (RespClient a = clients.apply(0); RespClient b = clients.apply(1)) {
                List<String> out = new ArrayList<>();
                out.add(b.callString("ZADD", "src", "1", "x", "2", "y", "3", "z"));
                String[][] creators = {
                    {"ZINCRBY", "w1", "5", "m"},
                    {"ZUNIONSTORE", "w2", "1", "src"},
                    {"ZRANGESTORE", "w3", "src", "1", "-1"},
                    {"ZINTERSTORE", "w4", "2", "src", "src", "WEIGHTS", "1", "2"},
                    {"ZDIFFSTORE", "w5", "1", "src"},
                    {"RENAME", "src", "w6"},
                };
                int n = 1;
                for (String[] cmd : creators) {
                    String key = "w" + n++;
                    send(a, "BZPOPMAX", "other", key, "0");
                    awaitBlocked(b, 1);
                    out.add(b.callString(cmd));
                    out.add(str(a.readReply()));
                }
                return out;
            }
        });
    }

    @Test
    void timeoutRepliesNullInBothProtocols() {
        List<String> r = check(clients -> {
            try (RespClient a = clients.apply(0); RespClient b = clients.apply(1)) {
                List<String> out = new ArrayList<>();
                long t0 = System.nanoTime();
                out.add(a.callString("BZPOPMIN", "none", "0.2"));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms >= 150, "returned after " + ms + " ms");
                out.add(a.callString("BZMPOP", "0.05", "1", "none", "MIN"));
                b.call("HELLO", "3");
                out.add(b.callString("BZPOPMAX", "none", "0.05"));
                out.add(b.callString("BZMPOP", "0.05", "2", "none", "none2", "MAX", "COUNT", "3"));
                // The connection serves normally afterwards.
                out.add(a.callString("ZADD", "none", "1", "a"));
                out.add(a.callString("BZPOPMIN", "none", "0.05"));
                return out;
            }
        });
        assertEquals(List.of("*-1\r\n", "*-1\r\n", "_\r\n", "_\r\n"), r.subList(0, 4));
    }

    @Test
    void requestsSentWhileBlockedRunAfterwards() {
        check(clients -> {
            try (RespClient a = clients.apply(0); RespClient b = clients.apply(1)) {
                send(a, "BZPOPMIN", "w", "0");
                awaitBlocked(b, 1);
                send(a, "ZCARD", "w");
                send(a, "PING");
                List<String> out = new ArrayList<>();
                out.add(b.callString("ZADD", "w", "1", "a", "2", "b"));
                out.add(str(a.readReply()));
                out.add(str(a.readReply()));
                out.add(str(a.readReply()));
                return out;
            }
        });
    }

    @Test
    void servedPopsPropagateAsNonBlockingPops() {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        ExecutedCommandListener l = (db, argv) -> {
            StringBuilder sb = new StringBuilder();
            for (byte[] a : argv) {
                sb.append(str(a)).append(' ');
            }
            seen.add(sb.toString().trim());
        };
        ours.context().addWriteListener(l);
        try (RespClient a = ours.client(); RespClient b = ours.client()) {
            b.call("FLUSHALL");
            seen.clear();
            send(a, "BZPOPMIN", "pk", "0");
            awaitBlocked(b, 1);
            b.call("ZADD", "pk", "1", "a", "2", "b", "3", "c");
            a.readReply();
            send(a, "BZMPOP", "0", "1", "pk", "MAX", "COUNT", "5");
            a.readReply();
            b.call("ZADD", "pk2", "1", "a", "2", "b");
            a.call("BZPOPMAX", "pk2", "0");
            a.call("ZMPOP", "1", "pk2", "MIN");
            a.call("ZMPOP", "1", "pk2", "MIN"); // nothing left: not propagated
            assertEquals(List.of("ZADD pk 1 a 2 b 3 c", "ZPOPMIN pk", "ZPOPMAX pk 5",
                    "ZADD pk2 1 a 2 b", "ZPOPMAX pk2", "ZPOPMIN pk2 1"), seen);
        } finally {
            ours.context().removeWriteListener(l);
        }
    }

    @Test
    void blockingCommandsDoNotBlockInsideMulti() {
        List<String> r = check(clients -> {
            try (RespClient a = clients.apply(0)) {
                List<String> out = new ArrayList<>();
                out.add(a.callString("MULTI"));
                out.add(a.callString("BZPOPMIN", "nokey", "0"));
                out.add(a.callString("BZMPOP", "0", "1", "nokey", "MIN"));
                out.add(a.callString("EXEC"));
                return out;
            }
        });
        assertEquals("*2\r\n*-1\r\n*-1\r\n", r.get(3));
    }
}
