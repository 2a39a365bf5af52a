package io.redmesh.node.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.SeededRandom;
import io.redmesh.node.testing.ServerFixture;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fuzz run of issue #10: every pattern-taking command (KEYS, SCAN/HSCAN/SSCAN/ZSCAN MATCH,
 * PUBSUB CHANNELS, CONFIG GET, COMMAND LIST FILTERBY PATTERN, PSUBSCRIBE + PUBLISH, an ACL key
 * pattern checked by ACL DRYRUN) with random patterns, rich in stars, classes and escapes, over
 * random keys. Each call must come back within a time bound (the old matcher took hours on a
 * 40-byte key), and KEYS must answer what redis-server answers. Bounded: 150 patterns, about 10 s.
 * The patterns come from a seeded {@link SeededRandom}: a failure names its seed.
 */
class PatternCommandsFuzzTest {
    /** Per call: generous for a shared 2-core machine, hopeless for an exponential matcher. */
    private static final long BOUND_MS = 500;
    private static ServerFixture ours;
    private static RedisProcess real;
    private static RespClient node;
    private static RespClient redis;
    private static RespClient subscriber;

    @BeforeAll
    static void start() {
        ours = ServerFixture.start();
        node = ours.client();
        subscriber = ours.client();
        if (RedisProcess.available()) {
            real = RedisProcess.start();
            redis = real.client();
        }
        String[] keys = {"a", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "ab", "a*b", "a?b", "[ab]", "\\a", "user:1000",
            "user:*", "A", "b" + "a".repeat(200), "-", "^", "]", "x\u00ff", "\u0080", "h[e]llo", "hello", "a\\*b"};
        for (RespClient c : redis == null ? new RespClient[] {node} : new RespClient[] {node, redis}) {
            for (String k : keys) {
                call(c, "SET", k, "1");
                call(c, "HSET", "hash", k, "1");
                call(c, "SADD", "set", k);
                call(c, "ZADD", "zset", "1", k);
            }
        }
    }

    @AfterAll
    static void stop() {
        subscriber.close();
        node.close();
        ours.close();
        if (real != null) {
            redis.close();
            real.close();
        }
    }

    private static String call(RespClient c, String... args) {
        byte[][] a = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            a[i] = args[i].getBytes(StandardCharsets.ISO_8859_1);
        }
        return new String(c.call(a), StandardCharsets.ISO_8859_1);
    }

    private static String timed(String... args) {
        long t = System.nanoTime();
        String reply = call(node, args);
        long ms = (System.nanoTime() - t) / 1_000_000;
        assertTrue(ms < BOUND_MS, String.join(" ", args).substring(0, Math.min(80, String.join(" ", args).length()))
                + " took " + ms + " ms");
        return reply;
    }

    private static final String[] ATOMS = {"a", "b", "*", "?", "[ab]", "[^a]", "[a-z]", "[", "]", "\\", "\\*",
        "a*", "*a", "*?", "^", "-", "\u00ff", "user:", "[a-", "A"};

    /**
     * Five in six: up to 30 atoms rich in the pattern's special forms. One in six: a star unit
     * repeated up to 1500 times with a tail, the shapes that were exponential (and the nesting
     * limit of CVE-2024-31228).
     */
    private static String pattern(SeededRandom fuzz) {
        if (fuzz.random().nextInt(6) < 5) {
            StringBuilder sb = new StringBuilder();
            for (int n = fuzz.random().nextInt(31); n > 0; n--) {
                sb.append(fuzz.oneOf(ATOMS));
            }
            return sb.toString();
        }
        return fuzz.oneOf("a*", "*a", "*?", "?*", "[a]*").repeat(1 + fuzz.random().nextInt(1500))
                + fuzz.oneOf("", "b", "a", "*");
    }

    @Test
    void everyPatternCommandIsBoundedAndKeysIsRedis() {
        SeededRandom fuzz = SeededRandom.create();
        fuzz.repeat(150, i -> tryPattern(pattern(fuzz)));
    }

    private static void tryPattern(String pattern) {
        String keys = timed("KEYS", pattern);
        if (redis != null) {
            assertEquals(sortedLines(call(redis, "KEYS", pattern)), sortedLines(keys), "KEYS " + pattern);
        }
        timed("SCAN", "0", "MATCH", pattern, "COUNT", "1000");
        timed("HSCAN", "hash", "0", "MATCH", pattern, "COUNT", "1000");
        timed("SSCAN", "set", "0", "MATCH", pattern, "COUNT", "1000");
        timed("ZSCAN", "zset", "0", "MATCH", pattern, "COUNT", "1000");
        timed("PUBSUB", "CHANNELS", pattern);
        timed("CONFIG", "GET", pattern);
        timed("COMMAND", "LIST", "FILTERBY", "PATTERN", pattern);
        call(subscriber, "PSUBSCRIBE", pattern);
        timed("PUBLISH", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "m");
        call(subscriber, "PUNSUBSCRIBE", pattern);
        drain();
        timed("ACL", "SETUSER", "fuzz", "reset", "on", "nopass", "+@all", "~" + pattern);
        timed("ACL", "DRYRUN", "fuzz", "GET", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    }

    /** Reads what the subscriber was sent (a pmessage at most) without blocking for long. */
    private static void drain() {
        try {
            subscriber.socket().setSoTimeout(50);
            while (true) {
                subscriber.readReply();
            }
        } catch (RuntimeException | java.io.IOException e) {
            // nothing more to read
        } finally {
            try {
                subscriber.socket().setSoTimeout(10_000);
            } catch (java.io.IOException e) {
                // nothing to do
            }
        }
    }

    private static String sortedLines(String reply) {
        String[] lines = reply.split("\r\n");
        if (lines.length < 2) {
            return reply;
        }
        String[] body = Arrays.copyOfRange(lines, 1, lines.length);
        String[] pairs = new String[body.length / 2];
        for (int i = 0; i < pairs.length; i++) {
            pairs[i] = body[2 * i] + "\n" + body[2 * i + 1];
        }
        Arrays.sort(pairs);
        return lines[0] + "\n" + String.join("\n", pairs);
    }
}
