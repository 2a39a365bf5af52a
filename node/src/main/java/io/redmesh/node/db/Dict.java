package io.redmesh.node.db;

import io.redmesh.node.util.SipHash;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * A chained hash table over byte-string keys, the keyspace's and the large collections' backing
 * store. It exists (rather than java.util.HashMap) for what Redis's dict gives and HashMap does
 * not: a SCAN cursor that survives resizes (reverse-binary bucket order), O(1) random sampling
 * for eviction, active expiry and RANDOMKEY, and a seeded hash (SipHash) against flooding.
 *
 * <p>Not thread-safe; the keyspace is only touched by the command executor.
 */
public final class Dict {
    private static final int INITIAL = 4;
    /** Tries of the fair random pick before it settles for the classic one (see randomEntry). */
    private static final int FAIR_TRIES = 1000;
    private DictEntry[] table = new DictEntry[INITIAL];
    private int size;
    /** Keys by hash slot, kept only by the main dict of a cluster-mode database (else null). */
    SlotIndex slots;

    public Dict() {}

    /** A keyspace dict of a cluster-mode node: it also indexes its keys by hash slot. */
    static Dict slotIndexed() {
        Dict d = new Dict();
        d.slots = new SlotIndex();
        return d;
    }
    /**
     * At least the length of the longest chain: raised as chains grow, measured again when the
     * table shrinks, left as it is by removals and growth (both only shorten chains).
     */
    private int chainBound = 1;

    public int size() {
        return size;
    }

    public int buckets() {
        return table.length;
    }

    static int hashOf(byte[] key) {
        long h = SipHash.hash(key);
        return (int) (h ^ (h >>> 32));
    }

    public DictEntry find(byte[] key) {
        int h = hashOf(key);
        for (DictEntry e = table[h & (table.length - 1)]; e != null; e = e.next) {
            if (e.hash == h && Arrays.equals(e.key, key)) {
                return e;
            }
        }
        return null;
    }

    public Object get(byte[] key) {
        DictEntry e = find(key);
        return e == null ? null : e.value;
    }

    public boolean contains(byte[] key) {
        return find(key) != null;
    }

    /** Inserts or replaces; returns the entry holding the key. */
    public DictEntry put(byte[] key, Object value) {
        int h = hashOf(key);
        int idx = h & (table.length - 1);
        for (DictEntry e = table[idx]; e != null; e = e.next) {
            if (e.hash == h && Arrays.equals(e.key, key)) {
                e.value = value;
                return e;
            }
        }
        return link(key, h, idx, value);
    }

    /** Adds the key unless present, hashing it once; returns the new entry, or null if present. */
    public DictEntry addIfAbsent(byte[] key, Object value) {
        int h = hashOf(key);
        int idx = h & (table.length - 1);
        for (DictEntry e = table[idx]; e != null; e = e.next) {
            if (e.hash == h && Arrays.equals(e.key, key)) {
                return null;
            }
        }
        return link(key, h, idx, value);
    }

    /** Adds a key known to be absent (saves the lookup). */
    public DictEntry addNew(byte[] key, Object value) {
        int h = hashOf(key);
        int idx = h & (table.length - 1);
        return link(key, h, idx, value);
    }

    /** Chains a new entry at the head of bucket {@code idx}, growing the table past load factor 1. */
    private DictEntry link(byte[] key, int h, int idx, Object value) {
        DictEntry e = new DictEntry(key, h, value);
        e.next = table[idx];
        table[idx] = e;
        size++;
        if (slots != null) {
            slots.add(key);
        }
        if (size > table.length) {
            resize(table.length * 2);
        }
        // The new entry's chain, in the table it ended up in (a resize keeps the bound of the
        // chains it split, not of this one).
        int len = 0;
        for (DictEntry x = table[h & (table.length - 1)]; x != null && len <= chainBound; x = x.next) {
            len++;
        }
        chainBound = Math.max(chainBound, len);
        return e;
    }

    /**
     * dictExpand: makes room for {@code n} entries at once (an RDB load knows the count from
     * RESIZEDB), so the table is not rebuilt at every doubling on the way.
     */
    public void expand(long n) {
        int want = table.length;
        while (want < n && want < (1 << 30)) {
            want <<= 1;
        }
        if (want > table.length) {
            resize(want);
        }
    }

    /** Removes the key; returns its entry or null. */
    public DictEntry remove(byte[] key) {
        int h = hashOf(key);
        int idx = h & (table.length - 1);
        DictEntry prev = null;
        for (DictEntry e = table[idx]; e != null; prev = e, e = e.next) {
            if (e.hash == h && Arrays.equals(e.key, key)) {
                if (prev == null) {
                    table[idx] = e.next;
                } else {
                    prev.next = e.next;
                }
                e.next = null;
                size--;
                if (slots != null) {
                    slots.remove(key);
                }
                maybeShrink();
                return e;
            }
        }
        return null;
    }

    public void clear() {
        table = new DictEntry[INITIAL];
        size = 0;
        if (slots != null) {
            slots = new SlotIndex();
        }
        chainBound = 1;
    }

    private void maybeShrink() {
        // Like Redis: shrink when under 10% full, never below the initial size.
        if (table.length > INITIAL && size * 10L < table.length) {
            int n = INITIAL;
            while (n < size) {
                n <<= 1;
            }
            resize(n);
        }
    }

    private void resize(int n) {
        DictEntry[] old = table;
        DictEntry[] nt = new DictEntry[n];
        int mask = n - 1;
        for (DictEntry head : old) {
            DictEntry e = head;
            while (e != null) {
                DictEntry next = e.next;
                int idx = e.hash & mask;
                e.next = nt[idx];
                nt[idx] = e;
                e = next;
            }
        }
        table = nt;
        if (n < old.length) {
            // Shrinking merges chains: measure again. Growing splits each chain in two, so the
            // bound still holds and the O(n) pass is saved.
            int longest = 1;
            for (DictEntry head : nt) {
                int len = 0;
                for (DictEntry e = head; e != null; e = e.next) {
                    len++;
                }
                longest = Math.max(longest, len);
            }
            chainBound = longest;
        }
    }

    /**
     * A uniformly random entry, or null when empty. Picking a bucket and then a member of its
     * chain (Redis's dictGetRandomKey) gives a key that shares its bucket half the chance of a
     * key alone in one, which SRANDMEMBER and friends showed plainly; Redis answers those with
     * dictGetFairRandomKey. Here each try picks a bucket and a slot below {@link #chainBound},
     * an upper bound of every chain's length, and keeps the entry in that slot if there is one:
     * every entry is equally likely on every try. A try succeeds with probability
     * size / (buckets x bound), at least 1/(10 x bound) (the table shrinks below 10% full), so
     * the tries are few; past {@link #FAIR_TRIES} the classic pick answers.
     */
    public DictEntry randomEntry() {
        if (size == 0) {
            return null;
        }
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < FAIR_TRIES; attempt++) {
            DictEntry e = table[r.nextInt(table.length)];
            for (int slot = r.nextInt(chainBound); e != null && slot > 0; slot--) {
                e = e.next;
            }
            if (e != null) {
                return e;
            }
        }
        return anyEntry(r);
    }

    /** dictGetRandomKey: a random non-empty bucket, then a random member of its chain. */
    private DictEntry anyEntry(ThreadLocalRandom r) {
        DictEntry head;
        do {
            head = table[r.nextInt(table.length)];
        } while (head == null);
        int len = 0;
        for (DictEntry e = head; e != null; e = e.next) {
            len++;
        }
        int pick = r.nextInt(len);
        DictEntry e = head;
        while (pick-- > 0) {
            e = e.next;
        }
        return e;
    }

    /**
     * Visits up to {@code count} entries starting at a random bucket, scanning consecutive
     * buckets (Redis's dictGetSomeKeys). Used for eviction and active-expire sampling.
     */
    public int sample(int count, Consumer<DictEntry> visitor) {
        if (size == 0) {
            return 0;
        }
        // As dictGetSomeKeys: never more than there are, or the walk wraps round and hands the
        // same entries out twice (an expiry sample would count them twice).
        count = Math.min(count, size);
        int mask = table.length - 1;
        int i = ThreadLocalRandom.current().nextInt(table.length);
        int visited = 0;
        int emptyRun = 0;
        for (int steps = 0; steps < count * 10 && visited < count; steps++) {
            DictEntry e = table[i];
            if (e == null) {
                if (++emptyRun >= 5 && emptyRun > count) {
                    i = ThreadLocalRandom.current().nextInt(table.length);
                    emptyRun = 0;
                    continue;
                }
            } else {
                emptyRun = 0;
                while (e != null && visited < count) {
                    DictEntry next = e.next; // the visitor may remove e
                    visitor.accept(e);
                    visited++;
                    e = next;
                }
            }
            i = (i + 1) & mask;
        }
        return visited;
    }

    /**
     * One SCAN step: visits every entry of the bucket the cursor names and returns the next
     * cursor (0 when done). Reverse-binary increments make every element present for the whole
     * scan be returned at least once even if the table grows or shrinks in between.
     */
    public long scan(long cursor, Consumer<DictEntry> visitor) {
        if (size == 0) {
            return 0;
        }
        DictEntry[] t = table;
        long mask = t.length - 1;
        DictEntry e = t[(int) (cursor & mask)];
        while (e != null) {
            DictEntry next = e.next;
            visitor.accept(e);
            e = next;
        }
        long v = cursor | ~mask;
        v = Long.reverse(v);
        v++;
        v = Long.reverse(v);
        return v;
    }

    /** Visits every entry (the visitor must not modify the dict). */
    public void forEach(Consumer<DictEntry> visitor) {
        for (DictEntry head : table) {
            for (DictEntry e = head; e != null; e = e.next) {
                visitor.accept(e);
            }
        }
    }

    /** Approximate heap bytes of the table itself (not the entries' payloads). */
    public long overheadBytes() {
        return 16L + 4L * table.length + 40L * size;
    }
}
