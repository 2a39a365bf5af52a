package io.redmesh.node.util;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/** Number formatting exactly as Redis 7.0's C code prints doubles. */
public final class Doubles {
    private Doubles() {}

    private static final MathContext SIG17 = new MathContext(17, RoundingMode.HALF_EVEN);

    /**
     * C's {@code printf("%.17g", d)}, which Redis 7.0 uses for scores and RESP3 doubles
     * (addReplyDouble): 17 significant digits, trailing zeros removed, exponent form when the
     * exponent is below -4 or at least 17; "inf"/"-inf"; "nan".
     */
    public static String formatG17(double d) {
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0" : "0";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e17) {
            return Long.toString((long) d);
        }
        BigDecimal bd = new BigDecimal(d).round(SIG17);
        int exponent = bd.precision() - bd.scale() - 1;
        if (exponent < -4 || exponent >= 17) {
            BigDecimal unscaled = new BigDecimal(bd.unscaledValue(), bd.precision() - 1);
            String mantissa = stripZeros(unscaled.toPlainString());
            StringBuilder sb = new StringBuilder(mantissa);
            sb.append('e').append(exponent < 0 ? '-' : '+');
            int e = Math.abs(exponent);
            if (e < 10) {
                sb.append('0');
            }
            sb.append(e);
            return sb.toString();
        }
        return stripZeros(bd.toPlainString());
    }

    /**
     * Redis 7.0's ld2string(..., LD_STR_HUMAN) as used by INCRBYFLOAT and HINCRBYFLOAT: a fixed
     * "%.17Lf" rendering with trailing zeros (and a trailing '.') removed. Redis computes in C
     * long double; we add the exact decimal values of the operands, which agrees with it to the
     * 17 fractional digits printed for every operand a client can send as a short decimal.
     */
    public static String formatHuman(BigDecimal v) {
        String s = v.setScale(17, RoundingMode.HALF_EVEN).toPlainString();
        s = stripZeros(s);
        if (s.equals("-0")) {
            return "0";
        }
        return s;
    }

    private static String stripZeros(String s) {
        if (s.indexOf('.') < 0) {
            return s;
        }
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        if (s.charAt(end - 1) == '.') {
            end--;
        }
        return s.substring(0, end);
    }
}
