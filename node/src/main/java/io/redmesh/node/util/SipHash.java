package io.redmesh.node.util;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.SecureRandom;

/**
 * SipHash-1-3 with a per-process random key, as Redis hashes its dictionaries: keys chosen by
 * clients must not be able to force hash collisions (hash flooding) in the keyspace.
 */
public final class SipHash {
    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long K0;
    private static final long K1;

    static {
        SecureRandom r = new SecureRandom();
        K0 = r.nextLong();
        K1 = r.nextLong();
    }

    private SipHash() {}

    public static long hash(byte[] data) {
        long v0 = 0x736f6d6570736575L ^ K0;
        long v1 = 0x646f72616e646f6dL ^ K1;
        long v2 = 0x6c7967656e657261L ^ K0;
        long v3 = 0x7465646279746573L ^ K1;
        int len = data.length;
        int end = len - (len & 7);
        for (int i = 0; i < end; i += 8) {
            long m = (long) LONG_LE.get(data, i);
            v3 ^= m;
            // one compression round (SipHash-1-3)
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            v0 ^= m;
        }
        long b = ((long) len) << 56;
        for (int i = end, shift = 0; i < len; i++, shift += 8) {
            b |= (data[i] & 0xffL) << shift;
        }
        v3 ^= b;
        v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
        v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
        v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
        v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        v0 ^= b;
        v2 ^= 0xff;
        for (int r = 0; r < 3; r++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }
}
