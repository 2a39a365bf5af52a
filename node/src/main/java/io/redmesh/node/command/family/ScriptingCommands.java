package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.CommandFamily;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.script.ScriptFlags;
import io.redmesh.node.script.ScriptRun;
import io.redmesh.node.script.ScriptingEngine;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.RedisException;
import java.util.Arrays;

/**
 * Scripting (Redis 7.0's eval.c): EVAL script numkeys [key ...] [arg ...], EVALSHA sha1 numkeys
 * ..., EVAL_RO, EVALSHA_RO, SCRIPT LOAD script, SCRIPT EXISTS sha1 [sha1 ...], SCRIPT FLUSH
 * [ASYNC|SYNC], SCRIPT KILL, SCRIPT HELP. The Lua side is {@link ScriptingEngine}.
 */
final class ScriptingCommands implements CommandFamily {
    private static final String NOSCRIPT = "NOSCRIPT No matching script. Please use EVAL.";

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("eval", c -> eval(c, false, false))
         .bind("evalsha", c -> eval(c, true, false))
         .bind("eval_ro", c -> eval(c, false, true))
         .bind("evalsha_ro", c -> eval(c, true, true))
         .bind("script|load", ScriptingCommands::load)
         .bind("script|exists", ScriptingCommands::exists)
         .bind("script|flush", ScriptingCommands::flush)
         .bind("script|kill", ScriptingCommands::kill)
         .bind("script|debug", ScriptingCommands::debug)
         .bind("script|help", ScriptingCommands::help);
    }

    /** evalGenericCommand(). */
    private static void eval(CommandContext c, boolean bySha, boolean readOnly) {
        if (bySha && c.arg(1).length != 40) {
            throw new RedisException(NOSCRIPT); // evalShaCommand() answers this before anything else
        }
        long numkeys = c.argLong(2);
        if (numkeys > c.argc() - 3) {
            throw RedisException.err("Number of keys can't be greater than number of args");
        } else if (numkeys < 0) {
            throw RedisException.err("Number of keys can't be negative");
        }
        ScriptingEngine engine = c.server.scripting();
        ScriptingEngine.Script script;
        if (bySha) {
            script = engine.lookup(c.argString(1));
            if (script == null) {
                throw new RedisException(NOSCRIPT);
            }
        } else {
            script = engine.compile(c.arg(1));
        }
        int flags = script.flags();
        boolean outOfMemory = c.server.maxmemory() > 0 && c.server.keyspace.usedBytes() > c.server.maxmemory();
        checkFlags(c, flags, readOnly, outOfMemory);
        byte[][] keys = Arrays.copyOfRange(c.argv, 3, 3 + (int) numkeys);
        byte[][] args = Arrays.copyOfRange(c.argv, 3 + (int) numkeys, c.argc());
        ScriptRun run = new ScriptRun(c.session, script.sha(), flags, readOnly, outOfMemory);
        run.memoryLimit(c.server.config.getLong("lua-memory-limit"));
        if (c.canDetach() && !c.server.config.getBool("lua-run-inline")) {
            c.server.scriptThread().submit(c, out -> engine.run(run, script, keys, args, out));
        } else {
            engine.run(run, script, keys, args, c.reply); // in EXEC, replayed, or lua-run-inline
        }
    }

    /** scriptPrepareForRun()'s checks of a script (most of them only with a shebang, or a function's flags). */
    static void checkFlags(CommandContext c, int flags, boolean readOnly, boolean outOfMemory) {
        boolean stale = c.server.dispatcher().runningStale(c.session);
        if ((flags & ScriptFlags.EVAL_COMPAT) != 0) {
            if (stale) {
                throw new RedisException("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.");
            }
            return;
        }
        if ((flags & ScriptFlags.NO_CLUSTER) != 0 && c.server.config.getBool("cluster-enabled")) {
            throw RedisException.err("Can not run script on cluster, 'no-cluster' flag is set.");
        }
        boolean writes = (flags & ScriptFlags.NO_WRITES) == 0;
        if ((flags & ScriptFlags.ALLOW_OOM) == 0 && outOfMemory && writes) {
            throw new RedisException("OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'");
        }
        if (stale && (flags & ScriptFlags.ALLOW_STALE) == 0) {
            throw new RedisException("MASTERDOWN Link with MASTER is down, replica-serve-stale-data is set to 'no'"
                    + " and 'allow-stale' flag is not set on the script.");
        }
        if (writes && readOnly) {
            throw RedisException.err("Can not execute a script with write flag using *_ro command.");
        }
    }

    private static void load(CommandContext c) {
        c.reply.bulk(Bytes.of(c.server.scripting().compile(c.arg(2)).sha()));
    }

    private static void exists(CommandContext c) {
        c.reply.array(c.argc() - 2);
        for (int i = 2; i < c.argc(); i++) {
            c.reply.integer(c.server.scripting().exists(c.argString(i)) ? 1 : 0);
        }
    }

    private static void flush(CommandContext c) {
        if (c.argc() > 3 || (c.argc() == 3 && !c.argIs(2, "sync") && !c.argIs(2, "async"))) {
            throw RedisException.err("SCRIPT FLUSH only support SYNC|ASYNC option");
        }
        c.server.scripting().flush();
        c.reply.ok();
    }

    /** SCRIPT KILL reaching the lock: no script runs now (a running one is killed while busy, see ScriptThread). */
    private static void kill(CommandContext c) {
        throw new RedisException("NOTBUSY No scripts in execution right now.");
    }

    /**
     * SCRIPT DEBUG YES|SYNC|NO. Redis's Lua debugger (LDB: a forked or synchronous session that
     * steps through a script from redis-cli --ldb) is not built here, so YES and SYNC are refused
     * with an error that says so; NO, which leaves scripts running as they do, answers OK.
     */
    private static void debug(CommandContext c) {
        // clientHasPendingReplies(): inside EXEC, or behind replies of a pipeline not yet sent
        if (c.session.inExec() || c.session.bufferedBytes() > 0) {
            throw RedisException.err("SCRIPT DEBUG must be called outside a pipeline");
        }
        if (c.argIs(2, "NO")) {
            c.reply.ok();
        } else if (c.argIs(2, "YES") || c.argIs(2, "SYNC")) {
            throw RedisException.err("SCRIPT DEBUG " + c.argString(2).toUpperCase(java.util.Locale.ROOT)
                    + " is not supported: RedMesh has no Lua debugger (LDB); scripts run without one (SCRIPT DEBUG NO)");
        } else {
            throw RedisException.err("Use SCRIPT DEBUG YES/SYNC/NO");
        }
    }

    private static void help(CommandContext c) {
        Help.reply(c, "SCRIPT",
                "DEBUG (YES|SYNC|NO)",
                "    Set the debug mode for subsequent scripts executed.",
                "EXISTS <sha1> [<sha1> ...]",
                "    Return information about the existence of the scripts in the script cache.",
                "FLUSH [ASYNC|SYNC]",
                "    Flush the Lua scripts cache. Very dangerous on replicas.",
                "    When called without the optional mode argument, the behavior is determined by the",
                "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
                "    * ASYNC: Asynchronously flush the scripts cache.",
                "    * SYNC: Synchronously flush the scripts cache.",
                "KILL",
                "    Kill the currently executing Lua script.",
                "LOAD <script>",
                "    Load a script into the scripts cache without executing it.");
    }
}
