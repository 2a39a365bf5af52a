package io.redmesh.node.command.family;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redmesh.node.testing.SeededRandom;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * PFADD, PFCOUNT, PFMERGE, PFDEBUG and PFSELFTEST against Debian's redis-server 7.0.15: the
 * sketches compared byte for byte with GET after every change (sparse opcodes, the promotion to
 * dense at 33 or at hll-sparse-max-bytes, the cached count), errors, RESP3, and DUMP payloads
 * moved both ways between the servers with equal counts and equal bytes after further adds.
 */
class HyperLogLogDiffTest extends DiffTestBase {
    @Override
    protected String[] resetCommands() {
        return new String[] {"CONFIG SET hll-sparse-max-bytes 3000"};
    }

    @Test
    void sparseSketchesGrowAsRedisDoes() {
        d.sameAll("PFADD h", "GET h", "OBJECT ENCODING h", "PFCOUNT h", "GET h", "PFCOUNT h", "PFADD h a b c", "GET h",
                "PFADD h a", "PFCOUNT h", "GET h", "PFDEBUG DECODE h", "PFDEBUG ENCODING h");
        for (int i = 0; i < 3000; i += 7) {
            List<String> cmd = new ArrayList<>(List.of("PFADD", "h"));
            for (int j = i; j < i + 7; j++) {
                cmd.add("e" + j);
            }
            d.same(cmd.toArray(String[]::new));
            if (i % 70 == 0) {
                d.sameAll("GET h", "PFCOUNT h", "PFDEBUG ENCODING h");
            }
        }
        d.sameAll("GET h", "PFCOUNT h", "PFDEBUG ENCODING h");
    }

    @Test
    void promotionAtTheSparseSizeLimit() {
        d.sameAll("CONFIG SET hll-sparse-max-bytes 100");
        for (int i = 0; i < 40; i++) {
            d.sameAll("PFADD small e" + i, "GET small", "PFDEBUG ENCODING small");
        }
        d.sameAll("PFCOUNT small", "GET small");
    }

    @Test
    void mergeCountAndDebug() {
        realClient.call("HELLO", "3");
        ourClient.call("HELLO", "3");
        d.sameAll("PFADD g x y z", "PFADD h a b c d e f", "PFCOUNT h g nokey", "PFMERGE m h g", "GET m", "PFCOUNT m",
                "PFMERGE m2 g", "GET m2", "PFDEBUG DECODE m2", "PFDEBUG TODENSE m2", "GET m2", "PFDEBUG TODENSE m2",
                "PFDEBUG ENCODING m2", "PFADD m2 w", "GET m2", "PFCOUNT m2", "PFMERGE m3 m2 h", "PFDEBUG ENCODING m3",
                "GET m3", "PFDEBUG GETREG g", "GET g", "PFDEBUG ENCODING g", "PFDEBUG FOO g", "PFDEBUG DECODE nokey",
                "PFDEBUG FOO nokey", "PFDEBUG DECODE m2", "PFMERGE newk", "GET newk", "PFMERGE newk newk", "GET newk",
                "SET s abc", "PFADD s a", "PFCOUNT s", "PFCOUNT s h", "PFCOUNT h s", "PFMERGE s h", "PFMERGE h s",
                "PFDEBUG ENCODING s", "SET n 1", "PFCOUNT n", "LPUSH l a", "PFADD l a", "PFCOUNT l", "PFCOUNT h l",
                "PFMERGE h l", "PFDEBUG ENCODING l", "PFADD", "PFCOUNT", "PFMERGE", "PFDEBUG", "PFDEBUG GETREG",
                "PFSELFTEST", "PFSELFTEST x", "SET e x", "EXPIRE e 100", "PFMERGE e2 h", "PFADD e2 q", "TTL e2",
                "COMMAND GETKEYS PFMERGE x", "COMMAND GETKEYSANDFLAGS PFMERGE x y z", "COMMAND GETKEYS PFCOUNT a b");
        // too short for a header; then a sparse body whose opcodes do not cover every register
        d.same("SET", "bad", "HYLL\u0000\u0000\u0000\u0000");
        d.sameAll("PFADD bad x", "PFCOUNT bad");
        d.same("SET", "cut", "HYLL\u0001" + "\u0000".repeat(11) + "\u0000\u007f");
        d.sameAll("PFCOUNT cut", "PFCOUNT cut h", "PFMERGE cut2 cut", "PFDEBUG DECODE cut", "PFDEBUG TODENSE cut");
    }

    /** Hand-made sparse bodies that do not cover the registers exactly: the same answers as Redis. */
    @Test
    void corruptSketchesAnswerAsRedis() {
        byte[][] bodies = {
            {0x7f, (byte) 0xff, (byte) 0x83, (byte) 0x83}, // values past the last register
            {0x7f, (byte) 0xfe},                           // one register short
            {0x7f, (byte) 0xff, 0x00},                     // one zero too many
            {0x7f, (byte) 0xfe, (byte) 0x80},              // exact, ending with a value
            {(byte) 0x80, 0x7f},                           // a cut XZERO
        };
        for (byte[] body : bodies) {
            byte[] sketch = new byte[16 + body.length];
            System.arraycopy(b("HYLL"), 0, sketch, 0, 4);
            sketch[4] = 1;
            sketch[15] = (byte) 0x80;
            System.arraycopy(body, 0, sketch, 16, body.length);
            assertEquals(text(realClient.call(b("SET"), b("c"), sketch)), text(ourClient.call(b("SET"), b("c"), sketch)));
            d.sameAll("PFCOUNT c", "PFCOUNT c nokey", "PFMERGE d c", "PFDEBUG ENCODING c", "PFADD c x", "GET c",
                    "PFDEBUG GETREG c", "GET c", "PFCOUNT c", "DEL c d");
        }
    }

    /** A value past 32 (a rare element) turns the sketch dense; found by search, same on both. */
    @Test
    void aLongRunOfZerosPromotes() {
        Random r = new Random(7);
        List<String> cmd = new ArrayList<>(List.of("PFADD", "p"));
        for (int i = 0; i < 20_000; i++) {
            cmd.add(Long.toString(r.nextLong()));
        }
        d.same(cmd.toArray(String[]::new));
        d.sameAll("PFDEBUG ENCODING p", "GET p", "PFCOUNT p", "PFCOUNT p");
    }

    @Test
    void dumpPayloadsMoveBothWays() {
        d.sameAll("PFADD small a b c", "PFADD big " + numbers(0, 5000));
        for (String key : List.of("small", "big")) {
            // Redis -> RedMesh
            byte[] fromRedis = bulk(realClient.call("DUMP", key));
            assertEquals("+OK\r\n", text(ourClient.call(b("RESTORE"), b(key + ".r"), b("0"), fromRedis)));
            assertEquals(text(realClient.call("PFCOUNT", key)), text(ourClient.call("PFCOUNT", key + ".r")));
            // RedMesh -> Redis
            byte[] fromUs = bulk(ourClient.call("DUMP", key));
            assertEquals("+OK\r\n", text(realClient.call(b("RESTORE"), b(key + ".r"), b("0"), fromUs)));
            assertEquals(text(ourClient.call("PFCOUNT", key)), text(realClient.call("PFCOUNT", key + ".r")));
            // both go on alike from the moved sketches
            d.sameAll("PFADD " + key + ".r " + numbers(7000, 7300), "GET " + key + ".r", "PFCOUNT " + key + ".r",
                    "PFMERGE both " + key + " " + key + ".r", "GET both", "PFCOUNT both");
        }
    }

    /** Random adds, counts and merges over a few keys, with the sketch bytes compared now and then. */
    @Test
    void seededRandomCommands() {
        SeededRandom seeded = SeededRandom.create();
        Random r = seeded.random();
        seeded.repeat(600, i -> {
            String k = "k" + r.nextInt(4);
            switch (r.nextInt(6)) {
                case 0, 1, 2 -> {
                    List<String> cmd = new ArrayList<>(List.of("PFADD", k));
                    int n = r.nextInt(r.nextBoolean() ? 5 : 200);
                    for (int j = 0; j < n; j++) {
                        cmd.add(Integer.toString(r.nextInt(r.nextBoolean() ? 1000 : 1_000_000)));
                    }
                    d.same(cmd.toArray(String[]::new));
                }
                case 3 -> d.same("PFCOUNT", k);
                case 4 -> d.same("PFMERGE", k, "k" + r.nextInt(5), "k" + r.nextInt(5));
                default -> d.same("PFCOUNT", k, "k" + r.nextInt(5));
            }
            if (i % 20 == 0) {
                d.same("GET", k);
            }
        });
        for (int i = 0; i < 5; i++) {
            d.sameAll("GET k" + i, "PFCOUNT k" + i);
        }
    }

    private static String numbers(int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            sb.append(i == from ? "" : " ").append("n").append(i);
        }
        return sb.toString();
    }

    private static byte[] bulk(byte[] reply) {
        return DiffHarness.Node.parse(reply).data;
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
