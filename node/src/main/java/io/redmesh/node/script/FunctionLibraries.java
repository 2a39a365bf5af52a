package io.redmesh.node.script;

import io.redmesh.node.resp.Reply;
import io.redmesh.node.util.RedisException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The loaded function libraries (Redis 7.0's functions.c: a functionsLibCtx of libraries and of
 * every library's functions by name) and what FUNCTION LOAD, DELETE, FLUSH and RESTORE do to
 * them, with 7.0's checks and error texts. One engine, LUA. Called under the server lock.
 */
public final class FunctionLibraries {
    /** The only engine, as FUNCTION LIST and STATS name it. */
    public static final String ENGINE = "LUA";

    /** A library: its name, its whole payload (shebang included) and its functions. */
    public record Library(String name, byte[] code, Map<String, LuaFunctionEngine.Function> functions) {}

    /** FUNCTION RESTORE's policies. */
    public enum RestorePolicy { APPEND, REPLACE, FLUSH }

    /** Libraries and the functions of all of them, kept in step (functionsLibCtx). */
    private static final class Context {
        final Map<String, Library> libraries = new LinkedHashMap<>();
        final Map<String, LuaFunctionEngine.Function> functions = new LinkedHashMap<>();

        void link(Library l) {
            libraries.put(l.name(), l);
            functions.putAll(l.functions());
        }

        void unlink(Library l) {
            libraries.remove(l.name());
            l.functions().keySet().forEach(functions::remove);
        }
    }

    /**
     * Function names are looked up case-insensitively (functions.c's functions dict compares with
     * dictSdsKeyCaseCompare; library names compare exactly); names are ASCII
     * (functionsVerifyName), so lower case is the key.
     */
    static String key(String name) {
        return name.toLowerCase(java.util.Locale.ROOT);
    }

    private final LuaFunctionEngine engine;
    private Context current = new Context();
    /** Counts FUNCTION STATS reads without the lock while a function runs. */
    private volatile int libraryCount;
    private volatile int functionCount;

    public FunctionLibraries(LuaFunctionEngine engine) {
        this.engine = engine;
    }

    public LuaFunctionEngine engine() {
        return engine;
    }

    /** FCALL's lookup; null when no library registered it. */
    public LuaFunctionEngine.Function function(String name) {
        return current.functions.get(key(name));
    }

    public Collection<Library> libraries() {
        return Collections.unmodifiableCollection(current.libraries.values());
    }

    /** Every library's payload, for FUNCTION DUMP, the RDB and the AOF rewrite. */
    public List<byte[]> codes() {
        List<byte[]> codes = new ArrayList<>(current.libraries.size());
        for (Library l : current.libraries.values()) {
            codes.add(l.code());
        }
        return codes;
    }

    /** INFO memory's used_memory_functions: the libraries' code held (Redis adds its structures' overhead). */
    public long codeBytes() {
        long n = 0;
        for (Library l : current.libraries.values()) {
            n += l.code().length;
        }
        return n;
    }

    public int libraryCount() {
        return libraryCount;
    }

    public int functionCount() {
        return functionCount;
    }

    /**
     * FUNCTION STATS's reply (functionStatsCommand()); {@code running} is the function running
     * now, or null; {@code libraries} may be null (none ever loaded). Reads only volatile state:
     * an I/O thread answers it while a function holds the lock.
     */
    public static void writeStats(Reply r, ScriptRun running, FunctionLibraries libraries) {
        r.map(2);
        r.bulk("running_script");
        if (running == null) {
            r.nullBulk();
        } else {
            r.map(3);
            r.bulk("name");
            r.bulk(running.name());
            r.bulk("command");
            r.bulkArray(running.command);
            r.bulk("duration_ms");
            r.integer(running.elapsedMillis());
        }
        r.bulk("engines");
        r.map(1);
        r.bulk(ENGINE);
        r.map(2);
        r.bulk("libraries_count");
        r.integer(libraries == null ? 0 : libraries.libraryCount);
        r.bulk("functions_count");
        r.integer(libraries == null ? 0 : libraries.functionCount);
    }

    /**
     * FUNCTION LOAD [REPLACE]: creates the library and returns its name.
     *
     * @param run the load's context (its caller and memory limit)
     */
    public String load(byte[] payload, boolean replace, ScriptRun run) {
        String name = create(current, payload, replace, run);
        counted();
        return name;
    }

    /** FUNCTION DELETE. */
    public void delete(String name) {
        Library l = current.libraries.get(name);
        if (l == null) {
            throw RedisException.err("Library not found");
        }
        current.unlink(l);
        counted();
    }

    /** FUNCTION FLUSH. */
    public void flush() {
        current = new Context();
        counted();
    }

    /**
     * FUNCTION RESTORE, and an RDB's function section: the payloads are created aside, then
     * swapped in (FLUSH) or joined with the libraries already loaded; nothing changes on error.
     */
    public void restore(List<byte[]> payloads, RestorePolicy policy, ScriptRun run) {
        Context loaded = new Context();
        for (byte[] p : payloads) {
            create(loaded, p, false, run);
        }
        if (policy == RestorePolicy.FLUSH) {
            current = loaded;
        } else {
            join(loaded, policy == RestorePolicy.REPLACE);
        }
        counted();
    }

    private void counted() {
        libraryCount = current.libraries.size();
        functionCount = current.functions.size();
    }

    /** functionsCreateWithLibraryCtx(). */
    private String create(Context ctx, byte[] payload, boolean replace, ScriptRun run) {
        LibraryMetadata md = LibraryMetadata.parse(payload);
        if (!LibraryMetadata.validName(md.name())) {
            throw RedisException.err("Library names can only contain letters, numbers, or underscores(_) and must be"
                    + " at least one character long");
        }
        if (!md.engine().equalsIgnoreCase(ENGINE)) {
            throw RedisException.err("Engine '" + md.engine() + "' not found");
        }
        Library old = ctx.libraries.get(md.name());
        if (old != null && !replace) {
            throw RedisException.err("Library '" + md.name() + "' already exists");
        }
        if (old != null) {
            ctx.unlink(old);
        }
        try {
            Map<String, LuaFunctionEngine.Function> functions = engine.load(md.name(),
                    Arrays.copyOfRange(payload, md.codeOffset(), payload.length), run);
            if (functions.isEmpty()) {
                throw RedisException.err("No functions registered");
            }
            for (LuaFunctionEngine.Function f : functions.values()) {
                if (ctx.functions.containsKey(key(f.name()))) {
                    throw RedisException.err("Function " + f.name() + " already exists");
                }
            }
            ctx.link(new Library(md.name(), payload.clone(), Collections.unmodifiableMap(functions)));
            old = null;
            return md.name();
        } finally {
            if (old != null) {
                ctx.link(old); // the load failed: the replaced library stays
            }
        }
    }

    /** libraryJoin(): all of {@code src} or nothing. */
    private void join(Context src, boolean replace) {
        List<Library> replaced = new ArrayList<>();
        try {
            for (Library l : src.libraries.values()) {
                Library old = current.libraries.get(l.name());
                if (old != null) {
                    if (!replace) {
                        throw RedisException.err("Library " + l.name() + " already exists");
                    }
                    current.unlink(old);
                    replaced.add(old);
                }
            }
            for (LuaFunctionEngine.Function f : src.functions.values()) {
                if (current.functions.containsKey(key(f.name()))) {
                    throw RedisException.err("Function " + f.name() + " already exists");
                }
            }
        } catch (RedisException e) {
            replaced.forEach(current::link);
            throw e;
        }
        src.libraries.values().forEach(current::link);
    }
}
