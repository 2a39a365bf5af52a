package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.CommandFamily;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.script.FunctionLibraries;
import io.redmesh.node.script.LuaFunctionEngine;
import io.redmesh.node.script.ScriptFlags;
import io.redmesh.node.script.ScriptRun;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.GlobPattern;
import io.redmesh.node.util.RedisException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Functions (Redis 7.0's functions.c): FCALL function numkeys [key ...] [arg ...], FCALL_RO,
 * FUNCTION LOAD [REPLACE] code, FUNCTION DELETE library, FUNCTION FLUSH [ASYNC|SYNC],
 * FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE], FUNCTION STATS, FUNCTION KILL, FUNCTION HELP.
 * FUNCTION DUMP and RESTORE are persistence's (they speak the RDB format). The libraries are
 * {@link FunctionLibraries}; functions run as EVAL's scripts do (ScriptThread, -BUSY, KILL).
 */
public final class FunctionCommands implements CommandFamily {
    @Override
    public void register(CommandTable.Binder b) {
        b.bind("fcall", c -> fcall(c, false))
         .bind("fcall_ro", c -> fcall(c, true))
         .bind("function|load", FunctionCommands::load)
         .bind("function|delete", FunctionCommands::delete)
         .bind("function|flush", FunctionCommands::flush)
         .bind("function|list", FunctionCommands::list)
         .bind("function|stats", FunctionCommands::stats)
         .bind("function|kill", FunctionCommands::kill)
         .bind("function|help", FunctionCommands::help);
    }

    /** fcallCommandGeneric(). */
    private static void fcall(CommandContext c, boolean readOnly) {
        FunctionLibraries libraries = c.server.functions();
        LuaFunctionEngine.Function f = libraries.function(c.argString(1));
        if (f == null) {
            throw RedisException.err("Function not found");
        }
        Long parsed = Bytes.parseLongOrNull(c.arg(2));
        if (parsed == null) {
            throw RedisException.err("Bad number of keys provided");
        }
        long numkeys = parsed;
        if (numkeys > c.argc() - 3) {
            throw RedisException.err("Number of keys can't be greater than number of args");
        } else if (numkeys < 0) {
            throw RedisException.err("Number of keys can't be negative");
        }
        boolean outOfMemory = c.server.maxmemory() > 0 && c.server.keyspace.usedBytes() > c.server.maxmemory();
        ScriptingCommands.checkFlags(c, f.flags(), readOnly, outOfMemory);
        byte[][] keys = Arrays.copyOfRange(c.argv, 3, 3 + (int) numkeys);
        byte[][] args = Arrays.copyOfRange(c.argv, 3 + (int) numkeys, c.argc());
        ScriptRun run = new ScriptRun(c.session, f.name(), f.flags(), readOnly, outOfMemory, true, c.argv);
        run.memoryLimit(c.server.config.getLong("lua-memory-limit"));
        LuaFunctionEngine engine = libraries.engine();
        if (c.canDetach() && !c.server.config.getBool("lua-run-inline")) {
            c.server.scriptThread().submit(c, out -> engine.run(run, f, keys, args, out));
        } else {
            engine.run(run, f, keys, args, c.reply); // in EXEC, replayed, or lua-run-inline
        }
    }

    /** The context of a library load: the caller, the memory bound, the timeout unless replayed. */
    public static ScriptRun loadRun(CommandContext c) {
        ScriptRun run = new ScriptRun(c.session, "", 0, false, false, true, c.argv);
        run.memoryLimit(c.server.config.getLong("lua-memory-limit"));
        if (c.session.mustObey()) {
            run.untimedLoad(); // functionLoadCommand(): no timeout for the master or the AOF
        }
        return run;
    }

    /** functionLoadCommand(). */
    private static void load(CommandContext c) {
        boolean replace = false;
        int pos = 2;
        while (pos < c.argc() - 1) {
            if (!c.argIs(pos, "replace")) {
                throw RedisException.err("Unknown option given: " + c.argString(pos));
            }
            replace = true;
            pos++;
        }
        if (pos >= c.argc()) {
            throw RedisException.err("Function code is missing");
        }
        String name = c.server.functions().load(c.arg(pos), replace, loadRun(c));
        c.dirty();
        c.reply.bulk(Bytes.of(name));
    }

    private static void delete(CommandContext c) {
        c.server.functions().delete(c.argString(2));
        c.dirty();
        c.reply.ok();
    }

    private static void flush(CommandContext c) {
        if (c.argc() > 3) {
            throw RedisException.err("unknown subcommand or wrong number of arguments for '" + c.argString(1)
                    + "'. Try FUNCTION HELP.");
        }
        if (c.argc() == 3 && !c.argIs(2, "sync") && !c.argIs(2, "async")) {
            throw RedisException.err("FUNCTION FLUSH only supports SYNC|ASYNC option");
        }
        c.server.functions().flush();
        c.dirty();
        c.reply.ok();
    }

    /** functionListCommand(). */
    private static void list(CommandContext c) {
        boolean withCode = false;
        byte[] pattern = null;
        for (int i = 2; i < c.argc(); i++) {
            if (!withCode && c.argIs(i, "withcode")) {
                withCode = true;
                continue;
            }
            if (pattern == null && c.argIs(i, "libraryname")) {
                if (i >= c.argc() - 1) {
                    throw RedisException.err("library name argument was not given");
                }
                pattern = c.arg(++i);
                continue;
            }
            throw RedisException.err("Unknown argument " + c.argString(i));
        }
        GlobPattern glob = pattern == null ? null : GlobPattern.compileIgnoreCase(pattern);
        List<FunctionLibraries.Library> shown = new ArrayList<>();
        for (FunctionLibraries.Library l : c.server.functions().libraries()) {
            if (glob == null || glob.matches(Bytes.of(l.name()))) {
                shown.add(l);
            }
        }
        c.reply.array(shown.size());
        for (FunctionLibraries.Library l : shown) {
            c.reply.map(withCode ? 4 : 3);
            c.reply.bulk("library_name");
            c.reply.bulk(l.name());
            c.reply.bulk("engine");
            c.reply.bulk(FunctionLibraries.ENGINE);
            c.reply.bulk("functions");
            c.reply.array(l.functions().size());
            for (LuaFunctionEngine.Function f : l.functions().values()) {
                c.reply.map(3);
                c.reply.bulk("name");
                c.reply.bulk(f.name());
                c.reply.bulk("description");
                if (f.description() == null) {
                    c.reply.nullBulk();
                } else {
                    c.reply.bulk(f.description());
                }
                c.reply.bulk("flags");
                flagNames(c, f.flags());
            }
            if (withCode) {
                c.reply.bulk("library_code");
                c.reply.bulk(l.code());
            }
        }
    }

    /** replyFlagNames(): a set of status replies. */
    private static void flagNames(CommandContext c, int flags) {
        c.reply.set(Integer.bitCount(flags & ((1 << ScriptFlags.NAMES.length) - 1)));
        for (int i = 0; i < ScriptFlags.NAMES.length; i++) {
            if ((flags & (1 << i)) != 0) {
                c.reply.simple(ScriptFlags.NAMES[i]);
            }
        }
    }

    /** FUNCTION STATS reaching the lock: no function runs now (a running one is answered while busy, see ScriptThread). */
    private static void stats(CommandContext c) {
        FunctionLibraries.writeStats(c.reply, null, c.server.functions());
    }

    /** FUNCTION KILL reaching the lock: nothing runs (a running function is killed while busy). */
    private static void kill(CommandContext c) {
        throw new RedisException("NOTBUSY No scripts in execution right now.");
    }

    private static void help(CommandContext c) {
        Help.reply(c, "FUNCTION",
                "LOAD [REPLACE] <FUNCTION CODE>",
                "    Create a new library with the given library name and code.",
                "DELETE <LIBRARY NAME>",
                "    Delete the given library.",
                "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
                "    Return general information on all the libraries:",
                "    * Library name",
                "    * The engine used to run the Library",
                "    * Library description",
                "    * Functions list",
                "    * Library code (if WITHCODE is given)",
                "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
                "STATS",
                "    Return information about the current function running:",
                "    * Function name",
                "    * Command used to run the function",
                "    * Duration in MS that the function is running",
                "    If no function is running, return nil",
                "    In addition, returns a list of available engines.",
                "KILL",
                "    Kill the current running function.",
                "FLUSH [ASYNC|SYNC]",
                "    Delete all the libraries.",
                "    When called without the optional mode argument, the behavior is determined by the",
                "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
                "    * ASYNC: Asynchronously flush the libraries.",
                "    * SYNC: Synchronously flush the libraries.",
                "DUMP",
                "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
                "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
                "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
                "    control how to handle existing libraries (default APPEND):",
                "    * FLUSH: delete all existing libraries.",
                "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
                "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
                "      libraries with the new libraries (notice that even on this option there is a chance of failure",
                "      in case of functions name collision with another library).");
    }
}
