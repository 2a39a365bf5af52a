package io.redmesh.node.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Dict's random pick (RANDOMKEY, SPOP, SRANDMEMBER, HRANDFIELD, allkeys-random eviction) is
 * uniform whatever the chains look like, also after removals leave the table sparse; its sample
 * (eviction and active expiry) never hands out an entry twice.
 */
class DictRandomTest {
    private static byte[] key(int i) {
        return ("k" + i).getBytes(StandardCharsets.US_ASCII);
    }

    /** Pearson's chi-square of {@code draws} random picks over the dict's keys. */
    private static double chiSquare(Dict d, int draws) {
        Map<String, Integer> counts = new HashMap<>();
        d.forEach(e -> counts.put(new String(e.key, StandardCharsets.US_ASCII), 0));
        for (int i = 0; i < draws; i++) {
            counts.merge(new String(d.randomEntry().key, StandardCharsets.US_ASCII), 1, Integer::sum);
        }
        double expected = (double) draws / counts.size();
        double chi = 0;
        for (int n : counts.values()) {
            chi += (n - expected) * (n - expected) / expected;
        }
        return chi;
    }

    @Test
    void randomEntryIsUniformOverManyKeys() {
        Dict d = new Dict();
        for (int i = 0; i < 1000; i++) {
            d.addNew(key(i), null);
        }
        // 999 degrees of freedom: mean 999, standard deviation about 45
        double chi = chiSquare(d, 200_000);
        assertTrue(chi < 1250, "chi-square " + chi);
    }

    @Test
    void randomEntryStaysUniformWhenRemovalsLeaveLongChainsBehind() {
        Dict d = new Dict();
        for (int i = 0; i < 4096; i++) {
            d.addNew(key(i), null);
        }
        for (int i = 0; i < 4096 - 500; i++) {
            d.remove(key(i)); // 500 left in a table that has not shrunk yet (over 10% full)
        }
        assertEquals(500, d.size());
        double chi = chiSquare(d, 100_000);
        assertTrue(chi < 650, "chi-square " + chi + " (499 degrees of freedom)");
    }

    /**
     * Ten keys in a table grown 4 -> 8 -> 16, as SRANDMEMBER's sets: over many dicts (hashes
     * differ by key), every one must pick fairly, including when the insert that triggered a
     * growth made the longest chain.
     */
    @Test
    void smallGrownDictsPickFairly() {
        for (int round = 0; round < 200; round++) {
            Dict d = new Dict();
            for (int i = 0; i < 10; i++) {
                d.addNew(key(round * 10 + i), null);
            }
            double chi = chiSquare(d, 5000);
            assertTrue(chi < 50, "round " + round + ": chi-square " + chi + " (9 degrees of freedom)");
        }
    }

    @Test
    void sampleNeverRepeatsAnEntry() {
        Dict d = new Dict();
        for (int i = 0; i < 3; i++) {
            d.addNew(key(i), null);
        }
        for (int round = 0; round < 100; round++) {
            List<DictEntry> seen = new ArrayList<>();
            int n = d.sample(20, seen::add);
            Set<DictEntry> distinct = new HashSet<>(seen);
            assertEquals(3, n);
            assertEquals(3, distinct.size());
        }
    }
}
