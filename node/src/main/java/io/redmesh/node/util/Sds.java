package io.redmesh.node.util;

import java.nio.charset.StandardCharsets;

/**
 * Redis's sds string helpers that shape text it writes and reads back (redis.conf, the aclfile,
 * the AOF manifest, MONITOR lines): written once so every file quotes and trims the same way.
 */
public final class Sds {
    private Sds() {}

    /** sdstrim(s, " \t\r\n"): what Redis strips from each line of a file it reads. */
    public static String trim(String s) {
        return trim(s, " \t\r\n");
    }

    /** sdstrim(): drops the given characters from both ends. */
    public static String trim(String s, String chars) {
        int a = 0;
        int b = s.length();
        while (a < b && chars.indexOf(s.charAt(a)) >= 0) {
            a++;
        }
        while (b > a && chars.indexOf(s.charAt(b - 1)) >= 0) {
            b--;
        }
        return s.substring(a, b);
    }

    /** sdsneedsrepr(): a backslash, a quote, a space or anything unprintable. */
    public static boolean needsRepr(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' || c == '"' || c == ' ' || c < 32 || c >= 127) {
                return true;
            }
        }
        return false;
    }

    /** sdscatrepr() of a Latin-1 string (each char one byte, as config and file names are read). */
    public static String repr(String s) {
        return repr(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** sdscatrepr(): a double-quoted string with C escapes, \xHH for other unprintable bytes. */
    public static String repr(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length + 2).append('"');
        for (byte x : b) {
            int c = x & 0xff;
            switch (c) {
                case '\\': sb.append("\\\\"); break;
                case '"': sb.append("\\\""); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                case 7: sb.append("\\a"); break;
                case '\b': sb.append("\\b"); break;
                default:
                    if (c >= 32 && c < 127) {
                        sb.append((char) c);
                    } else {
                        sb.append(String.format("\\x%02x", c));
                    }
            }
        }
        return sb.append('"').toString();
    }
}
