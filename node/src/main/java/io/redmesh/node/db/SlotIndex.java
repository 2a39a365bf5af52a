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
            }
        }
    }

    int count(int slot) {
        return counts[slot];
    }

    List<byte[]> keys(int slot, int max) {
        List<byte[]> out = new ArrayList<>(Math.min(max, counts[slot]));
        Dict d = keys[slot];
        if (d != null && max > 0) {
            long cursor = 0;
            do {
                cursor = d.scan(cursor, e -> {
                    if (out.size() < max) {
                        out.add(e.key);
                    }
                });
            } while (cursor != 0 && out.size() < max);
        }
        return out;
    }
}
