package io.redmesh.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The mesh as one node's {@code INFO security} describes it, as a table: one row per member,
 * with the ACL digest column making drift obvious (all rows must agree) and the expiry column
 * counting down to the next renewal.
 */
final class StatusTable {
    private StatusTable() {}

    /** Field -> value of one INFO section text ("k:v" lines; "# Header" lines skipped). */
    static Map<String, String> fields(String info) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : info.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (line.isEmpty() || line.startsWith("#") || colon < 0) {
                continue;
            }
            out.put(line.substring(0, colon), line.substring(colon + 1));
        }
        return out;
    }

    /** "a=1,b=2" -> map. */
    static Map<String, String> pairs(String v) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String kv : v.split(",")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                out.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        return out;
    }

    /** Rows (member name -> its fields), the reporting node included, from its INFO security. */
    static Map<String, Map<String, String>> rows(String info) {
        Map<String, String> f = fields(info);
        Map<String, Map<String, String>> rows = new TreeMap<>();
        for (Map.Entry<String, String> e : f.entrySet()) {
            if (e.getKey().startsWith("member_")) {
                rows.put(e.getKey().substring("member_".length()), pairs(e.getValue()));
            }
        }
        String self = f.get("mesh_name");
        if (self != null) {
            Map<String, String> me = new LinkedHashMap<>();
            me.put("reachable", "1");
            me.put("role", f.getOrDefault("mesh_role", "?"));
            me.put("acl_version", f.getOrDefault("acl_version", "?"));
            me.put("acl_digest", f.getOrDefault("acl_digest", "?"));
            me.put("cert_serial", f.getOrDefault("cert_serial", "?"));
            me.put("cert_expires_in", f.getOrDefault("cert_expires_in_seconds", "?"));
            me.put("members", f.getOrDefault("mesh_members", "?"));
            me.put("repl_role", f.getOrDefault("repl_role", ""));
            me.put("repl_master_host", f.getOrDefault("repl_master_host", ""));
            me.put("repl_master_port", f.getOrDefault("repl_master_port", "0"));
            rows.put(self, me);
        }
        return rows;
    }

    /** One column of the table: its header and how a row (field -> value, "name" included) shows in it. */
    record Column(String header, java.util.function.Function<Map<String, String>, String> value) {}

    /** What every node's agent reports: ACL version and digest, certificate serial and expiry. */
    static List<Column> securityColumns() {
        return List.of(
                new Column("ACL CHANGED", v -> version(v.getOrDefault("acl_version", "?"))),
                new Column("ACL DIGEST", v -> shorten(v.getOrDefault("acl_digest", "?"), 16)),
                new Column("CERT SERIAL", v -> shorten(v.getOrDefault("cert_serial", "?"), 16)),
                new Column("EXPIRES IN", v -> seconds(v.get("cert_expires_in"))));
    }

    /** The mesh's columns (redmesh mesh status, the 3-node demo). */
    static List<Column> meshColumns() {
        List<Column> c = new ArrayList<>();
        c.add(new Column("NODE", v -> v.get("name")));
        c.add(new Column("UP", v -> "1".equals(v.get("reachable")) ? "yes" : "NO"));
        c.add(new Column("ROLE", v -> v.getOrDefault("role", "?")));
        c.addAll(securityColumns());
        c.add(new Column("MEMBERS", v -> v.getOrDefault("members", "")));
        c.add(new Column("REPLICATION", v -> replication(v.getOrDefault("repl_role", ""))));
        c.add(new Column("MASTER", v -> master(v.getOrDefault("repl_master_host", ""), v.getOrDefault("repl_master_port", "0"))));
        return c;
    }

    /** Renders rows as an aligned text table with the mesh's columns. */
    static String render(Map<String, Map<String, String>> rows) {
        return render(rows, meshColumns());
    }

    /** Renders rows (name -> fields) as an aligned text table. */
    static String render(Map<String, Map<String, String>> rows, List<Column> columns) {
        List<String[]> table = new ArrayList<>();
        table.add(columns.stream().map(Column::header).toArray(String[]::new));
        for (Map.Entry<String, Map<String, String>> r : rows.entrySet()) {
            Map<String, String> v = new LinkedHashMap<>(r.getValue());
            v.put("name", r.getKey());
            table.add(columns.stream().map(c -> String.valueOf(c.value().apply(v))).toArray(String[]::new));
        }
        int[] w = new int[columns.size()];
        for (String[] row : table) {
            for (int i = 0; i < row.length; i++) {
                w[i] = Math.max(w[i], row[i].length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (String[] row : table) {
            for (int i = 0; i < row.length; i++) {
                b.append(String.format("%-" + (w[i] + 2) + "s", row[i]));
            }
            while (b.length() > 0 && b.charAt(b.length() - 1) == ' ') {
                b.setLength(b.length() - 1);
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** "host:port" of a replica's master, "-" for none. */
    static String master(String host, String port) {
        return host.isEmpty() ? "-" : host + ":" + port;
    }

    /** Redis's "slave" as the table says it. */
    static String replication(String role) {
        return switch (role) {
            case "slave" -> "replica";
            case "master" -> "master";
            default -> "-";
        };
    }

    /** "millis.counter" (the hybrid logical clock) as the local time of the change. */
    static String version(String v) {
        int dot = v.indexOf('.');
        try {
            long ms = Long.parseLong(dot < 0 ? v : v.substring(0, dot));
            if (ms == 0) {
                return "none";
            }
            String t = java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
                    .format(java.time.Instant.ofEpochMilli(ms).atZone(java.time.ZoneId.systemDefault()));
            return dot < 0 || v.substring(dot + 1).equals("0") ? t : t + "+" + v.substring(dot + 1);
        } catch (NumberFormatException e) {
            return v;
        }
    }

    private static String shorten(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n);
    }

    private static String seconds(String s) {
        if (s == null) {
            return "?";
        }
        try {
            long n = Long.parseLong(s);
            if (n < 0) {
                return "EXPIRED";
            }
            return n >= 3600 ? (n / 3600) + "h" + (n % 3600 / 60) + "m" : n >= 60 ? (n / 60) + "m" + (n % 60) + "s" : n + "s";
        } catch (NumberFormatException e) {
            return s;
        }
    }
}
