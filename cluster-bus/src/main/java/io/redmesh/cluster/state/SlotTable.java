package io.redmesh.cluster.state;

import java.util.BitSet;

/**
 * Who serves each of the 16384 slots, and which slots are being moved (Redis's
 * clusterState.slots / migrating_slots_to / importing_slots_from).
 */
public final class SlotTable {
    public static final int SLOTS = 16384;

    final ClusterNode[] owner = new ClusterNode[SLOTS];
    final ClusterNode[] migratingTo = new ClusterNode[SLOTS];
    final ClusterNode[] importingFrom = new ClusterNode[SLOTS];

    public ClusterNode owner(int slot) {
        return owner[slot];
    }

    public ClusterNode migratingTo(int slot) {
        return migratingTo[slot];
    }

    public ClusterNode importingFrom(int slot) {
        return importingFrom[slot];
    }

    public void migrating(int slot, ClusterNode to) {
        migratingTo[slot] = to;
    }

    public void importing(int slot, ClusterNode from) {
        importingFrom[slot] = from;
    }

    /** clusterAddSlot: false when the slot is already served. */
    public boolean add(ClusterNode n, int slot) {
        if (owner[slot] != null) {
            return false;
        }
        n.slots.set(slot);
        owner[slot] = n;
        return true;
    }

    /** clusterDelSlot: false when nobody served it. */
    public boolean remove(int slot) {
        ClusterNode n = owner[slot];
        if (n == null) {
            return false;
        }
        n.slots.clear(slot);
        owner[slot] = null;
        return true;
    }

    /** clusterDelNodeSlots: frees every slot of {@code n}; returns how many. */
    public int removeAll(ClusterNode n) {
        int count = 0;
        BitSet s = (BitSet) n.slots.clone();
        for (int i = s.nextSetBit(0); i >= 0; i = s.nextSetBit(i + 1)) {
            remove(i);
            count++;
        }
        return count;
    }

    /** Forgets {@code n} as a migration source or target (it is being deleted). */
    public void forgetMoves(ClusterNode n) {
        for (int i = 0; i < SLOTS; i++) {
            if (migratingTo[i] == n) {
                migratingTo[i] = null;
            }
            if (importingFrom[i] == n) {
                importingFrom[i] = null;
            }
        }
    }

    /** clusterCloseAllSlots: no slot is migrating or importing any more. */
    public void closeAll() {
        java.util.Arrays.fill(migratingTo, null);
        java.util.Arrays.fill(importingFrom, null);
    }

    public int assigned() {
        int n = 0;
        for (ClusterNode o : owner) {
            if (o != null) {
                n++;
            }
        }
        return n;
    }
}
