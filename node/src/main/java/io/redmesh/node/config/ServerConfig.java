package io.redmesh.node.config;

import io.redmesh.node.util.Glob;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Every configuration directive the node understands, declared once with Redis 7.0's name,
 * aliases, default, range and mutability (Redis's config.c table). CONFIG GET/SET/REWRITE, the
 * config file and command-line arguments all go through this table.
 *
 * <p>Directives that belong to parts not built yet (replication, cluster, persistence) are
 * declared here so that config files written for Redis load unchanged; their values are kept for
 * those parts.
 */
public final class ServerConfig {
    private final Map<String, ConfigParam> byName = new LinkedHashMap<>();
    private final List<ConfigParam> params = new ArrayList<>();
    /** The file the config was loaded from (CONFIG REWRITE target), or null. */
    private Path configFile;

    public ServerConfig() {
        declareAll();
    }

    // ------------------------------------------------------------------ declaration DSL

    private static final boolean MUTABLE = true;
    private static final boolean IMMUTABLE = false;

    private ConfigParam add(ConfigParam p) {
        params.add(p);
        byName.put(p.name, p);
        for (String a : p.aliases) {
            byName.put(a, p);
        }
        return p;
    }

    private static List<String> names(String... aliases) {
        return Arrays.asList(aliases);
    }

    private ConfigParam bool(String name, boolean def, boolean mutable, String... aliases) {
        return add(new ConfigParam(name, names(aliases), a -> ConfigValues.parseBool(single(a)),
                ConfigValues::renderBool, mutable, false, def, false));
    }

    private ConfigParam num(String name, long def, long min, long max, boolean mutable, String... aliases) {
        return add(new ConfigParam(name, names(aliases), a -> ConfigValues.parseInt(single(a), min, max),
                String::valueOf, mutable, false, def, false));
    }

    private ConfigParam mem(String name, long def, long min, long max, boolean mutable, String... aliases) {
        return add(new ConfigParam(name, names(aliases), a -> ConfigValues.parseMemory(single(a), min, max),
                String::valueOf, mutable, false, def, false));
    }

    private ConfigParam str(String name, String def, boolean mutable, String... aliases) {
        return add(new ConfigParam(name, names(aliases), ServerConfig::single, v -> v == null ? "" : (String) v,
                mutable, false, def, false));
    }

    private ConfigParam secret(String name, boolean mutable) {
        // Redis's SENSITIVE_CONFIG: readable through CONFIG GET, never written to logs.
        return add(new ConfigParam(name, names(), ServerConfig::single, v -> v == null ? "" : (String) v,
                mutable, false, "", false));
    }

    private ConfigParam enumeration(String name, String def, boolean mutable, List<String> allowed, String... aliases) {
        return add(new ConfigParam(name, names(aliases), a -> ConfigValues.parseEnum(single(a), allowed),
                v -> (String) v, mutable, false, def, false));
    }

    /** A directive whose value is all its words joined by spaces (save, bind ...). */
    private ConfigParam words(String name, String def, boolean mutable, ConfigParam.Parser parser) {
        return add(new ConfigParam(name, names(), parser, v -> (String) v, mutable, true, def, false));
    }

    private ConfigParam hidden(ConfigParam p) {
        ConfigParam h = new ConfigParam(p.name, p.aliases, p.parser, p.renderer, p.mutable, p.multiArg,
                p.defaultValue, true);
        params.set(params.indexOf(p), h);
        byName.put(p.name, h);
        for (String a : p.aliases) {
            byName.put(a, h);
        }
        return h;
    }

    private static String single(List<String> a) {
        if (a.size() != 1) {
            throw new ConfigException("wrong number of arguments");
        }
        return a.get(0);
    }

    private static final List<String> YES_NO_OPTIONAL = List.of("no", "yes", "optional");
    private static final long INT_MAX = Integer.MAX_VALUE;
    private static final long LONG_MAX = Long.MAX_VALUE;

    private void declareAll() {
        // --- network
        words("bind", "* -::*", MUTABLE, a -> {
            if (a.isEmpty() || a.size() > 16) {
                throw new ConfigException("Too many bind addresses specified.");
            }
            return String.join(" ", a);
        });
        str("bind-source-addr", "", MUTABLE);
        bool("protected-mode", true, MUTABLE);
        num("port", 6379, 0, 65535, MUTABLE);
        num("tcp-backlog", 511, 0, INT_MAX, IMMUTABLE);
        str("unixsocket", "", IMMUTABLE);
        add(new ConfigParam("unixsocketperm", names(), a -> {
            try {
                long v = Long.parseLong(single(a), 8);
                ConfigValues.checkRange(v, 0, 0777);
                return v;
            } catch (NumberFormatException e) {
                throw new ConfigException("argument couldn't be parsed into an integer");
            }
        }, v -> Long.toOctalString((Long) v), IMMUTABLE, false, 0L, false));
        str("socket-mark-id", "0", IMMUTABLE);
        num("timeout", 0, 0, INT_MAX, MUTABLE);
        num("tcp-keepalive", 300, 0, INT_MAX, MUTABLE);
        num("maxclients", 10000, 1, INT_MAX, MUTABLE);
        mem("client-query-buffer-limit", 1L << 30, 1024 * 1024, LONG_MAX, MUTABLE);
        mem("proto-max-bulk-len", 512L << 20, 1024 * 1024, LONG_MAX, MUTABLE);
        num("io-threads", 1, 1, 128, IMMUTABLE);
        bool("io-threads-do-reads", false, IMMUTABLE);
        words("client-output-buffer-limit",
                "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60", MUTABLE,
                ServerConfig::parseClientOutputBufferLimit);
        mem("maxmemory-clients", 0, 0, LONG_MAX, MUTABLE);

        // --- TLS (tls-replication and tls-cluster are kept for the parts that use them)
        num("tls-port", 0, 0, 65535, MUTABLE);
        str("tls-cert-file", "", MUTABLE);
        str("tls-key-file", "", MUTABLE);
        secret("tls-key-file-pass", MUTABLE);
        str("tls-client-cert-file", "", MUTABLE);
        str("tls-client-key-file", "", MUTABLE);
        secret("tls-client-key-file-pass", MUTABLE);
        str("tls-dh-params-file", "", MUTABLE);
        str("tls-ca-cert-file", "", MUTABLE);
        str("tls-ca-cert-dir", "", MUTABLE);
        add(new ConfigParam("tls-auth-clients", names(), a -> ConfigValues.parseEnum(single(a), YES_NO_OPTIONAL),
                v -> (String) v, MUTABLE, false, "yes", false));
        bool("tls-replication", false, MUTABLE);
        bool("tls-cluster", false, MUTABLE);
        str("tls-protocols", "", MUTABLE);
        str("tls-ciphers", "", MUTABLE);
        str("tls-ciphersuites", "", MUTABLE);
        bool("tls-prefer-server-ciphers", false, MUTABLE);
        bool("tls-session-caching", true, MUTABLE);
        num("tls-session-cache-size", 20 * 1024, 0, INT_MAX, MUTABLE);
        num("tls-session-cache-timeout", 300, 0, INT_MAX, MUTABLE);
        // RedMesh additions, hidden as Redis hides its non-public directives (settable and
        // readable by exact name, not listed by CONFIG GET *): which TLS engine serves
        // handshakes, and how long (ms) a peer may take to finish one before it is closed.
        hidden(enumeration("tls-provider", "auto", MUTABLE, List.of("auto", "openssl", "jdk")));
        hidden(num("tls-handshake-timeout", 10_000, 1, INT_MAX, MUTABLE));

        // --- general
        bool("daemonize", false, IMMUTABLE);
        enumeration("supervised", "no", IMMUTABLE, List.of("upstart", "systemd", "auto", "no"));
        str("pidfile", "", IMMUTABLE);
        enumeration("loglevel", "notice", MUTABLE, List.of("debug", "verbose", "notice", "warning"));
        str("logfile", "", IMMUTABLE);
        bool("syslog-enabled", false, IMMUTABLE);
        str("syslog-ident", "redis", IMMUTABLE);
        enumeration("syslog-facility", "local0", IMMUTABLE,
                List.of("user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"));
        bool("crash-log-enabled", true, MUTABLE);
        bool("crash-memcheck-enabled", true, MUTABLE);
        num("databases", 16, 1, INT_MAX, IMMUTABLE);
        bool("always-show-logo", false, IMMUTABLE);
        bool("set-proc-title", true, IMMUTABLE);
        str("proc-title-template", "{title} {listen-addr} {server-mode}", MUTABLE);
        num("hz", 10, 0, INT_MAX, MUTABLE);
        bool("dynamic-hz", true, MUTABLE);
        bool("enable-protected-configs", false, IMMUTABLE);
        enumeration("enable-debug-command", "no", IMMUTABLE, YES_NO_OPTIONAL_LOCAL);
        enumeration("enable-module-command", "no", IMMUTABLE, YES_NO_OPTIONAL_LOCAL);
        num("shutdown-timeout", 10, 0, INT_MAX, MUTABLE);
        str("shutdown-on-sigint", "default", MUTABLE);
        str("shutdown-on-sigterm", "default", MUTABLE);
        num("busy-reply-threshold", 5000, 0, LONG_MAX, MUTABLE, "lua-time-limit");

        // --- snapshotting and AOF (kept for the persistence issue)
        words("save", "3600 1 300 100 60 10000", MUTABLE, ServerConfig::parseSave);
        bool("stop-writes-on-bgsave-error", true, MUTABLE);
        bool("rdbcompression", true, MUTABLE);
        bool("rdbchecksum", true, IMMUTABLE);
        enumeration("sanitize-dump-payload", "no", MUTABLE, List.of("no", "yes", "clients"));
        str("dbfilename", "dump.rdb", MUTABLE);
        bool("rdb-del-sync-files", false, MUTABLE);
        str("dir", Path.of("").toAbsolutePath().toString(), MUTABLE);
        bool("appendonly", false, MUTABLE);
        str("appendfilename", "appendonly.aof", IMMUTABLE);
        str("appenddirname", "appendonlydir", IMMUTABLE);
        enumeration("appendfsync", "everysec", MUTABLE, List.of("always", "everysec", "no"));
        bool("no-appendfsync-on-rewrite", false, MUTABLE);
        num("auto-aof-rewrite-percentage", 100, 0, INT_MAX, MUTABLE);
        mem("auto-aof-rewrite-min-size", 64L << 20, 0, LONG_MAX, MUTABLE);
        bool("aof-load-truncated", true, MUTABLE);
        bool("aof-use-rdb-preamble", true, MUTABLE);
        bool("aof-timestamp-enabled", false, MUTABLE);
        bool("aof-rewrite-incremental-fsync", true, MUTABLE);
        bool("rdb-save-incremental-fsync", true, MUTABLE);

        // --- replication (kept for the replication issue)
        str("replicaof", "", MUTABLE, "slaveof");
        secret("masterauth", MUTABLE);
        str("masteruser", "", MUTABLE);
        bool("replica-serve-stale-data", true, MUTABLE, "slave-serve-stale-data");
        bool("replica-read-only", true, MUTABLE, "slave-read-only");
        bool("repl-diskless-sync", true, MUTABLE);
        num("repl-diskless-sync-delay", 5, 0, INT_MAX, MUTABLE);
        num("repl-diskless-sync-max-replicas", 0, 0, INT_MAX, MUTABLE);
        enumeration("repl-diskless-load", "disabled", MUTABLE, List.of("disabled", "on-empty-db", "swapdb"));
        num("repl-ping-replica-period", 10, 1, INT_MAX, MUTABLE, "repl-ping-slave-period");
        num("repl-timeout", 60, 1, INT_MAX, MUTABLE);
        bool("repl-disable-tcp-nodelay", false, MUTABLE);
        mem("repl-backlog-size", 1L << 20, 1, LONG_MAX, MUTABLE);
        num("repl-backlog-ttl", 3600, 0, INT_MAX, MUTABLE);
        num("replica-priority", 100, 0, INT_MAX, MUTABLE, "slave-priority");
        bool("replica-announced", true, MUTABLE);
        num("min-replicas-to-write", 0, 0, INT_MAX, MUTABLE, "min-slaves-to-write");
        num("min-replicas-max-lag", 10, 0, INT_MAX, MUTABLE, "min-slaves-max-lag");
        str("replica-announce-ip", "", MUTABLE, "slave-announce-ip");
        num("replica-announce-port", 0, 0, 65535, MUTABLE, "slave-announce-port");
        bool("replica-lazy-flush", false, MUTABLE, "slave-lazy-flush");
        bool("replica-ignore-maxmemory", true, MUTABLE, "slave-ignore-maxmemory");
        enumeration("propagation-error-behavior", "ignore", MUTABLE, List.of("ignore", "panic", "panic-on-replicas"));
        bool("replica-ignore-disk-write-errors", false, MUTABLE);

        // --- cluster (kept for the cluster issue)
        bool("cluster-enabled", false, IMMUTABLE);
        str("cluster-config-file", "nodes.conf", IMMUTABLE);
        num("cluster-node-timeout", 15000, 0, LONG_MAX, MUTABLE);
        num("cluster-port", 0, 0, 65535, IMMUTABLE);

        // --- security
        secret("requirepass", MUTABLE);
        str("aclfile", "", IMMUTABLE);
        num("acllog-max-len", 128, 0, LONG_MAX, MUTABLE);
        enumeration("acl-pubsub-default", "resetchannels", MUTABLE, List.of("allchannels", "resetchannels"));

        // --- memory
        mem("maxmemory", 0, 0, LONG_MAX, MUTABLE);
        enumeration("maxmemory-policy", "noeviction", MUTABLE, List.of("volatile-lru", "volatile-lfu",
                "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"));
        num("maxmemory-samples", 5, 1, 255, MUTABLE);
        num("maxmemory-eviction-tenacity", 10, 0, 100, MUTABLE);
        num("lfu-log-factor", 10, 0, INT_MAX, MUTABLE);
        num("lfu-decay-time", 1, 0, INT_MAX, MUTABLE);
        num("active-expire-effort", 1, 1, 10, MUTABLE);
        bool("lazyfree-lazy-eviction", false, MUTABLE);
        bool("lazyfree-lazy-expire", false, MUTABLE);
        bool("lazyfree-lazy-server-del", false, MUTABLE);
        bool("lazyfree-lazy-user-del", false, MUTABLE);
        bool("lazyfree-lazy-user-flush", false, MUTABLE);
        bool("activerehashing", true, MUTABLE);
        bool("activedefrag", false, MUTABLE);
        bool("jemalloc-bg-thread", true, MUTABLE);
        enumeration("oom-score-adj", "no", MUTABLE, List.of("no", "yes", "relative", "absolute"));
        str("oom-score-adj-values", "0 200 800", MUTABLE);
        bool("disable-thp", true, IMMUTABLE);

        // --- encodings
        num("hash-max-listpack-entries", 128, 0, LONG_MAX, MUTABLE, "hash-max-ziplist-entries");
        num("hash-max-listpack-value", 64, 0, LONG_MAX, MUTABLE, "hash-max-ziplist-value");
        num("list-max-listpack-size", -2, INT_MIN, INT_MAX, MUTABLE, "list-max-ziplist-size");
        num("list-compress-depth", 0, 0, INT_MAX, MUTABLE);
        num("set-max-intset-entries", 512, 0, LONG_MAX, MUTABLE);
        num("zset-max-listpack-entries", 128, 0, LONG_MAX, MUTABLE, "zset-max-ziplist-entries");
        num("zset-max-listpack-value", 64, 0, LONG_MAX, MUTABLE, "zset-max-ziplist-value");
        mem("hll-sparse-max-bytes", 3000, 0, LONG_MAX, MUTABLE);
        mem("stream-node-max-bytes", 4096, 0, LONG_MAX, MUTABLE);
        num("stream-node-max-entries", 100, 0, LONG_MAX, MUTABLE);

        // --- diagnostics
        num("slowlog-log-slower-than", 10000, -1, LONG_MAX, MUTABLE);
        num("slowlog-max-len", 128, 0, LONG_MAX, MUTABLE);
        num("latency-monitor-threshold", 0, 0, LONG_MAX, MUTABLE);
        bool("latency-tracking", true, MUTABLE);
        str("latency-tracking-info-percentiles", "50 99 99.9", MUTABLE);
        str("notify-keyspace-events", "", MUTABLE);
        num("tracking-table-max-keys", 1000000, 0, LONG_MAX, MUTABLE);
    }

    private static final long INT_MIN = Integer.MIN_VALUE;
    private static final List<String> YES_NO_OPTIONAL_LOCAL = List.of("no", "yes", "local");

    private static Object parseSave(List<String> a) {
        if (a.size() == 1 && a.get(0).isEmpty()) {
            return "";
        }
        if (a.size() % 2 != 0) {
            throw new ConfigException("Invalid save parameters");
        }
        List<String> out = new ArrayList<>();
        for (String s : a) {
            try {
                long v = Long.parseLong(s);
                if (v < 0) {
                    throw new NumberFormatException();
                }
                out.add(Long.toString(v));
            } catch (NumberFormatException e) {
                throw new ConfigException("Invalid save parameters");
            }
        }
        return String.join(" ", out);
    }

    private static Object parseClientOutputBufferLimit(List<String> a) {
        if (a.size() % 4 != 0) {
            throw new ConfigException("Wrong number of arguments in buffer limit configuration.");
        }
        Map<String, String> classes = new LinkedHashMap<>();
        classes.put("normal", "0 0 0");
        classes.put("slave", "268435456 67108864 60");
        classes.put("pubsub", "33554432 8388608 60");
        for (int i = 0; i < a.size(); i += 4) {
            String cls = a.get(i).toLowerCase(Locale.ROOT);
            if (cls.equals("replica")) {
                cls = "slave";
            }
            if (!classes.containsKey(cls)) {
                throw new ConfigException("Invalid client class specified in buffer limit configuration.");
            }
            long hard = ConfigValues.parseMemoryOrMinus1(a.get(i + 1));
            long soft = ConfigValues.parseMemoryOrMinus1(a.get(i + 2));
            long secs;
            try {
                secs = Long.parseLong(a.get(i + 3));
            } catch (NumberFormatException e) {
                secs = -1;
            }
            if (hard < 0 || soft < 0 || secs < 0) {
                throw new ConfigException("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
            }
            classes.put(cls, hard + " " + soft + " " + secs);
        }
        StringBuilder sb = new StringBuilder();
        classes.forEach((k, v) -> {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(k).append(' ').append(v);
        });
        return sb.toString();
    }

    // ------------------------------------------------------------------ access

    public ConfigParam param(String name) {
        return byName.get(name.toLowerCase(Locale.ROOT));
    }

    public Collection<ConfigParam> params() {
        return Collections.unmodifiableList(params);
    }

    public Object get(String name) {
        return param(name).value;
    }

    public String getString(String name) {
        return (String) get(name);
    }

    public long getLong(String name) {
        return (Long) get(name);
    }

    public int getInt(String name) {
        return (int) getLong(name);
    }

    public boolean getBool(String name) {
        return (Boolean) get(name);
    }

    /** Registers a reaction to a directive's changes (CONFIG SET and start-up loading). */
    public void onChange(String name, Consumer<Object> listener) {
        ConfigParam p = param(name);
        Consumer<Object> prev = p.onChange;
        p.onChange = v -> {
            prev.accept(v);
            listener.accept(v);
        };
    }

    /** Registers a check run before a CONFIG SET takes effect; it throws ConfigException to refuse. */
    public void validator(String name, Consumer<Object> check) {
        ConfigParam p = param(name);
        Consumer<Object> prev = p.validator;
        p.validator = v -> {
            prev.accept(v);
            check.accept(v);
        };
    }

    /**
     * Registers one apply step shared by several directives (Redis's apply functions): CONFIG SET
     * runs it once, after every value of the command is in place, so related directives (a new
     * certificate and its key) change together. It throws ConfigException to refuse; the old
     * values are then restored and the steps that had already run run again with them.
     */
    public void onApply(List<String> names, Runnable apply) {
        for (String n : names) {
            param(n).apply = apply;
        }
    }

    /** Sets a value while loading (file or command line): no mutability check, no listeners. */
    public void load(String name, List<String> args) {
        ConfigParam p = param(name);
        if (p == null) {
            throw new ConfigException("Bad directive or wrong number of arguments");
        }
        p.value = p.parser.parse(args);
    }

    /** Calls every listener once with the loaded values (start-up). */
    public void applyAll() {
        for (ConfigParam p : params) {
            p.onChange.accept(p.value);
        }
    }

    /**
     * CONFIG SET of several directives at once, all or nothing, as Redis 7 does: every value is
     * parsed and validated first; then applied in order; if applying one fails, the ones already
     * applied are restored. Throws ConfigException naming the culprit in Redis's wording.
     */
    public void set(List<String[]> pairs) {
        List<ConfigParam> targets = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        for (String[] kv : pairs) {
            ConfigParam p = param(kv[0]);
            if (p == null) {
                throw new ConfigSetError("Unknown option or number of arguments for CONFIG SET - '" + kv[0] + "'");
            }
            if (!p.mutable) {
                throw new ConfigSetError("CONFIG SET failed (possibly related to argument '" + kv[0]
                        + "') - can't set immutable config");
            }
            if (targets.contains(p)) {
                throw new ConfigSetError("CONFIG SET failed (possibly related to argument '" + kv[0]
                        + "') - duplicate parameter");
            }
            Object v;
            try {
                v = p.parser.parse(p.multiArg ? splitWords(kv[1]) : List.of(kv[1]));
                p.validator.accept(v);
            } catch (ConfigException e) {
                throw new ConfigSetError("CONFIG SET failed (possibly related to argument '" + kv[0] + "') - "
                        + e.getMessage());
            }
            targets.add(p);
            values.add(v);
        }
        List<Object> old = new ArrayList<>();
        for (ConfigParam p : targets) {
            old.add(p.value);
        }
        for (int i = 0; i < targets.size(); i++) {
            ConfigParam p = targets.get(i);
            p.value = values.get(i);
            try {
                p.onChange.accept(p.value);
            } catch (ConfigException e) {
                for (int j = 0; j <= i; j++) {
                    targets.get(j).value = old.get(j);
                    if (j < i) {
                        targets.get(j).onChange.accept(old.get(j));
                    }
                }
                throw new ConfigSetError("CONFIG SET failed (possibly related to argument '" + pairs.get(i)[0]
                        + "') - " + e.getMessage());
            }
        }
        List<Runnable> applies = new ArrayList<>();
        List<String> applyArgs = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            Runnable a = targets.get(i).apply;
            if (a != null && !applies.contains(a)) {
                applies.add(a);
                applyArgs.add(pairs.get(i)[0]);
            }
        }
        for (int k = 0; k < applies.size(); k++) {
            try {
                applies.get(k).run();
            } catch (ConfigException e) {
                for (int j = 0; j < targets.size(); j++) {
                    targets.get(j).value = old.get(j);
                    targets.get(j).onChange.accept(old.get(j));
                }
                for (int j = 0; j < k; j++) {
                    try {
                        applies.get(j).run();
                    } catch (ConfigException ignored) {
                        // restoring what was in force before: nothing better to do
                    }
                }
                throw new ConfigSetError("CONFIG SET failed (possibly related to argument '" + applyArgs.get(k)
                        + "') - " + e.getMessage());
            }
        }
    }

    /** An error for the CONFIG SET reply: the message follows "ERR ". */
    public static final class ConfigSetError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ConfigSetError(String message) {
            super(message, null, false, false);
        }
    }

    private static List<String> splitWords(String s) {
        String t = s.trim();
        if (t.isEmpty()) {
            return List.of("");
        }
        return Arrays.asList(t.split("\\s+"));
    }

    /** CONFIG GET: name/value pairs of every visible directive matching any of the globs. */
    public Map<String, String> get(List<String> patterns) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pat : patterns) {
            byte[] pb = pat.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
            boolean glob = pat.indexOf('*') >= 0 || pat.indexOf('?') >= 0 || pat.indexOf('[') >= 0;
            if (!glob) {
                ConfigParam p = param(pat);
                if (p != null) { // hidden directives answer an exact name, as in Redis
                    out.put(pat.toLowerCase(Locale.ROOT), p.render());
                }
                continue;
            }
            for (Map.Entry<String, ConfigParam> e : byName.entrySet()) {
                if (e.getValue().hidden) {
                    continue;
                }
                if (Glob.match(pb, e.getKey().getBytes(StandardCharsets.UTF_8))) {
                    out.put(e.getKey(), e.getValue().render());
                }
            }
        }
        return out;
    }

    public Path configFile() {
        return configFile;
    }

    public void configFile(Path p) {
        configFile = p;
    }
}
