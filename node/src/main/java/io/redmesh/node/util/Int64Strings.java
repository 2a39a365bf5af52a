package io.redmesh.node.util;

/**
 * Redis's string2ll() as listpacks apply it (lpStringToInt64): whether a string is the
 * canonical decimal form of a 64-bit integer (no '+', no spaces, no leading zeros), so that it
 * is stored as an integer.
 */
public final class Int64Strings {
    private Int64Strings() {}

    /** The value returned for "not an integer"; the one integer it is ambiguous with is checked apart. */
    public static final long NOT_INT = Long.MIN_VALUE + 1;

    /** string2ll: the value, or NOT_INT (see {@link #isInt}). */
    public static long parse(byte[] s, int off, int len) {
        if (len == 0 || len > 20) {
            return NOT_INT;
        }
        int p = off;
        int end = off + len;
        if (len == 1 && s[p] == '0') {
            return 0;
        }
        boolean neg = false;
        if (s[p] == '-') {
            neg = true;
            p++;
            if (p == end) {
                return NOT_INT;
            }
        }
        if (s[p] < '1' || s[p] > '9') {
            return NOT_INT;
        }
        long v = 0; // accumulated negatively so that Long.MIN_VALUE fits
        for (; p < end; p++) {
            int d = s[p] - '0';
            if (d < 0 || d > 9 || v < Long.MIN_VALUE / 10) {
                return NOT_INT;
            }
            v *= 10;
            if (v < Long.MIN_VALUE + d) {
                return NOT_INT;
            }
            v -= d;
        }
        if (!neg) {
            return v == Long.MIN_VALUE ? NOT_INT : -v;
        }
        return v;
    }

    /** Whether parse's result {@code v} for s[off, off+len) means an integer. */
    public static boolean isInt(long v, byte[] s, int off, int len) {
        return v != NOT_INT || (len == 20 && new String(s, off, len, java.nio.charset.StandardCharsets.ISO_8859_1)
                .equals(Long.toString(NOT_INT)));
    }
}
