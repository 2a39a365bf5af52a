package io.redmesh.node.command.family;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import io.redmesh.node.testing.StartedNode;
import io.redmesh.node.testing.StartedRedis;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Byte-exact differential test of the stream commands against a real redis-server 7.0.15, in
 * RESP2 and RESP3: explicit IDs so both servers hold the same entries; every option and error of
 * XADD, XRANGE/XREVRANGE, XLEN, XDEL, XTRIM, XSETID, XREAD, XGROUP, XREADGROUP, XACK, XPENDING,
 * XCLAIM, XAUTOCLAIM and XINFO. A command prefixed with '~' has time-dependent integers (idle
 * times, delivery times), which are masked before comparing.
 */
class StreamCommandsDiffTest {
    @StartedRedis
    private static RedisProcess real;
    @StartedNode
    private static ServerFixture node;

    private static final String U64 = "18446744073709551615";

    static final String[] SCRIPT = {
        // XADD ids and errors
        "XADD|s|1-1|f|v", "XADD|s|1-1|f|v", "XADD|s|1-0|f|v", "XADD|s|0-0|f|v", "XADD|s2|0-0|f|v", "EXISTS|s2",
        "XADD|s|1-*|f|v2", "XADD|s|2-*|a|1|b|2", "XADD|s|2|a|1|b|3", "XADD|s|3-5|f|v|g", "XADD|s|3-5|f",
        "XADD|s|3-5", "XADD|s", "XADD|s|x-1|f|v", "XADD|s|-1-1|f|v", "XADD|s|1-x|f|v", "XADD|s|+|f|v", "XADD|s|-|f|v",
        "XADD|s| 4-1|f|v", "XADD|s|+5-1|f|v", "XADD|s|06-1|f|v", "XADD|s|7-*|f|v", "XADD|s|7-" + U64 + "|f|v",
        "XADD|s|7-*|f|v", "XADD|s|" + U64 + "1-1|f|v", "XADD|s|8-1-1|f|v", "XADD|s|8-|f|v", "XADD|s|-8|f|v",
        "XADD|s|9-1|01|10|-0|x|1.5|y", "XADD|s|10-1|01|10|-0|x|1.5|y", "XADD|s|11-1|n|-4096|m|4095|k|" + Long.MIN_VALUE,
        "XADD|s|12-1|n|99999999999999999999|m|", "XADD|s|NOMKSTREAM|13-1|f|v", "XADD|none|NOMKSTREAM|1-1|f|v",
        "EXISTS|none", "XADD|none|NOMKSTREAM|*|f|v", "XLEN|s", "XLEN|none", "XRANGE|s|-|+",
        // XADD trimming options
        "XADD|t|MAXLEN|2|1-1|f|v", "XADD|t|MAXLEN|=|2|2-1|f|v", "XADD|t|MAXLEN|~|2|3-1|f|v", "XADD|t|MAXLEN|2|4-1|f|v",
        "XRANGE|t|-|+", "XADD|t|MAXLEN|-1|5-1|f|v", "XADD|t|MAXLEN|x|5-1|f|v", "XADD|t|MAXLEN|2|MINID|1|5-1|f|v",
        "XADD|t|MINID|3-1|5-1|f|v", "XRANGE|t|-|+", "XADD|t|MINID|=|4|6-1|f|v", "XADD|t|MINID|~|5|7-1|f|v",
        "XADD|t|MINID|5-*|8-1|f|v", "XADD|t|LIMIT|10|8-1|f|v", "XADD|t|MAXLEN|2|LIMIT|10|8-1|f|v",
        "XADD|t|MAXLEN|~|2|LIMIT|10|8-1|f|v", "XADD|t|MAXLEN|~|2|LIMIT|-1|9-1|f|v", "XADD|t|MAXLEN|~|2|LIMIT|x|9-1|f|v",
        "XADD|t|MAXLEN|1|LIMIT", "XADD|t|MAXLEN", "XADD|t|maxlen|1|nomkstream|10-1|f|v", "XRANGE|t|-|+",
        "XADD|t|MAXLEN|0|11-1|f|v", "XLEN|t", "XRANGE|t|-|+", "XADD|t|FOO|11-2|f|v",
        // XRANGE / XREVRANGE
        "XRANGE|s|-|+|COUNT|2", "XRANGE|s|-|+|COUNT|0", "XRANGE|s|-|+|COUNT|-1", "XRANGE|s|-|+|COUNT|x",
        "XRANGE|s|-|+|COUNT", "XRANGE|s|-|+|FOO|1", "XRANGE|s|2|3", "XRANGE|s|(2-0|+", "XRANGE|s|-|(3-5",
        "XRANGE|s|(1-1|(2-1", "XRANGE|s|(-|+", "XRANGE|s|-|(+", "XRANGE|s|(" + U64 + "-" + U64 + "|+",
        "XRANGE|s|-|(0-0", "XRANGE|s|(|+", "XRANGE|s|3|2", "XRANGE|s|x|+", "XRANGE|none|-|+",
        "XRANGE|none|x|+", "XRANGE|none|-|+|COUNT|0", "XREVRANGE|s|+|-", "XREVRANGE|s|+|-|COUNT|3",
        "XREVRANGE|s|(3-5|-", "XREVRANGE|s|3|2-1", "XREVRANGE|s|-|+", "XREVRANGE|s|+|-|COUNT|0", "XREVRANGE|none|+|-",
        // XDEL
        "XADD|d|1-1|a|1", "XADD|d|2-1|a|2", "XADD|d|3-1|a|3", "XDEL|d|2-1", "XDEL|d|2-1", "XDEL|d|9-9|1-1",
        "XDEL|d|x", "XDEL|d|1-1|x", "XDEL|none|1-1", "XDEL|none|x", "XRANGE|d|-|+", "XLEN|d", "XDEL|d|3-1", "EXISTS|d",
        "XLEN|d", "XRANGE|d|-|+", "XADD|d|3-1|a|1", "XADD|d|4-1|a|1",
        // XTRIM
        "XADD|x|1-1|f|v", "XADD|x|2-1|f|v", "XADD|x|3-1|f|v", "XADD|x|4-1|f|v", "XTRIM|x|MAXLEN|3", "XTRIM|x|MAXLEN|=|2",
        "XTRIM|x|MAXLEN|~|1", "XTRIM|x|MINID|4", "XTRIM|x|MINID|~|5", "XTRIM|x", "XTRIM|x|FOO", "XTRIM|x|MAXLEN",
        "XTRIM|x|MAXLEN|-1", "XTRIM|x|MAXLEN|1|LIMIT|1", "XTRIM|x|MAXLEN|~|1|LIMIT|1", "XTRIM|x|MINID|x",
        "XTRIM|x|MINID|-", "XTRIM|x|NOMKSTREAM|MAXLEN|1", "XTRIM|none|MAXLEN|1", "XTRIM|x|MAXLEN|0", "EXISTS|x", "XLEN|x",
        // XSETID
        "XSETID|x|5-1", "XSETID|x|1-1", "XSETID|x|5-1|ENTRIESADDED|3", "XSETID|x|5-1|ENTRIESADDED|-1",
        "XSETID|x|5-1|MAXDELETEDID|6-1", "XSETID|x|6-1|MAXDELETEDID|5-1", "XSETID|x|5-1", "XSETID|x|x",
        "XSETID|x|6-1|FOO|1", "XSETID|none|1-1", "XSETID|s|1-1", "XSETID|s|20-1|ENTRIESADDED|1", "XSETID|s|20-1",
        "XADD|s|20-1|f|v", "XADD|s|20-2|f|v", "XADD|x|7-1|f|v", "XRANGE|x|-|+",
        // XREAD
        "XREAD|STREAMS|s|0", "XREAD|COUNT|2|STREAMS|s|d|0|0", "XREAD|STREAMS|s|$", "XREAD|STREAMS|none|0",
        "XREAD|STREAMS|s|20-1", "XREAD|STREAMS|s", "XREAD|STREAMS|s|d|0", "XREAD|COUNT|x|STREAMS|s|0",
        "XREAD|COUNT|-5|STREAMS|s|0", "XREAD|GROUP|g|c|STREAMS|s|0", "XREAD|NOACK|STREAMS|s|0", "XREAD|STREAMS|s|>",
        "XREAD|STREAMS|s|x", "XREAD|s|0", "XREAD|FOO|STREAMS|s|0", "XREAD|BLOCK|x|STREAMS|s|0",
        "XREAD|BLOCK|-1|STREAMS|s|0", "XREAD|BLOCK|0|STREAMS|s|0", "XREAD|BLOCK|10|STREAMS|s|+",
        "XREAD|STREAMS|s|-", "XREAD|COUNT|1|STREAMS|s|(1", "XREAD|STREAMS|s|" + U64 + "-" + U64,
        // groups
        "XGROUP|CREATE|s|g1|0", "XGROUP|CREATE|s|g1|0", "XGROUP|CREATE|s|g2|$", "XGROUP|CREATE|s|g3|5|ENTRIESREAD|2",
        "XGROUP|CREATE|s|g4|0|ENTRIESREAD|-2", "XGROUP|CREATE|s|g4|0|ENTRIESREAD|x", "XGROUP|CREATE|s|g4|x",
        "XGROUP|CREATE|s|g4|0|FOO", "XGROUP|CREATE|none|g|0", "XGROUP|CREATE|ms|g|$|MKSTREAM", "TYPE|ms", "XLEN|ms",
        "XGROUP|CREATE|ms2|g|0|MKSTREAM|ENTRIESREAD|3", "XGROUP|CREATE|s|g5|-", "XGROUP|CREATE|s|g5|+",
        "XGROUP|SETID|s|g3|2-1", "XGROUP|SETID|s|g3|$|ENTRIESREAD|7", "XGROUP|SETID|s|nog|0", "XGROUP|SETID|none|g|0",
        "XGROUP|SETID|s|g3|x", "XGROUP|SETID|s|g3|0|MKSTREAM", "XGROUP|CREATECONSUMER|s|g1|alice",
        "XGROUP|CREATECONSUMER|s|g1|alice", "XGROUP|CREATECONSUMER|s|nog|alice", "XGROUP|DELCONSUMER|s|g1|nobody",
        "XGROUP|DESTROY|s|g5", "XGROUP|DESTROY|s|nog", "XGROUP|DESTROY|none|g", "XGROUP|FOO|s|g", "XGROUP|HELP",
        "XGROUP|CREATE|s", "XGROUP|DESTROY|s|g|x", "XINFO|GROUPS|s", "XINFO|GROUPS|ms2",
        // XREADGROUP
        "XREADGROUP|GROUP|g1|alice|COUNT|2|STREAMS|s|>", "XREADGROUP|GROUP|g1|bob|COUNT|1|STREAMS|s|>",
        "XREADGROUP|GROUP|g1|alice|STREAMS|s|0", "XREADGROUP|GROUP|g1|alice|COUNT|1|STREAMS|s|1-1",
        "XREADGROUP|GROUP|g1|carol|NOACK|COUNT|2|STREAMS|s|>", "XREADGROUP|GROUP|nog|a|STREAMS|s|>",
        "XREADGROUP|GROUP|g1|a|STREAMS|none|>", "XREADGROUP|GROUP|g1|a|STREAMS|s|$", "XREADGROUP|STREAMS|s|>",
        "XREADGROUP|GROUP|g1|STREAMS|s|>", "XREADGROUP|GROUP|g1|a|STREAMS|s", "XREADGROUP|GROUP|g2|dan|STREAMS|s|>",
        "XREADGROUP|GROUP|g2|dan|BLOCK|10|STREAMS|s|>", "XREADGROUP|GROUP|g1|bob|STREAMS|s|0",
        "XREADGROUP|GROUP|g1|bob|STREAMS|s|x", "XINFO|GROUPS|s",
        // XACK
        "XACK|s|g1|1-1", "XACK|s|g1|1-1", "XACK|s|g1|x", "XACK|s|g1|1-2|x", "XACK|s|nog|1-1", "XACK|none|g|1-1",
        "XACK|s|g1|2-0|9-9",
        // XPENDING
        "XPENDING|s|g1", "XPENDING|s|g2", "XPENDING|s|nog", "XPENDING|none|g", "~XPENDING|s|g1|-|+|10",
        "~XPENDING|s|g1|-|+|10|bob", "XPENDING|s|g1|-|+|10|nobody", "~XPENDING|s|g1|(1-1|+|1", "XPENDING|s|g1|-|+|0",
        "XPENDING|s|g1|-|+|x", "XPENDING|s|g1|x|+|1", "XPENDING|s|g1|-|+", "~XPENDING|s|g1|IDLE|0|-|+|10",
        "XPENDING|s|g1|IDLE|100000|-|+|10", "XPENDING|s|g1|IDLE|x|-|+|10", "XPENDING|s|g1|IDLE|5|-|+",
        "XPENDING|s|g1|-|+|10|bob|extra|more", "XPENDING|s|g1|-|+|-1",
        // XCLAIM
        "XCLAIM|s|g1|zed|0|1-2", "XCLAIM|s|g1|zed|0|1-2|JUSTID", "XCLAIM|s|g1|zed|100000|2-0", "XCLAIM|s|g1|zed|x|2-0",
        "XCLAIM|s|nog|zed|0|2-0", "XCLAIM|none|g|zed|0|2-0", "XCLAIM|s|g1|zed|0|2-0|FOO",
        "XCLAIM|s|g1|zed|0|2-0|IDLE|x", "XCLAIM|s|g1|zed|0|2-0|TIME|x", "XCLAIM|s|g1|zed|0|2-0|RETRYCOUNT|x",
        "XCLAIM|s|g1|zed|0|2-0|RETRYCOUNT|5|JUSTID", "XCLAIM|s|g1|zed|0|3-5|FORCE|JUSTID", "XCLAIM|s|g1|zed|0|99-0|FORCE",
        "XCLAIM|s|g1|zed|0|2-0|LASTID|x", "XCLAIM|s|g1|zed|0|2-0|LASTID|50-0|JUSTID", "XINFO|GROUPS|s",
        "XCLAIM|s|g1|zed|0|x|1-2", "XPENDING|s|g1",
        // XAUTOCLAIM
        "XAUTOCLAIM|s|g1|yan|0|0|COUNT|1", "XAUTOCLAIM|s|g1|yan|0|0|COUNT|2|JUSTID", "XAUTOCLAIM|s|g1|yan|0|0",
        "XAUTOCLAIM|s|g1|yan|100000|0", "XAUTOCLAIM|s|g1|yan|0|0|COUNT|0", "XAUTOCLAIM|s|g1|yan|0|0|COUNT|x",
        "XAUTOCLAIM|s|g1|yan|0|0|FOO", "XAUTOCLAIM|s|g1|yan|x|0", "XAUTOCLAIM|s|g1|yan|0|x", "XAUTOCLAIM|s|nog|yan|0|0",
        "XAUTOCLAIM|none|g|yan|0|0", "XAUTOCLAIM|s|g1|yan|0|(0-0|COUNT|1", "XDEL|s|2-0", "XAUTOCLAIM|s|g1|yan|0|0",
        "XPENDING|s|g1", "XGROUP|DELCONSUMER|s|g1|yan", "XPENDING|s|g1",
        // XINFO
        "XINFO|STREAM|s", "XINFO|STREAM|none", "XINFO|STREAM|s|FOO", "XINFO|STREAM|s|FULL|COUNT",
        "XINFO|STREAM|s|FULL|COUNT|x", "~XINFO|STREAM|s|FULL", "~XINFO|STREAM|s|FULL|COUNT|1",
        "~XINFO|STREAM|s|FULL|COUNT|0", "XINFO|STREAM|t", "~XINFO|STREAM|t|FULL", "XINFO|GROUPS|none",
        "~XINFO|CONSUMERS|s|g1", "XINFO|CONSUMERS|s|nog", "XINFO|CONSUMERS|none|g", "XINFO|HELP", "XINFO|FOO",
        "XINFO|STREAM|ms", "XINFO|GROUPS|ms", "XINFO|STREAM|d",
        // wrong types and the keyspace
        "SET|str|v", "XADD|str|1-1|f|v", "XRANGE|str|-|+", "XLEN|str", "XDEL|str|1-1", "XTRIM|str|MAXLEN|1",
        "XSETID|str|1-1", "XREAD|STREAMS|str|0", "XREADGROUP|GROUP|g|c|STREAMS|str|>", "XGROUP|CREATE|str|g|0",
        "XACK|str|g|1-1", "XPENDING|str|g", "XCLAIM|str|g|c|0|1-1", "XAUTOCLAIM|str|g|c|0|0", "XINFO|STREAM|str",
        "LPUSH|s|x", "GET|s", "TYPE|s", "OBJECT|ENCODING|s", "EXISTS|s", "RENAME|s|s9", "XLEN|s9", "COPY|s9|s10",
        "XRANGE|s10|-|+", "XINFO|GROUPS|s10", "DEL|s9", "XLEN|s9", "xread|streams|s|d|0", "XTRIM|x|LIMIT|0|MAXLEN|5",
        "XTRIM|x|LIMIT|5", "XADD|x|LIMIT|0|*|f", "DBSIZE", "SCAN|0|TYPE|stream|MATCH|s1*|COUNT|1000",
    };

    private static byte[][] args(String cmd) {
        return ListCommandsDiffTest.args(cmd);
    }

    private static String show(byte[] b) {
        return ListCommandsDiffTest.show(b);
    }

    /** Integers (idle and delivery times) masked; everything else kept. */
    private static String masked(byte[] b) {
        return show(b).replaceAll(":\\d+\\\\r\\\\n", ":N\\\\r\\\\n");
    }

    static void compare(RespClient a, RespClient b, List<String> script) {
        List<String> diffs = new ArrayList<>();
        for (String line : script) {
            boolean mask = line.startsWith("~");
            String cmd = mask ? line.substring(1) : line;
            byte[] want = a.call(args(cmd));
            byte[] got = b.call(args(cmd));
            boolean same = mask ? masked(want).equals(masked(got)) : java.util.Arrays.equals(want, got);
            if (!same) {
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

    /** Key permissions through the command table's key specs: every stream command, key by key. */
    @Test
    void aclKeyPatternsApplyToEveryStreamCommand() {
        try (RespClient a = real.client(); RespClient b = node.client()) {
            for (RespClient c : new RespClient[] {a, b}) {
                c.call("FLUSHALL");
                c.call("ACL", "SETUSER", "streamer", "on", ">pw", "~a*", "%R~r*", "+@all");
                c.call("XADD", "ro", "1-1", "f", "v");
                c.call("XGROUP", "CREATE", "ro", "g", "0");
                c.call("AUTH", "streamer", "pw");
            }
            compare(a, b, List.of("XADD|a1|1-1|f|v", "XADD|b1|1-1|f|v", "XADD|ro|2-1|f|v", "XRANGE|ro|-|+",
                    "XREVRANGE|b1|+|-", "XLEN|b1", "XDEL|b1|1-1", "XTRIM|b1|MAXLEN|0", "XSETID|b1|5-5",
                    "XREAD|STREAMS|a1|b1|0|0", "XREAD|STREAMS|a1|ro|0|0", "XREADGROUP|GROUP|g|c|STREAMS|ro|>",
                    "XGROUP|CREATE|b1|g|0|MKSTREAM", "XGROUP|CREATE|a1|g|0", "XACK|ro|g|1-1", "XACK|a1|g|1-1",
                    "XPENDING|ro|g", "XPENDING|b1|g", "XCLAIM|ro|g|c|0|1-1", "XAUTOCLAIM|b1|g|c|0|0",
                    "XINFO|STREAM|ro", "XINFO|STREAM|b1", "XINFO|GROUPS|b1", "XINFO|CONSUMERS|b1|g",
                    "XGROUP|DESTROY|b1|g", "XGROUP|SETID|b1|g|0", "XGROUP|CREATECONSUMER|b1|g|c",
                    "XGROUP|DELCONSUMER|b1|g|c"));
            for (RespClient c : new RespClient[] {a, b}) {
                c.call("AUTH", "default", "");
                c.call("ACL", "DELUSER", "streamer");
            }
        }
    }

    /** Huge counts, extreme IDs and many consumers: bounded answers, as Redis's. */
    @Test
    void badInputIsBounded() {
        try (RespClient a = real.client(); RespClient b = node.client()) {
            a.call("FLUSHALL");
            b.call("FLUSHALL");
            List<String> script = new ArrayList<>(List.of("XADD|h|1-1|f|v", "XADD|h|2-1|f|v",
                    "XRANGE|h|-|+|COUNT|9223372036854775807", "XREVRANGE|h|+|-|COUNT|9223372036854775807",
                    "XREAD|COUNT|9223372036854775807|STREAMS|h|0", "XRANGE|h|-|+|COUNT|99999999999999999999",
                    "XGROUP|CREATE|h|g|0", "XREADGROUP|GROUP|g|c|COUNT|9223372036854775807|STREAMS|h|>",
                    "~XPENDING|h|g|-|+|9223372036854775807", "XPENDING|h|g|IDLE|9223372036854775807|-|+|5",
                    "XAUTOCLAIM|h|g|c|0|0|COUNT|9223372036854775807", "XAUTOCLAIM|h|g|c|0|0|COUNT|922337203685477580",
                    "XAUTOCLAIM|h|g|c|0|0|COUNT|576460752303423487",
                    "XCLAIM|h|g|c|9223372036854775807|1-1", "XCLAIM|h|g|c|-9223372036854775808|1-1|JUSTID",
                    "XCLAIM|h|g|c|0|1-1|IDLE|-9223372036854775808|JUSTID", "XCLAIM|h|g|c|0|1-1|TIME|9223372036854775807|JUSTID",
                    "~XINFO|STREAM|h|FULL|COUNT|9223372036854775807", "XADD|h|" + U64 + "-" + U64 + "|f|v",
                    "XADD|h|*|f|v", "XADD|h|" + U64 + "-*|f|v", "XSETID|h|" + U64 + "-" + U64,
                    "XTRIM|h|MAXLEN|9223372036854775807", "XTRIM|h|MINID|" + U64 + "-" + U64,
                    "XADD|h|MAXLEN|~|9223372036854775807|LIMIT|9223372036854775807|" + U64 + "-0|f|v",
                    "XADD|" + "k".repeat(1000) + "|1-1|" + "f".repeat(5000) + "|" + "v".repeat(70000),
                    "XRANGE|" + "k".repeat(1000) + "|-|+"));
            for (int i = 0; i < 2000; i++) {
                script.add("XGROUP|CREATECONSUMER|h|g|consumer" + i);
            }
            script.add("XINFO|GROUPS|h");
            script.add("XPENDING|h|g");
            for (int i = 0; i < 2000; i += 3) {
                script.add("XGROUP|DELCONSUMER|h|g|consumer" + i);
            }
            script.add("XINFO|GROUPS|h");
            compare(a, b, script);
            List<String> ids = new ArrayList<>(List.of("XCLAIM", "h", "g", "c", "0"));
            for (int i = 0; i < 5000; i++) {
                ids.add(i + "-" + i);
            }
            ids.add("JUSTID");
            compare(a, b, List.of(String.join("|", ids), "XACK|h|g|" + String.join("|", ids.subList(5, 5005))));
            assertTrue(b.callString("PING").equals("+PONG\r\n"));
        }
    }
}
