package io.redmesh.node.script;

import io.redmesh.node.util.RedisException;

/**
 * The shebang line of a script ({@code #!lua flags=no-writes,allow-oom}), as Redis 7.0's
 * evalExtractShebangFlags(): without a shebang the script runs in compatibility mode (EVAL's
 * historic behaviour); with one, only the flags it names apply.
 */
public final class ScriptFlags {
    public static final int NO_WRITES = 1;
    public static final int ALLOW_OOM = 1 << 1;
    public static final int ALLOW_STALE = 1 << 2;
    public static final int NO_CLUSTER = 1 << 3;
    public static final int ALLOW_CROSS_SLOT = 1 << 4;
    /** No shebang: SCRIPT_FLAG_EVAL_COMPAT_MODE. */
    public static final int EVAL_COMPAT = 1 << 5;

    /** The flags a shebang or redis.register_function may name, in Redis's scripts_flags_def order. */
    public static final String[] NAMES = {"no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys"};

    private ScriptFlags() {}

    /** The flag a name stands for (case-insensitive, as register_function reads it), or 0. */
    public static int named(String name) {
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i].equalsIgnoreCase(name)) {
                return 1 << i;
            }
        }
        return 0;
    }

    /** Flags of a script body; the error texts are Redis's. */
    public static int parse(byte[] body) {
        if (body.length < 2 || body[0] != '#' || body[1] != '!') {
            return EVAL_COMPAT;
        }
        int eol = 0;
        while (eol < body.length && body[eol] != '\n') {
            eol++;
        }
        String line = new String(body, 0, eol, java.nio.charset.StandardCharsets.ISO_8859_1);
        String[] parts = line.substring(2).trim().split(" +");
        if (parts.length == 0 || !parts[0].equals("lua")) {
            throw RedisException.err("Unexpected engine in script shebang: " + line);
        }
        int flags = 0;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i];
            if (!p.startsWith("flags=")) {
                throw RedisException.err("Unknown lua shebang option: " + p);
            }
            for (String f : p.substring(6).split(",", -1)) {
                switch (f) {
                    case "no-writes" -> flags |= NO_WRITES;
                    case "allow-oom" -> flags |= ALLOW_OOM;
                    case "allow-stale" -> flags |= ALLOW_STALE;
                    case "no-cluster" -> flags |= NO_CLUSTER;
                    case "allow-cross-slot-keys" -> flags |= ALLOW_CROSS_SLOT;
                    case "" -> { }
                    default -> throw RedisException.err("Unexpected flag in script shebang: " + f);
                }
            }
        }
        return flags;
    }
}
