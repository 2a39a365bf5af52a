package io.redmesh.node.script;

import org.luaj.vm2.LuaError;

/**
 * Keeps scripts from exhausting the JVM heap. Lua 5.1 under Redis fails an allocation with "not
 * enough memory"; a script here gets the same error when what it would build (or has built)
 * leaves less than a quarter of the heap free, instead of an OutOfMemoryError that would hit
 * every thread of the server.
 */
final class ScriptMemory {
    private static final Runtime RUNTIME = Runtime.getRuntime();
    static final String NOT_ENOUGH = "not enough memory";

    private ScriptMemory() {}

    /** The heap is nearly full: fail the script (after a collection proves it so). */
    static void check() {
        if (free() < RUNTIME.maxMemory() / 4) {
            System.gc();
            if (free() < RUNTIME.maxMemory() / 4) {
                throw new LuaError(NOT_ENOUGH);
            }
        }
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
