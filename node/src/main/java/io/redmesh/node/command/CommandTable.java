package io.redmesh.node.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The command table: every command's declaration (arity, flags, ACL categories, key specs, docs)
 * read from {@code redmesh/commands.json}, which is Redis 7.0's own command metadata (see
 * tools/gen-command-table.py), joined with the handlers that {@link CommandFamily}s bind by name.
 * A declared command without a handler is not in the table: clients get "unknown command", as
 * they would from a Redis built without it.
 */
public final class CommandTable {
    public static final String RESOURCE = "/redmesh/commands.json";
    /** Declarations RedMesh adds beyond Redis 7.0 (e.g. CLIENT SETINFO from 7.2), same shape. */
    public static final String EXTRA_RESOURCE = "/redmesh/commands-extra.json";
    /** Redis 7.0's sentinel-mode table (tools/gen-command-table.py --sentinel): what a sentinel serves. */
    public static final String SENTINEL_RESOURCE = "/redmesh/commands-sentinel.json";
    /** In sentinel mode, the full names the sentinel table serves; null otherwise. */
    private java.util.Set<String> sentinelVisible;

    private final Map<String, CommandSpec> commands = new LinkedHashMap<>();
    private final List<CommandSpec> byId = new ArrayList<>();
    /** Every declared top-level command, as Redis's orig_commands (ACL works on this table). */
    private final List<CommandSpec> declaredTops = new ArrayList<>();
    private final Map<String, CommandSpec> declaredByName = new HashMap<>();
    private int aclIdCount;
    private final String redisVersion;

    /**
     * The built-ins Redis's sentinel implements its own way (sentinelPublishCommand: only hello
     * messages): in sentinel mode the sentinel module binds them after the built-in families, and
     * that second binding replaces the first. No other command may be bound twice.
     */
    private static final java.util.Set<String> SENTINEL_REIMPLEMENTS = java.util.Set.of("publish");

    /** Lets a family bind handlers; unknown names are a programming error and fail loudly. */
    public final class Binder {
        private final Map<String, CommandSpec> declared;

        Binder(Map<String, CommandSpec> declared) {
            this.declared = declared;
        }

        /**
         * Binds a handler to "name" or "container|sub", once: a second binding (a module naming a
         * built-in, two parts implementing one command) would silently replace the first and the
         * checks it makes, so it is refused, as Redis refuses a module command whose name exists.
         */
        public Binder bind(String fullName, CommandHandler h) {
            CommandSpec s = declared.get(fullName.toLowerCase(Locale.ROOT));
            if (s == null) {
                throw new IllegalArgumentException("command not declared in the table: " + fullName);
            }
            if (s.handler != null && !(sentinelMode() && SENTINEL_REIMPLEMENTS.contains(s.fullName))) {
                throw new IllegalArgumentException("command already implemented: " + fullName);
            }
            s.handler = h;
            return this;
        }

        /** Gives "name" a key finder for what its key specs leave variable (Redis's getkeys_proc). */
        public Binder getkeys(String fullName, KeyExtractor.GetKeysProc proc) {
            CommandSpec s = declared.get(fullName.toLowerCase(Locale.ROOT));
            if (s == null) {
                throw new IllegalArgumentException("command not declared in the table: " + fullName);
            }
            s.getkeys = proc;
            return this;
        }
    }

    private CommandTable(String redisVersion) {
        this.redisVersion = redisVersion;
    }

    /** Loads the declarations and binds the given families. */
    public static CommandTable load(Collection<? extends CommandFamily> families) {
        return load(families, false);
    }

    /**
     * Loads the declarations and binds the given families; in sentinel mode only the commands of
     * Redis's sentinel table ({@link #SENTINEL_RESOURCE}) are served. ACL rules are judged
     * against every declared command in both modes (the standard ones and SENTINEL), so a mesh
     * user reads the same, and renders to the same ACL LIST line, on a sentinel and a data node.
     */
    public static CommandTable load(Collection<? extends CommandFamily> families, boolean sentinelMode) {
        JsonNode root = readResource(RESOURCE);
        JsonNode extra = readResource(EXTRA_RESOURCE);
        CommandTable t = new CommandTable(root.path("redis_version").asText());
        Map<String, CommandSpec> declared = new HashMap<>();
        List<CommandSpec> tops = new ArrayList<>();
        for (JsonNode c : root.path("commands")) {
            declare(c, tops, declared);
        }
        if (sentinelMode) {
            t.sentinelVisible = new java.util.HashSet<>();
            for (JsonNode c : readResource(SENTINEL_RESOURCE).path("commands")) {
                String name = c.path("name").asText();
                t.sentinelVisible.add(name);
                for (JsonNode sc : c.path("subcommands")) {
                    t.sentinelVisible.add(sc.path("name").asText());
                }
                if (!declared.containsKey(name)) {
                    declare(c, tops, declared); // SENTINEL: only a sentinel declares it
                }
            }
        }
        for (JsonNode c : extra.path("commands")) {
            CommandSpec parent = declared.get(c.path("parent").asText(""));
            CommandSpec spec = parse(c, parent);
            if (parent != null) {
                parent.subcommands.put(spec.name, spec);
                parent.declaredSubcommands.add(spec);
            } else {
                tops.add(spec);
            }
            declared.put(spec.fullName, spec);
        }
        for (CommandSpec top : tops) {
            t.declaredTops.add(top);
            top.aclId = t.aclIdCount++;
            for (CommandSpec sub : top.declaredSubcommands) {
                sub.aclId = t.aclIdCount++;
            }
        }
        t.declaredByName.putAll(declared);
        Binder b = t.new Binder(declared);
        for (CommandFamily f : families) {
            f.register(b);
        }
        for (CommandSpec top : tops) {
            top.subcommands.values().removeIf(s -> s.handler == null || !t.visible(s));
            if ((top.handler == null && top.subcommands.isEmpty()) || !t.visible(top)) {
                continue;
            }
            t.commands.put(top.fullName, top);
            top.id = t.byId.size();
            t.byId.add(top);
            for (CommandSpec s : top.subcommands.values()) {
                s.id = t.byId.size();
                t.byId.add(s);
            }
        }
        return t;
    }

    private static void declare(JsonNode c, List<CommandSpec> tops, Map<String, CommandSpec> declared) {
        CommandSpec top = parse(c, null);
        tops.add(top);
        declared.put(top.fullName, top);
        for (JsonNode sc : c.path("subcommands")) {
            CommandSpec sub = parse(sc, top);
            top.subcommands.put(sub.name, sub);
            top.declaredSubcommands.add(sub);
            declared.put(sub.fullName, sub);
        }
    }

    /** Served in this mode: everything declared, or in sentinel mode what Redis's sentinel table has. */
    private boolean visible(CommandSpec s) {
        return sentinelVisible == null || sentinelVisible.contains(s.fullName);
    }

    /** Whether this is a sentinel's table. */
    public boolean sentinelMode() {
        return sentinelVisible != null;
    }

    /**
     * The declared top-level commands ACL CAT lists: Redis lists its own table's, so a sentinel
     * lists its 15 commands and a data node every declared one.
     */
    public List<CommandSpec> catCommands() {
        if (sentinelVisible == null) {
            return aclCommands();
        }
        List<CommandSpec> out = new ArrayList<>();
        for (CommandSpec s : declaredTops) {
            if (visible(s)) {
                out.add(s);
            }
        }
        return out;
    }

    private static JsonNode readResource(String name) {
        try (InputStream in = CommandTable.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static CommandSpec parse(JsonNode c, CommandSpec parent) {
        Set<CommandFlag> flags = EnumSet.noneOf(CommandFlag.class);
        for (JsonNode f : c.path("flags")) {
            flags.add(CommandFlag.fromWire(f.asText()));
        }
        long cats = 0;
        for (JsonNode a : c.path("acl_categories")) {
            AclCategory ac = AclCategory.fromWire(a.asText());
            if (ac != null) {
                cats |= ac.bit;
            }
        }
        List<String> tips = new ArrayList<>();
        for (JsonNode tip : c.path("tips")) {
            tips.add(tip.asText());
        }
        List<KeySpec> specs = new ArrayList<>();
        for (JsonNode k : c.path("key_specs")) {
            List<String> kf = new ArrayList<>();
            for (JsonNode f : k.path("flags")) {
                kf.add(f.asText());
            }
            JsonNode bs = k.path("begin_search");
            JsonNode bsSpec = bs.path("spec");
            KeySpec.BeginSearch begin = new KeySpec.BeginSearch(bs.path("type").asText(),
                    bsSpec.path("index").asInt(), bsSpec.path("keyword").asText(null), bsSpec.path("startfrom").asInt());
            JsonNode fk = k.path("find_keys");
            JsonNode fkSpec = fk.path("spec");
            KeySpec.FindKeys find = new KeySpec.FindKeys(fk.path("type").asText(), fkSpec.path("lastkey").asInt(),
                    fkSpec.path("keystep").asInt(), fkSpec.path("limit").asInt(), fkSpec.path("keynumidx").asInt(),
                    fkSpec.path("firstkey").asInt());
            specs.add(new KeySpec(Collections.unmodifiableList(kf), k.path("notes").asText(null), begin, find));
        }
        return new CommandSpec(c.path("name").asText().toLowerCase(Locale.ROOT), parent, c.path("arity").asInt(),
                flags, cats, c.path("first_key").asInt(), c.path("last_key").asInt(), c.path("step").asInt(),
                Collections.unmodifiableList(tips), Collections.unmodifiableList(specs), c.path("docs"));
    }

    /**
     * rename-command: the command answers to {@code to} instead ("" removes it), as Redis does
     * for hiding dangerous commands. Returns false when there is no such command.
     */
    public boolean rename(String from, String to) {
        CommandSpec s = commands.remove(from.toLowerCase(Locale.ROOT));
        if (s == null) {
            return false;
        }
        if (!to.isEmpty()) {
            commands.put(to.toLowerCase(Locale.ROOT), s);
        }
        return true;
    }

    /** Looks up a top-level command by its lower-case name. */
    public CommandSpec get(String lowerName) {
        return commands.get(lowerName);
    }

    /** Looks up "name" or "container|sub" (case-insensitive). */
    public CommandSpec find(String fullName) {
        String n = fullName.toLowerCase(Locale.ROOT);
        int bar = n.indexOf('|');
        if (bar < 0) {
            return commands.get(n);
        }
        CommandSpec top = commands.get(n.substring(0, bar));
        return top == null ? null : top.subcommand(n.substring(bar + 1));
    }

    /**
     * Every declared top-level command, implemented or not, unaffected by rename-command: what
     * ACL rules, ACL CAT and the ACL LIST description iterate (Redis's server.orig_commands).
     */
    public List<CommandSpec> aclCommands() {
        return Collections.unmodifiableList(declaredTops);
    }

    /** Number of ACL bitmap positions in use (see {@link CommandSpec#aclId()}). */
    public int aclIdCount() {
        return aclIdCount;
    }

    /**
     * ACLLookupCommand(): "name" or "container|sub" in the declared table, case-insensitive;
     * null for anything else (including deeper "a|b|c").
     */
    public CommandSpec aclLookup(String fullName) {
        String n = fullName.toLowerCase(Locale.ROOT);
        String[] parts = n.split("\\|", -1);
        if (parts.length > 2) {
            return null;
        }
        CommandSpec base = declaredByName.get(parts[0]);
        if (base == null || base.parent != null) {
            return null;
        }
        if (parts.length == 1) {
            return base;
        }
        if (base.declaredSubcommands.isEmpty()) {
            return null; // strict lookup: "select|0" is no command
        }
        CommandSpec sub = declaredByName.get(n);
        return sub != null && sub.parent == base ? sub : null;
    }

    public Collection<CommandSpec> topLevel() {
        return Collections.unmodifiableCollection(commands.values());
    }

    /** Every command and subcommand, by id. */
    public List<CommandSpec> all() {
        return Collections.unmodifiableList(byId);
    }

    public int size() {
        return byId.size();
    }

    public String redisVersion() {
        return redisVersion;
    }
}
