package io.redmesh.node.compat;

import java.util.ArrayList;
import java.util.List;

/**
 * A parsed RESP2/RESP3 reply that keeps every wire detail (type, scalars), so differential tests
 * can reorder what Redis orders by hash (subcommands) and still compare byte for byte.
 */
final class RespTree {
    final char type;
    /** The line after the type byte for scalars and null/length markers; bulk payload for '$'. */
    final String value;
    final List<RespTree> children;

    private RespTree(char type, String value, List<RespTree> children) {
        this.type = type;
        this.value = value;
        this.children = children;
    }

    static RespTree parse(String s) {
        int[] pos = {0};
        RespTree t = read(s, pos);
        if (pos[0] != s.length()) {
            throw new IllegalArgumentException("trailing data after reply");
        }
        return t;
    }

    private static RespTree read(String s, int[] pos) {
        int eol = s.indexOf("\r\n", pos[0]);
        char type = s.charAt(pos[0]);
        String line = s.substring(pos[0] + 1, eol);
        pos[0] = eol + 2;
        switch (type) {
            case '$': case '=': case '!': {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return new RespTree(type, null, null); // null bulk
                }
                String data = s.substring(pos[0], pos[0] + n);
                pos[0] += n + 2;
                return new RespTree(type, data, null);
            }
            case '*': case '~': case '>': case '%': case '|': {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return new RespTree(type, line, null);
                }
                int items = type == '%' || type == '|' ? 2 * n : n;
                List<RespTree> c = new ArrayList<>();
                for (int i = 0; i < items; i++) {
                    c.add(read(s, pos));
                }
                return new RespTree(type, line, c);
            }
            default:
                return new RespTree(type, line, null);
        }
    }

    RespTree withChildren(List<RespTree> c) {
        int n = type == '%' || type == '|' ? c.size() / 2 : c.size();
        return new RespTree(type, Integer.toString(n), c);
    }

    boolean isAggregate() {
        return children != null;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        write(sb);
        return sb.toString();
    }

    private void write(StringBuilder sb) {
        if (type == '$' || type == '=' || type == '!') {
            if (value == null) {
                sb.append(type).append("-1\r\n");
                return;
            }
            sb.append(type).append(value.length()).append("\r\n").append(value).append("\r\n");
            return;
        }
        sb.append(type).append(value).append("\r\n");
        if (children != null) {
            for (RespTree c : children) {
                c.write(sb);
            }
        }
    }
}
