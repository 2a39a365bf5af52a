package io.redmesh.node.db;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;

/**
 * A Redis hash. Small hashes use the "listpack" encoding: one byte array of field, value, field,
 * value... in insertion order ({@link PackedPairs}), searched linearly, so HGETALL answers in
 * insertion order exactly as a Redis listpack does (an updated field keeps its place, a deleted
 * one closes the gap), and a 10-field hash costs one array instead of twenty (docs/INTERNALS.md,
 * "Keyspace and memory"). Once a hash has more than hash-max-listpack-entries fields, a field or
 * value longer than hash-max-listpack-value bytes, or would pass a listpack's 1 GB safety size,
 * it converts, one way, to "hashtable": a {@link Dict} of field to value, whose SCAN cursor and
 * random sampling behave like Redis's dict.
 *
 * <p>Fields and values given to {@link #set} are copied into a listpack, or kept as they are by a
 * hashtable, so they must not be changed afterwards; what the reads give out is never changed by
 * the hash either (a listpack's are fresh copies).
 */
public final class HashValue implements Sized {
    /** Object header and fields of this class. */
    private static final long SELF = 32;

    /** Listpack encoding: the pairs packed in one array; null once converted. */
    private byte[] packed;
    /** Number of fields while listpack-encoded. */
    private int count;
    /** Hashtable encoding: field -> value (byte[]); null while listpack-encoded. */
    private Dict dict;
    /** The hashtable's estimated field and value arrays, kept up to date (0 while a listpack). */
    private long payload;

    public HashValue() {
        packed = PackedPairs.EMPTY;
    }

    /**
     * A listpack-encoded hash of {@code flat} (field, value, field, value... in that order, as an
     * RDB listpack holds them), packed in one step rather than a copy per field; null when a
     * field repeats or the whole would pass a listpack's safety size.
     */
    public static HashValue listpackOf(List<byte[]> flat) {
        int n = flat.size() / 2;
        java.util.Set<java.nio.ByteBuffer> fields = new java.util.HashSet<>(2 * n);
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            if (!fields.add(java.nio.ByteBuffer.wrap(flat.get(2 * i)))) {
                return null;
            }
            bytes += flat.get(2 * i).length + flat.get(2 * i + 1).length;
        }
        if (!PackedPairs.safeToAdd(PackedPairs.EMPTY, bytes + 10L * n)) {
            return null;
        }
        HashValue h = new HashValue();
        h.packed = PackedPairs.append(PackedPairs.EMPTY, flat.subList(0, 2 * n).toArray(new byte[0][]));
        h.count = n;
        return h;
    }

    // ------------------------------------------------------------------ Sized

    @Override
    public long bytes() {
        return SELF + (dict == null ? MemoryEstimator.byteArray(packed.length) : dict.overheadBytes() + payload);
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
            h.packed = packed; // never changed in place: every write makes a new array
            h.count = count;
        } else {
            h.packed = null;
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
        int at = PackedPairs.indexOf(packed, count, field);
        return at < 0 ? null : PackedPairs.element(packed, PackedPairs.next(packed, at));
    }

    public boolean contains(byte[] field) {
        return dict != null ? dict.contains(field) : PackedPairs.indexOf(packed, count, field) >= 0;
    }

    /** Visits every field and value: insertion order for a listpack, table order otherwise. */
    public void forEach(BiConsumer<byte[], byte[]> visitor) {
        if (dict != null) {
            dict.forEach(e -> visitor.accept(e.key, (byte[]) e.value));
            return;
        }
        for (int i = 0, at = 0; i < count; i++) {
            int valueAt = PackedPairs.next(packed, at);
            visitor.accept(PackedPairs.element(packed, at), PackedPairs.element(packed, valueAt));
            at = PackedPairs.next(packed, valueAt);
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
        return pairAt(PackedPairs.skip(packed, 0, 2 * ThreadLocalRandom.current().nextInt(count)));
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
            for (int i = 0, at = 0; i < count && needed > 0; i++, at = PackedPairs.skip(packed, at, 2)) {
                if (r.nextInt(count - i) < needed) {
                    out.add(pairAt(at));
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
        if (dict == null && (field.length > maxValue || value.length > maxValue
                || !PackedPairs.safeToAdd(packed, field.length + value.length))) {
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
        int at = PackedPairs.indexOf(packed, count, field);
        if (at >= 0) {
            packed = PackedPairs.replace(packed, PackedPairs.next(packed, at), value);
            return false;
        }
        packed = PackedPairs.append(packed, field, value);
        count++;
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
        int at = PackedPairs.indexOf(packed, count, field);
        if (at < 0) {
            return false;
        }
        packed = PackedPairs.cut(packed, at, PackedPairs.skip(packed, at, 2));
        count--;
        return true;
    }

    /** Converts to the hashtable encoding (one way). */
    public void convert() {
        if (dict != null) {
            return;
        }
        Dict d = new Dict();
        long sum = 0;
        for (int i = 0, at = 0; i < count; i++) {
            int valueAt = PackedPairs.next(packed, at);
            byte[] f = PackedPairs.element(packed, at);
            byte[] v = PackedPairs.element(packed, valueAt);
            d.addNew(f, v);
            sum += MemoryEstimator.byteArray(f.length) + MemoryEstimator.byteArray(v.length);
            at = PackedPairs.next(packed, valueAt);
        }
        dict = d;
        payload = sum;
        packed = null;
        count = 0;
    }

    /** The hashtable's payload recounted from scratch (tests check the running figure against it). */
    long recountPayload() {
        if (dict == null) {
            return 0;
        }
        long[] sum = {0};
        forEach((f, v) -> sum[0] += MemoryEstimator.byteArray(f.length) + MemoryEstimator.byteArray(v.length));
        return sum[0];
    }

    long payload() {
        return payload;
    }

    /** The packed bytes of a listpack (tests compare them with a re-encoding of the pairs). */
    byte[] packed() {
        return packed;
    }

    private byte[][] pairAt(int at) {
        return new byte[][] {PackedPairs.element(packed, at), PackedPairs.element(packed, PackedPairs.next(packed, at))};
    }
}
