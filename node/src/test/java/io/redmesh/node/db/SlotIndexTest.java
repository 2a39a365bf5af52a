package io.redmesh.node.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The slot index as MIGRATE uses it: GETKEYSINSLOT's first keys, deleted, again and again until
 * the slot is empty. Every key comes back exactly once, never twice in one answer, also with keys
 * added while draining; and draining costs what it returns (it resumes where it stopped instead
 * of walking the buckets it emptied: the O(n^2) that made MIGRATE of a big slot slow).
 */
class SlotIndexTest {
    private static byte[] key(int i) {
        return ("{tag}:" + i).getBytes(StandardCharsets.UTF_8); // one slot for all
    }

    @Test
    void drainingASlotReturnsEveryKeyOnceAndCostsWhatItReturns() {
        Dict d = Dict.slotIndexed();
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            d.addNew(key(i), null);
        }
        int slot = io.redmesh.node.spi.cluster.HashSlots.slot(key(0));
        Set<String> drained = new HashSet<>();
        int added = 0;
        long t0 = System.nanoTime();
        for (int round = 0; d.slots.count(slot) > 0; round++) {
            List<byte[]> batch = d.slots.keys(slot, 10);
            assertTrue(!batch.isEmpty() && batch.size() <= 10);
            Set<String> inBatch = new HashSet<>();
            for (byte[] k : batch) {
                String s = new String(k, StandardCharsets.UTF_8);
                assertTrue(inBatch.add(s), "twice in one answer: " + s);
                assertTrue(drained.add(s), "returned again after it was deleted: " + s);
                d.remove(k);
            }
            if (round % 100 == 0 && added < 200) {
                d.addNew(key(n + added), null); // writes go on while a slot migrates (ASK)
                added++;
            }
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(n + added, drained.size());
        assertEquals(0, d.size());
        // ~10000 batches: rescanning from 0 took about 10 s here under load, resuming about 1.5 s
        assertTrue(ms < 5000, "draining took " + ms + " ms");
    }
}
