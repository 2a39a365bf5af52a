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

    /** Renders rows as an aligned text table. */
    static String render(Map<String, Map<String, String>> rows) {
        List<String[]> table = new ArrayList<>();
        table.add(new String[] {"NODE", "UP", "ROLE", "ACL CHANGED", "ACL DIGEST", "CERT SERIAL", "EXPIRES IN", "MEMBERS",
            "REPLICATION", "MASTER"});
        for (Map.Entry<String, Map<String, String>> r : rows.entrySet()) {
            Map<String, String> v = r.getValue();
            table.add(new String[] {r.getKey(), "1".equals(v.get("reachable")) ? "yes" : "NO", v.getOrDefault("role", "?"),
                    version(v.getOrDefault("acl_version", "?")), shorten(v.getOrDefault("acl_digest", "?"), 16),
                    shorten(v.getOrDefault("cert_serial", "?"), 16), seconds(v.get("cert_expires_in")),
                    v.getOrDefault("members", ""), replication(v.getOrDefault("repl_role", "")),
                    master(v.getOrDefault("repl_master_host", ""), v.getOrDefault("repl_master_port", "0"))});
        }
        int[] w = new int[table.get(0).length];
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
            b.setLength(b.length() - 2);
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
