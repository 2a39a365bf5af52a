package io.redmesh.node.command.family;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redmesh.node.testing.SeededRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random stream workloads against redis-server 7.0.15 (replay a failure with
 * -Dredmesh.fuzz.seed=N): XADD with explicit, partial and trimming forms, XDEL, XTRIM, XSETID,
 * range reads with exclusive bounds, XREAD, consumer groups (XREADGROUP, XACK, XCLAIM and
 * XAUTOCLAIM JUSTID, XPENDING, XGROUP SETID/DELCONSUMER/DESTROY), with small nodes
 * (stream-node-max-entries 4, -max-bytes 200) so that node splits, whole-node trims and
 * tombstones are frequent. Every reply is compared byte for byte, except the delivery and idle
 * times of XINFO STREAM FULL (masked); DUMP payloads of streams without groups must be equal.
 */
class StreamRandomDiffTest extends DiffTestBase {
    @Override
    protected String[] resetCommands() {
        return new String[] {"CONFIG SET stream-node-max-entries 4", "CONFIG SET stream-node-max-bytes 200"};
    }

    private static String id(Random r) {
        return r.nextInt(40) + "-" + r.nextInt(3);
    }

    private static String bound(Random r, boolean start) {
        return switch (r.nextInt(6)) {
            case 0 -> start ? "-" : "+";
            case 1 -> "(" + id(r);
            case 2 -> Integer.toString(r.nextInt(40));
            default -> id(r);
        };
    }

    private void masked(String... cmd) {
        String mask = "(seen-time|idle)\r\n:\\d+|\\*4\r\n(\\$\\d+\r\n[^\r]*\r\n)(\\$\\d+\r\n[^\r]*\r\n):\\d+|"
                + "\\*3\r\n(\\$\\d+\r\n[^\r]*\r\n):\\d+|radix-tree-nodes\r\n:\\d+";
        String r = DiffHarness.text(d.real.call(cmd)).replaceAll(mask, "T");
        String o = DiffHarness.text(d.ours.call(cmd)).replaceAll(mask, "T");
        assertEquals(r, o, () -> "masked reply to " + Arrays.toString(cmd));
    }

    @Test
    void randomWorkloadsMatchRedis() {
        SeededRandom seeded = SeededRandom.create();
        Random r = seeded.random();
        seeded.repeat(1500, i -> {
            String k = "s" + r.nextInt(3);
            String g = "g" + r.nextInt(2);
            String c = "c" + r.nextInt(3);
            switch (r.nextInt(16)) {
                case 0, 1, 2, 3 -> {
                    List<String> cmd = new ArrayList<>(List.of("XADD", k));
                    switch (r.nextInt(8)) {
                        case 0 -> cmd.addAll(List.of("MAXLEN", r.nextBoolean() ? "~" : "=", Integer.toString(r.nextInt(12))));
                        case 1 -> cmd.addAll(List.of("MINID", r.nextBoolean() ? "~" : "=", id(r)));
                        case 2 -> cmd.addAll(List.of("MAXLEN", "~", Integer.toString(r.nextInt(12)), "LIMIT",
                                Integer.toString(r.nextInt(6))));
                        case 3 -> cmd.add("NOMKSTREAM");
                        default -> { }
                    }
                    cmd.add(r.nextInt(4) == 0 ? r.nextInt(45) + "-*" : id(r));
                    int fields = 1 + r.nextInt(3);
                    for (int f = 0; f < fields; f++) {
                        cmd.add(r.nextBoolean() ? "f" + f : "h" + r.nextInt(3));
                        cmd.add(r.nextInt(5) == 0 ? "v".repeat(r.nextInt(120)) : Integer.toString(r.nextInt(2000) - 1000));
                    }
                    d.same(cmd.toArray(String[]::new));
                }
                case 4 -> d.same("XDEL", k, id(r), id(r));
                case 5 -> d.same("XTRIM", k, r.nextBoolean() ? "MAXLEN" : "MINID", r.nextBoolean() ? "~" : "=",
                        r.nextBoolean() ? Integer.toString(r.nextInt(15)) : id(r));
                case 6 -> d.same("XRANGE", k, bound(r, true), bound(r, false), "COUNT", Integer.toString(r.nextInt(6)));
                case 7 -> d.same("XREVRANGE", k, bound(r, false), bound(r, true));
                case 8 -> d.same("XREAD", "COUNT", Integer.toString(1 + r.nextInt(4)), "STREAMS", k, "s9", id(r), "0");
                case 9 -> d.same("XGROUP", "CREATE", k, g, r.nextBoolean() ? "$" : id(r), "MKSTREAM");
                case 10 -> d.same("XREADGROUP", "GROUP", g, c, "COUNT", Integer.toString(1 + r.nextInt(3)),
                        "STREAMS", k, r.nextInt(3) == 0 ? "0" : ">");
                case 11 -> d.same("XACK", k, g, id(r), id(r));
                case 12 -> d.same("XCLAIM", k, g, c, "0", id(r), id(r), "JUSTID");
                case 13 -> d.same("XAUTOCLAIM", k, g, c, "0", id(r), "COUNT", Integer.toString(1 + r.nextInt(4)), "JUSTID");
                case 14 -> d.same("XPENDING", k, g);
                default -> {
                    switch (r.nextInt(5)) {
                        case 0 -> d.same("XGROUP", "SETID", k, g, id(r));
                        case 1 -> d.same("XGROUP", "DELCONSUMER", k, g, c);
                        case 2 -> d.same("XGROUP", "DESTROY", k, g);
                        case 3 -> d.same("XSETID", k, r.nextInt(60) + "-" + r.nextInt(3));
                        default -> d.same("DEL", k);
                    }
                }
            }
            if (i % 25 == 0) {
                for (String key : new String[] {"s0", "s1", "s2"}) {
                    d.same("XLEN", key);
                    masked("XINFO", "STREAM", key, "FULL", "COUNT", "0");
                    masked("XINFO", "STREAM", key);
                    d.same("XINFO", "GROUPS", key);
                    if (d.same("EXISTS", key).equals(":1\r\n") && d.same("XINFO", "GROUPS", key).equals("*0\r\n")) {
                        d.same("DUMP", key);
                    }
                }
            }
        });
    }
}
