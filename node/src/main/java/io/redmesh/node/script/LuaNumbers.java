package io.redmesh.node.script;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * C's printf number conversions as Lua 5.1 uses them: {@code tostring} and string coercion of a
 * number are {@code "%.14g"} (LUAI_NUMFFORMAT), and string.format's %d/%f/%e/%g follow C. Java's
 * own %g keeps trailing zeros and picks notation differently, so it cannot stand in.
 */
final class LuaNumbers {
    private LuaNumbers() {}

    /** Lua 5.1's lua_Number to string: "%.14g", with C's inf/nan spellings. */
    static String toLuaString(double d) {
        if (d == (long) d && Math.abs(d) < 1e14) {
            return Long.toString((long) d); // the common case, exact and cheap
        }
        return formatG(d, 14, false, false);
    }

    /** C's %.{precision}g ({@code alt}: '#' keeps trailing zeros; {@code upper}: %G). */
    static String formatG(double d, int precision, boolean alt, boolean upper) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return special(d, upper);
        }
        int p = precision == 0 ? 1 : precision;
        if (d == 0) {
            String zero = alt ? "0." + "0".repeat(p - 1) : "0";
            return (1 / d < 0 ? "-" : "") + zero;
        }
        BigDecimal rounded = new BigDecimal(d).round(new MathContext(p, RoundingMode.HALF_EVEN));
        int exponent = rounded.precision() - rounded.scale() - 1;
        String s;
        if (exponent < -4 || exponent >= p) {
            s = formatE(d, p - 1, alt, upper);
            if (!alt) {
                int e = s.indexOf(upper ? 'E' : 'e');
                s = stripZeros(s.substring(0, e)) + s.substring(e);
            }
            return s;
        }
        s = formatF(d, Math.max(0, p - 1 - exponent), alt);
        return alt ? s : stripZeros(s);
    }

    static String formatF(double d, int precision, boolean alt) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return special(d, false);
        }
        String s = new BigDecimal(d).setScale(precision, RoundingMode.HALF_EVEN).toPlainString();
        if (d < 0 || (d == 0 && 1 / d < 0)) {
            s = s.startsWith("-") ? s : "-" + s;
        }
        return alt && precision == 0 ? s + "." : s;
    }

    static String formatE(double d, int precision, boolean alt, boolean upper) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return special(d, upper);
        }
        String mantissa;
        int exponent;
        if (d == 0) {
            mantissa = precision == 0 ? "0" : "0." + "0".repeat(precision);
            exponent = 0;
            if (1 / d < 0) {
                mantissa = "-" + mantissa;
            }
        } else {
            BigDecimal b = new BigDecimal(d).round(new MathContext(precision + 1, RoundingMode.HALF_EVEN));
            exponent = b.precision() - b.scale() - 1;
            BigDecimal m = b.movePointLeft(exponent).setScale(precision, RoundingMode.HALF_EVEN);
            mantissa = m.toPlainString();
        }
        if (alt && precision == 0) {
            mantissa += ".";
        }
        String exp = (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
        return mantissa + (upper ? "E" : "e") + exp;
    }

    private static String special(double d, boolean upper) {
        // x86's default NaN (0/0) has its sign bit set and glibc prints it "-nan"; the JVM's
        // canonical NaN has it clear, so the sign reads inverted here.
        String s = Double.isNaN(d) ? (Double.doubleToRawLongBits(d) < 0 ? "nan" : "-nan") : d > 0 ? "inf" : "-inf";
        return upper ? s.toUpperCase(java.util.Locale.ROOT) : s;
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
