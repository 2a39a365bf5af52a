package io.redmesh.node.command.family;

import io.redmesh.node.command.ServerContext;
import io.redmesh.node.db.HashValue;
import io.redmesh.node.db.ListValue;
import io.redmesh.node.db.ZSetValue;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.Doubles;
import java.io.PrintStream;

/**
 * DEBUG LISTPACK and DEBUG QUICKLIST print a value's layout on the process's standard output, as
 * Redis's lpRepr() and quicklistRepr() do (the reply only says it was printed). Ours prints the
 * logical layout in the same brace style: the entries with their index and whether a listpack
 * would keep them as an integer or a string, the list's length and settings; there are no
 * addresses to print, since a JVM object has none worth showing.
 */
final class EncodingPrintout {
    /** A printout stops after this many entries: DEBUG must not flood a log with a big value. */
    private static final int MAX_ENTRIES = 1000;

    private EncodingPrintout() {}

    /** A listpack-encoded hash or sorted set, field/member then value/score, in order. */
    static void listpack(Object value) {
        StringBuilder sb = new StringBuilder();
        int[] index = {0};
        if (value instanceof HashValue h) {
            sb.append("{total entries ").append(2L * h.length()).append("}\n");
            h.forEach((f, v) -> {
                entry(sb, index[0]++, f);
                entry(sb, index[0]++, v);
            });
        } else if (value instanceof ZSetValue z) {
            sb.append("{total entries ").append(2L * z.length()).append("}\n");
            z.forEach((m, score) -> {
                entry(sb, index[0]++, m);
                entry(sb, index[0]++, Bytes.of(Doubles.formatG17(score)));
            });
        }
        print(sb.append("{end}\n"));
    }

    /** A list: quicklistRepr()'s header fields; with full, the elements. */
    static void quicklist(ServerContext srv, Object value, boolean full) {
        ListValue l = (ListValue) value;
        StringBuilder sb = new StringBuilder();
        sb.append("{count : ").append(l.length()).append("}\n");
        sb.append("{fill : ").append(srv.config.getLong("list-max-listpack-size")).append("}\n");
        sb.append("{compress : ").append(srv.config.getInt("list-compress-depth")).append("}\n");
        sb.append("{packed_threshold : ").append(srv.keyspace.listPackedThreshold()).append("}\n");
        if (full) {
            for (int i = 0; i < l.length(); i++) {
                entry(sb, i, l.get(i));
            }
        }
        print(sb.append("{end}\n"));
    }

    private static void entry(StringBuilder sb, int index, byte[] v) {
        if (index >= MAX_ENTRIES) {
            if (index == MAX_ENTRIES) {
                sb.append("{...}\n");
            }
            return;
        }
        sb.append("{\n\tindex: ").append(index).append(",\n\t");
        sb.append(Bytes.isLong(v) ? "[int]" : "[str]").append(new String(v, 0, Math.min(v.length, 40), java.nio.charset.StandardCharsets.ISO_8859_1));
        sb.append("\n}\n");
    }

    private static void print(CharSequence text) {
        PrintStream out = System.out;
        out.print(text);
        out.flush();
    }
}
