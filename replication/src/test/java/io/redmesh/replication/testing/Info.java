package io.redmesh.replication.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import redis.clients.jedis.Jedis;

/** INFO fields of a server, read over a fresh connection. */
public final class Info {
    private Info() {}

    public static Map<String, String> of(int port, String section) {
        try (Jedis j = new Jedis("127.0.0.1", port, 5000)) {
            return parse(j.info(section));
        }
    }

    public static Map<String, String> parse(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String l : text.split("\r\n")) {
            int c = l.indexOf(':');
            if (c > 0 && !l.startsWith("#")) {
                m.put(l.substring(0, c), l.substring(c + 1));
            }
        }
        return m;
    }

    public static String field(int port, String section, String name) {
        return of(port, section).get(name);
    }

    /** master_repl_offset of a master, slave_repl_offset of a replica. */
    public static long offset(int port) {
        Map<String, String> m = of(port, "replication");
        String v = "slave".equals(m.get("role")) ? m.get("slave_repl_offset") : m.get("master_repl_offset");
        return v == null ? -1 : Long.parseLong(v);
    }

    public static boolean linkUp(int port) {
        return "up".equals(field(port, "replication", "master_link_status"));
    }
}
