package io.redmesh.node.db;

import java.util.Arrays;

/**
 * Byte strings packed back to back in one array, each as its length (unsigned LEB128: one byte
 * up to 127, two up to 16383) then its bytes: the JVM's answer to Redis's listpack for small
 * collections. A small hash's ten fields and values as separate arrays cost 20 array headers and
 * their alignment (about 480 bytes for 3-byte strings); packed they cost one array (about 100).
 *
 * <p>Positions are offsets of an element's length prefix. Arrays are never changed in place:
 * every write returns a new array, so an old one may be shared (a copy of a collection, a
 * snapshot being written). Lookups are linear, which is what a listpack's size limits are for.
 */
final class PackedPairs {
    static final byte[] EMPTY = new byte[0];
    /** Redis's LISTPACK_MAX_SAFETY_SIZE: past it a listpack converts instead of growing. */
    static final int MAX_SAFE_SIZE = 1 << 30;

    private PackedPairs() {}

    /** Whether {@code bytes} more content keeps {@code packed} under the safety size. */
    static boolean safeToAdd(byte[] packed, long bytes) {
        return packed.length + bytes + 10 <= MAX_SAFE_SIZE;
    }

    /** The element's length, read from its prefix at {@code at}. */
    static int length(byte[] packed, int at) {
        int len = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = packed[at++];
            len |= (b & 0x7f) << shift;
            if (b >= 0) {
                return len;
            }
        }
    }

    /** The bytes a length prefix takes. */
    static int prefixSize(int length) {
        int n = 1;
        while ((length >>>= 7) != 0) {
            n++;
        }
        return n;
    }

    /** Where the element's bytes start. */
    static int dataAt(byte[] packed, int at) {
        return at + prefixSize(length(packed, at));
    }

    /** The position after the element at {@code at}. */
    static int next(byte[] packed, int at) {
        int len = length(packed, at);
        return at + prefixSize(len) + len;
    }

    /** The position {@code n} elements after {@code at}. */
    static int skip(byte[] packed, int at, int n) {
        for (int i = 0; i < n; i++) {
            at = next(packed, at);
        }
        return at;
    }

    /** A copy of the element at {@code at}. */
    static byte[] element(byte[] packed, int at) {
        int from = dataAt(packed, at);
        return Arrays.copyOfRange(packed, from, from + length(packed, at));
    }

    /** Whether the element at {@code at} is {@code s}. */
    static boolean equalsAt(byte[] packed, int at, byte[] s) {
        int len = length(packed, at);
        if (len != s.length) {
            return false;
        }
        int from = at + prefixSize(len);
        return Arrays.equals(packed, from, from + len, s, 0, len);
    }

    /** The position of the pair whose first element is {@code first}, or -1; {@code pairs} pairs. */
    static int indexOf(byte[] packed, int pairs, byte[] first) {
        for (int i = 0, at = 0; i < pairs; i++) {
            if (equalsAt(packed, at, first)) {
                return at;
            }
            at = skip(packed, at, 2);
        }
        return -1;
    }

    /** {@code packed} with the elements appended. */
    static byte[] append(byte[] packed, byte[]... elements) {
        int size = packed.length;
        for (byte[] e : elements) {
            size += prefixSize(e.length) + e.length;
        }
        byte[] out = Arrays.copyOf(packed, size);
        int at = packed.length;
        for (byte[] e : elements) {
            at = write(out, at, e);
        }
        return out;
    }

    /** {@code packed} with the element at {@code at} replaced by {@code element}. */
    static byte[] replace(byte[] packed, int at, byte[] element) {
        int end = next(packed, at);
        byte[] out = new byte[packed.length - (end - at) + prefixSize(element.length) + element.length];
        System.arraycopy(packed, 0, out, 0, at);
        int after = write(out, at, element);
        System.arraycopy(packed, end, out, after, packed.length - end);
        return out;
    }

    /** {@code packed} without the bytes from {@code from} to {@code to}. */
    static byte[] cut(byte[] packed, int from, int to) {
        if (from == 0 && to == packed.length) {
            return EMPTY;
        }
        byte[] out = new byte[packed.length - (to - from)];
        System.arraycopy(packed, 0, out, 0, from);
        System.arraycopy(packed, to, out, from, packed.length - to);
        return out;
    }

    private static int write(byte[] out, int at, byte[] element) {
        int len = element.length;
        while ((len & ~0x7f) != 0) {
            out[at++] = (byte) ((len & 0x7f) | 0x80);
            len >>>= 7;
        }
        out[at++] = (byte) len;
        System.arraycopy(element, 0, out, at, element.length);
        return at + element.length;
    }
}
