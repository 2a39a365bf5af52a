package io.redmesh.node.db;

import io.redmesh.node.util.Bytes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * A Redis set. While every member is an integer (Redis's string2ll) and there are at most
 * set-max-intset-entries of them, it is an "intset": a sorted {@code long[]} searched by
 * binary search, so SMEMBERS answers in ascending order as Redis's intset does. Otherwise it
 * converts, one way, to "hashtable": a {@link Dict} of member to null. Redis 7.0 has no listpack
 * sets, so neither do we.
 */
public final class SetValue implements Sized {
    /** Object header and fields of this class. */
    private static final long SELF = 32;

    /** Intset encoding: ints[0..n) ascending; null once converted. */
    private long[] ints;
    /**
     * The intset's element width in bytes (2, 4 or 8): like Redis's intset it only ever grows
     * (an SREM of the one wide member keeps it), and DUMP/RDB write the blob in it.
     */
    private byte intsetWidth = 2;
    private int n;
    /** Hashtable encoding: member -> null; null while an intset. */
    private Dict dict;
    /** Sum of the member arrays' estimated sizes while a hashtable. */
    private long payload;

    public SetValue() {
        ints = new long[4];
    }

    // ------------------------------------------------------------------ Sized

    @Override
    public long bytes() {
        if (dict == null) {
            return SELF + MemoryEstimator.align(16L + 8L * ints.length);
        }
        return SELF + dict.overheadBytes() + payload;
    }

    @Override
    public int length() {
        return dict == null ? n : dict.size();
    }

    @Override
    public String encoding() {
        return dict == null ? "intset" : "hashtable";
    }

    @Override
    public String typeName() {
        return "set";
    }

    @Override
    public SetValue copy() {
        SetValue s = new SetValue();
        if (dict == null) {
            s.ints = Arrays.copyOf(ints, ints.length);
            s.intsetWidth = intsetWidth;
            s.n = n;
        } else {
            s.ints = null;
            s.dict = new Dict();
            dict.forEach(e -> s.dict.addNew(e.key, null));
            s.payload = payload;
        }
        return s;
    }

    // ------------------------------------------------------------------ reads

    public boolean isIntset() {
        return dict == null;
    }

    /** The intset's element width in bytes: 2, 4 or 8. */
    public int intsetWidth() {
        return intsetWidth;
    }

    /** Widens the intset's elements (an RDB intset keeps the width it was saved with). */
    public void intsetWidthAtLeast(int width) {
        if (width > intsetWidth) {
            intsetWidth = (byte) width;
        }
    }

    /** The intset's members, ascending, in [0, length()) (read-only: RDB/DUMP serialize it). */
    public long[] intsetMembers() {
        return ints;
    }

    public boolean contains(byte[] member) {
        if (dict != null) {
            return dict.contains(member);
        }
        Long v = Bytes.parseLongOrNull(member);
        return v != null && Arrays.binarySearch(ints, 0, n, v) >= 0;
    }

    /** Visits every member: ascending for an intset, table order for a hashtable. */
    public void forEach(Consumer<byte[]> visitor) {
        if (dict != null) {
            dict.forEach(e -> visitor.accept(e.key));
            return;
        }
        for (int i = 0; i < n; i++) {
            visitor.accept(Bytes.fromLong(ints[i]));
        }
    }

    /** One SSCAN step: an intset is answered whole with cursor 0; a hashtable by one bucket. */
    public long scan(long cursor, Consumer<byte[]> visitor) {
        if (dict == null) {
            forEach(visitor);
            return 0;
        }
        return dict.scan(cursor, e -> visitor.accept(e.key));
    }

    /** A random member, or null when empty. */
    public byte[] randomMember() {
        if (dict != null) {
            DictEntry e = dict.randomEntry();
            return e == null ? null : e.key;
        }
        return n == 0 ? null : Bytes.fromLong(ints[ThreadLocalRandom.current().nextInt(n)]);
    }

    /** {@code k} distinct random members, {@code 0 < k < length()}, in no particular order. */
    public List<byte[]> randomDistinct(int k) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        List<byte[]> out = new ArrayList<>(k);
        int size = length();
        if (k * 3L > size) {
            // Most of the set is wanted: partially shuffle a copy of it.
            List<byte[]> all = new ArrayList<>(size);
            forEach(all::add);
            for (int i = 0; i < k; i++) {
                int j = i + r.nextInt(size - i);
                byte[] t = all.get(i);
                all.set(i, all.get(j));
                all.set(j, t);
                out.add(all.get(i));
            }
            return out;
        }
        // Few are wanted: draw until enough distinct ones.
        Dict seen = new Dict();
        while (out.size() < k) {
            byte[] m = randomMember();
            if (!seen.contains(m)) {
                seen.addNew(m, null);
                out.add(m);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ writes

    /**
     * Adds a member (setTypeAdd); returns whether it was new. A non-integer member converts an
     * intset to a hashtable first; an intset grown past {@code maxIntsetEntries} converts after.
     */
    public boolean add(byte[] member, long maxIntsetEntries) {
        if (dict == null) {
            Long v = Bytes.parseLongOrNull(member);
            if (v != null) {
                int pos = Arrays.binarySearch(ints, 0, n, v);
                if (pos >= 0) {
                    return false;
                }
                pos = -pos - 1;
                if (n == ints.length) {
                    ints = Arrays.copyOf(ints, ints.length * 2);
                }
                System.arraycopy(ints, pos, ints, pos + 1, n - pos);
                ints[pos] = v;
                n++;
                intsetWidthAtLeast(v < Integer.MIN_VALUE || v > Integer.MAX_VALUE ? 8
                        : v < Short.MIN_VALUE || v > Short.MAX_VALUE ? 4 : 2);
                if (n > maxIntsetEntries) {
                    convert();
                }
                return true;
            }
            convert();
        }
        if (dict.contains(member)) {
            return false;
        }
        dict.addNew(member, null);
        payload += MemoryEstimator.byteArray(member.length);
        return true;
    }

    /** Removes a member; returns whether it was present. */
    public boolean remove(byte[] member) {
        if (dict != null) {
            DictEntry e = dict.remove(member);
            if (e == null) {
                return false;
            }
            payload -= MemoryEstimator.byteArray(e.key.length);
            return true;
        }
        Long v = Bytes.parseLongOrNull(member);
        if (v == null) {
            return false;
        }
        int pos = Arrays.binarySearch(ints, 0, n, v);
        if (pos < 0) {
            return false;
        }
        System.arraycopy(ints, pos + 1, ints, pos, n - pos - 1);
        n--;
        if (ints.length > 16 && 4 * n < ints.length) {
            ints = Arrays.copyOf(ints, ints.length / 2);
        }
        return true;
    }

    /** Removes and returns a random member, or null when empty. */
    public byte[] popRandom() {
        byte[] m = randomMember();
        if (m != null) {
            remove(m);
        }
        return m;
    }

    /** The payload recounted from scratch (tests check the running figure against it). */
    long recountPayload() {
        if (dict == null) {
            return 0;
        }
        long[] sum = {0};
        forEach(m -> sum[0] += MemoryEstimator.byteArray(m.length));
        return sum[0];
    }

    long payload() {
        return payload;
    }

    /** Converts to the hashtable encoding (one way). */
    public void convert() {
        if (dict != null) {
            return;
        }
        Dict d = new Dict();
        long p = 0;
        for (int i = 0; i < n; i++) {
            byte[] m = Bytes.fromLong(ints[i]);
            d.addNew(m, null);
            p += MemoryEstimator.byteArray(m.length);
        }
        dict = d;
        payload = p;
        ints = null;
        n = 0;
    }
}
