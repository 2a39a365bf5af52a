package io.redmesh.node.command;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One command (or subcommand) as declared in the command table: what Redis's struct
 * redisCommand holds. Immutable but for the per-command statistics INFO commandstats shows.
 */
public final class CommandSpec {
    /** Lower-case full name: "get", or "client|list" for a subcommand. */
    public final String fullName;
    /** Lower-case name as typed: "get", or "list" for CLIENT LIST. */
    public final String name;
    public final int arity;
    public final Set<CommandFlag> flags;
    final int flagBits;
    public final long aclCategories;
    public final int firstKey;
    public final int lastKey;
    public final int keyStep;
    public final List<String> tips;
    public final List<KeySpec> keySpecs;
    public final JsonNode docs;
    public final CommandSpec parent;
    final Map<String, CommandSpec> subcommands = new LinkedHashMap<>();
    CommandHandler handler;
    /** Finds keys (with their flags) when the key specs cannot; null for most commands. */
    KeyExtractor.GetKeysProc getkeys;
    /** Position of this command in the table. */
    int id;
    /**
     * Position among every declared command, implemented or not and whatever its name after
     * rename-command: the bit of ACL command bitmaps (Redis's cmd->id over orig_commands).
     */
    int aclId = -1;
    /** Every declared subcommand, implemented or not (ACL rules and ACL CAT see them all). */
    final List<CommandSpec> declaredSubcommands = new java.util.ArrayList<>();

    // INFO commandstats
    public long calls;
    public long microseconds;
    public long rejectedCalls;
    public long failedCalls;
    /** Latencies for INFO latencystats (latency-tracking); null until the first call. */
    public volatile LatencyHistogram latency;

    CommandSpec(String fullName, CommandSpec parent, int arity, Set<CommandFlag> flags, long aclCategories,
                int firstKey, int lastKey, int keyStep, List<String> tips, List<KeySpec> keySpecs, JsonNode docs) {
        this.fullName = fullName;
        this.parent = parent;
        this.name = parent == null ? fullName : fullName.substring(fullName.indexOf('|') + 1);
        this.arity = arity;
        this.flags = Collections.unmodifiableSet(flags.isEmpty() ? EnumSet.noneOf(CommandFlag.class) : EnumSet.copyOf(flags));
        int bits = 0;
        for (CommandFlag f : flags) {
            bits |= f.bit;
        }
        this.flagBits = bits;
        this.aclCategories = aclCategories;
        this.firstKey = firstKey;
        this.lastKey = lastKey;
        this.keyStep = keyStep;
        this.tips = tips;
        this.keySpecs = keySpecs;
        this.docs = docs;
    }

    /** This command as a script's declared flags make it (see {@link #declaredByScript}), by flag bits. */
    private Map<Integer, CommandSpec> scriptVariants;

    /**
     * scriptFlagsToCmdFlags(): EVAL with a shebang and FCALL are checked before they run with
     * the flags the script or function declared: write unless no-writes, deny-OOM unless
     * allow-oom or no-writes, stale only with allow-stale, and no may-replicate. The variant
     * shares everything else (handler, keys, ids) and is used only for those checks. Under the
     * server lock.
     */
    CommandSpec declaredByScript(int scriptFlags) {
        int bits = flagBits & ~(CommandFlag.STALE.bit | CommandFlag.DENYOOM.bit | CommandFlag.WRITE.bit
                | CommandFlag.MAY_REPLICATE.bit);
        if ((scriptFlags & (io.redmesh.node.script.ScriptFlags.ALLOW_OOM | io.redmesh.node.script.ScriptFlags.NO_WRITES)) == 0) {
            bits |= CommandFlag.DENYOOM.bit;
        }
        if ((scriptFlags & io.redmesh.node.script.ScriptFlags.NO_WRITES) == 0) {
            bits |= CommandFlag.WRITE.bit;
        }
        if ((scriptFlags & io.redmesh.node.script.ScriptFlags.ALLOW_STALE) != 0) {
            bits |= CommandFlag.STALE.bit;
        }
        if (bits == flagBits) {
            return this;
        }
        if (scriptVariants == null) {
            scriptVariants = new java.util.HashMap<>();
        }
        int b = bits;
        return scriptVariants.computeIfAbsent(bits, k -> {
            EnumSet<CommandFlag> set = EnumSet.noneOf(CommandFlag.class);
            for (CommandFlag f : CommandFlag.values()) {
                if ((b & f.bit) != 0) {
                    set.add(f);
                }
            }
            CommandSpec v = new CommandSpec(fullName, parent, arity, set, aclCategories, firstKey, lastKey, keyStep,
                    tips, keySpecs, docs);
            v.handler = handler;
            v.getkeys = getkeys;
            v.id = id;
            v.aclId = aclId;
            return v;
        });
    }

    public boolean has(CommandFlag f) {
        return (flagBits & f.bit) != 0;
    }

    public boolean inCategory(AclCategory c) {
        return (aclCategories & c.bit) != 0;
    }

    public boolean isContainer() {
        return !subcommands.isEmpty();
    }

    public Map<String, CommandSpec> subcommands() {
        return Collections.unmodifiableMap(subcommands);
    }

    public CommandSpec subcommand(String lowerName) {
        return subcommands.get(lowerName);
    }

    public CommandHandler handler() {
        return handler;
    }

    public int id() {
        return id;
    }

    /** The ACL bitmap position; see {@link CommandTable#aclCommands()}. */
    public int aclId() {
        return aclId;
    }

    /** Every declared subcommand, implemented or not, in declaration order. */
    public List<CommandSpec> declaredSubcommands() {
        return Collections.unmodifiableList(declaredSubcommands);
    }

    /** Whether argc satisfies the declared arity (negative = at least). */
    public boolean arityOk(int argc) {
        return arity > 0 ? argc == arity : argc >= -arity;
    }

    /** The name used in error messages and ACL: "get", "client|list". */
    @Override
    public String toString() {
        return fullName;
    }
}
