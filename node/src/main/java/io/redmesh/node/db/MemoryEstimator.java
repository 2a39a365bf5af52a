package io.redmesh.node.db;

/**
 * Estimates the heap bytes a key costs, for used_memory and maxmemory. The figures are the
 * 64-bit HotSpot layout with compressed oops: object header 12 bytes, 8-byte alignment, arrays
 * 16 bytes of header. It counts what the keyspace holds, not the JVM's free heap.
 */
public final class MemoryEstimator {
    private MemoryEstimator() {}

    /** DictEntry object (48) + its table slot and the key's byte array. */
    static final int ENTRY_OVERHEAD = 48 + 8;
    /** A volatile key's extra entry in the expires dict. */
    static final int VOLATILE_OVERHEAD = 48 + 8;

    public static long byteArray(int length) {
        return align(16L + length);
    }

    public static long align(long n) {
        return (n + 7) & ~7L;
    }

    static long entryBytes(DictEntry e) {
        long n = ENTRY_OVERHEAD + byteArray(e.key.length) + valueBytes(e.value);
        if (e.expireAt != 0) {
            n += VOLATILE_OVERHEAD;
        }
        return n;
    }

    /**
     * MEMORY USAGE: the key's entry, its name and its value, as Redis counts dictEntry + key sds
     * + value; the expires entry is left out as Redis leaves it out.
     */
    public static long usage(DictEntry e) {
        return ENTRY_OVERHEAD + byteArray(e.key.length) + valueBytes(e.value);
    }

    public static long valueBytes(Object v) {
        if (v instanceof byte[] b) {
            return byteArray(b.length);
        }
        if (v instanceof Sized s) {
            return s.bytes();
        }
        return 16;
    }
}
