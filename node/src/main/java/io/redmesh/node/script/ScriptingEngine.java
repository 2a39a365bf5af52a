package io.redmesh.node.script;

import io.redmesh.node.resp.Reply;
import io.redmesh.node.util.RedisException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * The Lua engine of EVAL (Redis 7.0's eval.c + script_lua.c): one sandboxed LuaJ state for the
 * server, the script cache by SHA1 (SCRIPT LOAD/EXISTS/FLUSH), and runs of one script at a time
 * (the caller holds the server lock). Why LuaJ rather than Lua 5.1 through JNI: docs/ARCHITECTURE.md.
 */
public final class ScriptingEngine {
    public static final int REPL_NONE = 0;
    public static final int REPL_AOF = 1;
    public static final int REPL_REPLICA = 2;
    public static final int REPL_ALL = 3;
    private static final LuaString KEYS = LuaString.valueOf("KEYS");
    private static final LuaString ARGV = LuaString.valueOf("ARGV");

    /** A compiled script: its body, flags (shebang) and function. */
    public record Script(String sha, byte[] body, int flags, LuaValue function) {}

    private final CommandRunner runner;
    private final Map<String, Script> scripts = new LinkedHashMap<>();
    private long cacheBytes;
    private SandboxGlobals globals;
    private LuaHook hook;
    private RedisRandom random;
    private volatile ScriptRun current;

    public ScriptingEngine(CommandRunner runner) {
        this.runner = runner;
        reset();
    }

    /** A new Lua state (SCRIPT FLUSH closes the old one, as Redis's scriptingReset). */
    private void reset() {
        hook = new LuaHook(LuaSandbox.MAX_CALL_DEPTH);
        random = new RedisRandom();
        LuaTable redis = RedisLuaApi.create(runner, () -> current);
        globals = LuaSandbox.create(hook, redis, () -> current, random);
    }

    public static String sha1hex(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The running script, or null (other threads read it: BUSY, SCRIPT KILL). */
    public ScriptRun running() {
        return current;
    }

    /** SCRIPT EXISTS. */
    public boolean exists(String sha) {
        return scripts.containsKey(sha.toLowerCase(java.util.Locale.ROOT));
    }

    /** EVALSHA's lookup; null when not cached. */
    public Script lookup(String sha) {
        return scripts.get(sha.toLowerCase(java.util.Locale.ROOT));
    }

    /** SCRIPT FLUSH: every cached script goes, with the Lua state. */
    public void flush() {
        scripts.clear();
        cacheBytes = 0;
        reset();
    }

    public int count() {
        return scripts.size();
    }

    /** INFO memory's used_memory_scripts_eval (bodies held). */
    public long cacheBytes() {
        return cacheBytes;
    }

    /**
     * EVAL and SCRIPT LOAD: compiles (or finds) the script; errors are Redis's ("Error compiling
     * script (new function): ...", shebang errors).
     */
    public Script compile(byte[] body) {
        String sha = sha1hex(body);
        Script s = scripts.get(sha);
        if (s != null) {
            return s;
        }
        int flags = ScriptFlags.parse(body);
        String source = new String(body, StandardCharsets.ISO_8859_1);
        if ((flags & ScriptFlags.EVAL_COMPAT) == 0) {
            source = source.substring(source.indexOf('\n') < 0 ? source.length() : source.indexOf('\n'));
        }
        LuaValue f;
        try {
            f = globals.load(new java.io.StringReader(source), ScriptErrors.SOURCE, globals);
        } catch (LuaError e) {
            throw RedisException.err("Error compiling script (new function): " + ScriptErrors.normalize(
                    e.getMessage() == null ? "" : e.getMessage()));
        }
        s = new Script(sha, body, flags, f);
        scripts.put(sha, s);
        cacheBytes += body.length;
        return s;
    }

    /**
     * Runs a script and writes its reply to {@code out}; the server lock is held by the caller
     * (or by the thread it handed the run to). {@code run} carries the caller and the flags.
     */
    public void run(ScriptRun run, Script script, byte[][] keys, byte[][] args, Reply out) {
        current = run;
        try {
            globals.setUnprotected(KEYS, array(keys));
            globals.setUnprotected(ARGV, array(args));
            invoke(hook, random, run, ScriptErrors.SOURCE, script.function(), LuaValue.NONE, out);
        } finally {
            current = null;
        }
    }

    /**
     * Calls a script's (or a function's) Lua function with the hook attached and writes its reply,
     * or the error Redis would reply, to {@code out}. Shared by EVAL and FCALL.
     */
    static void invoke(LuaHook hook, RedisRandom random, ScriptRun run, String source, LuaValue fn,
            org.luaj.vm2.Varargs args, Reply out) {
        hook.attach(run);
        random.seed(0);
        int mark = out.target().writerIndex();
        String where = " script: " + run.sha + ", on " + source + ":0.";
        try {
            LuaValue result = fn.invoke(args).arg1();
            LuaReplies.write(result, out, run.resp, 0);
        } catch (LuaReplies.StackLimit e) {
            out.target().writerIndex(mark);
            out.error("ERR reached lua stack limit");
        } catch (LuaError e) {
            out.target().writerIndex(mark);
            out.error(ScriptErrors.replyLine(e, run.sha, hook.currentLine(), source));
        } catch (StackOverflowError e) {
            out.target().writerIndex(mark);
            out.error("ERR " + source.substring(1) + ": stack overflow" + where);
        } catch (OutOfMemoryError e) {
            out.target().writerIndex(mark);
            out.error("ERR " + ScriptMemory.NOT_ENOUGH + where);
        } finally {
            hook.attach(null);
        }
    }

    static LuaTable array(byte[][] items) {
        LuaTable t = new LuaTable(items.length, 0);
        for (int i = 0; i < items.length; i++) {
            t.rawset(i + 1, LuaString.valueOf(items[i]));
        }
        return t;
    }
}
