package io.redmesh.node.script;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;

/**
 * The scripts' global table: read-only once built (a script writing a global gets Redis 7.0's
 * "Attempt to modify a readonly table"), and reading a global that does not exist is an error
 * (its metatable's __index, set by {@link LuaSandbox}). KEYS and ARGV are set past the
 * protection before each run.
 */
final class SandboxGlobals extends Globals {
    private boolean frozen;

    void freeze() {
        frozen = true;
    }

    void setUnprotected(LuaValue key, LuaValue value) {
        boolean was = frozen;
        frozen = false;
        try {
            super.rawset(key, value);
        } finally {
            frozen = was;
        }
    }

    private void check() {
        if (frozen) {
            throw new LuaError(ProtectedTable.READONLY);
        }
    }

    @Override
    public void rawset(int key, LuaValue value) {
        check();
        super.rawset(key, value);
    }

    @Override
    public void rawset(LuaValue key, LuaValue value) {
        check();
        super.rawset(key, value);
    }

    @Override
    public LuaValue setmetatable(LuaValue metatable) {
        check();
        return super.setmetatable(metatable);
    }

    @Override
    public void hashset(LuaValue key, LuaValue value) {
        check();
        super.hashset(key, value);
    }
}
