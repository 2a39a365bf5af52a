package io.redmesh.node.script;

import org.luaj.vm2.LuaError;

/**
 * Keeps scripts from exhausting the JVM heap. Lua 5.1 under Redis fails an allocation with "not
 * enough memory"; a script here gets the same error when it holds more than the hidden
 * lua-memory-limit (default an eighth of the heap; growth of the used heap since it started,
 * confirmed after a collection) or leaves less
 * than a quarter of the heap free, instead of an OutOfMemoryError that would hit every thread of
 * the server.
 */
final class ScriptMemory {
    private static final Runtime RUNTIME = Runtime.getRuntime();
    static final String NOT_ENOUGH = "not enough memory";

    private ScriptMemory() {}

    /** The heap in use now (what a script's growth is measured from). */
    static long used() {
        return RUNTIME.totalMemory() - RUNTIME.freeMemory();
    }

    /** The script grew the heap past its share, or the heap is nearly full: fail it (after a collection proves it so). */
    static void check(long usedAtStart, long limit) {
        if (over(usedAtStart, limit)) {
            System.gc();
            if (over(usedAtStart, limit)) {
                throw new LuaError(NOT_ENOUGH);
            }
        }
    }

    private static boolean over(long usedAtStart, long limit) {
        return free() < RUNTIME.maxMemory() / 4
                || used() - usedAtStart > (limit > 0 ? limit : RUNTIME.maxMemory() / 8);
    }

    /** A single allocation of {@code bytes} the script asks for (string.rep, concat): refused when too big. */
    static void reserve(long bytes) {
        if (bytes > Integer.MAX_VALUE - 16 || bytes > free() - RUNTIME.maxMemory() / 4) {
            throw new LuaError(NOT_ENOUGH);
        }
    }

    private static long free() {
        return RUNTIME.maxMemory() - (RUNTIME.totalMemory() - RUNTIME.freeMemory());
    }
}
