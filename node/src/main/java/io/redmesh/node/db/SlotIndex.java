package io.redmesh.node.db;

import io.redmesh.node.spi.cluster.HashSlots;
import java.util.ArrayList;
import java.util.List;

/**
 * The keys of one database by hash slot (Redis 7.0's slot-to-keys map), kept by the main dict of
 * a cluster-mode node as keys are added and removed: CLUSTER COUNTKEYSINSLOT is O(1) and
 * GETKEYSINSLOT / deleting a slot cost what they return, not the size of the keyspace. Each slot's
 * keys are a small dict of their own, created on the slot's first key.
 */
final class SlotIndex {
    private final int[] counts = new int[HashSlots.SLOTS];
    private final Dict[] keys = new Dict[HashSlots.SLOTS];
    /**
     * Where the last {@link #keys} call of each slot stopped scanning. MIGRATE drains a slot by
     * asking for its first keys again and again while deleting them; scanning from cursor 0 each
     * time walks every bucket already emptied, so draining a slot of n keys cost O(n^2) (2 ms per
     * GETKEYSINSLOT 10 half-way through 25k keys). Resuming here makes it cost what it returns.
     */
    private final long[] resumeAt = new long[HashSlots.SLOTS];

    void add(byte[] key) {
        int slot = HashSlots.slot(key);
        Dict d = keys[slot];
        if (d == null) {
            d = keys[slot] = new Dict();
        }
        d.addNew(key, null);
        counts[slot]++;
    }

    void remove(byte[] key) {
        int slot = HashSlots.slot(key);
        Dict d = keys[slot];
        if (d != null && d.remove(key) != null) {
            if (--counts[slot] == 0) {
                keys[slot] = null;
                resumeAt[slot] = 0;
            }
        }
    }

    int count(int slot) {
        return counts[slot];
    }

    List<byte[]> keys(int slot, int max) {
        List<byte[]> out = new ArrayList<>(Math.min(max, counts[slot]));
        Dict d = keys[slot];
        if (d == null || max <= 0) {
            return out;
        }
        long start = resumeAt[slot];
        long cursor = start;
        // from where the last call stopped to the end of the table, then (if short) from the start
        java.util.Set<byte[]> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        boolean secondPass = start == 0;
        while (true) {
            long at = cursor;
            cursor = d.scan(cursor, e -> {
                if (out.size() < max && seen.add(e.key)) {
                    out.add(e.key);
                }
            });
            if (out.size() >= max) {
                resumeAt[slot] = at; // this bucket may hold more
                return out;
            }
            if (cursor == 0) {
                if (secondPass) {
                    break;
                }
                secondPass = true;
            }
        }
        resumeAt[slot] = 0;
        return out;
    }
}
