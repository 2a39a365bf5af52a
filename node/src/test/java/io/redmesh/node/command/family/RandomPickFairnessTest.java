package io.redmesh.node.command.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RespClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every random pick is uniform: SRANDMEMBER, SPOP, HRANDFIELD, ZRANDMEMBER and RANDOMKEY over
 * ten members, in the encodings where a pick goes through a hash table. Each run draws about a
 * thousand times and scores the counts with Pearson's chi-square (9 degrees of freedom: 9 on
 * average for a fair pick); the mean over the runs must stay low on redis-server (which shows
 * the test is fair) and on RedMesh in the same run. A pick that favours the members alone in
 * their bucket, as dictGetRandomKey does, scores above 100.
 */
class RandomPickFairnessTest extends DiffTestBase {
    private static final int MEMBERS = 10;
    private static final int RUNS = 12;
    /** Mean of RUNS draws of chi-square(9): 9 expected, standard deviation under 1.3. */
    private static final double MAX_MEAN_CHI_SQUARE = 16;

    @Override
    protected String[] resetCommands() {
        return new String[] {"CONFIG SET hash-max-listpack-entries 0", "CONFIG SET zset-max-listpack-entries 0"};
    }

    @Test
    void srandmemberWithNegativeCount() {
        fill("SADD", "s", false);
        assertFair("SRANDMEMBER -1000", c -> flatten(pipeline(c, 1, "SRANDMEMBER", "s", "-1000")));
    }

    @Test
    void srandmemberWithPositiveCount() {
        fill("SADD", "s", false);
        assertEquals("hashtable", text(ourClient.call("OBJECT", "ENCODING", "s")).split("\r\n")[1]);
        // 3 of 10: the distinct members are drawn one by one (Redis's CASE 4)
        assertFair("SRANDMEMBER 3", c -> flatten(pipeline(c, 333, "SRANDMEMBER", "s", "3")));
    }

    @Test
    void spopOneAtATime() {
        // the same ten members in 1000 sets laid out alike: one SPOP from each
        assertFair("SPOP", c -> {
            List<String> setup = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                setup.add("SADD p" + i + " " + String.join(" ", memberNames()));
            }
            pipelineLines(c, setup);
            List<String> pops = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                pops.add("SPOP p" + i);
            }
            List<String> out = flatten(pipelineLines(c, pops));
            c.call("FLUSHALL");
            return out;
        });
    }

    @Test
    void hrandfield() {
        fill("HSET", "h", true);
        assertEquals("hashtable", text(ourClient.call("OBJECT", "ENCODING", "h")).split("\r\n")[1]);
        assertFair("HRANDFIELD -1000", c -> flatten(pipeline(c, 1, "HRANDFIELD", "h", "-1000")));
        assertFair("HRANDFIELD 3", c -> flatten(pipeline(c, 333, "HRANDFIELD", "h", "3")));
    }

    @Test
    void zrandmember() {
        fill("ZADD", "z", true);
        assertEquals("skiplist", text(ourClient.call("OBJECT", "ENCODING", "z")).split("\r\n")[1]);
        assertFair("ZRANDMEMBER -1000", c -> flatten(pipeline(c, 1, "ZRANDMEMBER", "z", "-1000")));
        assertFair("ZRANDMEMBER 3", c -> flatten(pipeline(c, 333, "ZRANDMEMBER", "z", "3")));
    }

    @Test
    void randomkey() {
        for (String m : memberNames()) {
            d.same("SET", m, "v");
        }
        assertFair("RANDOMKEY", c -> flatten(pipeline(c, 1000, "RANDOMKEY")));
    }

    // ------------------------------------------------------------------ harness

    private static List<String> memberNames() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            names.add("member:" + i);
        }
        return names;
    }

    /** One key of ten non-integer members on both servers ({@code scored}: each with a number). */
    private void fill(String command, String key, boolean scored) {
        List<String> cmd = new ArrayList<>(List.of(command, key));
        for (String m : memberNames()) {
            if (scored && command.equals("ZADD")) {
                cmd.add("1");
            }
            cmd.add(m);
            if (scored && command.equals("HSET")) {
                cmd.add("v");
            }
        }
        d.same(cmd.toArray(String[]::new));
    }

    /** Mean chi-square of RUNS runs of {@code draw} on each server; both must be low. */
    private void assertFair(String what, Function<RespClient, List<String>> draw) {
        double real = meanChiSquare(realClient, draw);
        double ours = meanChiSquare(ourClient, draw);
        String report = what + ": mean chi-square redis-server " + String.format("%.1f", real)
                + ", RedMesh " + String.format("%.1f", ours) + " (fair: about 9)";
        assertTrue(real < MAX_MEAN_CHI_SQUARE, "the test itself is off: " + report);
        assertTrue(ours < MAX_MEAN_CHI_SQUARE, report);
    }

    private static double meanChiSquare(RespClient c, Function<RespClient, List<String>> draw) {
        double sum = 0;
        for (int run = 0; run < RUNS; run++) {
            List<String> picks = draw.apply(c);
            Map<String, Integer> counts = new HashMap<>();
            for (String m : memberNames()) {
                counts.put(m, 0);
            }
            for (String p : picks) {
                assertTrue(counts.containsKey(p), "picked something else: " + p);
                counts.merge(p, 1, Integer::sum);
            }
            double expected = (double) picks.size() / MEMBERS;
            double chi = 0;
            for (int n : counts.values()) {
                chi += (n - expected) * (n - expected) / expected;
            }
            sum += chi;
        }
        return sum / RUNS;
    }

    /** Sends {@code times} copies of one command at once, then reads every reply. */
    private static List<byte[]> pipeline(RespClient c, int times, String... cmd) {
        byte[] one = RespClient.encode(RespClient.args(cmd));
        byte[] all = new byte[one.length * times];
        for (int i = 0; i < times; i++) {
            System.arraycopy(one, 0, all, i * one.length, one.length);
        }
        c.send(all);
        List<byte[]> replies = new ArrayList<>(times);
        for (int i = 0; i < times; i++) {
            replies.add(c.readReply());
        }
        return replies;
    }

    private static List<byte[]> pipelineLines(RespClient c, List<String> lines) {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (String l : lines) {
            all.writeBytes(RespClient.encode(RespClient.args(l.split(" "))));
        }
        c.send(all.toByteArray());
        List<byte[]> replies = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            replies.add(c.readReply());
        }
        return replies;
    }

    /** The bulk strings of RESP2 replies (arrays flattened, integers dropped), in order. */
    private static List<String> flatten(List<byte[]> replies) {
        List<String> out = new ArrayList<>();
        for (byte[] r : replies) {
            String[] lines = text(r).split("\r\n");
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].startsWith("$") && !lines[i].equals("$-1")) {
                    out.add(lines[++i]);
                } else if (lines[i].startsWith("+")) {
                    out.add(lines[i].substring(1));
                }
            }
        }
        return out;
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
