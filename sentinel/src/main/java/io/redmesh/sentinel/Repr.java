package io.redmesh.sentinel;

import java.nio.charset.StandardCharsets;

/** Redis's sdscatrepr(): a quoted string with C escapes, as the config rewrite writes announce-ip. */
final class Repr {
    private Repr() {}

    static String of(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            switch (c) {
                case '\\', '"' -> b.append('\\').append((char) c);
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case 7 -> b.append("\\a");
                case '\b' -> b.append("\\b");
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        b.append((char) c);
                    } else {
                        b.append(String.format("\\x%02x", c));
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
