package io.redmesh.node.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redmesh.node.util.RedisException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The PREFIX overlap check gives the error Redis 7.0's pairwise checkPrefixCollisionsOrReply()
 * gives (same prefix pair, same order of checks), on random lists over a tiny alphabet where
 * overlaps, duplicates and the empty prefix are common, with and without existing prefixes.
 */
class ClientTrackingPrefixCheckTest {
    /** Redis's algorithm, literally: for each i, the existing prefixes in order, then each j > i. */
    private static String redis(TreeSet<ByteString> existing, List<byte[]> p) {
        for (int i = 0; i < p.size(); i++) {
            for (ByteString e : existing) {
                if (overlap(e.bytes, p.get(i))) {
                    return "existing " + s(p.get(i)) + " " + s(e.bytes);
                }
            }
            for (int j = i + 1; j < p.size(); j++) {
                if (overlap(p.get(i), p.get(j))) {
                    return "other " + s(p.get(i)) + " " + s(p.get(j));
                }
            }
        }
        return "ok";
    }

    private static boolean overlap(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        return Arrays.equals(a, 0, n, b, 0, n);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static String ours(ClientTracking.Mode m, List<byte[]> p) {
        try {
            ClientTracking.checkPrefixCollisions(m, p);
            return "ok";
        } catch (RedisException e) {
            String msg = e.getMessage();
            String kind = msg.contains("existing") ? "existing " : "other ";
            String[] quoted = msg.split("'");
            return kind + quoted[1] + " " + quoted[3];
        }
    }

    private static byte[] random(Random r) {
        byte[] b = new byte[r.nextInt(4)];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) ('a' + r.nextInt(3));
        }
        return b;
    }

    @Test
    void sameVerdictAsThePairwiseCheck() {
        Random r = new Random(20261207);
        for (int round = 0; round < 20_000; round++) {
            ClientTracking.Mode m = new ClientTracking.Mode();
            if (r.nextBoolean()) {
                m.prefixes = new TreeSet<>();
                for (int k = r.nextInt(3); k > 0; k--) {
                    ByteString candidate = new ByteString(random(r));
                    if (m.prefixes.stream().noneMatch(e -> overlap(e.bytes, candidate.bytes))) {
                        m.prefixes.add(candidate); // a client's own prefixes never overlap
                    }
                }
            }
            List<byte[]> p = new ArrayList<>();
            for (int k = r.nextInt(7); k > 0; k--) {
                p.add(random(r));
            }
            TreeSet<ByteString> existing = m.prefixes == null ? new TreeSet<>() : m.prefixes;
            String expected = redis(existing, p);
            assertEquals(expected, ours(m, p), () -> "existing " + existing + " new " + p.stream().map(x -> s(x)).toList());
        }
    }
}
