package io.redmesh.node.script;

import io.redmesh.node.resp.Reply;
import io.redmesh.node.util.RedisException;
import java.io.ByteArrayInputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.TwoArgFunction;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The Lua engine of functions (Redis 7.0's function_lua.c): its own sandboxed state, apart from
 * EVAL's. Library code and the functions it registers see an empty, read-only global table whose
 * lookups go, while a library loads, to the load API (only {@code redis.register_function},
 * {@code redis.log}, the log levels and the version: {@code redis.call} is "nonexistent" there)
 * and, while a function runs, to the full script globals. A load runs under a 500 ms timeout
 * (LOAD_TIMEOUT_MS) and the script memory bounds.
 */
public final class LuaFunctionEngine {
    /** functionsCreateWithLibraryCtx()'s load timeout. */
    static final long LOAD_TIMEOUT_MS = 500;
    private static final LuaString FUNCTION_NAME = LuaString.valueOf("function_name");

    /** A registered function: its callback in this engine's state. */
    public record Function(String name, String library, byte[] description, int flags, LuaValue callback) {}

    private final LuaHook hook = new LuaHook(LuaSandbox.MAX_CALL_DEPTH);
    private final RedisRandom random = new RedisRandom();
    private final SandboxGlobals runtime;
    private final ProtectedTable loadApi;
    /**
     * What library code and functions see as globals: empty, read-only, looked up through its
     * metatable. A Globals, because LuaJ runs the hook (kill, timeout, memory) only in closures
     * whose environment is one.
     */
    private final SandboxGlobals env = new SandboxGlobals();
    private volatile ScriptRun current;
    /** The library being loaded (register_function adds to it), or null. */
    private Loading loading;

    private static final class Loading {
        final String library;
        final ScriptRun run;
        final Map<String, Function> functions = new LinkedHashMap<>();

        Loading(String library, ScriptRun run) {
            this.library = library;
            this.run = run;
        }
    }

    public LuaFunctionEngine(CommandRunner runner) {
        LuaTable redis = RedisLuaApi.create(runner, () -> current);
        runtime = LuaSandbox.create(hook, redis, this::activeRun, random);
        loadApi = loadApi(redis);
        ProtectedTable meta = new ProtectedTable();
        meta.rawset(LuaValue.INDEX, new TwoArgFunction() {
            @Override
            public LuaValue call(LuaValue table, LuaValue key) {
                return (loading != null ? loadApi : runtime).get(key);
            }
        });
        meta.freeze();
        env.debuglib = hook;
        env.setmetatable(meta);
        env.freeze();
    }

    private ScriptRun activeRun() {
        ScriptRun r = current;
        if (r == null && loading != null) {
            return loading.run;
        }
        return r;
    }

    /** The function running now, or null (other threads read it: BUSY, FUNCTION KILL/STATS). */
    public ScriptRun running() {
        return current;
    }

    /** The globals a library sees while it loads: only the parts of {@code redis} a load may use. */
    private ProtectedTable loadApi(LuaTable runtimeRedis) {
        ProtectedTable redis = new ProtectedTable();
        redis.rawset("register_function", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                registerFunction(args);
                return LuaValue.NONE;
            }
        });
        for (String name : new String[] {"log", "LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE", "LOG_WARNING",
                "REDIS_VERSION", "REDIS_VERSION_NUM"}) {
            redis.rawset(name, runtimeRedis.get(name));
        }
        redis.setmetatable(nonexistentGlobalError());
        redis.freeze();
        ProtectedTable globals = new ProtectedTable();
        globals.rawset("redis", redis);
        globals.setmetatable(nonexistentGlobalError());
        globals.freeze();
        return globals;
    }

    /** luaSetErrorMetatable(): reading a missing name is an error. */
    private static LuaTable nonexistentGlobalError() {
        ProtectedTable meta = new ProtectedTable();
        meta.rawset(LuaValue.INDEX, new TwoArgFunction() {
            @Override
            public LuaValue call(LuaValue t, LuaValue key) {
                throw new LuaError("Script attempted to access nonexistent global variable '" + key.tojstring() + "'");
            }
        });
        meta.freeze();
        return meta;
    }

    /**
     * Compiles and runs a library's code (luaEngineCreate) and returns the functions it
     * registered, in registration order; an error is Redis's reply line.
     *
     * @param code the payload from the shebang's newline on
     * @param run the load's run (its caller, memory limit); its deadline is set here
     */
    Map<String, Function> load(String library, byte[] code, ScriptRun run) {
        LuaValue chunk;
        try {
            chunk = runtime.load(new ByteArrayInputStream(code), ScriptErrors.FUNCTION_SOURCE, "t", env);
        } catch (LuaError e) {
            throw RedisException.err("Error compiling function: " + ScriptErrors.normalize(
                    e.getMessage() == null ? "" : e.getMessage()));
        }
        run.loadDeadline = run.untimedLoad ? 0 : System.nanoTime() + LOAD_TIMEOUT_MS * 1_000_000L;
        Loading l = new Loading(library, run);
        loading = l;
        hook.attach(run);
        try {
            chunk.call();
        } catch (LuaError e) {
            throw RedisException.err("Error registering functions: " + loadErrorText(e));
        } catch (StackOverflowError e) {
            throw RedisException.err("Error registering functions: ERR stack overflow");
        } catch (OutOfMemoryError e) {
            throw RedisException.err("Error registering functions: ERR " + ScriptMemory.NOT_ENOUGH);
        } finally {
            hook.attach(null);
            loading = null;
        }
        return l.functions;
    }

    /** luaExtractErrorInformation()'s message: an error table's err field, or "ERR " and the string. */
    private static String loadErrorText(LuaError e) {
        LuaValue m = ScriptErrors.messageObject(e);
        if (m.istable()) {
            LuaValue err = m.get(ScriptErrors.ERR);
            return err.isstring() ? err.tojstring() : "ERR unknown error";
        }
        return "ERR " + (m.isnil() ? "nil" : ScriptValues.tostring(m).tojstring());
    }

    /** redis.register_function(name, callback) or redis.register_function{...} (luaRegisterFunction). */
    private void registerFunction(Varargs args) {
        Loading l = loading;
        if (l == null) {
            throw RedisLuaApi.raise("redis.register_function can only be called on FUNCTION LOAD command");
        }
        int argc = args.narg();
        if (argc < 1 || argc > 2) {
            throw RedisLuaApi.raise("wrong number of arguments to redis.register_function");
        }
        String name;
        byte[] description = null;
        LuaValue callback;
        int flags = 0;
        if (argc == 1) {
            LuaValue t = args.arg1();
            if (!t.istable()) {
                throw RedisLuaApi.raise("calling redis.register_function with a single argument is only applicable"
                        + " to Lua table (representing named arguments).");
            }
            name = null;
            callback = null;
            LuaValue k = LuaValue.NIL;
            while (true) {
                Varargs n = t.next(k);
                if ((k = n.arg1()).isnil()) {
                    break;
                }
                LuaValue v = n.arg(2);
                if (!k.isstring()) {
                    throw RedisLuaApi.raise("named argument key given to redis.register_function is not a string");
                }
                String key = k.tojstring();
                if (key.equalsIgnoreCase(FUNCTION_NAME.tojstring())) {
                    if (!v.isstring()) {
                        throw RedisLuaApi.raise("function_name argument given to redis.register_function must be a string");
                    }
                    name = v.tojstring();
                } else if (key.equalsIgnoreCase("description")) {
                    if (!v.isstring()) {
                        throw RedisLuaApi.raise("description argument given to redis.register_function must be a string");
                    }
                    description = ScriptValues.bytes(v.checkstring());
                } else if (key.equalsIgnoreCase("callback")) {
                    if (!v.isfunction()) {
                        throw RedisLuaApi.raise("callback argument given to redis.register_function must be a function");
                    }
                    callback = v;
                } else if (key.equalsIgnoreCase("flags")) {
                    if (!v.istable()) {
                        throw RedisLuaApi.raise("flags argument to redis.register_function must be a table representing function flags");
                    }
                    flags = readFlags(v);
                } else {
                    throw RedisLuaApi.raise("unknown argument given to redis.register_function");
                }
            }
            if (name == null) {
                throw RedisLuaApi.raise("redis.register_function must get a function name argument");
            }
            if (callback == null) {
                throw RedisLuaApi.raise("redis.register_function must get a callback argument");
            }
        } else {
            if (!args.arg1().isstring()) {
                throw RedisLuaApi.raise("first argument to redis.register_function must be a string");
            }
            name = args.arg1().tojstring();
            callback = args.arg(2);
            if (!callback.isfunction()) {
                throw RedisLuaApi.raise("second argument to redis.register_function must be a function");
            }
        }
        // functionLibCreateFunction(); 7.0.15 words a bad function name as a library name
        if (!LibraryMetadata.validName(name)) {
            throw RedisLuaApi.raise("Library names can only contain letters, numbers, or underscores(_)"
                    + " and must be at least one character long");
        }
        if (l.functions.containsKey(FunctionLibraries.key(name))) {
            throw RedisLuaApi.raise("Function already exists in the library");
        }
        l.functions.put(FunctionLibraries.key(name), new Function(name, l.library, description, flags, callback));
    }

    /** luaRegisterFunctionReadFlags(): an array of flag names, case-insensitive. */
    private static int readFlags(LuaValue table) {
        int flags = 0;
        for (int j = 1; ; j++) {
            LuaValue v = table.get(j);
            if (v.isnil()) {
                return flags;
            }
            int f = v.isstring() ? ScriptFlags.named(v.tojstring()) : 0;
            if (f == 0) {
                throw RedisLuaApi.raise("unknown flag given");
            }
            flags |= f;
        }
    }

    /**
     * FCALL: runs the function with its keys and arguments as two tables and writes its reply;
     * the server lock is held by the caller (or by the thread it handed the run to).
     */
    public void run(ScriptRun run, Function f, byte[][] keys, byte[][] args, Reply out) {
        current = run;
        try {
            ScriptingEngine.invoke(hook, random, run, ScriptErrors.FUNCTION_SOURCE, f.callback(),
                    LuaValue.varargsOf(ScriptingEngine.array(keys), ScriptingEngine.array(args)), out);
        } finally {
            current = null;
        }
    }
}
