package io.redmesh.node.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redmesh.node.testing.Ports;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CONFIG GET/SET/RESETSTAT against Redis 7.0: the directive names (aliases included), their
 * defaults, glob and multi-pattern lookups, and for every directive the reply to a battery of
 * good and bad values (bool, int, bounds, memory units, percent, enum, immutable, protected...).
 * Replies whose order Redis leaves to a hash table are compared as maps.
 */
class ConfigCompatTest {
    private static Diff diff;
    /** Values that legitimately differ between the two servers (paths, ports). */
    private static final List<String> LOCAL = List.of("dir", "port", "unixsocket");

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

    /** CONFIG GET ... as a name -> value map (it is a map: Redis's order is its dict's). */
    static Map<String, String> configGet(io.redmesh.node.testing.RespClient c, String... patterns) {
        List<String> args = new ArrayList<>(List.of("CONFIG", "GET"));
        args.addAll(List.of(patterns));
        String reply = c.callString(args.toArray(new String[0]));
        Map<String, String> m = new TreeMap<>();
        java.util.regex.Matcher x = java.util.regex.Pattern.compile("\\$\\d+\r\n([^\r]*)\r\n\\$\\d+\r\n([^\r]*)\r\n")
                .matcher(reply.substring(reply.indexOf("\r\n") + 2));
        while (x.find()) {
            m.put(x.group(1), x.group(2));
        }
        return m;
    }

    @Test
    void namesAndDefaults() {
        try (Diff.Pair p = diff.pair()) {
            Map<String, String> r = configGet(p.real, "*");
            Map<String, String> o = configGet(p.ours, "*");
            assertEquals(r.keySet(), o.keySet(), "CONFIG GET * names");
            for (String k : LOCAL) {
                r.remove(k);
                o.remove(k);
            }
            assertEquals(r, o, "CONFIG GET * values");
            for (String[] pats : new String[][] {{"maxmemory"}, {"MAXMEMORY"}, {"MAXMEMORY", "maxmemory"},
                {"maxmemory", "maxmemory*"}, {"slave*"}, {"*max-*-entries*"}, {"MAXMEM*"},
                {"hash-max-ziplist-entries", "hash-max-listpack-entries"}, {"nonexist"}, {"nonexist*"},
                {"key-load-delay"}, {"key-load*"}, {"watchdog-period"}, {"use-exit-on-panic"},
                {"loading-process-events-interval-bytes"}, {"rdb-key-save-delay"}, {"[a-c]*"}, {"?z"},
                {"lua-time-limit", "busy-reply-threshold", "LUA-TIME-LIMIT"}}) {
                assertEquals(configGet(p.real, pats), configGet(p.ours, pats), "CONFIG GET " + String.join(" ", pats));
            }
            p.script("CONFIG GET", "CONFIG SET", "CONFIG SET maxmemory", "CONFIG SET maxmemory 1 hz", "CONFIG RESETSTAT x",
                    "CONFIG REWRITE x", "CONFIG HELP x");
            p.verify();
        }
    }

    private static final String[] PROBES = {"abc", "-1", "0", "1", "yes", "no", "100", "1k", "1kb", "10%", "200%", "-10%",
        "99999999999999999999", "", "1 2", "1.5", "2147483648", "-2147483649", "4294967296", "18446744073709551615",
        "18446744073709551616", "-9223372036854775808", "1gb", "1GB", " 1", "01", "0x10", "+1", "-0", "777", "b", "0kb",
        "local", "everysec", "allkeys-lru", "KEA", "save now", "1 2 3", "100 10", "normal 1 2 3"};

    /** Directives whose changes act on the process (listeners, files): checked separately. */
    private static final List<String> SIDE_EFFECTS = List.of("port", "bind", "tls-port", "dir", "unixsocket", "logfile",
            "appendonly", "requirepass", "daemonize", "maxclients", "tls-replication", "tls-cluster");

    @Test
    void setEveryDirectiveWithGoodAndBadValues() {
        try (Diff.Pair p = diff.pair()) {
            Map<String, String> defaults = configGet(p.real, "*");
            for (String name : defaults.keySet()) {
                if (SIDE_EFFECTS.contains(name)) {
                    continue;
                }
                for (String v : PROBES) {
                    p.soft("CONFIG", "SET", name, v);
                    p.soft("CONFIG", "GET", name);
                    p.real.call(Diff.bytes("CONFIG"), Diff.bytes("SET"), Diff.bytes(name), Diff.bytes(defaults.get(name)));
                    p.ours.call(Diff.bytes("CONFIG"), Diff.bytes("SET"), Diff.bytes(name), Diff.bytes(defaults.get(name)));
                }
            }
            p.verify();
        }
    }

    @Test
    void setSemantics() {
        try (Diff.Pair p = diff.pair()) {
            p.script("CONFIG SET nonexist 1", "CONFIG SET daemonize yes foo 1", "CONFIG SET foo 1 daemonize yes",
                    "CONFIG SET hz 10 hz 20", "CONFIG SET hz 10 HZ 20", "CONFIG SET maxmemory 1 maxmemory 2",
                    "CONFIG SET hash-max-listpack-entries 10 hash-max-ziplist-entries 20",
                    "CONFIG GET hash-max-listpack-entries", "CONFIG SET HZ abc", "CONFIG SET SLAVE-READ-ONLY maybe",
                    "CONFIG SET hz 20 maxmemory abc", "CONFIG GET hz", "CONFIG SET hz 20 maxmemory 100mb",
                    "CONFIG GET hz", "CONFIG GET maxmemory", "CONFIG SET hz 10 maxmemory 0", "CONFIG SET dir /tmp",
                    "CONFIG SET dbfilename a/b", "CONFIG SET save \"100  10\"", "CONFIG SET save \" 100 10\"",
                    "CONFIG SET save \"+100 10\"", "CONFIG SET save \"100 10 \"", "CONFIG SET save \"100 4294967297\"",
                    "CONFIG GET save", "CONFIG SET save \"\"", "CONFIG GET save",
                    "CONFIG SET client-output-buffer-limit \"pubsub 1 2 3\"", "CONFIG GET client-output-buffer-limit",
                    "CONFIG SET client-output-buffer-limit \"normal 1 2 3 normal 4 5 6\"",
                    "CONFIG SET client-output-buffer-limit \"master 1 2 3\"",
                    "CONFIG SET client-output-buffer-limit \"replica 1kb 2mb 3\"",
                    "CONFIG GET client-output-buffer-limit", "CONFIG SET client-output-buffer-limit \"\"",
                    "CONFIG SET client-output-buffer-limit \"normal -1 2 3\"",
                    "CONFIG SET client-output-buffer-limit \"normal 1 2 -3\"",
                    "CONFIG SET notify-keyspace-events Kg$lshzxetd", "CONFIG GET notify-keyspace-events",
                    "CONFIG SET notify-keyspace-events Knm", "CONFIG GET notify-keyspace-events",
                    "CONFIG SET notify-keyspace-events AnE", "CONFIG GET notify-keyspace-events",
                    "CONFIG SET notify-keyspace-events \"\"", "CONFIG SET shutdown-on-sigint \"save now\"",
                    "CONFIG GET shutdown-on-sigint", "CONFIG SET shutdown-on-sigint \"force now nosave\"",
                    "CONFIG GET shutdown-on-sigint", "CONFIG SET shutdown-on-sigint \"default save\"",
                    "CONFIG SET shutdown-on-sigint \"\"", "CONFIG SET shutdown-on-sigint default",
                    "CONFIG SET oom-score-adj-values \"1 2 3000\"", "CONFIG SET latency-tracking-info-percentiles \"-0 0x10 1e-300\"",
                    "CONFIG GET latency-tracking-info-percentiles", "CONFIG SET latency-tracking-info-percentiles \"50 99 99.9\"",
                    "CONFIG SET proc-title-template \"{title}\"", "CONFIG SET proc-title-template \"{foo}\"",
                    "CONFIG SET proc-title-template \"{title\"", "CONFIG SET proc-title-template \"x {{ }\"",
                    "CONFIG GET proc-title-template", "CONFIG SET proc-title-template \"{title} {listen-addr} {server-mode}\"",
                    "CONFIG SET cluster-announce-hostname a_b", "CONFIG SET masterauth x", "CONFIG GET masterauth",
                    "CONFIG SET masterauth \"\"", "CONFIG SET hz 1000", "CONFIG GET hz", "CONFIG SET hz 10",
                    "CONFIG SET tls-port 1", "CONFIG SET tls-replication yes", "CONFIG SET tls-cluster yes",
                    "CONFIG SET maxclients 0", "CONFIG SET maxclients -1", "CONFIG SET maxclients abc",
                    "CONFIG SET maxclients 4294967296", "CONFIG SET unixsocket /tmp/x", "CONFIG SET appendonly maybe",
                    "CONFIG SET daemonize yes", "CONFIG RESETSTAT");
            p.verify();
            // a port in use (the other server's) cannot be listened on; then a free one can
            String inUse = "-ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. "
                    + "Check server logs.\r\n";
            assertEquals(inUse, p.real.callString("CONFIG", "SET", "port", Integer.toString(diff.ours.port())));
            assertEquals(inUse, p.ours.callString("CONFIG", "SET", "port", Integer.toString(diff.real.port())));
            p.same("CONFIG", "SET", "bind", "127.0.0.1 1.2.3.4.5");
            p.sameUnordered("CONFIG", "GET", "bind");
        }
        try (Diff.Pair p = diff.pair()) {
            int a = Ports.free();
            int b = Ports.free();
            assertEquals("+OK\r\n", p.real.callString("CONFIG", "SET", "port", Integer.toString(a)));
            assertEquals("+OK\r\n", p.ours.callString("CONFIG", "SET", "port", Integer.toString(b)));
            try (io.redmesh.node.testing.RespClient c = io.redmesh.node.testing.RespClient.connect(b)) {
                assertEquals("+PONG\r\n", c.callString("PING"));
            }
        }
    }

    @Test
    void sensitiveValuesAreRedacted() {
        try (Diff.Pair p = diff.pair()) {
            p.script("CONFIG SET slowlog-log-slower-than 0", "SLOWLOG RESET");
            p.same("CONFIG", "SET", "masterauth", "topsecret", "hz", "10");
            p.same("CONFIG", "SET", "slowlog-log-slower-than", "10000");
            java.util.function.UnaryOperator<String> norm = r -> r.replaceAll(":\\d+\r\n:\\d+\r\n:\\d+\r\n", ":N\r\n")
                    .replaceAll("\\$\\d+\r\n127\\.0\\.0\\.1:\\d+\r\n", "\\$ADDR\r\n");
            p.sameNormalized(norm, "SLOWLOG", "GET", "2");
            p.script("CONFIG SET masterauth \"\"", "SLOWLOG RESET");
            p.verify();
        }
    }
}
