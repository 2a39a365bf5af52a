package io.redmesh.node.script;

import io.redmesh.node.util.Doubles;
import io.redmesh.node.util.ServerLog;
import java.util.function.Supplier;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The {@code redis} table of Redis 7.0's scripts (script_lua.c's luaRegisterRedisAPI): call,
 * pcall, error_reply, status_reply, sha1hex, log, setresp, set_repl, replicate_commands,
 * breakpoint, debug, acl_check_cmd and the constants, with 7.0's argument checks and texts.
 */
final class RedisLuaApi {
    private RedisLuaApi() {}

    static LuaTable create(CommandRunner runner, Supplier<ScriptRun> current) {
        LuaTable t = new LuaTable();
        t.rawset("call", fn(a -> call(runner, current.get(), a, true)));
        t.rawset("pcall", fn(a -> call(runner, current.get(), a, false)));
        t.rawset("error_reply", fn(a -> {
            if (a.narg() != 1 || !a.arg1().isstring()) {
                return ScriptErrors.table("ERR wrong number or type of arguments");
            }
            String msg = a.arg1().tojstring();
            return pushError(msg.startsWith("-") ? msg : "-" + msg);
        }));
        t.rawset("status_reply", fn(a -> {
            if (a.narg() != 1 || !a.arg1().isstring()) {
                return ScriptErrors.table("ERR wrong number or type of arguments");
            }
            LuaTable ok = new LuaTable();
            ok.rawset(LuaReplies.OK, a.arg1());
            return ok;
        }));
        t.rawset("sha1hex", fn(a -> {
            if (a.narg() != 1) {
                throw raise("wrong number of arguments");
            }
            return LuaValue.valueOf(ScriptingEngine.sha1hex(ScriptValues.bytes(ScriptValues.tostring(a.arg1()))));
        }));
        t.rawset("log", fn(a -> {
            if (a.narg() < 2) {
                throw raise("redis.log() requires two arguments or more.");
            }
            if (!a.arg1().isnumber()) {
                throw raise("First argument must be a number (log level).");
            }
            int level = a.arg1().toint();
            if (level < 0 || level > 3) {
                throw raise("Invalid debug level.");
            }
            StringBuilder line = new StringBuilder();
            for (int i = 2; i <= a.narg(); i++) {
                if (i > 2) {
                    line.append(' ');
                }
                line.append(ScriptValues.tostring(a.arg(i)).tojstring());
            }
            if (level == 3) {
                ServerLog.warning(line.toString());
            } else if (level == 2) {
                ServerLog.notice(line.toString());
            }
            return LuaValue.NONE;
        }));
        t.rawset("setresp", fn(a -> {
            if (a.narg() != 1) {
                throw raise("redis.setresp() requires one argument.");
            }
            int resp = a.arg1().toint();
            if (resp != 2 && resp != 3) {
                throw raise("RESP version must be 2 or 3.");
            }
            current.get().resp = resp;
            return LuaValue.NONE;
        }));
        t.rawset("set_repl", fn(a -> {
            if (a.narg() != 1) {
                throw raise("redis.set_repl() requires one argument.");
            }
            int flags = a.arg1().toint();
            if ((flags & ~ScriptingEngine.REPL_ALL) != 0) {
                throw raise("Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
            }
            current.get().replicationFlags = flags;
            return LuaValue.NONE;
        }));
        t.rawset("replicate_commands", fn(a -> LuaValue.TRUE));
        t.rawset("breakpoint", fn(a -> LuaValue.FALSE));
        t.rawset("debug", fn(a -> LuaValue.NONE));
        t.rawset("acl_check_cmd", fn(a -> {
            byte[][] argv = argv(a);
            Boolean allowed = runner.aclAllows(current.get(), argv);
            if (allowed == null) {
                throw raise("Invalid command passed to redis.acl_check_cmd()");
            }
            return LuaValue.valueOf(allowed);
        }));
        t.rawset("LOG_DEBUG", 0);
        t.rawset("LOG_VERBOSE", 1);
        t.rawset("LOG_NOTICE", 2);
        t.rawset("LOG_WARNING", 3);
        t.rawset("REPL_NONE", 0);
        t.rawset("REPL_AOF", 1);
        t.rawset("REPL_SLAVE", 2);
        t.rawset("REPL_REPLICA", 2);
        t.rawset("REPL_ALL", 3);
        t.rawset("REDIS_VERSION", "7.0.15");
        t.rawset("REDIS_VERSION_NUM", 0x07000f);
        return t;
    }

    /** A library function's body. */
    interface Body {
        Varargs apply(Varargs args);
    }

    /** A Lua function running {@code body} (the redis table's and other libraries' functions). */
    static LuaValue fn(Body body) {
        return new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return body.apply(args);
            }
        };
    }

    /** An error raised as Redis's luaPushError + luaError: a table, positioned where the script called. */
    static LuaError raise(String message) {
        return new LuaSandbox.LevelZeroError(pushError(message));
    }

    /** luaPushErrorBuff(): "-CODE msg" keeps its code, a bare message gets ERR; trailing CR/LF trimmed. */
    static LuaTable pushError(String buffer) {
        String code = "ERR";
        String msg = buffer;
        if (buffer.startsWith("-")) {
            int space = buffer.indexOf(' ');
            if (space < 0) {
                msg = buffer.substring(1);
            } else {
                code = buffer.substring(1, space);
                msg = buffer.substring(space + 1);
            }
        }
        msg = msg.replaceAll("^[\r\n]+|[\r\n]+$", "");
        return ScriptErrors.table(code + " " + msg);
    }

    /** luaRedisGenericCommand(): redis.call raises errors, redis.pcall returns them. */
    private static Varargs call(CommandRunner runner, ScriptRun run, Varargs a, boolean raise) {
        byte[][] argv;
        try {
            argv = argv(a);
        } catch (LuaError e) {
            if (raise) {
                throw e;
            }
            return e.getMessageObject();
        }
        LuaValue result;
        try {
            result = LuaReplies.toLua(runner.call(run, argv, run.resp));
        } catch (CommandRunner.Refused r) {
            LuaTable err = pushError(r.getMessage());
            if (raise) {
                throw new LuaSandbox.LevelZeroError(err);
            }
            return err;
        }
        if (raise && result.istable() && result.rawget(ScriptErrors.ERR).isstring()) {
            throw new LuaSandbox.LevelZeroError(result);
        }
        return result;
    }

    /** luaArgsToRedisArgv(): strings as they are, numbers as "%.17g", anything else refused. */
    private static byte[][] argv(Varargs a) {
        int n = a.narg();
        if (n == 0) {
            throw raise("Please specify at least one argument for this redis lib call");
        }
        byte[][] argv = new byte[n][];
        for (int i = 0; i < n; i++) {
            LuaValue v = a.arg(i + 1);
            if (v.type() == LuaValue.TNUMBER) {
                double d = v.todouble();
                argv[i] = ScriptErrors.latin1(d == (long) d && Math.abs(d) < 1e15
                        ? Long.toString((long) d) : Doubles.formatG17(d));
            } else if (v.type() == LuaValue.TSTRING) {
                argv[i] = ScriptValues.bytes((LuaString) v);
            } else {
                throw raise("Lua redis lib command arguments must be strings or integers");
            }
        }
        return argv;
    }
}
