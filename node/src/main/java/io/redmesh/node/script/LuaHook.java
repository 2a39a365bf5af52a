package io.redmesh.node.script;

import java.lang.management.ManagementFactory;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.DebugLib;

/**
 * The count hook Redis sets on its Lua state (luaMaskCountHook), installed where LuaJ calls its
 * debug library: every {@value #CHECK_EVERY} instructions it stops a script that SCRIPT KILL or
 * SHUTDOWN asked to stop, or that is about to exhaust the heap; on every Lua call it bounds the
 * call depth (Lua 5.1's LUAI_MAXCALLS), so that recursion ends in "stack overflow" rather than a
 * StackOverflowError. Scripts never see a {@code debug} table.
 */
final class LuaHook extends DebugLib {
    static final String KILLED = "Script killed by user with SCRIPT KILL...";
    private static final int CHECK_EVERY = 1 << 12;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    /** Heap a script may allocate between two looks at how full the heap is. */
    private static final long ALLOCATION_BUDGET = 16L << 20;

    /** Lua 5.1's LUAI_MAXCCALLS: nested calls through C (pcall) beyond this are "C stack overflow". */
    static final int MAX_C_CALLS = 200;
    private final int maxDepth;
    private int javaCalls;
    private ScriptRun run;
    private int depth;
    private int count;
    private long allocatedAtCheck;
    private long heapAtStart;
    /** The Lua functions being run (innermost last) and the last instruction executed, for error positions. */
    private org.luaj.vm2.Prototype[] frames = new org.luaj.vm2.Prototype[64];
    private org.luaj.vm2.Prototype lastProto;
    private int lastPc;

    LuaHook(int maxDepth) {
        this.maxDepth = maxDepth;
    }

    /** A script starts (null: none runs). */
    void attach(ScriptRun r) {
        run = r;
        depth = 0;
        javaCalls = 0;
        count = 0;
        lastProto = null;
        allocatedAtCheck = THREADS.getCurrentThreadAllocatedBytes();
        heapAtStart = ScriptMemory.used();
    }

    @Override
    public void onInstruction(int pc, Varargs v, int top) {
        lastProto = depth > 0 ? frames[Math.min(depth, frames.length) - 1] : lastProto;
        lastPc = pc;
        if (++count >= CHECK_EVERY) {
            count = 0;
            check();
        }
    }

    /** The periodic check: killed, interrupted (SHUTDOWN), or the heap nearly full. */
    void check() {
        ScriptRun r = run;
        if (r == null) {
            return;
        }
        if (r.loadDeadline != 0 && System.nanoTime() - r.loadDeadline > 0) {
            r.killRequested = true; // pcall cannot catch it (functionsCreateWithLibraryCtx's load hook)
            throw new LuaError(ScriptErrors.table("ERR FUNCTION LOAD timeout"));
        }
        if (r.killRequested || Thread.currentThread().isInterrupted()) {
            r.killRequested = true;
            throw new LuaError(ScriptErrors.killed());
        }
        long allocated = THREADS.getCurrentThreadAllocatedBytes();
        if (allocated - allocatedAtCheck > ALLOCATION_BUDGET) {
            allocatedAtCheck = allocated;
            ScriptMemory.check(heapAtStart, r.memoryLimit);
        }
    }

    @Override
    public void onCall(LuaFunction f) {
        enter();
    }

    @Override
    public void onCall(LuaClosure c, Varargs varargs, LuaValue[] stack) {
        enter();
        if (depth > frames.length && frames.length < maxDepth) {
            frames = java.util.Arrays.copyOf(frames, Math.min(maxDepth, frames.length * 2));
        }
        if (depth <= frames.length) {
            frames[depth - 1] = c.p;
        }
    }

    private void enter() {
        if (++depth > maxDepth) {
            throw new LuaError("stack overflow");
        }
    }

    /** A library function that calls back into Lua (pcall) is entered. */
    void enterJavaCall() {
        if (++javaCalls >= MAX_C_CALLS) {
            javaCalls--;
            throw new LuaError("C stack overflow");
        }
    }

    void exitJavaCall() {
        javaCalls--;
    }

    /** Call depth, saved by pcall and restored when it catches an error (frames unwound without onReturn). */
    int depth() {
        return depth;
    }

    void depth(int d) {
        depth = d;
    }

    /** The line of the last instruction run (Redis reports it as "on @user_script:N"), or -1. */
    int currentLine() {
        org.luaj.vm2.Prototype p = lastProto;
        if (p == null || p.lineinfo == null || lastPc < 0 || lastPc >= p.lineinfo.length) {
            return -1;
        }
        return p.lineinfo[lastPc];
    }

    @Override
    public void onReturn() {
        if (depth > 0) {
            depth--;
        }
    }

    @Override
    public String traceback(int level) {
        return "";
    }
}
