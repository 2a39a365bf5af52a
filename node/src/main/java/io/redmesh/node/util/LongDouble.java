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

    /**
     * Redis's string2ld(): a decimal read as strtold would (correctly rounded), or null where
     * Redis refuses it: empty, spaces, junk, NaN or infinity spelled out, overflow, and a nonzero
     * value that underflows to zero. Hexadecimal floats are not supported.
     */
    public static BigDecimal parse(byte[] b) {
        if (b.length == 0 || b.length > 5000) {
            return null;
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

    /** A sum of two long doubles rounded as the FPU does; null when it overflows. */
    public static BigDecimal add(BigDecimal a, BigDecimal b) {
        return round(a.add(b));
    }
}
