package io.redmesh.node.db;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;

/**
 * A Redis hash. Small hashes use the "listpack" encoding: one array of field, value, field,
 * value... in insertion order, searched linearly, so HGETALL answers in insertion order exactly
 * as a Redis listpack does (an updated field keeps its place, a deleted one closes the gap). Once
 * a hash has more than hash-max-listpack-entries fields or a field or value longer than
 * hash-max-listpack-value bytes, it converts, one way, to "hashtable": a {@link Dict} of field to
 * value, whose SCAN cursor and random sampling behave like Redis's dict.
 *
 * <p>Fields and values are byte arrays that are never mutated, so they may be shared with the
 * command arguments they came from and with copies.
 */
public final class HashValue implements Sized {
    /** Object header and fields of this class. */
    private static final long SELF = 32;

    /** Listpack encoding: pairs[2i] = field, pairs[2i+1] = value; null once converted. */
    private byte[][] pairs;
    /** Number of fields while listpack-encoded. */
    private int count;
    /** Hashtable encoding: field -> value (byte[]); null while listpack-encoded. */
    private Dict dict;
    /** Sum of the estimated sizes of every field and value array, kept up to date. */
    private long payload;

    public HashValue() {
        pairs = new byte[8][];
    }

    // ------------------------------------------------------------------ Sized

    @Override
    public long bytes() {
        long table = dict == null ? MemoryEstimator.align(16L + 4L * pairs.length) : dict.overheadBytes();
        return SELF + table + payload;
    }

    @Override
    public int length() {
        return dict == null ? count : dict.size();
    }

    @Override
    public String encoding() {
        return dict == null ? "listpack" : "hashtable";
    }

    @Override
    public String typeName() {
        return "hash";
    }

    @Override
    public HashValue copy() {
        HashValue h = new HashValue();
        if (dict == null) {
            h.pairs = Arrays.copyOf(pairs, pairs.length);
            h.count = count;
        } else {
            h.pairs = null;
            h.dict = new Dict();
            dict.forEach(e -> h.dict.addNew(e.key, e.value));
        }
        h.payload = payload;
        return h;
    }

    // ------------------------------------------------------------------ reads

    public boolean isListpack() {
        return dict == null;
    }

    /** The value of a field, or null. */
    public byte[] get(byte[] field) {
        if (dict != null) {
            return (byte[]) dict.get(field);
        }
        int i = indexOf(field);
        return i < 0 ? null : pairs[i + 1];
    }

    public boolean contains(byte[] field) {
        return dict != null ? dict.contains(field) : indexOf(field) >= 0;
    }

    /** Visits every field and value: insertion order for a listpack, table order otherwise. */
    public void forEach(BiConsumer<byte[], byte[]> visitor) {
        if (dict != null) {
            dict.forEach(e -> visitor.accept(e.key, (byte[]) e.value));
            return;
        }
        for (int i = 0; i < 2 * count; i += 2) {
            visitor.accept(pairs[i], pairs[i + 1]);
        }
    }

    /**
     * One HSCAN step. A listpack is answered whole with next cursor 0 (Redis does the same for
     * its compact encodings, whatever the cursor); a hashtable by one Dict bucket.
     */
    public long scan(long cursor, BiConsumer<byte[], byte[]> visitor) {
        if (dict == null) {
            forEach(visitor);
            return 0;
        }
        return dict.scan(cursor, e -> visitor.accept(e.key, (byte[]) e.value));
    }

    /** A random {field, value}, or null when empty. */
    public byte[][] randomEntry() {
        if (dict != null) {
            DictEntry e = dict.randomEntry();
            return e == null ? null : new byte[][] {e.key, (byte[]) e.value};
        }
        if (count == 0) {
            return null;
        }
        int i = 2 * ThreadLocalRandom.current().nextInt(count);
        return new byte[][] {pairs[i], pairs[i + 1]};
    }

    /**
     * {@code n} distinct random {field, value} pairs, {@code 0 < n < length()}. A listpack gives
     * them in listpack order (as lpRandomPairsUnique does); a hashtable in random order.
     */
    public List<byte[][]> randomDistinct(int n) {
        List<byte[][]> out = new ArrayList<>(n);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        if (dict == null) {
            // Selection sampling: each element is kept with probability needed/remaining.
            int needed = n;
            for (int i = 0; i < count && needed > 0; i++) {
                if (r.nextInt(count - i) < needed) {
                    out.add(new byte[][] {pairs[2 * i], pairs[2 * i + 1]});
                    needed--;
                }
            }
            return out;
        }
        List<DictEntry> all = new ArrayList<>(dict.size());
        if (n * 3L > dict.size()) {
            // Many of the elements are wanted: shuffle a copy partially (Redis's CASE 3 spirit).
            dict.forEach(all::add);
            for (int i = 0; i < n; i++) {
                int j = i + r.nextInt(all.size() - i);
                DictEntry t = all.get(i);
                all.set(i, all.get(j));
                all.set(j, t);
                out.add(new byte[][] {all.get(i).key, (byte[]) all.get(i).value});
            }
            return out;
        }
        // Few are wanted: draw random entries until enough distinct ones (CASE 4).
        Dict seen = new Dict();
        while (out.size() < n) {
            DictEntry e = dict.randomEntry();
            if (!seen.contains(e.key)) {
                seen.addNew(e.key, null);
                out.add(new byte[][] {e.key, (byte[]) e.value});
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ writes

    /**
     * Sets a field (hashTypeSet): in a listpack an existing field keeps its position and a new one
     * is appended. Converts to a hashtable first when the field or value is too long for a
     * listpack, and after when there are too many fields. Returns true when the field is new.
     */
    public boolean set(byte[] field, byte[] value, long maxEntries, long maxValue) {
        if (dict == null && (field.length > maxValue || value.length > maxValue)) {
            convert();
        }
        if (dict != null) {
            DictEntry e = dict.find(field);
            if (e != null) {
                payload += MemoryEstimator.byteArray(value.length) - MemoryEstimator.byteArray(((byte[]) e.value).length);
                e.value = value;
                return false;
            }
            dict.addNew(field, value);
            payload += MemoryEstimator.byteArray(field.length) + MemoryEstimator.byteArray(value.length);
            return true;
        }
        int i = indexOf(field);
        if (i >= 0) {
            payload += MemoryEstimator.byteArray(value.length) - MemoryEstimator.byteArray(pairs[i + 1].length);
            pairs[i + 1] = value;
            return false;
        }
        if (2 * count + 2 > pairs.length) {
            pairs = Arrays.copyOf(pairs, pairs.length * 2);
        }
        pairs[2 * count] = field;
        pairs[2 * count + 1] = value;
        count++;
        payload += MemoryEstimator.byteArray(field.length) + MemoryEstimator.byteArray(value.length);
        if (count > maxEntries) {
            convert();
        }
        return true;
    }

    /**
     * hashTypeTryConversion(): before a multi-field write, converts when any of the given
     * arguments is longer than a listpack entry may be, even if the write will not store it.
     */
    public void tryConversion(byte[][] argv, int from, int to, long maxValue) {
        if (dict != null) {
            return;
        }
        for (int i = from; i <= to; i++) {
            if (argv[i].length > maxValue) {
                convert();
                return;
            }
        }
    }

    /** Deletes a field; returns whether it existed. */
    public boolean remove(byte[] field) {
        if (dict != null) {
            DictEntry e = dict.remove(field);
            if (e == null) {
                return false;
            }
            payload -= MemoryEstimator.byteArray(e.key.length) + MemoryEstimator.byteArray(((byte[]) e.value).length);
            return true;
        }
        int i = indexOf(field);
        if (i < 0) {
            return false;
        }
        payload -= MemoryEstimator.byteArray(pairs[i].length) + MemoryEstimator.byteArray(pairs[i + 1].length);
        System.arraycopy(pairs, i + 2, pairs, i, 2 * count - i - 2);
        count--;
        pairs[2 * count] = null;
        pairs[2 * count + 1] = null;
        if (pairs.length > 16 && 4 * count < pairs.length) {
            pairs = Arrays.copyOf(pairs, pairs.length / 2);
        }
        return true;
    }

    /** Converts to the hashtable encoding (one way). */
    public void convert() {
        if (dict != null) {
            return;
        }
        Dict d = new Dict();
        for (int i = 0; i < 2 * count; i += 2) {
            d.addNew(pairs[i], pairs[i + 1]);
        }
        dict = d;
        pairs = null;
        count = 0;
    }

    /** The payload recounted from scratch (tests check the running figure against it). */
    long recountPayload() {
        long[] sum = {0};
        forEach((f, v) -> sum[0] += MemoryEstimator.byteArray(f.length) + MemoryEstimator.byteArray(v.length));
        return sum[0];
    }

    long payload() {
        return payload;
    }

    private int indexOf(byte[] field) {
        for (int i = 0; i < 2 * count; i += 2) {
            if (Arrays.equals(pairs[i], field)) {
                return i;
            }
        }
        return -1;
    }
}
