package io.redmesh.node.config;

import static io.redmesh.node.config.ConfigParam.DENY_LOADING;
import static io.redmesh.node.config.ConfigParam.HIDDEN;
import static io.redmesh.node.config.ConfigParam.IMMUTABLE;
import static io.redmesh.node.config.ConfigParam.MULTI_ARG;
import static io.redmesh.node.config.ConfigParam.PROTECTED;
import static io.redmesh.node.config.ConfigParam.SENSITIVE;
import static io.redmesh.node.config.ConfigParam.VOLATILE;
import static io.redmesh.node.config.ConfigValues.MEMORY;
import static io.redmesh.node.config.ConfigValues.OCTAL;
import static io.redmesh.node.config.ConfigValues.PERCENT;

import io.redmesh.node.config.ConfigValues.NumType;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Every directive of Redis 7.0.15, declared once as its config.c table does: name, alias, C
 * type, bounds, unit, default and flags (Debian's build: hash-max-listpack-entries defaults to
 * 512). Directives of parts not built yet (replication, cluster, persistence) are declared so
 * that Redis config files load unchanged and CONFIG GET/SET answer as Redis does.
 */
final class ConfigDirectives {
    private static final int MODIFIABLE = 0;
    private static final long INT_MIN = Integer.MIN_VALUE;
    private static final long INT_MAX = Integer.MAX_VALUE;
    private static final long UINT_MAX = 0xFFFFFFFFL;
    private static final long LONG_MAX = Long.MAX_VALUE;
    private static final long ULLONG_MAX = -1L; // the bit pattern of 2^64-1

    private final ServerConfig config;

    private ConfigDirectives(ServerConfig config) {
        this.config = config;
    }

    static void declareAll(ServerConfig config) {
        new ConfigDirectives(config).declare();
    }

    // ------------------------------------------------------------------ builders

    private void bool(String name, String alias, int flags, boolean def) {
        config.add(new ConfigParam(name, alias, flags, a -> ConfigValues.parseBool(a.get(0)), ConfigValues::renderBool,
                def));
    }

    private void num(String name, String alias, int flags, NumType type, int format, long min, long max, long def) {
        ConfigParam p = new ConfigParam(name, alias, flags,
                a -> ConfigValues.parseNumeric(a.get(0), type, format, min, max),
                v -> ConfigValues.renderNumeric((Long) v, format), def);
        p.rewriter = ConfigRewriter.numeric(format);
        config.add(p);
    }

    private void integer(String name, String alias, int flags, long min, long max, long def) {
        num(name, alias, flags, NumType.INT, ConfigValues.INTEGER, min, max, def);
    }

    private void str(String name, String alias, int flags, String def) {
        str(name, alias, flags, def, v -> {});
    }

    private void str(String name, String alias, int flags, String def, Consumer<String> valid) {
        ConfigParam p = new ConfigParam(name, alias, flags, a -> {
            valid.accept(a.get(0));
            return a.get(0);
        }, v -> (String) v, def);
        // Redis keeps most empty strings as NULL, which CONFIG REWRITE leaves out of the file
        p.rewriter = ConfigRewriter.string(!EMPTY_ALLOWED.contains(name));
        config.add(p);
    }

    /** String directives for which Redis keeps "" as a value (ALLOW_EMPTY_STRING). */
    private static final List<String> EMPTY_ALLOWED = List.of("aclfile", "cluster-config-file", "syslog-ident",
            "dbfilename", "appendfilename", "appenddirname", "ignore-warnings", "proc-title-template", "logfile");

    private void enumeration(String name, String alias, int flags, String def, String... values) {
        List<String> allowed = List.of(values);
        config.add(new ConfigParam(name, alias, flags, a -> ConfigValues.parseEnum(a.get(0), allowed),
                v -> (String) v, def));
    }

    private void special(String name, String alias, int flags, String def, ConfigParam.Parser parser) {
        ConfigParam p = new ConfigParam(name, alias, flags, parser, v -> (String) v, def);
        p.rewriter = ConfigRewriter.special(name);
        config.add(p);
    }

    private static final List<String> PROTECTED_ACTION = List.of("no", "yes", "local");

    // ------------------------------------------------------------------ the table

    private void declare() {
        // --- bool
        bool("rdbchecksum", null, IMMUTABLE, true);
        bool("daemonize", null, IMMUTABLE, false);
        bool("io-threads-do-reads", null, IMMUTABLE, false);
        bool("always-show-logo", null, IMMUTABLE, false);
        bool("protected-mode", null, MODIFIABLE, true);
        bool("rdbcompression", null, MODIFIABLE, true);
        bool("rdb-del-sync-files", null, MODIFIABLE, false);
        bool("activerehashing", null, MODIFIABLE, true);
        bool("stop-writes-on-bgsave-error", null, MODIFIABLE, true);
        bool("set-proc-title", null, IMMUTABLE, true);
        bool("dynamic-hz", null, MODIFIABLE, true);
        bool("lazyfree-lazy-eviction", null, MODIFIABLE, false);
        bool("lazyfree-lazy-expire", null, MODIFIABLE, false);
        bool("lazyfree-lazy-server-del", null, MODIFIABLE, false);
        bool("lazyfree-lazy-user-del", null, MODIFIABLE, false);
        bool("lazyfree-lazy-user-flush", null, MODIFIABLE, false);
        bool("repl-disable-tcp-nodelay", null, MODIFIABLE, false);
        bool("repl-diskless-sync", null, MODIFIABLE, true);
        bool("aof-rewrite-incremental-fsync", null, MODIFIABLE, true);
        bool("no-appendfsync-on-rewrite", null, MODIFIABLE, false);
        bool("cluster-require-full-coverage", null, MODIFIABLE, true);
        bool("rdb-save-incremental-fsync", null, MODIFIABLE, true);
        bool("aof-load-truncated", null, MODIFIABLE, true);
        bool("aof-use-rdb-preamble", null, MODIFIABLE, true);
        bool("aof-timestamp-enabled", null, MODIFIABLE, false);
        bool("cluster-replica-no-failover", "cluster-slave-no-failover", MODIFIABLE, false);
        bool("replica-lazy-flush", "slave-lazy-flush", MODIFIABLE, false);
        bool("replica-serve-stale-data", "slave-serve-stale-data", MODIFIABLE, true);
        bool("replica-read-only", "slave-read-only", MODIFIABLE, true);
        bool("replica-ignore-maxmemory", "slave-ignore-maxmemory", MODIFIABLE, true);
        bool("jemalloc-bg-thread", null, MODIFIABLE, true);
        config.add(new ConfigParam("activedefrag", null, MODIFIABLE, a -> {
            if (ConfigValues.parseBool(a.get(0))) {
                // Redis built without HAVE_DEFRAG (Debian's) refuses it; so does the JVM.
                throw new ConfigException("Active defragmentation cannot be enabled: it requires a Redis server "
                        + "compiled with a modified Jemalloc like the one shipped by default with the Redis source "
                        + "distribution");
            }
            return false;
        }, ConfigValues::renderBool, false));
        bool("syslog-enabled", null, IMMUTABLE, false);
        bool("cluster-enabled", null, IMMUTABLE, false);
        bool("appendonly", null, MODIFIABLE | DENY_LOADING, false);
        bool("cluster-allow-reads-when-down", null, MODIFIABLE, false);
        bool("cluster-allow-pubsubshard-when-down", null, MODIFIABLE, true);
        bool("crash-log-enabled", null, MODIFIABLE, true);
        bool("crash-memcheck-enabled", null, MODIFIABLE, true);
        bool("use-exit-on-panic", null, MODIFIABLE | HIDDEN, false);
        bool("disable-thp", null, IMMUTABLE, true);
        bool("cluster-allow-replica-migration", null, MODIFIABLE, true);
        bool("replica-announced", null, MODIFIABLE, true);
        bool("latency-tracking", null, MODIFIABLE, true);
        bool("aof-disable-auto-gc", null, MODIFIABLE, false);
        bool("replica-ignore-disk-write-errors", null, MODIFIABLE, false);

        // --- strings
        str("aclfile", null, IMMUTABLE, "");
        str("unixsocket", null, IMMUTABLE, "");
        str("pidfile", null, IMMUTABLE, "");
        str("replica-announce-ip", "slave-announce-ip", MODIFIABLE, "");
        str("masteruser", null, MODIFIABLE | SENSITIVE, "");
        str("cluster-announce-ip", null, MODIFIABLE, "");
        str("cluster-config-file", null, IMMUTABLE, "nodes.conf");
        str("cluster-announce-hostname", null, MODIFIABLE, "", ConfigSpecials::validHostname);
        str("syslog-ident", null, IMMUTABLE, "redis");
        str("dbfilename", null, MODIFIABLE | PROTECTED, "dump.rdb",
                v -> ConfigSpecials.baseName(v, "dbfilename can't be a path, just a filename"));
        str("appendfilename", null, IMMUTABLE, "appendonly.aof",
                v -> ConfigSpecials.baseName(v, "appendfilename can't be a path, just a filename"));
        str("appenddirname", null, IMMUTABLE, "appendonlydir",
                v -> ConfigSpecials.baseName(v, "appenddirname can't be a path, just a dirname"));
        str("server_cpulist", null, IMMUTABLE, "");
        str("bio_cpulist", null, IMMUTABLE, "");
        str("aof_rewrite_cpulist", null, IMMUTABLE, "");
        str("bgsave_cpulist", null, IMMUTABLE, "");
        str("ignore-warnings", null, MODIFIABLE, "");
        str("proc-title-template", null, MODIFIABLE, "{title} {listen-addr} {server-mode}",
                ConfigSpecials::validProcTitleTemplate);
        str("bind-source-addr", null, MODIFIABLE, "");
        str("logfile", null, IMMUTABLE, "");
        str("masterauth", null, MODIFIABLE | SENSITIVE, "");
        str("requirepass", null, MODIFIABLE | SENSITIVE, "");

        // --- enums (values in Redis's table order: the error message lists them so)
        enumeration("supervised", null, IMMUTABLE, "no", "upstart", "systemd", "auto", "no");
        enumeration("syslog-facility", null, IMMUTABLE, "local0", "user", "local0", "local1", "local2", "local3",
                "local4", "local5", "local6", "local7");
        enumeration("repl-diskless-load", null, MODIFIABLE | DENY_LOADING, "disabled", "disabled", "on-empty-db",
                "swapdb");
        enumeration("loglevel", null, MODIFIABLE, "notice", "debug", "verbose", "notice", "warning");
        enumeration("maxmemory-policy", null, MODIFIABLE, "noeviction", "volatile-lru", "volatile-lfu",
                "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction");
        enumeration("appendfsync", null, MODIFIABLE, "everysec", "everysec", "always", "no");
        enumeration("oom-score-adj", null, MODIFIABLE, "no", "no", "yes", "relative", "absolute");
        enumeration("acl-pubsub-default", null, MODIFIABLE, "resetchannels", "allchannels", "resetchannels");
        enumeration("sanitize-dump-payload", null, MODIFIABLE, "no", "no", "yes", "clients");
        enumeration("enable-protected-configs", null, IMMUTABLE, "no", PROTECTED_ACTION.toArray(new String[0]));
        enumeration("enable-debug-command", null, IMMUTABLE, "no", PROTECTED_ACTION.toArray(new String[0]));
        enumeration("enable-module-command", null, IMMUTABLE, "no", PROTECTED_ACTION.toArray(new String[0]));
        enumeration("cluster-preferred-endpoint-type", null, MODIFIABLE, "ip", "ip", "hostname", "unknown-endpoint");
        enumeration("propagation-error-behavior", null, MODIFIABLE, "ignore", "ignore", "panic", "panic-on-replicas");
        Map<String, Integer> shutdownFlags = new LinkedHashMap<>();
        shutdownFlags.put("default", 0);
        shutdownFlags.put("save", 1);
        shutdownFlags.put("nosave", 2);
        shutdownFlags.put("now", 4);
        shutdownFlags.put("force", 8);
        special("shutdown-on-sigint", null, MODIFIABLE | MULTI_ARG, "default",
                a -> ConfigSpecials.shutdownFlags(a, shutdownFlags));
        special("shutdown-on-sigterm", null, MODIFIABLE | MULTI_ARG, "default",
                a -> ConfigSpecials.shutdownFlags(a, shutdownFlags));

        // --- int
        integer("databases", null, IMMUTABLE, 1, INT_MAX, 16);
        integer("port", null, MODIFIABLE, 0, 65535, 6379);
        integer("io-threads", null, IMMUTABLE, 1, 128, 1);
        integer("auto-aof-rewrite-percentage", null, MODIFIABLE, 0, INT_MAX, 100);
        integer("cluster-replica-validity-factor", "cluster-slave-validity-factor", MODIFIABLE, 0, INT_MAX, 10);
        integer("list-max-listpack-size", "list-max-ziplist-size", MODIFIABLE, INT_MIN, INT_MAX, -2);
        integer("tcp-keepalive", null, MODIFIABLE, 0, INT_MAX, 300);
        integer("cluster-migration-barrier", null, MODIFIABLE, 0, INT_MAX, 1);
        integer("active-defrag-cycle-min", null, MODIFIABLE, 1, 99, 1);
        integer("active-defrag-cycle-max", null, MODIFIABLE, 1, 99, 25);
        integer("active-defrag-threshold-lower", null, MODIFIABLE, 0, 1000, 10);
        integer("active-defrag-threshold-upper", null, MODIFIABLE, 0, 1000, 100);
        integer("lfu-log-factor", null, MODIFIABLE, 0, INT_MAX, 10);
        integer("lfu-decay-time", null, MODIFIABLE, 0, INT_MAX, 1);
        integer("replica-priority", "slave-priority", MODIFIABLE, 0, INT_MAX, 100);
        integer("repl-diskless-sync-delay", null, MODIFIABLE, 0, INT_MAX, 5);
        integer("maxmemory-samples", null, MODIFIABLE, 1, INT_MAX, 5);
        integer("maxmemory-eviction-tenacity", null, MODIFIABLE, 0, 100, 10);
        integer("timeout", null, MODIFIABLE, 0, INT_MAX, 0);
        integer("replica-announce-port", "slave-announce-port", MODIFIABLE, 0, 65535, 0);
        integer("tcp-backlog", null, IMMUTABLE, 0, INT_MAX, 511);
        integer("cluster-port", null, IMMUTABLE, 0, 65535, 0);
        integer("cluster-announce-bus-port", null, MODIFIABLE, 0, 65535, 0);
        integer("cluster-announce-port", null, MODIFIABLE, 0, 65535, 0);
        integer("cluster-announce-tls-port", null, MODIFIABLE, 0, 65535, 0);
        integer("repl-timeout", null, MODIFIABLE, 1, INT_MAX, 60);
        integer("repl-ping-replica-period", "repl-ping-slave-period", MODIFIABLE, 1, INT_MAX, 10);
        integer("list-compress-depth", null, MODIFIABLE, 0, INT_MAX, 0);
        integer("rdb-key-save-delay", null, MODIFIABLE | HIDDEN, INT_MIN, INT_MAX, 0);
        integer("key-load-delay", null, MODIFIABLE | HIDDEN, INT_MIN, INT_MAX, 0);
        integer("active-expire-effort", null, MODIFIABLE, 1, 10, 1);
        // hz is a hint: values out of CONFIG_MIN_HZ..CONFIG_MAX_HZ are accepted and capped
        config.add(new ConfigParam("hz", null, MODIFIABLE,
                a -> Math.max(1L, Math.min(500L, ConfigValues.parseNumeric(a.get(0), NumType.INT, ConfigValues.INTEGER,
                        0, INT_MAX))), v -> Long.toString((Long) v), 10L));
        integer("min-replicas-to-write", "min-slaves-to-write", MODIFIABLE, 0, INT_MAX, 0);
        integer("min-replicas-max-lag", "min-slaves-max-lag", MODIFIABLE, 0, INT_MAX, 10);
        integer("watchdog-period", null, MODIFIABLE | HIDDEN, 0, INT_MAX, 0);
        integer("shutdown-timeout", null, MODIFIABLE, 0, INT_MAX, 10);
        integer("repl-diskless-sync-max-replicas", null, MODIFIABLE, 0, INT_MAX, 0);
        integer("tls-port", null, MODIFIABLE, 0, 65535, 0);
        integer("tls-session-cache-size", null, MODIFIABLE, 0, INT_MAX, 20 * 1024);
        integer("tls-session-cache-timeout", null, MODIFIABLE, 0, INT_MAX, 300);

        // --- unsigned int, long, unsigned long
        num("maxclients", null, MODIFIABLE, NumType.UINT, ConfigValues.INTEGER, 1, UINT_MAX, 10000);
        num("unixsocketperm", null, IMMUTABLE, NumType.UINT, OCTAL, 0, 0777, 0);
        num("socket-mark-id", null, IMMUTABLE, NumType.UINT, ConfigValues.INTEGER, 0, UINT_MAX, 0);
        num("active-defrag-max-scan-fields", null, MODIFIABLE, NumType.ULONG, ConfigValues.INTEGER, 1, LONG_MAX, 1000);
        num("slowlog-max-len", null, MODIFIABLE, NumType.ULONG, ConfigValues.INTEGER, 0, LONG_MAX, 128);
        num("acllog-max-len", null, MODIFIABLE, NumType.ULONG, ConfigValues.INTEGER, 0, LONG_MAX, 128);

        // --- long long / unsigned long long
        num("busy-reply-threshold", "lua-time-limit", MODIFIABLE, NumType.LONG_LONG, ConfigValues.INTEGER, 0, LONG_MAX,
                5000);
        num("cluster-node-timeout", null, MODIFIABLE, NumType.LONG_LONG, ConfigValues.INTEGER, 0, LONG_MAX, 15000);
        num("slowlog-log-slower-than", null, MODIFIABLE, NumType.LONG_LONG, ConfigValues.INTEGER, -1, LONG_MAX, 10000);
        num("latency-monitor-threshold", null, MODIFIABLE, NumType.LONG_LONG, ConfigValues.INTEGER, 0, LONG_MAX, 0);
        num("proto-max-bulk-len", null, MODIFIABLE, NumType.LONG_LONG, MEMORY, 1024 * 1024, LONG_MAX, 512L << 20);
        num("stream-node-max-entries", null, MODIFIABLE, NumType.LONG_LONG, ConfigValues.INTEGER, 0, LONG_MAX, 100);
        // the backlog never shrinks below CONFIG_REPL_BACKLOG_MIN_SIZE (16 KB), which CONFIG GET then shows
        ConfigParam backlog = new ConfigParam("repl-backlog-size", null, MODIFIABLE,
                a -> Math.max(16384L, ConfigValues.parseNumeric(a.get(0), NumType.LONG_LONG, MEMORY, 1, LONG_MAX)),
                v -> Long.toString((Long) v), 1L << 20);
        backlog.rewriter = ConfigRewriter.numeric(MEMORY);
        config.add(backlog);
        num("maxmemory", null, MODIFIABLE, NumType.ULONG_LONG, MEMORY, 0, ULLONG_MAX, 0);
        num("cluster-link-sendbuf-limit", null, MODIFIABLE, NumType.ULONG_LONG, MEMORY, 0, ULLONG_MAX, 0);

        // --- size_t, ssize_t, time_t, off_t
        num("hash-max-listpack-entries", "hash-max-ziplist-entries", MODIFIABLE, NumType.SIZE_T,
                ConfigValues.INTEGER, 0, LONG_MAX, 512);
        num("set-max-intset-entries", null, MODIFIABLE, NumType.SIZE_T, ConfigValues.INTEGER, 0, LONG_MAX, 512);
        num("zset-max-listpack-entries", "zset-max-ziplist-entries", MODIFIABLE, NumType.SIZE_T,
                ConfigValues.INTEGER, 0, LONG_MAX, 128);
        num("active-defrag-ignore-bytes", null, MODIFIABLE, NumType.SIZE_T, MEMORY, 1, LONG_MAX, 100L << 20);
        num("hash-max-listpack-value", "hash-max-ziplist-value", MODIFIABLE, NumType.SIZE_T, MEMORY, 0, LONG_MAX, 64);
        num("stream-node-max-bytes", null, MODIFIABLE, NumType.SIZE_T, MEMORY, 0, LONG_MAX, 4096);
        num("zset-max-listpack-value", "zset-max-ziplist-value", MODIFIABLE, NumType.SIZE_T, MEMORY, 0, LONG_MAX, 64);
        num("hll-sparse-max-bytes", null, MODIFIABLE, NumType.SIZE_T, MEMORY, 0, LONG_MAX, 3000);
        num("tracking-table-max-keys", null, MODIFIABLE, NumType.SIZE_T, ConfigValues.INTEGER, 0, LONG_MAX, 1000000);
        num("client-query-buffer-limit", null, MODIFIABLE, NumType.SIZE_T, MEMORY, 1024 * 1024, LONG_MAX, 1L << 30);
        num("maxmemory-clients", null, MODIFIABLE, NumType.SSIZE_T, MEMORY | PERCENT, -100, LONG_MAX, 0);
        num("repl-backlog-ttl", null, MODIFIABLE, NumType.TIME_T, ConfigValues.INTEGER, 0, LONG_MAX, 3600);
        num("auto-aof-rewrite-min-size", null, MODIFIABLE, NumType.OFF_T, MEMORY, 0, LONG_MAX, 64L << 20);
        num("loading-process-events-interval-bytes", null, MODIFIABLE | HIDDEN, NumType.OFF_T, ConfigValues.INTEGER,
                1024, INT_MAX, 2L << 20);

        // --- TLS (tls-port above)
        bool("tls-cluster", null, MODIFIABLE, false);
        bool("tls-replication", null, MODIFIABLE, false);
        enumeration("tls-auth-clients", null, MODIFIABLE, "yes", "no", "yes", "optional");
        bool("tls-prefer-server-ciphers", null, MODIFIABLE, false);
        bool("tls-session-caching", null, MODIFIABLE, true);
        // RedMesh additions, hidden as Redis hides its non-public directives (settable and readable
        // by exact name, not listed by CONFIG GET *): which TLS engine serves handshakes, and how
        // long (ms) a peer may take to finish one before it is closed.
        enumeration("tls-provider", null, MODIFIABLE | HIDDEN, "auto", "auto", "openssl", "jdk");
        num("tls-handshake-timeout", null, MODIFIABLE | HIDDEN, NumType.INT, ConfigValues.INTEGER, 1, INT_MAX, 10_000);
        // Which part of a verified client certificate names the ACL user the connection runs as
        // (tls/CertificateIdentity): off (Redis's behaviour), cn, or uri (a SPIFFE-style SAN).
        enumeration("tls-auth-clients-user", null, MODIFIABLE | HIDDEN, "off", "off", "cn", "uri");
        // The name (a DNS, IP or URI SAN, e.g. the mesh's spiffe id) a replica requires in its
        // master's certificate before it sends anything (AUTH included): Redis's later
        // tls-expected-peer-name (redis/redis#15492). Empty: any certificate of a trusted CA.
        str("tls-expected-peer-name", null, MODIFIABLE | HIDDEN, "");
        // With tls-replication, a replica makes no connection to its master while
        // tls-expected-peer-name is empty: an agent that names the master from the mesh sets it
        // before the node starts, so no first connection goes out unchecked (RedMesh's own).
        bool("tls-expected-peer-name-required", null, MODIFIABLE | HIDDEN, false);
        // Dual-channel full sync (Valkey 8, Redis 8's repl-rdb-channel): the RDB on a second
        // connection while the master buffers the stream. Off by default, for 7.0 peers.
        bool("repl-rdb-channel", null, MODIFIABLE | HIDDEN, false);
        // the certificate, key and CA files are VOLATILE_CONFIG: setting the same path re-reads it
        for (String n : List.of("tls-cert-file", "tls-key-file", "tls-client-cert-file", "tls-client-key-file",
                "tls-dh-params-file", "tls-ca-cert-file", "tls-ca-cert-dir")) {
            str(n, null, MODIFIABLE | VOLATILE, "");
        }
        for (String n : List.of("tls-key-file-pass", "tls-client-key-file-pass", "tls-protocols", "tls-ciphers",
                "tls-ciphersuites")) {
            str(n, null, MODIFIABLE, "");
        }

        // --- RedMesh additions: encryption at rest (persist/seal, docs/ENCRYPTION.md), hidden like
        // tls-provider so CONFIG GET * lists exactly Redis's names; settable and readable by name.
        bool("encryption-at-rest", null, MODIFIABLE | HIDDEN, false);
        str("encryption-key-file", null, MODIFIABLE | HIDDEN | VOLATILE, "");
        // persist/seal checks and normalises the kinds (Sealing.registerDirectives)
        special("encryption-seal", null, MODIFIABLE | HIDDEN | MULTI_ARG, "rdb aof temp", a -> String.join(" ", a));
        bool("encryption-load-plaintext", null, MODIFIABLE | HIDDEN, false);

        // --- RedMesh additions: the Prometheus endpoint (node/metrics), hidden like tls-provider.
        // Off (port 0) by default; bound to loopback unless an address is given.
        integer("metrics-port", null, MODIFIABLE | HIDDEN, 0, 65535, 0);
        // --- RedMesh addition: the most reply bytes one client may hold (command/OutputBufferLimits);
        // 0 is "automatic": an eighth of the heap, between 16 MB and 1 GB. Hidden like the others.
        num("client-reply-ceiling", null, MODIFIABLE | HIDDEN, NumType.LONG_LONG, MEMORY, 0, LONG_MAX, 0);
        // RedMesh: what one script may grow the heap by (0: an eighth of the heap); see script/ScriptMemory
        num("lua-memory-limit", null, MODIFIABLE | HIDDEN, NumType.LONG_LONG, MEMORY, 0, LONG_MAX, 0);
        // RedMesh: run scripts on the calling I/O thread (faster EVALSHA; -BUSY and SCRIPT KILL then
        // reach only clients of other I/O threads); see command/ScriptThread
        bool("lua-run-inline", null, MODIFIABLE | HIDDEN, false);
        // metrics/ checks that it is an address (NodeMetrics.registerDirectives)
        str("metrics-bind", null, MODIFIABLE | HIDDEN, "127.0.0.1");
        // --- RedMesh addition (redis/redis PR #15722's name): with TLS configured, a cluster bus
        // without tls-cluster is refused unless waived (tls/ClusterBusProtection). Hidden like the others.
        bool("cluster-bus-port-protected-mode", null, MODIFIABLE | HIDDEN, true);

        // --- special
        special("dir", null, MODIFIABLE | PROTECTED | DENY_LOADING, Path.of("").toAbsolutePath().toString(),
                ConfigSpecials::dir);
        special("save", null, MODIFIABLE | MULTI_ARG, "3600 1 300 100 60 10000", ConfigSpecials::save);
        ConfigParam[] cob = new ConfigParam[1];
        special("client-output-buffer-limit", null, MODIFIABLE | MULTI_ARG,
                "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
                a -> ConfigSpecials.clientOutputBufferLimit(a, (String) cob[0].value));
        cob[0] = config.param("client-output-buffer-limit");
        special("oom-score-adj-values", null, MODIFIABLE | MULTI_ARG, "0 200 800", ConfigSpecials::oomScoreAdjValues);
        special("notify-keyspace-events", null, MODIFIABLE, "", ConfigSpecials::notifyKeyspaceEvents);
        special("bind", null, MODIFIABLE | MULTI_ARG, "* -::*", ConfigSpecials::bind);
        special("replicaof", "slaveof", IMMUTABLE | MULTI_ARG, "", ConfigSpecials::replicaof);
        special("latency-tracking-info-percentiles", null, MODIFIABLE | MULTI_ARG, "50 99 99.9",
                ConfigSpecials::percentiles);
    }
}
