package io.redmesh.sentinel.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a sentinel says, read with raw RESP (the same for ours and Debian's). */
public final class Sentinels {
    private Sentinels() {}

    private static final Pattern BULK = Pattern.compile("\\$(\\d+)\r\n");

    /** The bulk strings of a reply, in order (arrays flattened); null bulks skipped. */
    public static List<String> bulks(String reply) {
        List<String> out = new ArrayList<>();
        Matcher m = BULK.matcher(reply);
        int from = 0;
        while (m.find(from)) {
            int len = Integer.parseInt(m.group(1));
            int start = m.end();
            if (start + len > reply.length()) {
                break;
            }
            out.add(reply.substring(start, start + len));
            from = start + len;
        }
        return out;
    }

    /** SENTINEL MASTER mymaster as a map (empty when the sentinel cannot be asked). */
    public static Map<String, String> master(ServerProcess s) {
        return master(s, Topology.MASTER_NAME);
    }

    /** SENTINEL MASTER name as a map (empty when the sentinel cannot be asked). */
    public static Map<String, String> master(ServerProcess s, String name) {
        return pairs(bulks(s.call("SENTINEL", "MASTER", name)));
    }

    /** SENTINEL REPLICAS mymaster, one map per replica. */
    public static List<Map<String, String>> replicas(ServerProcess s) {
        return replicas(s, Topology.MASTER_NAME);
    }

    /** SENTINEL REPLICAS name, one map per replica. */
    public static List<Map<String, String>> replicas(ServerProcess s, String name) {
        List<String> all = bulks(s.call("SENTINEL", "REPLICAS", name));
        List<Map<String, String>> out = new ArrayList<>();
        Map<String, String> cur = null;
        for (int i = 0; i + 1 < all.size(); i += 2) {
            if (all.get(i).equals("name")) {
                cur = new LinkedHashMap<>();
                out.add(cur);
            }
            if (cur != null) {
                cur.put(all.get(i), all.get(i + 1));
            }
        }
        return out;
    }

    static Map<String, String> pairs(List<String> kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.size(); i += 2) {
            m.putIfAbsent(kv.get(i), kv.get(i + 1));
        }
        return m;
    }

    /** SENTINEL GET-MASTER-ADDR-BY-NAME mymaster: "host:port", or "" when it cannot be read. */
    public static String masterAddress(ServerProcess s) {
        List<String> b = bulks(s.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", Topology.MASTER_NAME));
        return b.size() == 2 ? b.get(0) + ":" + b.get(1) : "";
    }

    /** The master's port as this sentinel announces it, or -1. */
    public static int masterPort(ServerProcess s) {
        String a = masterAddress(s);
        return a.isEmpty() ? -1 : Integer.parseInt(a.substring(a.lastIndexOf(':') + 1));
    }
}
