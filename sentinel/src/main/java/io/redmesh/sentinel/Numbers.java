package io.redmesh.sentinel;

/**
 * C's lenient number parsing, as sentinel.c reads its config lines and hello messages: atoi()
 * and strtoull() take the leading digits and ignore the rest ("12abc" is 12, "abc" is 0).
 */
final class Numbers {
    private Numbers() {}

    /** atoi(): optional spaces and sign, then digits; 0 when none. Saturates instead of overflowing. */
    static long atoi(String s) {
        int i = 0;
        int n = s.length();
        while (i < n && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        boolean neg = false;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        long v = 0;
        while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            v = v * 10 + (s.charAt(i) - '0');
            if (v > Integer.MAX_VALUE) {
                return neg ? Integer.MIN_VALUE : Integer.MAX_VALUE;
            }
            i++;
        }
        return neg ? -v : v;
    }

    /** strtoull(): the leading digits as an unsigned 64-bit value (saturated); 0 when none. */
    static long strtoull(String s) {
        int i = 0;
        int n = s.length();
        while (i < n && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        if (i < n && s.charAt(i) == '+') {
            i++;
        }
        long v = 0;
        while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            int d = s.charAt(i) - '0';
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L - d, 10)) > 0) {
                return -1L; // ULLONG_MAX
            }
            v = v * 10 + d;
            i++;
        }
        return v;
    }

    /** getLongLongFromObject(): the whole string must be a 64-bit integer; null otherwise. */
    static Long strictLong(String s) {
        if (s.isEmpty() || s.length() > 20 || s.startsWith("+") || (s.length() > 1 && s.startsWith("0"))
                || s.startsWith("-0")) {
            return null;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
