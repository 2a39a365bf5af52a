package io.redmesh.node.spi.link;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One RESP2 reply an outbound link read: a status or error line, an integer, a bulk string (null
 * for $-1) or an array (null for *-1).
 */
public record LinkReply(char type, String line, long integer, byte[] bulk, List<LinkReply> elements) {
    public boolean isError() {
        return type == '-';
    }

    public boolean isStatus() {
        return type == '+';
    }

    /** The reply as text: a line, an integer, a bulk's bytes (Latin-1), or "" otherwise. */
    public String text() {
        return switch (type) {
            case '+', '-' -> line;
            case ':' -> Long.toString(integer);
            case '$' -> bulk == null ? "" : new String(bulk, StandardCharsets.ISO_8859_1);
            default -> "";
        };
    }

    @Override
    public String toString() {
        return type == '*' ? String.valueOf(elements) : type + text();
    }
}
