package io.redmesh.node.command.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RespClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * Runs the same commands against a real redis-server and a RedMesh node and compares the replies:
 * byte for byte by default, or, where Redis's own order depends on its hash function or its
 * random generator, by content (aggregates sorted) or by shape (bulk payloads blanked).
 */
final class DiffHarness {
    final RespClient real;
    final RespClient ours;

    DiffHarness(RespClient real, RespClient ours) {
        this.real = real;
        this.ours = ours;
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** Both replies, compared byte for byte; returns ours. */
    String same(String... cmd) {
        String r = text(real.call(cmd));
        String o = text(ours.call(cmd));
        assertEquals(r, o, () -> "reply to " + Arrays.toString(cmd));
        return o;
    }

    /** Runs a list of commands, each a single string split on spaces, comparing every reply. */
    void sameAll(String... lines) {
        for (String l : lines) {
            same(l.split(" "));
        }
    }

    /** Compared with every aggregate's elements sorted (a map's pairs sorted as pairs). */
    Node sameUnordered(String... cmd) {
        Node r = Node.parse(real.call(cmd));
        Node o = Node.parse(ours.call(cmd));
        assertEquals(r.canon(true, false), o.canon(true, false), () -> "content of reply to " + Arrays.toString(cmd));
        return o;
    }

    /**
     * Like {@link #sameUnordered} but for a flat RESP2 array of field, value, field, value...:
     * sorted as pairs, so a value stays bound to its field.
     */
    Node sameUnorderedPairs(String... cmd) {
        Node r = Node.parse(real.call(cmd));
        Node o = Node.parse(ours.call(cmd));
        assertEquals(r.pairsCanon(), o.pairsCanon(), () -> "pairs of reply to " + Arrays.toString(cmd));
        return o;
    }

    /** Same types and lengths everywhere, bulk payloads ignored (random replies); returns ours. */
    Node sameShape(String... cmd) {
        Node r = Node.parse(real.call(cmd));
        Node o = Node.parse(ours.call(cmd));
        assertEquals(r.canon(false, true), o.canon(false, true), () -> "shape of reply to " + Arrays.toString(cmd));
        return o;
    }

    /** Full *SCAN iteration of a key on one server: every element seen, sorted (pairs for HSCAN). */
    static TreeSet<String> scanAll(RespClient c, String command, String key, boolean pairs, String... options) {
        TreeSet<String> seen = new TreeSet<>();
        String cursor = "0";
        int rounds = 0;
        do {
            List<String> cmd = new ArrayList<>(List.of(command, key, cursor));
            cmd.addAll(List.of(options));
            Node n = Node.parse(c.call(cmd.toArray(String[]::new)));
            assertEquals('*', n.type, "scan reply " + n.canon(false, false));
            cursor = n.children.get(0).string();
            List<Node> items = n.children.get(1).children;
            for (int i = 0; i < items.size(); i += pairs ? 2 : 1) {
                seen.add(pairs ? items.get(i).string() + "=" + items.get(i + 1).string() : items.get(i).string());
            }
            assertTrue(++rounds < 100_000, "scan does not terminate");
        } while (!cursor.equals("0"));
        return seen;
    }

    /** A parsed RESP2/RESP3 reply. */
    static final class Node {
        final char type;
        final String line;
        final byte[] data;
        final List<Node> children = new ArrayList<>();

        private Node(char type, String line, byte[] data) {
            this.type = type;
            this.line = line;
            this.data = data;
        }

        String string() {
            return data == null ? line : new String(data, StandardCharsets.ISO_8859_1);
        }

        static Node parse(byte[] b) {
            int[] pos = {0};
            Node n = read(b, pos);
            assertEquals(b.length, pos[0], "trailing bytes after reply");
            return n;
        }

        private static Node read(byte[] b, int[] pos) {
            int start = pos[0];
            int end = start;
            while (!(b[end] == '\r' && b[end + 1] == '\n')) {
                end++;
            }
            char t = (char) b[start];
            String rest = new String(b, start + 1, end - start - 1, StandardCharsets.ISO_8859_1);
            pos[0] = end + 2;
            switch (t) {
                case '$': case '=': case '!': {
                    int n = Integer.parseInt(rest);
                    if (n < 0) {
                        return new Node(t, rest, null);
                    }
                    byte[] d = Arrays.copyOfRange(b, pos[0], pos[0] + n);
                    pos[0] += n + 2;
                    return new Node(t, rest, d);
                }
                case '*': case '~': case '>': case '%': {
                    Node node = new Node(t, rest, null);
                    int n = Integer.parseInt(rest);
                    for (int i = 0; i < (t == '%' ? 2 * n : n); i++) {
                        node.children.add(read(b, pos));
                    }
                    return node;
                }
                default:
                    return new Node(t, rest, null);
            }
        }

        /**
         * A canonical text form: with {@code sort}, aggregates' children (a map's pairs) are
         * sorted; with {@code blank}, bulk payloads are replaced by their type so that only the
         * shape remains.
         */
        String canon(boolean sort, boolean blank) {
            if (data != null) {
                return blank ? "$?" : "$" + string();
            }
            if (children.isEmpty() && line != null && "*~>%".indexOf(type) < 0) {
                return type + line;
            }
            List<String> parts = new ArrayList<>();
            if (type == '%') {
                for (int i = 0; i < children.size(); i += 2) {
                    parts.add(children.get(i).canon(sort, blank) + ":" + children.get(i + 1).canon(sort, blank));
                }
            } else {
                for (Node c : children) {
                    parts.add(c.canon(sort, blank));
                }
            }
            if (sort) {
                parts.sort(null);
            }
            return type + "" + children.size() + parts;
        }

        String pairsCanon() {
            if (children.isEmpty() || type == '%') {
                return canon(true, false);
            }
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < children.size(); i += 2) {
                parts.add(children.get(i).canon(false, false) + ":" + children.get(i + 1).canon(false, false));
            }
            parts.sort(null);
            return type + "" + children.size() + parts;
        }
    }
}
