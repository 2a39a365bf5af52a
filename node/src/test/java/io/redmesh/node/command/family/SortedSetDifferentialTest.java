package io.redmesh.node.command.family;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import io.redmesh.node.testing.StartedNode;
import io.redmesh.node.testing.StartedRedis;
import io.redmesh.node.util.ArgSplitter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sorted set commands, byte for byte against a real redis-server 7.0: the same script runs on
 * both in RESP2 and in RESP3 (HELLO 3), covering options, errors, wrong types, infinities,
 * score formatting, both encodings and their conversions. Commands whose replies are random
 * (ZRANDMEMBER with a small count, ZSCAN over a skiplist) are checked structurally elsewhere.
 */
class SortedSetDifferentialTest {
    @StartedRedis
    static RedisProcess real;
    @StartedNode
    static ServerFixture ours;

    /** One command per line, sdssplitargs quoting; '#' starts a comment line. */
    /** The scripted commands: test resource redmesh/zset-differential-script.txt. */
    static final String SCRIPT = readScript();

    static String readScript() {
        try (java.io.InputStream in = SortedSetDifferentialTest.class
                .getResourceAsStream("/redmesh/zset-differential-script.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static List<byte[][]> parse(String script) {
        List<byte[][]> out = new ArrayList<>();
        for (String line : script.split("\n")) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            byte[] raw = t.getBytes(StandardCharsets.UTF_8);
            out.add(ArgSplitter.split(raw, 0, raw.length).toArray(new byte[0][]));
        }
        return out;
    }

    static String[] args(String... a) {
        return a;
    }

    /** Commands over sets in the "skiplist" encoding and the conversions between encodings. */
    static List<byte[][]> encodingScript() {
        List<String[]> cmds = new ArrayList<>();
        List<String> big = new ArrayList<>(List.of("ZADD", "big"));
        for (int i = 0; i < 200; i++) {
            big.add(Integer.toString(i % 50)); // many ties, so member order matters
            big.add("m" + i);
        }
        List<String> edge = new ArrayList<>(List.of("ZADD", "edge"));
        for (int i = 0; i < 128; i++) {
            edge.add(Integer.toString(i));
            edge.add("e" + i);
        }
        cmds.add(edge.toArray(new String[0]));
        cmds.add(args("OBJECT", "ENCODING", "edge"));
        cmds.add(args("ZADD", "edge", "0", "e0"));
        cmds.add(args("OBJECT", "ENCODING", "edge"));
        cmds.add(args("ZADD", "edge", "XX", "0", "e999"));
        cmds.add(args("OBJECT", "ENCODING", "edge"));
        cmds.add(args("ZADD", "edge", "1000", "e128"));
        cmds.add(args("OBJECT", "ENCODING", "edge"));
        cmds.add(args("ZREMRANGEBYRANK", "edge", "0", "100"));
        cmds.add(args("OBJECT", "ENCODING", "edge"));
        cmds.add(args("ZADD", "longm", "1", "x".repeat(64)));
        cmds.add(args("OBJECT", "ENCODING", "longm"));
        cmds.add(args("ZADD", "longm", "2", "y".repeat(65)));
        cmds.add(args("OBJECT", "ENCODING", "longm"));
        cmds.add(args("ZADD", "longm2", "-0", "a", "1", "y".repeat(65)));
        cmds.add(args("OBJECT", "ENCODING", "longm2"));
        cmds.add(args("ZSCORE", "longm2", "a"));
        cmds.add(args("ZADD", "longm2", "-0", "b"));
        cmds.add(args("ZRANGE", "longm2", "0", "-1", "WITHSCORES"));
        cmds.add(big.toArray(new String[0]));
        String[][] queries = {
            {"OBJECT", "ENCODING", "big"}, {"ZCARD", "big"},
            {"ZRANGE", "big", "0", "-1", "WITHSCORES"}, {"ZRANGE", "big", "10", "30"},
            {"ZRANGE", "big", "-30", "-10", "REV", "WITHSCORES"}, {"ZREVRANGE", "big", "5", "9"},
            {"ZRANGEBYSCORE", "big", "(10", "20", "WITHSCORES"}, {"ZRANGEBYSCORE", "big", "10", "20", "LIMIT", "3", "7"},
            {"ZREVRANGEBYSCORE", "big", "30", "(20", "LIMIT", "2", "5", "WITHSCORES"},
            {"ZRANGEBYSCORE", "big", "-inf", "+inf", "LIMIT", "199", "10"},
            {"ZRANGEBYSCORE", "big", "-inf", "+inf", "LIMIT", "200", "10"},
            {"ZCOUNT", "big", "10", "(20"}, {"ZCOUNT", "big", "-inf", "+inf"}, {"ZCOUNT", "big", "60", "70"},
            {"ZRANK", "big", "m77"}, {"ZREVRANK", "big", "m77"}, {"ZRANK", "big", "m0"}, {"ZRANK", "big", "nosuch"},
            {"ZSCORE", "big", "m199"}, {"ZMSCORE", "big", "m1", "nosuch", "m150"},
            {"ZRANGESTORE", "bigcopy", "big", "0", "-1"}, {"OBJECT", "ENCODING", "bigcopy"},
            {"ZRANGESTORE", "bigsmall", "big", "0", "9"}, {"OBJECT", "ENCODING", "bigsmall"},
            {"ZUNIONSTORE", "bigu", "2", "big", "r"}, {"OBJECT", "ENCODING", "bigu"},
            {"ZINTERSTORE", "bigi", "2", "big", "bigsmall"}, {"OBJECT", "ENCODING", "bigi"},
            {"ZRANGE", "bigi", "0", "-1", "WITHSCORES"},
            {"ZINTER", "2", "big", "bigsmall", "WITHSCORES"}, {"ZINTERCARD", "2", "big", "bigcopy", "LIMIT", "17"},
            {"ZDIFF", "2", "big", "bigsmall"},
            {"ZREM", "big", "m0", "m1", "m2", "nosuch"}, {"ZINCRBY", "big", "100", "m3"}, {"ZRANK", "big", "m3"},
            {"ZADD", "big", "GT", "CH", "1", "m4", "1000", "m5"}, {"ZREVRANGE", "big", "0", "2", "WITHSCORES"},
            {"ZREMRANGEBYSCORE", "big", "10", "(12"}, {"ZREMRANGEBYRANK", "big", "-5", "-1"},
            {"ZRANGE", "big", "0", "-1", "WITHSCORES"},
            {"ZPOPMIN", "big", "3"}, {"ZPOPMAX", "big"}, {"ZMPOP", "1", "big", "MAX", "COUNT", "2"},
            {"ZRANDMEMBER", "big", "1000", "WITHSCORES"},
            {"ZREMRANGEBYRANK", "big", "0", "-10"}, {"OBJECT", "ENCODING", "big"}, {"ZCARD", "big"},
            {"ZADD", "lexbig", "0", "placeholder"},
        };
        cmds.addAll(Arrays.asList(queries));
        List<String> lexbig = new ArrayList<>(List.of("ZADD", "lexbig"));
        for (int i = 0; i < 150; i++) {
            lexbig.add("0");
            lexbig.add(String.format("w%03d", i));
        }
        cmds.add(lexbig.toArray(new String[0]));
        String[][] lexQueries = {
            {"OBJECT", "ENCODING", "lexbig"}, {"ZRANGEBYLEX", "lexbig", "[w010", "(w020"},
            {"ZREVRANGEBYLEX", "lexbig", "(w100", "[w090", "LIMIT", "1", "3"}, {"ZLEXCOUNT", "lexbig", "(w010", "+"},
            {"ZLEXCOUNT", "lexbig", "-", "+"}, {"ZLEXCOUNT", "lexbig", "+", "-"},
            {"ZRANGEBYLEX", "lexbig", "[w148", "+"}, {"ZREMRANGEBYLEX", "lexbig", "[w000", "[w139"},
            {"ZRANGE", "lexbig", "0", "-1"},
            // thresholds are read on every insertion
            {"CONFIG", "SET", "zset-max-listpack-entries", "2"},
            {"ZADD", "tiny", "1", "a", "2", "b"}, {"OBJECT", "ENCODING", "tiny"},
            {"ZADD", "tiny", "3", "c"}, {"OBJECT", "ENCODING", "tiny"},
            {"ZUNIONSTORE", "tiny2", "1", "tiny"}, {"OBJECT", "ENCODING", "tiny2"},
            {"ZRANGESTORE", "tiny3", "tiny", "0", "1"}, {"OBJECT", "ENCODING", "tiny3"},
            {"CONFIG", "SET", "zset-max-listpack-entries", "0"},
            {"ZADD", "tiny4", "1", "a"}, {"OBJECT", "ENCODING", "tiny4"},
            {"CONFIG", "SET", "zset-max-listpack-value", "3"},
            {"CONFIG", "SET", "zset-max-listpack-entries", "128"},
            {"ZADD", "tiny5", "1", "abc"}, {"OBJECT", "ENCODING", "tiny5"},
            {"ZADD", "tiny5", "1", "abcd"}, {"OBJECT", "ENCODING", "tiny5"},
            {"CONFIG", "SET", "zset-max-listpack-value", "64"},
        };
        cmds.addAll(Arrays.asList(lexQueries));
        List<byte[][]> out = new ArrayList<>();
        for (String[] c : cmds) {
            out.add(RespClient.args(c));
        }
        return out;
    }

    static String show(byte[] reply) {
        String s = new String(reply, StandardCharsets.ISO_8859_1).replace("\r\n", "\\r\\n");
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    static String show(byte[][] cmd) {
        StringBuilder sb = new StringBuilder();
        for (byte[] a : cmd) {
            String s = new String(a, StandardCharsets.ISO_8859_1);
            sb.append(s.length() > 40 ? s.substring(0, 40) + "..." : s).append(' ');
        }
        return sb.toString().trim();
    }

    void runBoth(int protocol, List<byte[][]> commands) {
        try (RespClient a = real.client(); RespClient b = ours.client()) {
            a.call("FLUSHALL");
            b.call("FLUSHALL");
            if (protocol == 3) {
                a.call("HELLO", "3");
                b.call("HELLO", "3");
            }
            List<String> diffs = new ArrayList<>();
            for (byte[][] cmd : commands) {
                byte[] ra = a.call(cmd);
                byte[] rb;
                try {
                    rb = b.call(cmd);
                } catch (IllegalStateException e) {
                    throw new AssertionError("RESP" + protocol + " " + show(cmd) + ": " + e.getMessage(), e);
                }
                if (!Arrays.equals(ra, rb)) {
                    diffs.add("RESP" + protocol + " " + show(cmd) + "\n   redis:   " + show(ra) + "\n   redmesh: " + show(rb));
                }
            }
            // The connection still works after every malformed command.
            assertTrue(Arrays.equals(a.call("PING"), b.call("PING")));
            assertTrue(diffs.isEmpty(), diffs.size() + " differences:\n" + String.join("\n", diffs.subList(0, Math.min(60, diffs.size()))));
        }
    }

    @Test
    void scriptResp2() {
        runBoth(2, parse(SCRIPT));
    }

    @Test
    void scriptResp3() {
        runBoth(3, parse(SCRIPT));
    }

    /**
     * Random operations with a fixed seed over a few keys that cross the encoding thresholds
     * both ways (by count and by member length), compared after every command.
     */
    static List<byte[][]> randomScript(long seed, int n) {
        java.util.Random rnd = new java.util.Random(seed);
        String[] keys = {"ra", "rb", "rc"};
        String[] scores = {"0", "-0", "1", "1.5", "-2.25", "3", "1e-3", "inf", "-inf", "7", "100", "0.1"};
        List<byte[][]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String k = keys[rnd.nextInt(keys.length)];
            String k2 = keys[rnd.nextInt(keys.length)];
            String m = rnd.nextInt(40) == 0 ? "long-" + "x".repeat(70) + rnd.nextInt(3) : "m" + rnd.nextInt(160);
            String s = scores[rnd.nextInt(scores.length)];
            String lo = scores[rnd.nextInt(scores.length)];
            String hi = scores[rnd.nextInt(scores.length)];
            String a = Integer.toString(rnd.nextInt(30) - 15);
            String b = Integer.toString(rnd.nextInt(30) - 15);
            String[] cmd;
            switch (rnd.nextInt(22)) {
                case 0: case 1: case 2: case 3: cmd = args("ZADD", k, s, m); break;
                case 4: cmd = args("ZADD", k, "GT", "CH", s, m, hi, "m" + rnd.nextInt(160)); break;
                case 5: cmd = args("ZINCRBY", k, s, m); break;
                case 6: cmd = args("ZREM", k, m, "m" + rnd.nextInt(160)); break;
                case 7: cmd = args("ZRANGE", k, a, b, "WITHSCORES"); break;
                case 8: cmd = args("ZRANGE", k, "(" + lo, hi, "BYSCORE", "LIMIT", "1", "5", "WITHSCORES"); break;
                case 9: cmd = args("ZREVRANGEBYSCORE", k, hi, lo, "WITHSCORES"); break;
                case 10: cmd = args("ZRANK", k, m); break;
                case 11: cmd = args("ZREVRANK", k, m); break;
                case 12: cmd = args("ZCOUNT", k, lo, "(" + hi); break;
                case 13: cmd = args("ZREMRANGEBYRANK", k, a, b); break;
                case 14: cmd = args("ZREMRANGEBYSCORE", k, lo, hi); break;
                case 15: cmd = args("ZPOPMIN", k, Integer.toString(rnd.nextInt(3))); break;
                case 16: cmd = args("ZUNIONSTORE", k, "2", k, k2, "WEIGHTS", s, "2", "AGGREGATE", "MAX"); break;
                case 17: cmd = args("ZINTER", "2", k, k2, "WITHSCORES"); break;
                case 18: cmd = args("ZRANGESTORE", k2, k, a, "-1"); break;
                case 19: cmd = args("OBJECT", "ENCODING", k); break;
                case 20: cmd = args("ZMSCORE", k, m, "m" + rnd.nextInt(160)); break;
                default: {
                    List<String> add = new ArrayList<>(List.of("ZADD", k));
                    int many = rnd.nextInt(60);
                    for (int j = 0; j < many; j++) {
                        add.add(scores[rnd.nextInt(scores.length)]);
                        add.add("m" + rnd.nextInt(160));
                    }
                    add.add("1");
                    add.add(m);
                    cmd = add.toArray(new String[0]);
                }
            }
            out.add(RespClient.args(cmd));
        }
        for (String k : keys) {
            out.add(RespClient.args("ZRANGE", k, "0", "-1", "WITHSCORES"));
            out.add(RespClient.args("OBJECT", "ENCODING", k));
        }
        return out;
    }

    @Test
    void randomOperationsResp2() {
        runBoth(2, randomScript(20261127L, 3000));
    }

    @Test
    void randomOperationsResp3() {
        runBoth(3, randomScript(42L, 3000));
    }

    @Test
    void encodingsResp2() {
        List<byte[][]> all = new ArrayList<>(parse("ZADD r 1 one 2 two 3 three 4 four 5 five 6 six 7 seven 8 eight 9 nine 10 ten"));
        all.addAll(encodingScript());
        runBoth(2, all);
    }

    @Test
    void encodingsResp3() {
        List<byte[][]> all = new ArrayList<>(parse("ZADD r 1 one 2 two 3 three 4 four 5 five 6 six 7 seven 8 eight 9 nine 10 ten"));
        all.addAll(encodingScript());
        runBoth(3, all);
    }
}
