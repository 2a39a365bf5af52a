package io.redmesh.node.acl;

import io.redmesh.node.command.CommandSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One set of permissions of a user (Redis 7's aclSelector): which commands it may run (a bitmap
 * over the declared command table plus per-command allowed first arguments), which keys it may
 * touch (patterns with read/write permission) and which Pub/Sub channels it may use. Every user
 * has a root selector; further selectors come from "(...)" rules. A command is allowed when any
 * one selector allows all of it.
 */
public final class AclSelector {
    static final int FLAG_ROOT = 1;
    static final int FLAG_ALLKEYS = 2;
    static final int FLAG_ALLCOMMANDS = 4;
    static final int FLAG_ALLCHANNELS = 8;

    /** Key permissions (ACL_READ_PERMISSION / ACL_WRITE_PERMISSION). */
    public static final int READ = 1;
    public static final int WRITE = 2;
    public static final int ALL = READ | WRITE;

    /** A key pattern and the permissions it grants. */
    public static final class KeyPattern {
        final String pattern;
        int perms;
        /** Compiled on first use: a permission check runs on every command touching a key. */
        private io.redmesh.node.util.GlobPattern glob;

        KeyPattern(String pattern, int perms) {
            this.pattern = pattern;
            this.perms = perms;
        }

        public String pattern() {
            return pattern;
        }

        public int perms() {
            return perms;
        }

        boolean matches(byte[] key) {
            if (glob == null) {
                glob = io.redmesh.node.util.GlobPattern.compile(pattern.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            }
            return glob.matches(key);
        }

        /** sdsCatPatternString(): "~p", "%R~p" or "%W~p" (7.0 prints %RW~ as plain ~). */
        String render() {
            return (perms == ALL ? "~" : perms == READ ? "%R~" : "%W~") + pattern;
        }
    }

    int flags;
    /**
     * Allowed commands by {@link CommandSpec#aclId()}; the last bit is Redis's reserved "future
     * commands" bit, only set by +@all / allcommands, which the description algorithm reads.
     */
    final long[] allowed;
    final int futureBit;
    /** Allowed first arguments of otherwise denied commands, by aclId; null when none. */
    Map<Integer, List<String>> firstArgs;
    final List<KeyPattern> patterns = new ArrayList<>();
    /** Channel patterns, as Latin-1 strings of their bytes. */
    final List<String> channels = new ArrayList<>();
    /** The channel patterns compiled on first use, by pattern text (the list changes by rule). */
    private final Map<String, io.redmesh.node.util.GlobPattern> channelGlobs = new HashMap<>();

    AclSelector(int commandCount, int flags) {
        this.futureBit = commandCount;
        this.allowed = new long[(commandCount + 1 + 63) / 64];
        this.flags = flags;
    }

    AclSelector copy() {
        AclSelector c = new AclSelector(futureBit, flags);
        System.arraycopy(allowed, 0, c.allowed, 0, allowed.length);
        if (firstArgs != null) {
            c.firstArgs = new HashMap<>();
            firstArgs.forEach((k, v) -> c.firstArgs.put(k, new ArrayList<>(v)));
        }
        for (KeyPattern p : patterns) {
            c.patterns.add(new KeyPattern(p.pattern, p.perms));
        }
        c.channels.addAll(channels);
        return c;
    }

    public boolean isRoot() {
        return (flags & FLAG_ROOT) != 0;
    }

    public boolean allKeys() {
        return (flags & FLAG_ALLKEYS) != 0;
    }

    public boolean allChannels() {
        return (flags & FLAG_ALLCHANNELS) != 0;
    }

    public boolean allCommands() {
        return (flags & FLAG_ALLCOMMANDS) != 0;
    }

    public List<KeyPattern> keyPatterns() {
        return patterns;
    }

    public List<String> channelPatterns() {
        return channels;
    }

    /** The compiled form of one of {@link #channels}. */
    io.redmesh.node.util.GlobPattern channelGlob(String pattern) {
        return channelGlobs.computeIfAbsent(pattern,
                p -> io.redmesh.node.util.GlobPattern.compile(p.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
    }

    // ------------------------------------------------------------------ command bits

    boolean bit(int id) {
        if (id < 0 || id > futureBit) {
            return false;
        }
        return (allowed[id >>> 6] & (1L << (id & 63))) != 0;
    }

    /** ACLSetSelectorCommandBit(): clearing any bit also clears ALLCOMMANDS. */
    void setBit(int id, boolean value) {
        if (id < 0 || id > futureBit) {
            return;
        }
        if (value) {
            allowed[id >>> 6] |= 1L << (id & 63);
        } else {
            allowed[id >>> 6] &= ~(1L << (id & 63));
            flags &= ~FLAG_ALLCOMMANDS;
        }
    }

    boolean canRunFutureCommands() {
        return bit(futureBit);
    }

    void setAll(boolean value) {
        Arrays.fill(allowed, value ? -1L : 0L);
        if (value) {
            flags |= FLAG_ALLCOMMANDS;
        } else {
            flags &= ~FLAG_ALLCOMMANDS;
        }
        firstArgs = null;
    }

    /** ACLChangeSelectorPerm(): a command and, for a container, all its subcommands. */
    void changePerm(CommandSpec cmd, boolean allow) {
        setBit(cmd.aclId(), allow);
        if (firstArgs != null) {
            firstArgs.remove(cmd.aclId());
        }
        for (CommandSpec sub : cmd.declaredSubcommands()) {
            setBit(sub.aclId(), allow);
        }
    }

    /** +@cat / -@cat over the declared table, containers and subcommands alike. */
    void changeCategory(List<CommandSpec> commands, long categoryBit, boolean allow) {
        for (CommandSpec cmd : commands) {
            if ((cmd.aclCategories & categoryBit) != 0) {
                changePerm(cmd, allow);
            }
            if (!cmd.declaredSubcommands().isEmpty()) {
                changeCategory(cmd.declaredSubcommands(), categoryBit, allow);
            }
        }
    }

    void addFirstArg(int id, String arg) {
        if (firstArgs == null) {
            firstArgs = new HashMap<>();
        }
        List<String> l = firstArgs.computeIfAbsent(id, k -> new ArrayList<>());
        for (String a : l) {
            if (a.equalsIgnoreCase(arg)) {
                return;
            }
        }
        l.add(arg);
    }

    List<String> firstArgs(int id) {
        return firstArgs == null ? null : firstArgs.get(id);
    }

    boolean sameCommands(AclSelector o) {
        return Arrays.equals(allowed, o.allowed);
    }
}
