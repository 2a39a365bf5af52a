package io.redmesh.node.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * INFO against Redis 7.0: the same sections in the same order for each way of asking, and in
 * each section every field Redis has, in Redis's order (values naturally differ). RedMesh may add
 * fields (listed in {@link #ADDED}); nothing else.
 */
class InfoCompatTest {
    private static Diff diff;
    /** Fields RedMesh adds beyond Redis 7.0's. */
    private static final Set<String> ADDED = Set.of("redmesh_version", "java_version", "pubsub_clients",
            "watching_clients", "total_watched_keys", "total_blocking_keys", "jvm_heap_used", "jvm_heap_max",
            "tls_handshakes_ok", "tls_handshakes_failed", "acl_access_denied_auth", "acl_access_denied_cmd",
            "acl_access_denied_key", "acl_access_denied_channel");

    @BeforeAll
    static void start() {
        diff = Diff.start();
    }

    @AfterAll
    static void stop() {
        if (diff != null) {
            diff.close();
        }
    }

    /** Section title -> field names, in order. */
    private static Map<String, List<String>> sections(String reply) {
        RespTree t = RespTree.parse(reply);
        String body = t.value.startsWith("txt:") && t.type == '=' ? t.value.substring(4) : t.value;
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<String> cur = null;
        for (String line : body.split("\r\n")) {
            if (line.startsWith("# ")) {
                cur = new ArrayList<>();
                out.put(line.substring(2), cur);
            } else if (line.contains(":")) {
                cur.add(line.substring(0, line.indexOf(':')));
            }
        }
        return out;
    }

    private static void sameShape(Diff.Pair p, String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "INFO";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Map<String, List<String>> r = sections(p.real.callString(cmd));
        Map<String, List<String>> o = sections(p.ours.callString(cmd));
        String what = String.join(" ", cmd);
        assertEquals(new ArrayList<>(r.keySet()), new ArrayList<>(o.keySet()), what + ": sections");
        for (Map.Entry<String, List<String>> e : r.entrySet()) {
            List<String> ours = new ArrayList<>(o.get(e.getKey()));
            ours.removeIf(ADDED::contains);
            List<String> redis = e.getValue();
            if (e.getKey().equals("Latencystats") || e.getKey().equals("Commandstats")
                    || e.getKey().equals("Errorstats")) {
                // one line per command or error seen: Redis prints them in its dict's order
                assertEquals(new TreeSet<>(redis), new TreeSet<>(ours), what + ": " + e.getKey());
            } else {
                assertEquals(redis, ours, what + ": fields of " + e.getKey());
            }
        }
    }

    @Test
    void sectionsAndFields() {
        try (Diff.Pair p = diff.pair()) {
            p.script("CONFIG RESETSTAT", "SET a 1", "SELECT 3", "SET b 2", "EXPIRE b 100", "SELECT 0", "GET a", "NOSUCH",
                    "INCR a x", "GET", "CONFIG SET hz abc", "PING", "CONFIG GET hz", "CLIENT ID x");
            for (String proto : new String[] {"2", "3"}) {
                p.sameNormalized(ConnectionCompatTest.NO_ID, "HELLO", proto);
                sameShape(p);
                sameShape(p, "default");
                sameShape(p, "all");
                sameShape(p, "everything");
                sameShape(p, "server", "clients");
                sameShape(p, "SERVER");
                sameShape(p, "keyspace");
                sameShape(p, "commandstats");
                sameShape(p, "errorstats");
                sameShape(p, "latencystats");
                sameShape(p, "default", "commandstats");
                sameShape(p, "stats", "memory", "persistence", "replication", "cpu", "modules", "cluster");
                sameShape(p, "foo");
                sameShape(p, "server", "foo");
            }
            String r = p.real.callString("INFO", "foo");
            assertEquals(r, p.ours.callString("INFO", "foo"));
            assertTrue(p.ours.callString("INFO", "server").contains("redis_version:7.0.15\r\n"));
        }
    }
}
