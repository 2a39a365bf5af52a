package io.redmesh.node.config;

import java.util.List;
import java.util.Locale;

/** Parsing and rendering of directive values, with Redis 7.0's error texts. */
public final class ConfigValues {
    private ConfigValues() {}

    public static boolean parseBool(String s) {
        if (s.equalsIgnoreCase("yes")) {
            return true;
        }
        if (s.equalsIgnoreCase("no")) {
            return false;
        }
        throw new ConfigException("argument must be 'yes' or 'no'");
    }

    public static String renderBool(Object v) {
        return Boolean.TRUE.equals(v) ? "yes" : "no";
    }

    public static long parseInt(String s, long min, long max) {
        long v;
        try {
            if (s.isEmpty() || s.startsWith("+") || (s.length() > 1 && s.startsWith("0")) || s.startsWith("-0")) {
                throw new NumberFormatException();
            }
            v = Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new ConfigException("argument couldn't be parsed into an integer");
        }
        checkRange(v, min, max);
        return v;
    }

    static void checkRange(long v, long min, long max) {
        if (v < min || v > max) {
            throw new ConfigException("argument must be between " + min + " and " + max + " inclusive");
        }
    }

    /**
     * Redis's memtoull(): a number with an optional unit, k=1000, kb=1024, m, mb, g, gb
     * (case-insensitive). Returns -1 when unparsable.
     */
    public static long parseMemoryOrMinus1(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        long mul = 1;
        String digits = lower;
        String[][] units = {{"kb", "1024"}, {"mb", "1048576"}, {"gb", "1073741824"}, {"k", "1000"},
            {"m", "1000000"}, {"g", "1000000000"}, {"b", "1"}};
        for (String[] u : units) {
            if (lower.endsWith(u[0])) {
                mul = Long.parseLong(u[1]);
                digits = lower.substring(0, lower.length() - u[0].length());
                break;
            }
        }
        if (digits.isEmpty()) {
            return -1;
        }
        for (int i = 0; i < digits.length(); i++) {
            if (!Character.isDigit(digits.charAt(i))) {
                return -1;
            }
        }
        try {
            return Math.multiplyExact(Long.parseLong(digits), mul);
        } catch (ArithmeticException | NumberFormatException e) {
            return -1;
        }
    }

    public static long parseMemory(String s, long min, long max) {
        long v = parseMemoryOrMinus1(s);
        if (v < 0) {
            // Redis tries an integer parse (for negative ranges) before reporting the memory error
            if (s.startsWith("-")) {
                try {
                    v = Long.parseLong(s);
                    checkRange(v, min, max);
                    return v;
                } catch (NumberFormatException e) {
                    // fall through
                }
            }
            throw new ConfigException("argument must be a memory value");
        }
        checkRange(v, min, max);
        return v;
    }

    /** Renders memory for CONFIG REWRITE: the largest exact binary unit, as Redis does. */
    public static String renderMemoryHuman(long v) {
        if (v == 0) {
            return "0";
        }
        if (v % (1L << 30) == 0) {
            return (v >> 30) + "gb";
        }
        if (v % (1L << 20) == 0) {
            return (v >> 20) + "mb";
        }
        if (v % (1L << 10) == 0) {
            return (v >> 10) + "kb";
        }
        return Long.toString(v);
    }

    public static String parseEnum(String s, List<String> allowed) {
        for (String a : allowed) {
            if (a.equalsIgnoreCase(s)) {
                return a;
            }
        }
        throw new ConfigException("argument(s) must be one of the following: " + String.join(", ", allowed));
    }
}
