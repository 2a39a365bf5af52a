package io.redmesh.node.script;

import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.BaseLib;
import org.luaj.vm2.lib.CoroutineLib;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.TwoArgFunction;
import org.luaj.vm2.lib.VarArgFunction;
import org.luaj.vm2.lib.ZeroArgFunction;
import org.luaj.vm2.lib.jse.JseMathLib;

/**
 * The Lua environment of Redis 7.0's scripts, built on LuaJ: the globals and libraries a 7.0
 * script sees (base without print/dofile/loadfile, table, string, math, coroutine, bit, cjson,
 * struct, redis), the Lua 5.1 names LuaJ (a 5.2) lacks (unpack, loadstring, gcinfo, table.getn/maxn/
 * foreach/foreachi/setn, string.gfind, math.mod/log10), 5.1's number formatting, Redis's
 * deterministic math.random, and the read-only globals with 7.0's error texts.
 */
final class LuaSandbox {
    /** Lua 5.1's LUAI_MAXCALLS: deeper recursion is "stack overflow". */
    static final int MAX_CALL_DEPTH = 20000;
    private static final int MAX_COROUTINES = 1024;

    private LuaSandbox() {}

    static SandboxGlobals create(LuaHook hook, LuaTable redis, java.util.function.Supplier<ScriptRun> current,
            RedisRandom random) {
        SandboxGlobals g = new SandboxGlobals();
        g.load(new BaseLib());
        g.load(new PackageLib());
        g.load(new TableLib());
        g.load(new StringLib());
        g.load(new JseMathLib());
        g.load(new CoroutineLib());
        LoadState.install(g);
        LuaC.install(g);
        g.debuglib = hook;

        for (String name : new String[] {"print", "dofile", "loadfile", "rawlen", "require", "module", "package"}) {
            g.rawset(name, LuaValue.NIL);
        }
        g.rawset("_VERSION", LuaValue.valueOf("Lua 5.1"));
        // Lua 5.1's load(func [, chunkname]) and loadstring(s [, chunkname]): source text only
        // (no binary chunks), always in these globals. LuaJ's 5.2 load takes an environment, and
        // a chunk loaded into a table that is not these globals runs without the hook that
        // enforces SCRIPT/FUNCTION KILL, the call depth and the memory limit.
        LuaValue load = g.get("load");
        LuaValue text = LuaValue.valueOf("t");
        g.rawset("load", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                LuaValue chunk = args.arg1();
                if (!chunk.isstring()) {
                    chunk.checkfunction();
                }
                LuaValue name = args.arg(2).isnil() ? LuaValue.valueOf("=(load)") : args.arg(2);
                return load.invoke(LuaValue.varargsOf(new LuaValue[] {chunk, name, text, g}));
            }
        });
        g.rawset("loadstring", new TwoArgFunction() {
            @Override
            public LuaValue call(LuaValue chunk, LuaValue name) {
                Varargs r = load.invoke(LuaValue.varargsOf(new LuaValue[] {chunk.checkstring(),
                    name.isnil() ? chunk : name, text, g}));
                return r.arg1();
            }
        });
        g.rawset("tostring", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue v) {
                return ScriptValues.tostring(v);
            }
        });
        g.rawset("gcinfo", new ZeroArgFunction() {
            @Override
            public LuaValue call() {
                Runtime rt = Runtime.getRuntime();
                return LuaValue.valueOf((int) ((rt.totalMemory() - rt.freeMemory()) >> 10));
            }
        });
        g.rawset("pcall", new ProtectedCall(current, hook, false));
        g.rawset("xpcall", new ProtectedCall(current, hook, true));
        g.rawset("error", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                LuaValue v = args.arg1();
                int level = args.optint(2, 1);
                if (v.isstring() && level > 0) {
                    throw new LuaError(v.tojstring()); // LuaJ adds the position ("user_script:1: ")
                }
                throw new LevelZeroError(v);
            }
        });

        LuaTable table = (LuaTable) g.get("table");
        LuaValue unpack = table.get("unpack");
        g.rawset("unpack", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                // Lua 5.1's luaB_unpack: "too many results to unpack" past its stack (CVE-2025-46817)
                LuaTable t = args.checktable(1);
                long i = args.isnoneornil(2) ? 1 : (long) args.checkdouble(2);
                long e = args.isnoneornil(3) ? t.length() : (long) args.checkdouble(3);
                if (i > e) {
                    return LuaValue.NONE;
                }
                if (e - i >= 8000) {
                    throw new LuaError("too many results to unpack");
                }
                return unpack.invoke(LuaValue.varargsOf(t, LuaValue.valueOf((int) i), LuaValue.valueOf((int) e)));
            }
        });
        table.rawset("unpack", LuaValue.NIL);
        table.rawset("pack", LuaValue.NIL);
        table.rawset("getn", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue t) {
                return LuaValue.valueOf(t.checktable().length());
            }
        });
        table.rawset("maxn", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue t) {
                double max = 0;
                LuaValue k = LuaValue.NIL;
                while (!(k = t.checktable().next(k).arg1()).isnil()) {
                    if (k.type() == LuaValue.TNUMBER && k.todouble() > max) {
                        max = k.todouble();
                    }
                }
                return LuaValue.valueOf(max);
            }
        });
        table.rawset("setn", new TwoArgFunction() {
            @Override
            public LuaValue call(LuaValue t, LuaValue n) {
                throw new LuaError("'setn' is obsolete");
            }
        });
        table.rawset("foreach", new TwoArgFunction() {
            @Override
            public LuaValue call(LuaValue t, LuaValue f) {
                LuaValue k = LuaValue.NIL;
                while (true) {
                    Varargs n = t.checktable().next(k);
                    if ((k = n.arg1()).isnil()) {
                        return LuaValue.NIL;
                    }
                    LuaValue r = f.checkfunction().call(k, n.arg(2));
                    if (!r.isnil()) {
                        return r;
                    }
                }
            }
        });
        table.rawset("foreachi", new TwoArgFunction() {
            @Override
            public LuaValue call(LuaValue t, LuaValue f) {
                int n = t.checktable().length();
                for (int i = 1; i <= n; i++) {
                    LuaValue r = f.checkfunction().call(LuaValue.valueOf(i), t.get(i));
                    if (!r.isnil()) {
                        return r;
                    }
                }
                return LuaValue.NIL;
            }
        });

        LuaTable string = (LuaTable) g.get("string");
        string.rawset("gfind", string.get("gmatch"));
        string.rawset("format", new LuaStringFormat());
        LuaValue rep = string.get("rep");
        string.rawset("rep", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                LuaString s = args.checkstring(1);
                int n = (int) (long) args.checkdouble(2); // luaL_checkint: 2^31 wraps negative, as in C
                if (n <= 0) {
                    return LuaValue.EMPTYSTRING;
                }
                ScriptMemory.reserve((long) Math.max(0, n) * s.length());
                return rep.invoke(LuaValue.varargsOf(s, LuaValue.valueOf(n)));
            }
        });

        LuaTable math = (LuaTable) g.get("math");
        math.rawset("mod", math.get("fmod"));
        math.rawset("log10", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue x) {
                return LuaValue.valueOf(Math.log10(x.checkdouble()));
            }
        });
        math.rawset("random", random.random());
        math.rawset("randomseed", random.randomseed());

        LuaTable coroutine = (LuaTable) g.get("coroutine");
        for (String f : new String[] {"create", "wrap"}) {
            LuaValue original = coroutine.get(f);
            coroutine.rawset(f, new OneArgFunction() {
                @Override
                public LuaValue call(LuaValue fn) {
                    ScriptRun r = current.get();
                    if (r != null && ++r.coroutines > MAX_COROUTINES) {
                        throw new LuaError("too many coroutines (RedMesh runs each on a thread; at most "
                                + MAX_COROUTINES + " per script)");
                    }
                    return original.call(fn);
                }
            });
        }

        g.rawset("bit", BitLib.create());
        g.rawset("cjson", CjsonLib.create());
        g.rawset("struct", StructLib.create());
        g.rawset("redis", redis);

        // Every library table read-only, as 7.0's luaSetTableProtectionRecursively does.
        for (String lib : new String[] {"table", "string", "math", "coroutine", "bit", "cjson", "struct", "redis"}) {
            LuaValue t = g.get(lib);
            ProtectedTable p = t instanceof ProtectedTable pt ? pt : ProtectedTable.of(t);
            g.rawset(lib, p);
            if (lib.equals("string")) {
                // the strings' shared metatable is read-only too (CVE-2025-46818: a script
                // setting getmetatable('').__index would run code in later scripts)
                ProtectedTable meta = new ProtectedTable();
                meta.rawset(LuaValue.INDEX, p);
                meta.freeze();
                LuaString.s_metatable = meta;
            }
            p.freeze();
        }
        g.rawset("_G", g);
        // read-only like the libraries: a writable metatable of the globals would be a store
        // shared by every later script and a way to plant an __index that runs in them
        ProtectedTable meta = new ProtectedTable();
        meta.rawset(LuaValue.INDEX, new TwoArgFunction() {
            @Override
            public LuaValue call(LuaValue t, LuaValue key) {
                throw new LuaError("Script attempted to access nonexistent global variable '" + key.tojstring() + "'");
            }
        });
        meta.freeze();
        g.setmetatable(meta);
        g.freeze();
        return g;
    }

    /**
     * pcall/xpcall with Lua 5.1's error values (LuaJ's positions rewritten), which cannot catch
     * SCRIPT KILL: a killed script keeps failing until it ends, as Redis's hook makes it.
     */
    private static final class ProtectedCall extends VarArgFunction {
        private final java.util.function.Supplier<ScriptRun> current;
        private final boolean withHandler;
        private final LuaHook hook;

        ProtectedCall(java.util.function.Supplier<ScriptRun> current, LuaHook hook, boolean withHandler) {
            this.current = current;
            this.hook = hook;
            this.withHandler = withHandler;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaValue f = args.checkvalue(1);
            LuaValue handler = withHandler ? args.arg(2) : LuaValue.NIL;
            int depth = hook.depth();
            hook.enterJavaCall(); // Lua 5.1's LUAI_MAXCCALLS: pcall nests a C call
            try {
                Varargs r = withHandler ? f.invoke() : f.invoke(args.subargs(2));
                // flat, not LuaJ's nested pair: recursion through pcall would make every
                // narg() walk the whole chain (quadratic, and deaf to SCRIPT KILL)
                int n = r.narg();
                LuaValue[] values = new LuaValue[n + 1];
                values[0] = LuaValue.TRUE;
                for (int i = 1; i <= n; i++) {
                    values[i] = r.arg(i);
                }
                return LuaValue.varargsOf(values);
            } catch (LuaError e) {
                hook.depth(depth);
                rethrowIfKilled(e);
                LuaValue m = ScriptErrors.messageObject(e);
                return LuaValue.varargsOf(LuaValue.FALSE, withHandler ? handler.call(m) : m);
            } catch (StackOverflowError e) {
                hook.depth(depth);
                return LuaValue.varargsOf(LuaValue.FALSE, LuaValue.valueOf("stack overflow"));
            } finally {
                hook.exitJavaCall();
            }
        }

        private void rethrowIfKilled(LuaError e) {
            ScriptRun r = current.get();
            if (r != null && r.killRequested) {
                throw e;
            }
        }
    }

    /** error(v, 0), or error with a non-string value: no position is added to the value. */
    static final class LevelZeroError extends LuaError {
        private static final long serialVersionUID = 1L;
        private final LuaValue value;

        LevelZeroError(LuaValue value) {
            super(value);
            this.value = value;
        }

        @Override
        public LuaValue getMessageObject() {
            return value;
        }
    }
}
