package io.redmesh.node.command.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import io.redmesh.node.testing.StartedNode;
import io.redmesh.node.testing.StartedRedis;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Byte-exact differential test of the non-blocking list commands: every command runs against a
 * real redis-server 7.0 and against RedMesh, and the raw replies must be identical. Covers edge
 * indexes, counts, option errors, wrong types, empty-key deletion and RESP3 null shapes.
 */
class ListCommandsDiffTest {
    @StartedRedis
    private static RedisProcess real;
    @StartedNode
    private static ServerFixture node;

    private static final String MAX = "9223372036854775807";
    private static final String MIN = "-9223372036854775808";

    /** Commands separated by '|' inside one string, for compactness. */
    static final String[] SCRIPT = {
        // push / length / range basics
        "LPUSH|l|a", "LPUSH|l|b|c|d", "RPUSH|l|e|f", "LLEN|l", "LRANGE|l|0|-1", "TYPE|l", "OBJECT|ENCODING|l",
        "LPUSHX|l|x|y", "RPUSHX|l|z", "LPUSHX|missing|x", "RPUSHX|missing|x", "EXISTS|missing", "LLEN|missing",
        "LRANGE|l|0|0", "LRANGE|l|-1|-1", "LRANGE|l|-100|100", "LRANGE|l|5|2", "LRANGE|l|100|200",
        "LRANGE|l|-3|-5", "LRANGE|l|" + MIN + "|" + MAX, "LRANGE|l|" + MAX + "|" + MIN, "LRANGE|l|2|-2",
        "LRANGE|l|a|1", "LRANGE|l|1|b", "LRANGE|missing|0|-1", "LRANGE|missing|x|1", "LRANGE|l|1.5|2",
        "LRANGE|l|" + MAX + "0|1", "LRANGE|l| 1|2",
        // LINDEX
        "LINDEX|l|0", "LINDEX|l|-1", "LINDEX|l|100", "LINDEX|l|-100", "LINDEX|l|" + MIN, "LINDEX|l|x",
        "LINDEX|missing|x", "LINDEX|missing|0",
        // LSET
        "LSET|l|0|first", "LSET|l|-1|last", "LSET|l|100|x", "LSET|l|-100|x", "LSET|l|x|y", "LSET|missing|0|x",
        "LSET|missing|x|x", "LRANGE|l|0|-1",
        // LINSERT
        "LINSERT|l|BEFORE|c|ins1", "LINSERT|l|after|c|ins2", "LINSERT|l|AfTeR|last|tail", "LINSERT|l|before|first|head",
        "LINSERT|l|before|nope|x", "LINSERT|l|middle|c|x", "LINSERT|missing|before|a|x", "LINSERT|missing|bad|a|x",
        "LRANGE|l|0|-1", "EXISTS|missing",
        // LPOP / RPOP with and without count
        "LPOP|l", "RPOP|l", "LPOP|l|2", "RPOP|l|2", "LPOP|l|0", "RPOP|l|0", "LPOP|l|1", "LPOP|l|-1", "LPOP|l|x",
        "LPOP|l|1|2", "RPOP|l|1|2", "LPOP|missing", "RPOP|missing", "LPOP|missing|1", "RPOP|missing|0",
        "LPOP|missing|-1", "LPOP|missing|x", "RPOP|l|" + MAX, "EXISTS|l", "LPOP|l", "LPOP|l|5",
        // single-element pops delete the key
        "RPUSH|one|v", "LPOP|one", "EXISTS|one", "RPUSH|one|v", "RPOP|one|10", "EXISTS|one",
        // LREM
        "RPUSH|r|a|b|a|c|a|b|a", "LREM|r|2|a", "LRANGE|r|0|-1", "LREM|r|-1|a", "LRANGE|r|0|-1", "LREM|r|0|b",
        "LRANGE|r|0|-1", "LREM|r|0|zz", "LREM|r|x|a", "LREM|missing|0|a", "LREM|missing|x|a", "LREM|r|0|a",
        "LREM|r|" + MIN + "|c", "EXISTS|r", "RPUSH|r|a|a|a", "LREM|r|" + MAX + "|a", "EXISTS|r",
        // LTRIM
        "RPUSH|t|0|1|2|3|4|5|6|7|8|9", "LTRIM|t|1|-2", "LRANGE|t|0|-1", "LTRIM|t|-3|100", "LRANGE|t|0|-1",
        "LTRIM|t|0|0", "LRANGE|t|0|-1", "LTRIM|t|x|1", "LTRIM|t|0|y", "LTRIM|missing|0|1", "LTRIM|missing|x|1",
        "LTRIM|t|5|1", "EXISTS|t", "RPUSH|t|a|b|c", "LTRIM|t|" + MIN + "|" + MAX, "LRANGE|t|0|-1",
        "LTRIM|t|-1|-2", "EXISTS|t",
        // LPOS
        "RPUSH|p|a|b|c|1|2|3|c|c", "LPOS|p|c", "LPOS|p|c|RANK|2", "LPOS|p|c|RANK|-1", "LPOS|p|c|RANK|-2",
        "LPOS|p|c|RANK|4", "LPOS|p|c|COUNT|0", "LPOS|p|c|COUNT|2", "LPOS|p|c|COUNT|2|RANK|-1",
        "LPOS|p|c|COUNT|0|RANK|2", "LPOS|p|c|MAXLEN|3", "LPOS|p|c|MAXLEN|2", "LPOS|p|c|COUNT|0|MAXLEN|7",
        "LPOS|p|c|RANK|-1|MAXLEN|1", "LPOS|p|c|RANK|-1|MAXLEN|2|COUNT|0", "LPOS|p|zz", "LPOS|p|zz|COUNT|1",
        "LPOS|p|c|RANK|0", "LPOS|p|c|RANK|x", "LPOS|p|c|RANK|" + MIN, "LPOS|p|c|RANK|" + MIN + "|COUNT|1",
        "LPOS|p|c|RANK|-" + MAX, "LPOS|p|c|COUNT|-1", "LPOS|p|c|COUNT|x", "LPOS|p|c|MAXLEN|-1",
        "LPOS|p|c|MAXLEN|x", "LPOS|p|c|RANK", "LPOS|p|c|COUNT", "LPOS|p|c|FOO|1", "LPOS|p|c|RANK|1|RANK|2",
        "LPOS|missing|c", "LPOS|missing|c|COUNT|0", "LPOS|missing|c|RANK|0", "LPOS|p|1", "LPOS|p|c|COUNT|" + MAX,
        // LMOVE / RPOPLPUSH
        "RPUSH|src|1|2|3", "LMOVE|src|dst|LEFT|RIGHT", "LMOVE|src|dst|right|left", "LRANGE|src|0|-1",
        "LRANGE|dst|0|-1", "LMOVE|src|dst|LEFT|LEFT", "EXISTS|src", "LMOVE|src|dst|LEFT|LEFT",
        "LMOVE|dst|dst|LEFT|RIGHT", "LRANGE|dst|0|-1", "LMOVE|dst|dst|RIGHT|LEFT", "LRANGE|dst|0|-1",
        "LMOVE|dst|dst|UP|LEFT", "LMOVE|dst|dst|LEFT|DOWN", "LMOVE|missing|dst|UP|LEFT", "RPOPLPUSH|dst|new",
        "RPOPLPUSH|missing|dst", "LRANGE|new|0|-1", "RPUSH|solo|x", "RPOPLPUSH|solo|solo", "LRANGE|solo|0|-1",
        "LMOVE|solo|solo|LEFT|LEFT", "LLEN|solo",
        // LMPOP
        "RPUSH|m1|a|b|c", "RPUSH|m2|d|e", "LMPOP|2|m0|m1|LEFT", "LMPOP|2|m0|m1|RIGHT|COUNT|5", "EXISTS|m1",
        "LMPOP|3|m0|m1|m2|left|count|1", "LMPOP|1|m0|LEFT", "LMPOP|1|m2|RIGHT|COUNT|" + MAX, "EXISTS|m2",
        "LMPOP|0|m1|LEFT", "LMPOP|-1|m1|LEFT", "LMPOP|x|m1|LEFT", "LMPOP|2|m1|LEFT", "LMPOP|1|m1|MIDDLE",
        "LMPOP|1|m1|LEFT|COUNT|0", "LMPOP|1|m1|LEFT|COUNT|-1", "LMPOP|1|m1|LEFT|COUNT|x",
        "LMPOP|1|m1|LEFT|COUNT", "LMPOP|1|m1|LEFT|COUNT|1|COUNT|1", "LMPOP|1|m1|LEFT|FOO",
        "LMPOP|" + MAX + "|m1|LEFT", "LMPOP|1", "LMPOP|1|m1",
        // wrong types
        "SET|s|v", "LPUSH|s|a", "RPUSH|s|a", "LPUSHX|s|a", "RPUSHX|s|a", "LPOP|s", "RPOP|s|2", "LPOP|s|0",
        "LPOP|s|x", "LLEN|s", "LRANGE|s|0|-1", "LRANGE|s|x|0", "LINDEX|s|0", "LINDEX|s|x", "LSET|s|0|x",
        "LSET|s|x|x", "LINSERT|s|before|a|b", "LINSERT|s|bad|a|b", "LREM|s|0|a", "LREM|s|x|a", "LTRIM|s|0|1",
        "LPOS|s|a", "LPOS|s|a|RANK|0", "LMOVE|s|d2|LEFT|LEFT", "RPUSH|okl|1", "LMOVE|okl|s|LEFT|LEFT",
        "LRANGE|okl|0|-1", "LMOVE|missing|s|LEFT|LEFT", "RPOPLPUSH|okl|s", "LMPOP|2|missing|s|LEFT",
        "LMPOP|2|okl|s|LEFT", "GET|s", "HSET|h|f|v", "SADD|set|m", "LPUSH|h|x", "LRANGE|set|0|-1",
        "RPOPLPUSH|okl|h", "BLPOP|set|0", "LMPOP|1|h|RIGHT", "TYPE|okl", "TYPE|h",
        // arity
        "LPUSH|l", "RPUSH", "LLEN", "LRANGE|l|0", "LINDEX|l", "LSET|l|0", "LINSERT|l|before|a", "LREM|l|0",
        "LTRIM|l|0", "LPOS|l", "LMOVE|a|b|LEFT", "RPOPLPUSH|a", "LPOP", "LMPOP|1|a",
        // non-blocking use of blocking commands' argument errors (no blocking here: data present)
        "RPUSH|bl|x|y|z|w", "BLPOP|bl|0", "BRPOP|nothere|bl|0", "BLMPOP|0|1|bl|LEFT", "EXISTS|bl",
        "RPUSH|bl|x", "BLMOVE|bl|bl2|LEFT|RIGHT|0", "BRPOPLPUSH|bl2|bl|0", "LRANGE|bl|0|-1",
        "BLPOP|bl|abc", "BLPOP|bl|-1", "BLPOP|bl|inf", "BLPOP|bl|1e400", "BLPOP|bl|1e5000", "BLPOP|bl|nan",
        "BLPOP|bl| 1", "RPUSH|bl|q|r", "BLPOP|bl|-0.0001", "BLPOP|bl|922337203685477.5", "BLMOVE|bl|x|LEFT|RIGHT|-1", "BLMOVE|bl|x|UP|RIGHT|-1", "BRPOPLPUSH|bl|x|abc",
        "BLMPOP|abc|1|bl|LEFT", "BLMPOP|-1|0|bl|LEFT", "BLMPOP|-1|1|bl|UP", "BLMPOP|-1|1|bl|LEFT|COUNT|0",
        "BLMPOP|-1|1|bl|LEFT", "BLMPOP|0|2|bl|LEFT", "BLPOP|s|0", "BLPOP|bl|s|0", "BLPOP|missing|s|0",
        "BLMPOP|0|2|missing|s|LEFT", "BLMOVE|s|x|LEFT|LEFT|0", "BLMOVE|bl|s|LEFT|LEFT|0",
        // binary-safe and empty elements, big list
        "RPUSH|bin|\u0000\u00ff|", "LRANGE|bin|0|-1", "LPOS|bin|", "LINSERT|bin|after||z", "LRANGE|bin|0|-1",
        "DEL|bin",
    };

    static byte[][] args(String cmd) {
        String[] parts = cmd.split("\\|", -1);
        byte[][] a = new byte[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            a[i] = parts[i].getBytes(StandardCharsets.ISO_8859_1);
        }
        return a;
    }

    static String show(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1).replace("\r\n", "\\r\\n");
    }

    /** Runs the commands on both servers, collecting every mismatch before failing. */
    static void compare(RespClient a, RespClient b, List<String> script) {
        List<String> diffs = new ArrayList<>();
        for (String cmd : script) {
            byte[] want = a.call(args(cmd));
            byte[] got = b.call(args(cmd));
            if (!java.util.Arrays.equals(want, got)) {
                diffs.add(cmd + "\n    redis:   " + show(want) + "\n    redmesh: " + show(got));
            }
        }
        assertTrue(diffs.isEmpty(), diffs.size() + " mismatches:\n" + String.join("\n", diffs));
    }

    @Test
    void scriptMatchesRealRedisResp2() {
        try (RespClient a = real.client(); RespClient b = node.client()) {
            a.call("FLUSHALL");
            b.call("FLUSHALL");
            compare(a, b, List.of(SCRIPT));
        }
    }

    @Test
    void scriptMatchesRealRedisResp3() {
        try (RespClient a = real.client(); RespClient b = node.client()) {
            a.call("SELECT", "9");
            b.call("SELECT", "9");
            a.call("FLUSHDB");
            b.call("FLUSHDB");
            a.call("HELLO", "3");
            b.call("HELLO", "3");
            compare(a, b, List.of(SCRIPT));
        }
    }

    @Test
    void transactionsDoNotBlock() {
        try (RespClient a = real.client(); RespClient b = node.client()) {
            List<String> script = List.of("SELECT|3", "FLUSHDB", "MULTI", "BLPOP|none|0", "BRPOP|none|none2|0",
                    "BLMOVE|none|d|LEFT|LEFT|0", "BRPOPLPUSH|none|d|0", "BLMPOP|0|1|none|LEFT", "RPUSH|x|1",
                    "BLPOP|x|0", "EXEC", "HELLO|3", "MULTI", "BLPOP|none|0", "BLMOVE|none|d|LEFT|LEFT|0",
                    "BLMPOP|0|1|none|LEFT", "EXEC");
            for (String cmd : script) {
                if (cmd.startsWith("HELLO")) {
                    a.call(args(cmd)); // the greeting names the server: not compared
                    b.call(args(cmd));
                } else {
                    compare(a, b, List.of(cmd));
                }
            }
        }
    }

    /** A long list exercising wrap-around and growth, compared element by element. */
    @Test
    void bigListMatches() {
        try (RespClient a = real.client(); RespClient b = node.client()) {
            List<String> script = new ArrayList<>(List.of("SELECT|4", "FLUSHDB"));
            for (int i = 0; i < 300; i++) {
                script.add((i % 3 == 0 ? "LPUSH" : "RPUSH") + "|big|e" + (i % 17) + "|f" + i);
                if (i % 7 == 0) {
                    script.add("LPOP|big");
                }
                if (i % 11 == 0) {
                    script.add("RPOP|big|2");
                }
                if (i % 13 == 0) {
                    script.add("LINSERT|big|before|e" + (i % 17) + "|ins" + i);
                }
                if (i % 29 == 0) {
                    script.add("LREM|big|-2|e" + (i % 5));
                }
            }
            script.add("LRANGE|big|0|-1");
            script.add("LPOS|big|e3|COUNT|0");
            script.add("LPOS|big|e3|RANK|-3|COUNT|4");
            script.add("LTRIM|big|17|-23");
            script.add("LRANGE|big|0|-1");
            script.add("LINDEX|big|100");
            script.add("LLEN|big");
            compare(a, b, script);
        }
    }

    @Test
    void serverKeepsServingAfterBadInput() {
        try (RespClient b = node.client()) {
            b.call("LPOS", "k", "v", "RANK", "0");
            b.call("LMPOP", "0", "k", "LEFT");
            assertEquals("+PONG\r\n", b.callString("PING"));
        }
    }
}
