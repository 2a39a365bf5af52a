package io.redmesh.node.config;

import io.redmesh.node.util.GlobPattern;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Every configuration directive the node understands (declared in {@link ConfigDirectives} with
 * Redis 7.0's names, aliases, types and flags), and CONFIG GET/SET with Redis's semantics. The
 * config file, command-line arguments, CONFIG SET and CONFIG REWRITE all go through this table.
 */
public final class ServerConfig {
    /** Name or alias (lower case) to directive. */
    private final Map<String, ConfigParam> byName = new LinkedHashMap<>();
    private final List<ConfigParam> params = new ArrayList<>();
    /** The file the config was loaded from (CONFIG REWRITE target), or null. */
    private Path configFile;

    public ServerConfig() {
        ConfigDirectives.declareAll(this);
    }

    void add(ConfigParam p) {
        params.add(p);
        byName.put(p.name, p);
        if (p.alias != null) {
            byName.put(p.alias, p);
        }
    }

    // ------------------------------------------------------------------ access

    /** The directive named (or aliased) {@code name}, any case; null if there is none. */
    public ConfigParam param(String name) {
        return byName.get(name.toLowerCase(Locale.ROOT));
    }

    public Collection<ConfigParam> params() {
        return Collections.unmodifiableList(params);
    }

    /**
     * Sets an immutable directive's value from runtime state, no listener run: what CONFIG GET
     * and CONFIG REWRITE then show (replicaof after REPLICAOF, as Redis rewrites it).
     */
    public void record(String name, Object value) {
        param(name).value = value;
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

    /**
     * Replaces a declared directive's parser with the one of the package that owns it (its
     * checks and canonical form), so that config/ depends on nothing above it. It is used for the
     * file, the command line and CONFIG SET alike: register it before loading.
     */
    public void parser(String name, ConfigParam.Parser parser) {
        param(name).parser = parser;
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

    /**
     * A rule across directives, judged on the values they have together: after a CONFIG SET has
     * put every value of the command in place (so the order of its arguments does not matter)
     * and before any of them applies, and once the whole start-up configuration is read.
     */
    public interface Rule {
        /**
         * What is wrong, or null.
         *
         * @param changed the directives this CONFIG SET changes (canonical names); null at start-up
         */
        String problem(ServerConfig config, java.util.Set<String> changed);
    }

    private final List<Rule> rules = new ArrayList<>();

    public void rule(Rule r) {
        rules.add(r);
    }

    /** The first rule broken by the configuration as loaded (start-up), or null. */
    public String startupProblem() {
        for (Rule r : rules) {
            String problem = r.problem(this, null);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    /**
     * Sets a value while loading (file or command line): no mutability check, no listeners.
     * {@code args} are the words after the directive's name.
     */
    public void load(String name, List<String> args) {
        ConfigParam p = param(name);
        if (p == null) {
            throw new ConfigException("Bad directive or wrong number of arguments");
        }
        if (!p.multiArg && args.size() != 1) {
            throw new ConfigException("wrong number of arguments");
        }
        p.value = p.parser.parse(args);
    }

    /** Calls every listener once with the loaded values (start-up). */
    public void applyAll() {
        for (ConfigParam p : params) {
            p.onChange.accept(p.value);
        }
    }

    // ------------------------------------------------------------------ CONFIG SET

    /** An error for the CONFIG SET reply: the message follows "ERR ". */
    public static final class ConfigSetError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ConfigSetError(String message) {
            super(message, null, false, false);
        }
    }

    /** What CONFIG SET needs to know about the connection asking (protected configs). */
    public interface Caller {
        /** Whether a PROTECTED directive may be changed (enable-protected-configs). */
        boolean protectedAllowed(String enableProtectedConfigs);
    }

    /**
     * CONFIG SET of several directives at once, all or nothing, as Redis 7.0's configSetCommand:
     * names are checked first (the first unknown, immutable, protected or duplicate one is
     * reported); then all values are parsed and set, restoring the old ones if any fails; then
     * the changed directives' listeners run, a failing listener rolling everything back. An alias
     * counts as its own name (so "hash-max-ziplist-entries" and "hash-max-listpack-entries" are
     * not duplicates, as in Redis).
     */
    public void set(List<String[]> pairs, Caller caller) {
        List<ConfigParam> targets = new ArrayList<>();
        List<String> entryNames = new ArrayList<>();
        for (String[] kv : pairs) {
            ConfigParam p = param(kv[0]);
            if (p == null) {
                throw new ConfigSetError("Unknown option or number of arguments for CONFIG SET - '" + kv[0] + "'");
            }
            if (!p.mutable || (p.has(ConfigParam.PROTECTED)
                    && !caller.protectedAllowed(getString("enable-protected-configs")))) {
                throw new ConfigSetError("CONFIG SET failed (possibly related to argument '" + kv[0] + "') - "
                        + (p.mutable ? "can't set protected config" : "can't set immutable config"));
            }
            String entry = kv[0].toLowerCase(Locale.ROOT);
            if (entryNames.contains(entry)) {
                throw new ConfigSetError("CONFIG SET failed (possibly related to argument '" + kv[0]
                        + "') - duplicate parameter");
            }
            targets.add(p);
            entryNames.add(entry);
        }
        List<Object> old = new ArrayList<>();
        for (ConfigParam p : targets) {
            old.add(p.value);
        }
        for (int i = 0; i < targets.size(); i++) {
            ConfigParam p = targets.get(i);
            try {
                Object v = p.parser.parse(p.multiArg ? splitOnSpaces(pairs.get(i)[1]) : List.of(pairs.get(i)[1]));
                p.validator.accept(v);
                p.value = v;
            } catch (ConfigException e) {
                for (int j = 0; j <= i; j++) {
                    targets.get(j).value = old.get(j);
                }
                throw new ConfigSetError("CONFIG SET failed (possibly related to argument '" + entryNames.get(i)
                        + "') - " + e.getMessage());
            }
        }
        java.util.Set<String> changedNames = new java.util.HashSet<>();
        for (int i = 0; i < targets.size(); i++) {
            if (changed(targets.get(i), old.get(i))) {
                changedNames.add(targets.get(i).name);
            }
        }
        for (Rule r : rules) {
            String problem = changedNames.isEmpty() ? null : r.problem(this, changedNames);
            if (problem != null) {
                for (int j = 0; j < targets.size(); j++) {
                    targets.get(j).value = old.get(j);
                }
                String named = entryNames.get(0);
                for (int j = targets.size() - 1; j >= 0; j--) {
                    if (changedNames.contains(targets.get(j).name)) {
                        named = entryNames.get(j); // the first changed argument
                    }
                }
                throw new ConfigSetError("CONFIG SET failed (possibly related to argument '" + named + "') - " + problem);
            }
        }
        for (int i = 0; i < targets.size(); i++) {
            ConfigParam p = targets.get(i);
            if (!changed(p, old.get(i)) || targets.indexOf(p) != i) {
                continue; // unchanged: Redis skips the apply function too
            }
            try {
                p.onChange.accept(p.value);
            } catch (ConfigException e) {
                for (int j = 0; j < targets.size(); j++) {
                    ConfigParam q = targets.get(j);
                    Object attempted = q.value;
                    q.value = old.get(j);
                    if (j < i && (q.has(ConfigParam.VOLATILE) || !Objects.equals(attempted, old.get(j)))) {
                        q.onChange.accept(q.value);
                    }
                }
                throw new ConfigSetError("CONFIG SET failed (possibly related to argument '" + entryNames.get(i)
                        + "') - " + e.getMessage());
            }
        }
        runApplySteps(targets, entryNames, old);
    }

    /** Whether setting {@code p} from {@code old} is a change (always, for a VOLATILE directive). */
    private static boolean changed(ConfigParam p, Object old) {
        return p.has(ConfigParam.VOLATILE) || !Objects.equals(p.value, old);
    }

    /** The shared apply steps of the changed directives, once each, rolling back on failure. */
    private void runApplySteps(List<ConfigParam> targets, List<String> entryNames, List<Object> old) {
        List<Runnable> applies = new ArrayList<>();
        List<String> applyArgs = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            Runnable a = targets.get(i).apply;
            if (a != null && !applies.contains(a) && changed(targets.get(i), old.get(i))) {
                applies.add(a);
                applyArgs.add(entryNames.get(i));
            }
        }
        for (int k = 0; k < applies.size(); k++) {
            try {
                applies.get(k).run();
            } catch (ConfigException e) {
                for (int j = 0; j < targets.size(); j++) {
                    Object attempted = targets.get(j).value;
                    targets.get(j).value = old.get(j);
                    if (!Objects.equals(attempted, old.get(j))) {
                        targets.get(j).onChange.accept(old.get(j));
                    }
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

    /** CONFIG SET with no caller restrictions (start-up code, tests). */
    public void set(List<String[]> pairs) {
        set(pairs, mode -> true);
    }

    /** sdssplitlen(value, " "): single spaces separate, so "a  b" has an empty word; "" has none. */
    static List<String> splitOnSpaces(String s) {
        List<String> out = new ArrayList<>();
        if (s.isEmpty()) {
            return out;
        }
        int start = 0;
        for (int i = 0; i <= s.length(); i++) {
            if (i == s.length() || s.charAt(i) == ' ') {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ CONFIG GET

    /**
     * CONFIG GET: for a plain name, that directive (hidden ones included) under the name as
     * given; for a glob (any case), every visible name or alias matching. Names are deduplicated
     * case-insensitively. The order is unspecified, as in Redis (a hash table's).
     */
    public Map<String, String> get(List<String> patterns) {
        Map<String, String> out = new LinkedHashMap<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String pat : patterns) {
            boolean glob = pat.indexOf('*') >= 0 || pat.indexOf('?') >= 0 || pat.indexOf('[') >= 0;
            if (!glob) {
                ConfigParam p = param(pat);
                if (p != null && seen.add(pat.toLowerCase(Locale.ROOT))) {
                    out.put(pat, p.render());
                }
                continue;
            }
            GlobPattern matcher = GlobPattern.compileIgnoreCase(
                    pat.getBytes(StandardCharsets.ISO_8859_1));
            for (Map.Entry<String, ConfigParam> e : byName.entrySet()) {
                if (e.getValue().hidden || seen.contains(e.getKey())) {
                    continue;
                }
                if (matcher.matches(e.getKey().getBytes(StandardCharsets.ISO_8859_1))) {
                    seen.add(e.getKey());
                    out.put(e.getKey(), e.getValue().render());
                }
            }
        }
        return out;
    }

    private final List<String[]> commandRenames = new ArrayList<>();

    /** rename-command from the config file: (old name, new name or "" to disable). */
    public void renameCommand(String from, String to) {
        commandRenames.add(new String[] {from, to});
    }

    public List<String[]> commandRenames() {
        return Collections.unmodifiableList(commandRenames);
    }

    private final List<List<String>> userLines = new ArrayList<>();

    /** A "user name rules..." directive (without the keyword), for the ACL layer to load. */
    public void addUserLine(List<String> argv) {
        userLines.add(List.copyOf(argv));
    }

    public List<List<String>> userLines() {
        return Collections.unmodifiableList(userLines);
    }

    public Path configFile() {
        return configFile;
    }

    public void configFile(Path p) {
        configFile = p;
    }

    private io.redmesh.node.spi.SentinelMode sentinel;

    /**
     * Sentinel mode (redis-server --sentinel): initSentinelConfig()'s values (port 26379,
     * protected-mode no) replace the defaults' current values, and {@code sentinel} lines go to
     * the module while the file is read.
     */
    public void sentinelMode(io.redmesh.node.spi.SentinelMode module) {
        this.sentinel = module;
        param("port").value = 26379L;
        param("protected-mode").value = Boolean.FALSE;
    }

    /** The sentinel module in sentinel mode, else null. */
    public io.redmesh.node.spi.SentinelMode sentinelMode() {
        return sentinel;
    }
}
