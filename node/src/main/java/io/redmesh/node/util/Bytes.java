package io.redmesh.node.util;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Byte-string helpers. Keys, values, passwords and channels stay {@code byte[]} everywhere. */
public final class Bytes {
    private Bytes() {}

    public static final byte[] EMPTY = new byte[0];
    private static final byte[][] SMALL_INTS = new byte[10000][];

    static {
        for (int i = 0; i < SMALL_INTS.length; i++) {
            SMALL_INTS[i] = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
        }
    }

    /**
     * The bytes of a protocol string: ISO-8859-1, the inverse of {@link #latin1}, so a string that
     * came from client bytes (a password, a config value) turns back into exactly those bytes.
     */
    public static byte[] of(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Bytes as a Java string, one char per byte (ISO-8859-1): lossless, for names and options. */
    public static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    public static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** The decimal representation of {@code v}; small non-negative values are shared. */
    public static byte[] fromLong(long v) {
        if (v >= 0 && v < SMALL_INTS.length) {
            return SMALL_INTS[(int) v];
        }
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    /** ASCII case-insensitive comparison of an argument with an upper- or lower-case option. */
    public static boolean eqIgnoreCase(byte[] arg, String option) {
        int n = option.length();
        if (arg.length != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            int a = arg[i];
            int b = option.charAt(i);
            if (a != b && (a | 0x20) != (b | 0x20)) {
                return false;
            }
            if (a != b && !Character.isLetter(b)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Redis's string2ll(): a strict base-10 signed 64-bit parse. No leading '+', no spaces, no
     * leading zeros (except "0"), no overflow. Returns false where Redis would refuse.
     */
    public static boolean isLong(byte[] s) {
        return parseLongOrNull(s) != null;
    }

    public static Long parseLongOrNull(byte[] s) {
        int len = s.length;
        if (len == 0 || len > 20) {
            return null;
        }
        if (len == 1 && s[0] == '0') {
            return 0L;
        }
        int i = 0;
        boolean negative = false;
        if (s[0] == '-') {
            negative = true;
            i++;
            if (len == 1) {
                return null;
            }
        }
        if (s[i] < '1' || s[i] > '9') {
            return null;
        }
        long v = 0; // accumulate negatively so that Long.MIN_VALUE is reachable
        for (; i < len; i++) {
            int d = s[i] - '0';
            if (d < 0 || d > 9) {
                return null;
            }
            if (v < Long.MIN_VALUE / 10) {
                return null;
            }
            v *= 10;
            if (v < Long.MIN_VALUE + d) {
                return null;
            }
            v -= d;
        }
        if (negative) {
            return v;
        }
        if (v == Long.MIN_VALUE) {
            return null;
        }
        return -v;
    }

    /** Parses a long or throws Redis's "value is not an integer or out of range". */
    public static long parseLong(byte[] s) {
        Long v = parseLongOrNull(s);
        if (v == null) {
            throw Errors.E_NOT_INTEGER;
        }
        return v;
    }

    /**
     * Redis's string2d() (getDoubleFromObject), used for scores, weights and INCR operands: C's
     * strtod over the whole string, refusing empty input, leading white space, trailing bytes,
     * NaN, and overflow or underflow to zero (ERANGE). It accepts what strtod accepts, such as
     * "inf", "-Infinity", "0x10" and denormals like "4e-320".
     */
    public static Double parseDoubleOrNull(byte[] s) {
        int len = s.length;
        if (len == 0 || isSpace(s[0])) {
            return null;
        }
        Strtod.Result r = Strtod.parse(s, 0, len);
        if (r.end != len || Double.isNaN(r.value)) {
            return null;
        }
        if (r.erange && (Double.isInfinite(r.value) || r.value == 0)) {
            return null;
        }
        return r.value;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0b || b == '\f';
    }

    public static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** Lexicographic unsigned comparison, as Redis's memcmp-based sdscmp. */
    public static int compare(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    /** Redis truncates user input quoted in errors to 128 chars. */
    public static String truncateForError(String s) {
        return s.length() > 128 ? s.substring(0, 128) : s;
    }
}
