package io.redmesh.node.util;

/**
 * C's {@code strtod} over a byte string, as glibc does it: leading white space, an optional
 * sign, then "inf"/"infinity", "nan[(chars)]", a hexadecimal float ({@code 0x1.8p3}) or a
 * decimal one. Redis parses scores and score ranges with it, and its quirks are visible to
 * clients: {@code ZADD k 0x10 m} stores 16, {@code ZRANGEBYSCORE k "" 1} means min 0, and
 * {@code 1e400} is refused by ZADD (ERANGE) but is +inf as a range bound.
 *
 * <p>Java's {@link Double#parseDouble} does the correctly rounded conversion once the grammar
 * has been checked here (it would otherwise accept "1d", "NaN", surrounding spaces...).
 */
public final class Strtod {
    private Strtod() {}

    /** What one strtod() call returned. */
    public static final class Result {
        /** The converted value (0 when nothing was converted). */
        public double value;
        /** Index just past the converted text; the start index when nothing was converted. */
        public int end;
        /** errno == ERANGE: the text overflowed to infinity or underflowed to zero. */
        public boolean erange;
    }

    public static boolean isSpace(int b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0b || b == '\f';
    }

    /** Parses {@code s[from, to)} like strtod() on a C string ending at {@code to}. */
    public static Result parse(byte[] s, int from, int to) {
        Result r = new Result();
        r.end = from;
        int i = from;
        while (i < to && isSpace(s[i])) {
            i++;
        }
        boolean negative = false;
        if (i < to && (s[i] == '+' || s[i] == '-')) {
            negative = s[i] == '-';
            i++;
        }
        if (i < to && (s[i] | 0x20) == 'i') {
            if (matchWord(s, i, to, "infinity")) {
                r.end = i + 8;
            } else if (matchWord(s, i, to, "inf")) {
                r.end = i + 3;
            } else {
                return r;
            }
            r.value = negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            return r;
        }
        if (i < to && (s[i] | 0x20) == 'n') {
            if (!matchWord(s, i, to, "nan")) {
                return r;
            }
            int j = i + 3;
            if (j < to && s[j] == '(') {
                int k = j + 1;
                while (k < to && (isDigit(s[k]) || ((s[k] | 0x20) >= 'a' && (s[k] | 0x20) <= 'z') || s[k] == '_')) {
                    k++;
                }
                if (k < to && s[k] == ')') {
                    j = k + 1;
                }
            }
            r.end = j;
            r.value = Double.NaN;
            return r;
        }
        if (i + 1 < to && s[i] == '0' && (s[i + 1] | 0x20) == 'x') {
            if (parseHex(s, i + 2, to, negative, r)) {
                return r;
            }
            // "0x" without hex digits: strtod converts the "0" and stops at the 'x'.
        }
        parseDecimal(s, i, to, negative, r);
        return r;
    }

    private static boolean matchWord(byte[] s, int i, int to, String word) {
        if (to - i < word.length()) {
            return false;
        }
        for (int k = 0; k < word.length(); k++) {
            if ((s[i + k] | 0x20) != word.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static void parseDecimal(byte[] s, int start, int to, boolean negative, Result r) {
        int i = start;
        boolean nonZeroDigit = false;
        int digits = 0;
        while (i < to && isDigit(s[i])) {
            nonZeroDigit |= s[i] != '0';
            digits++;
            i++;
        }
        if (i < to && s[i] == '.') {
            i++;
            while (i < to && isDigit(s[i])) {
                nonZeroDigit |= s[i] != '0';
                digits++;
                i++;
            }
        }
        if (digits == 0) {
            return; // no conversion: end stays at the very start, value 0
        }
        if (i < to && (s[i] | 0x20) == 'e') {
            int j = i + 1;
            if (j < to && (s[j] == '+' || s[j] == '-')) {
                j++;
            }
            if (j < to && isDigit(s[j])) {
                while (j < to && isDigit(s[j])) {
                    j++;
                }
                i = j;
            }
        }
        String text = new String(s, start, i - start, java.nio.charset.StandardCharsets.ISO_8859_1);
        double v = Double.parseDouble(text);
        finish(r, negative ? -v : v, nonZeroDigit, i);
    }

    private static boolean parseHex(byte[] s, int start, int to, boolean negative, Result r) {
        int i = start;
        StringBuilder mant = new StringBuilder("0x");
        boolean nonZeroDigit = false;
        int digits = 0;
        while (i < to && Character.digit(s[i], 16) >= 0) {
            nonZeroDigit |= s[i] != '0';
            mant.append((char) s[i]);
            digits++;
            i++;
        }
        if (i < to && s[i] == '.') {
            mant.append('.');
            i++;
            while (i < to && Character.digit(s[i], 16) >= 0) {
                nonZeroDigit |= s[i] != '0';
                mant.append((char) s[i]);
                digits++;
                i++;
            }
        }
        if (digits == 0) {
            return false;
        }
        long exp = 0;
        if (i < to && (s[i] | 0x20) == 'p') {
            int j = i + 1;
            boolean expNegative = false;
            if (j < to && (s[j] == '+' || s[j] == '-')) {
                expNegative = s[j] == '-';
                j++;
            }
            if (j < to && isDigit(s[j])) {
                while (j < to && isDigit(s[j])) {
                    exp = Math.min(exp * 10 + (s[j] - '0'), 1_000_000L); // saturate: past any double range
                    j++;
                }
                if (expNegative) {
                    exp = -exp;
                }
                i = j;
            }
        }
        double v = Double.parseDouble(mant.append('p').append(exp).toString());
        finish(r, negative ? -v : v, nonZeroDigit, i);
        return true;
    }

    private static void finish(Result r, double v, boolean nonZeroDigit, int end) {
        r.value = v;
        r.end = end;
        r.erange = Double.isInfinite(v) || (v == 0 && nonZeroDigit);
    }

    private static boolean isDigit(int b) {
        return b >= '0' && b <= '9';
    }
}
