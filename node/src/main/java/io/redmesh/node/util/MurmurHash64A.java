package io.redmesh.node.util;

/**
 * Austin Appleby's MurmurHash64A as Redis's hyperloglog.c has it (8-byte blocks read little
 * endian, whatever the machine), so that an element lands in the same HyperLogLog register here
 * as in Redis and a sketch moves between the two with equal counts.
 */
public final class MurmurHash64A {
    private MurmurHash64A() {}

    private static final long M = 0xc6a4a7935bd1e995L;
    private static final int R = 47;

    public static long hash(byte[] key, long seed) {
        int len = key.length;
        long h = seed ^ (len * M);
        int blocks = len - (len & 7);
        for (int i = 0; i < blocks; i += 8) {
            long k = (key[i] & 0xffL) | (key[i + 1] & 0xffL) << 8 | (key[i + 2] & 0xffL) << 16
                    | (key[i + 3] & 0xffL) << 24 | (key[i + 4] & 0xffL) << 32 | (key[i + 5] & 0xffL) << 40
                    | (key[i + 6] & 0xffL) << 48 | (key[i + 7] & 0xffL) << 56;
            k *= M;
            k ^= k >>> R;
            k *= M;
            h ^= k;
            h *= M;
        }
        int rest = len & 7;
        if (rest > 0) {
            for (int j = rest - 1; j >= 0; j--) {
                h ^= (key[blocks + j] & 0xffL) << (8 * j);
            }
            h *= M;
        }
        h ^= h >>> R;
        h *= M;
        h ^= h >>> R;
        return h;
    }
}
