package io.redmesh.node.db;

/**
 * Redis's eviction pool: keeps the best {@code size} candidates seen across samples, so each
 * eviction picks from more keys than one sample holds and the approximation of LRU/LFU improves.
 */
final class EvictionPool {
    record Candidate(Database db, DictEntry entry, long score) {}

    private final Candidate[] slots;
    private int count;

    EvictionPool(int size) {
        slots = new Candidate[size];
    }

    void offer(Database db, DictEntry e, long score) {
        for (int i = 0; i < count; i++) {
            if (slots[i].entry() == e) {
                return;
            }
        }
        if (count < slots.length) {
            slots[count++] = new Candidate(db, e, score);
            return;
        }
        int worst = 0;
        for (int i = 1; i < count; i++) {
            if (slots[i].score() < slots[worst].score()) {
                worst = i;
            }
        }
        if (slots[worst].score() < score) {
            slots[worst] = new Candidate(db, e, score);
        }
    }

    Candidate takeBest() {
        if (count == 0) {
            return null;
        }
        int best = 0;
        for (int i = 1; i < count; i++) {
            if (slots[i].score() > slots[best].score()) {
                best = i;
            }
        }
        Candidate c = slots[best];
        slots[best] = slots[--count];
        slots[count] = null;
        return c;
    }
}
