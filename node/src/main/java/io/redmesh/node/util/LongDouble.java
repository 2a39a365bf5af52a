package io.redmesh.node.util;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * The x87 80-bit {@code long double} that Redis's INCRBYFLOAT and HINCRBYFLOAT compute in,
 * emulated exactly with big numbers: a value is kept as the exact {@link BigDecimal} of a
 * representable long double (64-bit significand, exponents down to the subnormal 2^-16445).
 * Exact decimal arithmetic is not enough: "10.6" is not a long double, and adding -5000 to the
 * long double nearest it shows the difference in the 17 printed decimals
 * ("-4989.39999999999999991"), so reading, adding and rounding must all be the C ones.
 */
public final class LongDouble {
    private LongDouble() {}

    private static final int SIGNIFICAND_BITS = 64;
    /** Exponent of the least significant bit of the smallest subnormal: 2^-16445. */
    private static final int MIN_LSB_EXPONENT = -16445;
    /** Exponent of the least significant bit of the largest finite values. */
    private static final int MAX_LSB_EXPONENT = 16384 - SIGNIFICAND_BITS;
    private static final double LOG2_10 = Math.log(10) / Math.log(2);

    /**
     * Rounds an exact value to the nearest long double (ties to even), as strtold and the FPU
     * do. Returns null when it overflows to infinity; zero when it underflows.
     */
    public static BigDecimal round(BigDecimal x) {
        if (x.signum() == 0) {
            return BigDecimal.ZERO;
        }
        boolean negative = x.signum() < 0;
        BigDecimal abs = x.abs();
        BigInteger unscaled = abs.unscaledValue();
        int scale = abs.scale();
        // Estimate floor(log2 |x|), then pick the exponent of the significand's last bit.
        double log2 = unscaled.bitLength() - scale * LOG2_10;
        int lsb = (int) Math.floor(log2) - (SIGNIFICAND_BITS - 1);
        for (int attempt = 0; ; attempt++) {
            int e = Math.max(lsb, MIN_LSB_EXPONENT);
            // |x| / 2^e = num / den exactly, with |x| = unscaled / 10^scale.
            BigInteger num = unscaled;
            BigInteger den = BigInteger.ONE;
            if (scale > 0) {
                den = BigInteger.TEN.pow(scale);
            } else if (scale < 0) {
                num = num.multiply(BigInteger.TEN.pow(-scale));
            }
            if (e > 0) {
                den = den.shiftLeft(e);
            } else {
                num = num.shiftLeft(-e);
            }
            BigInteger[] qr = num.divideAndRemainder(den);
            BigInteger m = qr[0];
            if (e == lsb && attempt < 4) {
                // The estimate may be one off: the significand must have exactly 64 bits.
                if (m.bitLength() > SIGNIFICAND_BITS) {
                    lsb++;
                    continue;
                }
                if (m.bitLength() < SIGNIFICAND_BITS) {
                    lsb--;
                    continue;
                }
            }
            int cmp = qr[1].shiftLeft(1).compareTo(den);
            if (cmp > 0 || (cmp == 0 && m.testBit(0))) {
                m = m.add(BigInteger.ONE);
                if (m.bitLength() > SIGNIFICAND_BITS) {
                    m = m.shiftRight(1);
                    e++;
                }
            }
            if (e > MAX_LSB_EXPONENT) {
                return null;
            }
            if (m.signum() == 0) {
                return BigDecimal.ZERO;
            }
            BigDecimal v = e >= 0
                    ? new BigDecimal(m.shiftLeft(e))
                    : new BigDecimal(m.multiply(BigInteger.valueOf(5).pow(-e)), -e);
            v = v.stripTrailingZeros(); // keeps later sums small
            return negative ? v.negate() : v;
        }
    }

    /** Redis's MAX_LONG_DOUBLE_CHARS: string2ld() refuses arguments this long or longer. */
    private static final int MAX_CHARS = 5 * 1024;

    /**
     * Redis's string2ld(): a number read as glibc's strtold would (correctly rounded), or null
     * where Redis refuses it: empty, spaces, junk, NaN, overflow, and a nonzero value that
     * underflows to zero. Decimal and hexadecimal ("0x1.8p3") notations are accepted, as strtold
     * accepts them; an infinity ("inf", "-Infinity") is valid for Redis but has no BigDecimal:
     * it returns null here and {@link #isInfinity} tells it apart.
     */
    public static BigDecimal parse(byte[] b) {
        if (b.length == 0 || b.length >= MAX_CHARS) {
            return null;
        }
        int start = b[0] == '+' || b[0] == '-' ? 1 : 0;
        if (b.length > start + 1 && b[start] == '0' && (b[start + 1] | 0x20) == 'x') {
            return parseHex(b, start + 2, b[0] == '-');
        }
        for (byte ch : b) {
            if (!((ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '+' || ch == 'e' || ch == 'E')) {
                return null;
            }
        }
        BigDecimal exact;
        try {
            exact = new BigDecimal(Bytes.latin1(b));
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
        if (exact.signum() != 0 && (exact.scale() > 20000 || exact.scale() < -20000)) {
            // Far outside the long double range: decide without building huge powers of ten.
            int magnitude = exact.precision() - exact.scale();
            if (magnitude > 5000 || magnitude < -5000) {
                return null;
            }
        }
        BigDecimal v = round(exact);
        if (v == null || (v.signum() == 0 && exact.signum() != 0)) {
            return null;
        }
        return v;
    }

    /** A hexadecimal float after its "0x": hex digits with an optional point, then "p" exponent. */
    private static BigDecimal parseHex(byte[] b, int p, boolean negative) {
        BigInteger h = BigInteger.ZERO;
        long exp2 = 0;
        boolean digits = false;
        while (p < b.length && Character.digit(b[p], 16) >= 0) {
            h = h.shiftLeft(4).add(BigInteger.valueOf(Character.digit(b[p++], 16)));
            digits = true;
        }
        if (p < b.length && b[p] == '.') {
            p++;
            while (p < b.length && Character.digit(b[p], 16) >= 0) {
                h = h.shiftLeft(4).add(BigInteger.valueOf(Character.digit(b[p++], 16)));
                exp2 -= 4;
                digits = true;
            }
        }
        if (!digits) {
            return null; // "0x" alone: strtold reads the 0 and stops at the x
        }
        if (p < b.length && (b[p] | 0x20) == 'p') {
            p++;
            boolean negExp = false;
            if (p < b.length && (b[p] == '+' || b[p] == '-')) {
                negExp = b[p++] == '-';
            }
            if (p >= b.length || b[p] < '0' || b[p] > '9') {
                return null;
            }
            long e = 0;
            while (p < b.length && b[p] >= '0' && b[p] <= '9') {
                e = Math.min(e * 10 + (b[p++] - '0'), 1_000_000);
            }
            exp2 += negExp ? -e : e;
        }
        if (p != b.length) {
            return null;
        }
        if (h.signum() == 0) {
            return BigDecimal.ZERO;
        }
        long top = exp2 + h.bitLength() - 1;
        if (top > 16383 || top < MIN_LSB_EXPONENT - 1) {
            return null; // overflow, or underflow to zero
        }
        BigDecimal exact = exp2 >= 0 ? new BigDecimal(h.shiftLeft((int) exp2))
                : new BigDecimal(h.multiply(BigInteger.valueOf(5).pow((int) -exp2)), (int) -exp2);
        BigDecimal v = round(negative ? exact.negate() : exact);
        return v == null || v.signum() == 0 ? null : v;
    }

    /** Whether strtold reads the whole argument as an infinity ("inf", "+INFINITY", "-Inf"...). */
    public static boolean isInfinity(byte[] b) {
        String s = Bytes.latin1(b).toLowerCase(java.util.Locale.ROOT);
        if (s.startsWith("+") || s.startsWith("-")) {
            s = s.substring(1);
        }
        return s.equals("inf") || s.equals("infinity");
    }

    /** A sum of two long doubles rounded as the FPU does; null when it overflows. */
    public static BigDecimal add(BigDecimal a, BigDecimal b) {
        return round(a.add(b));
    }
}
