package io.redmesh.node.script;

/**
 * One execution of a script (Redis's scriptRunCtx): who called it, what it may do (read-only,
 * allow-oom, allow-cross-slot-keys), what it has done (written), and how it is to stop (SCRIPT
 * KILL, SHUTDOWN). The hook and the redis.* API read it; other threads read only the volatile
 * fields.
 */
public final class ScriptRun {
    /** The client that ran the script (the command layer's Session; the engine never looks at it). */
    public final Object caller;
    /** The script's SHA1 (EVAL) or the function's name (FCALL). */
    final String sha;
    /** Run by FCALL/FCALL_RO (FUNCTION KILL stops it; -BUSY names FUNCTION KILL). */
    public final boolean function;
    /** The command that started it (FUNCTION STATS shows it). */
    public final byte[][] command;
    /** A library being loaded: past this System.nanoTime() it fails with "FUNCTION LOAD timeout" (0: none). */
    long loadDeadline;
    /** A load replayed from the master or the AOF: no timeout (functionLoadCommand's mustObeyClient). */
    boolean untimedLoad;
    final int flags;
    final boolean readOnlyCommand;
    final long startNanos = System.nanoTime();
    /** Whether maxmemory was exceeded when the script started (scriptVerifyOOM's pre-command state). */
    final boolean startedOutOfMemory;
    /** A write command ran: SCRIPT KILL is refused from now on (Redis's SCRIPT_WRITE_DIRTY). */
    volatile boolean wroteData;
    /** SCRIPT KILL asked the script to stop. */
    volatile boolean killRequested;
    /** redis.setresp(): the protocol of the replies redis.call() converts. */
    int resp = 2;
    /** redis.set_repl() flags (REPL_ALL by default). */
    int replicationFlags = ScriptingEngine.REPL_ALL;
    /** lua-memory-limit when the script started (0: the default share of the heap). */
    long memoryLimit;
    /** Coroutines the script created, bounded (each is a Java thread in LuaJ). */
    int coroutines;

    public ScriptRun(Object caller, String sha, int flags, boolean readOnlyCommand, boolean startedOutOfMemory) {
        this(caller, sha, flags, readOnlyCommand, startedOutOfMemory, false, null);
    }

    /** A run of FCALL/FCALL_RO ({@code function}) or EVAL, with the command that started it. */
    public ScriptRun(Object caller, String sha, int flags, boolean readOnlyCommand, boolean startedOutOfMemory,
            boolean function, byte[][] command) {
        this.function = function;
        this.command = command;
        this.caller = caller;
        this.sha = sha;
        this.flags = flags;
        this.readOnlyCommand = readOnlyCommand;
        this.startedOutOfMemory = startedOutOfMemory;
    }

    /** The function's name (FCALL) or the script's SHA1. */
    public String name() {
        return sha;
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /** Neither EVAL_RO nor a no-writes shebang: write commands are allowed. */
    public boolean readOnly() {
        return readOnlyCommand || has(ScriptFlags.NO_WRITES);
    }

    /** redis.set_repl()'s flags. */
    public int replicationFlags() {
        return replicationFlags;
    }

    public long elapsedMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** A write command is about to run (scriptCall sets SCRIPT_WRITE_DIRTY). */
    public void markWrite() {
        wroteData = true;
    }

    /** Whether maxmemory was exceeded when the script started. */
    public boolean startedOutOfMemory() {
        return startedOutOfMemory;
    }

    public boolean wroteData() {
        return wroteData;
    }

    /** How much the script may grow the heap (lua-memory-limit; 0: an eighth of it). */
    public void memoryLimit(long bytes) {
        memoryLimit = bytes;
    }

    /** The load this run stands for has no timeout. */
    public void untimedLoad() {
        untimedLoad = true;
    }

    /** SCRIPT KILL: the script stops at its next hook check with Redis's error. */
    public void kill() {
        killRequested = true;
    }
}
