package io.redmesh.node.config;

import java.util.List;

/**
 * Parsing and rendering of directive values exactly as Redis 7.0's config.c does them, with its
 * error texts: yes/no, enums, and numbers with their C type, unit and bounds.
 */
public final class ConfigValues {
    private ConfigValues() {}

    // ------------------------------------------------------------------ yes/no

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

    // ------------------------------------------------------------------ enums

    /** The enum value Redis accepts (any case), as spelled in its table. */
    public static String parseEnum(String s, List<String> allowed) {
        for (String a : allowed) {
            if (a.equalsIgnoreCase(s)) {
                return a;
            }
        }
        throw enumError(allowed);
    }

    static ConfigException enumError(List<String> allowed) {
        return new ConfigException("argument(s) must be one of the following: " + String.join(", ", allowed));
    }

    // ------------------------------------------------------------------ numbers

    /** The C type a numeric directive is stored in: it decides the bound checks and their texts. */
    enum NumType {
        INT(true), UINT(false), LONG(true), ULONG(false), LONG_LONG(true), ULONG_LONG(false), SIZE_T(false),
        SSIZE_T(true), OFF_T(true), TIME_T(true);

        final boolean signed;

        NumType(boolean signed) {
            this.signed = signed;
        }
    }

    /** How a numeric directive is written: plain integer, memory (units), percent, octal. */
    static final int INTEGER = 0;
    static final int MEMORY = 1;
    static final int PERCENT = 2;
    static final int OCTAL = 4;

    /**
     * numericParseString() + numericBoundaryCheck(): a value for a numeric directive, as the
     * 64-bit pattern Redis stores (an unsigned 64-bit value may read as negative; a percentage
     * is stored negated).
     */
    static long parseNumeric(String s, NumType type, int format, long min, long max) {
        Long v = null;
        if ((format & MEMORY) != 0) {
            v = memtoull(s);
        }
        if (v == null && (format & PERCENT) != 0 && s.length() > 1 && s.endsWith("%")) {
            Long p = string2ll(s.substring(0, s.length() - 1));
            if (p != null && p >= 0) {
                v = -p;
            }
        }
        if (v == null && (format & OCTAL) != 0) {
            v = strtollOctal(s);
        }
        if (v == null && format == INTEGER) {
            v = string2ll(s);
        }
        if (v == null) {
            if ((format & MEMORY) != 0 && (format & PERCENT) != 0) {
                throw new ConfigException("argument must be a memory or percent value");
            } else if ((format & MEMORY) != 0) {
                throw new ConfigException("argument must be a memory value");
            } else if ((format & OCTAL) != 0) {
                throw new ConfigException("argument couldn't be parsed as an octal number");
            }
            throw new ConfigException("argument couldn't be parsed into an integer");
        }
        long ll = v;
        if (!type.signed) {
            if (Long.compareUnsigned(ll, max) > 0 || Long.compareUnsigned(ll, min) < 0) {
                if ((format & OCTAL) != 0) {
                    throw new ConfigException("argument must be between " + Long.toOctalString(min) + " and "
                            + Long.toOctalString(max) + " inclusive");
                }
                throw new ConfigException("argument must be between " + Long.toUnsignedString(min) + " and "
                        + Long.toUnsignedString(max) + " inclusive");
            }
        } else if ((format & PERCENT) != 0 && ll < 0) {
            if (ll < min) {
                throw new ConfigException("percentage argument must be less or equal to " + (-min));
            }
        } else if (ll > max || ll < min) {
            throw new ConfigException("argument must be between " + min + " and " + max + " inclusive");
        }
        return ll;
    }

    /** numericConfigGet(): percent as "N%", memory unsigned, octal, else signed decimal. */
    static String renderNumeric(long v, int format) {
        if ((format & PERCENT) != 0 && v < 0) {
            return (-v) + "%";
        }
        if ((format & MEMORY) != 0) {
            return Long.toUnsignedString(v);
        }
        if ((format & OCTAL) != 0) {
            return Long.toOctalString(v);
        }
        return Long.toString(v);
    }

    /**
     * Redis's memtoull(): digits with an optional unit (b, k=1000, kb=1024, m, mb, g, gb, any
     * case); null when malformed. Like the C code, "" and a bare unit read as 0 and a value
     * beyond 64 bits saturates at 2^64-1 (strtoull's ERANGE is not checked).
     */
    public static Long memtoull(String p) {
        if (p.startsWith("-")) {
            return null;
        }
        int u = 0;
        while (u < p.length() && Character.isDigit(p.charAt(u)) && p.charAt(u) < 128) {
            u++;
        }
        String unit = p.substring(u).toLowerCase(java.util.Locale.ROOT);
        long mul;
        switch (unit) {
            case "": case "b": mul = 1; break;
            case "k": mul = 1000; break;
            case "kb": mul = 1024; break;
            case "m": mul = 1000 * 1000; break;
            case "mb": mul = 1024 * 1024; break;
            case "g": mul = 1000L * 1000 * 1000; break;
            case "gb": mul = 1024L * 1024 * 1024; break;
            default: return null;
        }
        String digits = p.substring(0, u);
        if (digits.length() >= 128) {
            return null;
        }
        java.math.BigInteger val = digits.isEmpty() ? java.math.BigInteger.ZERO : new java.math.BigInteger(digits);
        java.math.BigInteger ullMax = java.math.BigInteger.ONE.shiftLeft(64).subtract(java.math.BigInteger.ONE);
        if (val.compareTo(ullMax) > 0) {
            val = ullMax;
        }
        if (val.compareTo(ullMax.divide(java.math.BigInteger.valueOf(mul))) > 0) {
            return null;
        }
        return val.multiply(java.math.BigInteger.valueOf(mul)).longValue();
    }

    /** Redis's string2ll(): strict base 10, no '+', no leading zeros, no spaces. */
    static Long string2ll(String s) {
        return io.redmesh.node.util.Bytes.parseLongOrNull(s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    /** strtoll(s, &end, 8) accepted only when it consumed everything without overflow. */
    private static Long strtollOctal(String s) {
        String t = s.stripLeading();
        boolean neg = false;
        int i = 0;
        if (!t.isEmpty() && (t.charAt(0) == '+' || t.charAt(0) == '-')) {
            neg = t.charAt(0) == '-';
            i = 1;
        }
        if (i >= t.length()) {
            return s.isEmpty() ? 0L : null; // strtoll("") converts nothing and stops at the end
        }
        long v = 0;
        for (; i < t.length(); i++) {
            int d = t.charAt(i) - '0';
            if (d < 0 || d > 7) {
                return null;
            }
            if (v > (Long.MAX_VALUE - d) / 8) {
                return null;
            }
            v = v * 8 + d;
        }
        return neg ? -v : v;
    }

    /** Renders memory for CONFIG REWRITE: the largest exact binary unit, as rewriteConfigBytesOption. */
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

    /** Memory with units or -1 when malformed (client-output-buffer-limit's hard/soft limits). */
    public static long parseMemoryOrMinus1(String s) {
        Long v = memtoull(s);
        return v == null ? -1 : v;
    }
}
