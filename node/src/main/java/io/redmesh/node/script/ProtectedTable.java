package io.redmesh.node.script;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * A table scripts cannot change once it is frozen: Redis 7.0 makes the globals and every library
 * table read-only (its Lua's lua_enablereadonlytable), so that one script cannot alter what the
 * next one sees. Writes fail with Redis's "Attempt to modify a readonly table".
 */
class ProtectedTable extends LuaTable {
    static final String READONLY = "Attempt to modify a readonly table";
    private boolean frozen;

    void freeze() {
        frozen = true;
    }

    /** Copies a library table LuaJ built into a protected one (frozen by the caller). */
    static ProtectedTable of(LuaValue library) {
        ProtectedTable t = new ProtectedTable();
        LuaValue k = LuaValue.NIL;
        while (true) {
            org.luaj.vm2.Varargs n = library.next(k);
            if ((k = n.arg1()).isnil()) {
                break;
            }
            t.rawset(k, n.arg(2));
        }
        return t;
    }

    /** Sets a field past the protection (KEYS and ARGV before each run). */
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
            throw new LuaError(READONLY);
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
    public void hashset(LuaValue key, LuaValue value) {
        check();
        super.hashset(key, value);
    }

    @Override
    public void insert(int pos, LuaValue value) {
        check();
        super.insert(pos, value);
    }

    @Override
    public LuaValue remove(int pos) {
        check();
        return super.remove(pos);
    }

    @Override
    public void sort(LuaValue comparator) {
        check();
        super.sort(comparator);
    }

    @Override
    public LuaValue setmetatable(LuaValue metatable) {
        check();
        return super.setmetatable(metatable);
    }
}
