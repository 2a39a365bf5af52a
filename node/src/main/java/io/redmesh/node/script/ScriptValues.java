package io.redmesh.node.script;

import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;

/** Lua 5.1's views of values that LuaJ (a 5.2) renders differently: numbers as strings, C casts. */
final class ScriptValues {
    private ScriptValues() {}

    /** tostring() of a 5.1 state: numbers "%.14g", everything else as LuaJ has it. */
    static LuaString tostring(LuaValue v) {
        if (v.type() == LuaValue.TNUMBER) {
            return LuaString.valueOf(LuaNumbers.toLuaString(v.todouble()));
        }
        LuaValue meta = v.metatag(LuaValue.TOSTRING);
        if (!meta.isnil()) {
            return meta.call(v).checkstring();
        }
        return v.tostring().checkstring();
    }

    /**
     * A C cast of a double to long long on x86-64: out of range (and NaN) gives LLONG_MIN,
     * where Java would saturate. Redis turns Lua numbers into integer replies this way.
     */
    static long toLongLikeC(double d) {
        if (Double.isNaN(d) || d >= 9.223372036854775807E18 || d < -9.223372036854775808E18) {
            return Long.MIN_VALUE;
        }
        return (long) d;
    }

    /** The bytes of a Lua string. */
    static byte[] bytes(LuaString s) {
        byte[] b = new byte[s.m_length];
        s.copyInto(0, b, 0, b.length);
        return b;
    }
}
