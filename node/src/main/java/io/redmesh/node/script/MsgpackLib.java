package io.redmesh.node.script;

import java.io.ByteArrayOutputStream;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * The {@code cmsgpack} library Redis bundles (lua_cmsgpack.c 0.4.0, Lua 5.1 build): pack encodes
 * each argument and concatenates them; a number that is a 64-bit integer is packed as the
 * smallest integer type, any other as a float when a float holds it exactly, else a double; a
 * table whose keys are exactly 1..n is an array, any other a map (in Lua's iteration order, so a
 * map of several keys may order them differently from Redis's Lua); tables nest 16 deep, deeper
 * ones become nil. unpack, unpack_one and unpack_limit decode as the C library does, with its
 * error texts. Bounds of our own: decoding nests at most {@value #MAX_DECODE_DEPTH} deep, and
 * packing stops with "not enough memory" before its output outgrows the script memory bound.
 */
final class MsgpackLib {
    /** LUACMSGPACK_MAX_NESTING. */
    private static final int MAX_NESTING = 16;
    /** Lua 5.1's LUAI_MAXCSTACK: how many values a C function may return. */
    private static final int MAX_RESULTS = 8000;
    static final int MAX_DECODE_DEPTH = 1000;
    private static final int CHECK_OUTPUT_EVERY = 1 << 20;
    /** How often (in values) decoding asks the script's hook. */
    private static final int CHECK_EVERY_VALUES = 4096;

    private MsgpackLib() {}

    /**
     * @param hook the script's hook: packing and unpacking run in Java, where its instruction
     *             count does not reach, so they ask it themselves (SCRIPT/FUNCTION KILL, the
     *             memory limit) every {@value #CHECK_EVERY_VALUES} values
     */
    static LuaTable create(LuaHook hook) {
        LuaTable t = new LuaTable();
        t.rawset("pack", RedisLuaApi.fn(a -> pack(a, hook)));
        t.rawset("unpack", RedisLuaApi.fn(a -> unpack(string(a, 1, "unpack"), 0, 0, hook)));
        t.rawset("unpack_one", RedisLuaApi.fn(a -> unpack(string(a, 1, "unpack_one"), 1, optInt(a, 2, "unpack_one"),
                hook)));
        t.rawset("unpack_limit", RedisLuaApi.fn(a -> unpack(string(a, 1, "unpack_limit"), integer(a, 2, "unpack_limit"),
                optInt(a, 3, "unpack_limit"), hook)));
        t.rawset("_NAME", LuaValue.valueOf("cmsgpack"));
        t.rawset("_VERSION", LuaValue.valueOf("lua-cmsgpack 0.4.0"));
        t.rawset("_COPYRIGHT", LuaValue.valueOf("Copyright (C) 2012, Salvatore Sanfilippo"));
        t.rawset("_DESCRIPTION", LuaValue.valueOf("MessagePack C implementation for Lua"));
        return t;
    }

    /** luaL_checklstring(): a string or a number, else Lua 5.1's argument error. */
    private static LuaString string(Varargs a, int i, String fn) {
        LuaValue v = a.arg(i);
        if (v.type() != LuaValue.TSTRING && v.type() != LuaValue.TNUMBER) {
            throw argError(a, i, fn, "string");
        }
        return v.checkstring();
    }

    /** luaL_checkinteger(): a number or a numeric string, truncated as C casts it. */
    private static int integer(Varargs a, int i, String fn) {
        LuaValue n = a.arg(i).tonumber();
        if (n.isnil()) {
            throw argError(a, i, fn, "number");
        }
        return (int) (long) n.todouble();
    }

    private static int optInt(Varargs a, int i, String fn) {
        return a.isnoneornil(i) ? 0 : integer(a, i, fn);
    }

    private static LuaError argError(Varargs a, int i, String fn, String expected) {
        String got = i > a.narg() ? "no value" : a.arg(i).typename();
        return new LuaError("bad argument #" + i + " to '" + fn + "' (" + expected + " expected, got " + got + ")");
    }

    // ------------------------------------------------------------------ encoding

    /** A growing output that asks the script memory bound before each further megabyte. */
    private static final class Output extends ByteArrayOutputStream {
        private final LuaHook hook;
        private int checkedAt;

        Output(LuaHook hook) {
            this.hook = hook;
        }

        void grow(int more) {
            if (count + more - checkedAt > CHECK_OUTPUT_EVERY) {
                ScriptMemory.reserve(2L * (count + more));
                hook.check(); // killed, or past the script's own memory limit (a self-referencing table)
                checkedAt = count + more;
            }
        }
    }

    private static Varargs pack(Varargs args, LuaHook hook) {
        if (args.narg() == 0) {
            throw new LuaError("bad argument #0 to 'pack' (MessagePack pack needs input.)");
        }
        Output out = new Output(hook);
        for (int i = 1; i <= args.narg(); i++) {
            encode(args.arg(i), out, 0);
        }
        return LuaString.valueOf(out.toByteArray());
    }

    private static void encode(LuaValue v, Output out, int level) {
        int type = v.type();
        if (type == LuaValue.TTABLE && level == MAX_NESTING) {
            type = LuaValue.TNIL;
        }
        switch (type) {
            case LuaValue.TSTRING -> bytes(v.checkstring(), out);
            case LuaValue.TBOOLEAN -> out.write(v.toboolean() ? 0xc3 : 0xc2);
            case LuaValue.TNUMBER -> number(v.todouble(), out);
            case LuaValue.TTABLE -> table((LuaTable) v, out, level);
            default -> out.write(0xc0);
        }
    }

    /** IS_INT64_EQUIVALENT as x86-64 evaluates it: out-of-range casts never compare equal. */
    private static boolean isInt64(double d) {
        return d >= -0x1p63 && d < 0x1p63 && (long) d == d;
    }

    private static void number(double d, Output out) {
        if (isInt64(d)) {
            integer((long) d, out);
            return;
        }
        float f = (float) d;
        out.grow(9);
        if (d == (double) f) {
            out.write(0xca);
            be(Float.floatToRawIntBits(f) & 0xffffffffL, 4, out);
        } else {
            out.write(0xcb);
            // a NaN is x86's default one (what 0/0 makes under Redis), not Java's positive one
            be(Double.isNaN(d) ? 0xfff8000000000000L : Double.doubleToRawLongBits(d), 8, out);
        }
    }

    /** mp_encode_int(). */
    private static void integer(long n, Output out) {
        out.grow(9);
        if (n >= 0) {
            if (n <= 127) {
                out.write((int) n);
            } else if (n <= 0xff) {
                out.write(0xcc);
                be(n, 1, out);
            } else if (n <= 0xffff) {
                out.write(0xcd);
                be(n, 2, out);
            } else if (n <= 0xffffffffL) {
                out.write(0xce);
                be(n, 4, out);
            } else {
                out.write(0xcf);
                be(n, 8, out);
            }
        } else if (n >= -32) {
            out.write((int) n & 0xff);
        } else if (n >= -128) {
            out.write(0xd0);
            be(n, 1, out);
        } else if (n >= -32768) {
            out.write(0xd1);
            be(n, 2, out);
        } else if (n >= -2147483648L) {
            out.write(0xd2);
            be(n, 4, out);
        } else {
            out.write(0xd3);
            be(n, 8, out);
        }
    }

    private static void be(long v, int bytes, Output out) {
        for (int i = bytes - 1; i >= 0; i--) {
            out.write((int) (v >>> (8 * i)) & 0xff);
        }
    }

    /** mp_encode_bytes(): fix raw, str 8, raw 16, raw 32. */
    private static void bytes(LuaString s, Output out) {
        int len = s.rawlen();
        out.grow(len + 5);
        if (len < 32) {
            out.write(0xa0 | len);
        } else if (len <= 0xff) {
            out.write(0xd9);
            be(len, 1, out);
        } else if (len <= 0xffff) {
            out.write(0xda);
            be(len, 2, out);
        } else {
            out.write(0xdb);
            be(len, 4, out);
        }
        out.write(s.m_bytes, s.m_offset, len);
    }

    private static void header(long n, int fix, int code16, Output out) {
        out.grow(5);
        if (n <= 15) {
            out.write(fix | (int) n);
        } else if (n <= 0xffff) {
            out.write(code16);
            be(n, 2, out);
        } else {
            out.write(code16 + 1);
            be(n, 4, out);
        }
    }

    private static void table(LuaTable t, Output out, int level) {
        if (isArray(t)) {
            int len = t.length();
            header(len, 0x90, 0xdc, out);
            for (int j = 1; j <= len; j++) {
                encode(t.get(j), out, level + 1);
            }
            return;
        }
        long len = 0;
        LuaValue k = LuaValue.NIL;
        while (!(k = t.next(k).arg1()).isnil()) {
            len++;
        }
        header(len, 0x80, 0xde, out);
        k = LuaValue.NIL;
        while (true) {
            Varargs n = t.next(k);
            if ((k = n.arg1()).isnil()) {
                return;
            }
            encode(k, out, level + 1);
            encode(n.arg(2), out, level + 1);
        }
    }

    /** table_is_an_array(): only positive integer keys (as int), and as many as the largest. */
    private static boolean isArray(LuaTable t) {
        long count = 0;
        long max = 0;
        LuaValue k = LuaValue.NIL;
        while (!(k = t.next(k).arg1()).isnil()) {
            if (k.type() != LuaValue.TNUMBER) {
                return false;
            }
            double n = k.todouble();
            if (n <= 0 || Double.isInfinite(n) || (int) n != n) {
                return false;
            }
            max = Math.max(max, (long) n);
            count++;
        }
        return max == count;
    }

    // ------------------------------------------------------------------ decoding

    /** mp_cur: the input and how far it has been read; errors end the decode. */
    private static final class Cursor {
        final LuaString s;
        int p;
        final int end;
        int results;
        final LuaHook hook;
        int decoded;

        Cursor(LuaString s, int offset, LuaHook hook) {
            this.s = s;
            this.p = offset;
            this.end = s.rawlen();
            this.hook = hook;
        }

        int left() {
            return end - p;
        }

        void need(long n) {
            if (n > left()) {
                throw new LuaError("Missing bytes in input.");
            }
        }

        int u8(int at) {
            return s.luaByte(p + at);
        }

        long be(int at, int bytes) {
            long v = 0;
            for (int i = 0; i < bytes; i++) {
                v = (v << 8) | u8(at + i);
            }
            return v;
        }
    }

    /** mp_unpack_full(). */
    private static Varargs unpack(LuaString s, int limit, int offset, LuaHook hook) {
        boolean decodeAll = limit == 0 && offset == 0;
        int len = s.rawlen();
        if (offset < 0 || limit < 0) {
            throw new LuaError("Invalid request to unpack with offset of " + offset + " and limit of " + len + ".");
        } else if (offset > len) {
            throw new LuaError("Start offset " + offset + " greater than input length " + len + ".");
        }
        if (decodeAll) {
            limit = Integer.MAX_VALUE;
        }
        Cursor c = new Cursor(s, offset, hook);
        java.util.List<LuaValue> values = new java.util.ArrayList<>();
        if (!decodeAll) {
            values.add(LuaValue.NIL); // the next offset, filled in below
        }
        for (int cnt = 0; c.left() > 0 && cnt < limit; cnt++) {
            if (values.size() + 2 > MAX_RESULTS) {
                throw new LuaError("stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)");
            }
            values.add(decode(c, 0));
        }
        if (!decodeAll) {
            values.set(0, LuaValue.valueOf(c.left() == 0 ? -1 : len - c.left()));
        }
        return LuaValue.varargsOf(values.toArray(new LuaValue[0]));
    }

    private static LuaValue decode(Cursor c, int depth) {
        if (++c.decoded % CHECK_EVERY_VALUES == 0) {
            c.hook.check(); // each value may be a table: a 100 MB input is 100 million of them
        }
        if (depth > MAX_DECODE_DEPTH) {
            throw new LuaError("MessagePack data nested too deeply (more than " + MAX_DECODE_DEPTH + " levels)");
        }
        c.need(1);
        int b = c.u8(0);
        switch (b) {
            case 0xcc: return fixed(c, 1, false);
            case 0xd0: return fixed(c, 1, true);
            case 0xcd: return fixed(c, 2, false);
            case 0xd1: return fixed(c, 2, true);
            case 0xce: return fixed(c, 4, false);
            case 0xd2: return fixed(c, 4, true);
            case 0xcf: return fixed(c, 8, false);
            case 0xd3: return fixed(c, 8, true);
            case 0xc0: c.p++; return LuaValue.NIL;
            case 0xc3: c.p++; return LuaValue.TRUE;
            case 0xc2: c.p++; return LuaValue.FALSE;
            case 0xca: {
                c.need(5);
                float f = Float.intBitsToFloat((int) c.be(1, 4));
                c.p += 5;
                return LuaValue.valueOf((double) f);
            }
            case 0xcb: {
                c.need(9);
                double d = Double.longBitsToDouble(c.be(1, 8));
                c.p += 9;
                return LuaValue.valueOf(d);
            }
            case 0xd9: return raw(c, 1);
            case 0xda: return raw(c, 2);
            case 0xdb: return raw(c, 4);
            case 0xdc: return array(c, lengthOf(c, 2), depth);
            case 0xdd: return array(c, lengthOf(c, 4), depth);
            case 0xde: return map(c, lengthOf(c, 2), depth);
            case 0xdf: return map(c, lengthOf(c, 4), depth);
            default:
                if ((b & 0x80) == 0) {
                    c.p++;
                    return LuaValue.valueOf(b);
                } else if ((b & 0xe0) == 0xe0) {
                    c.p++;
                    return LuaValue.valueOf((byte) b);
                } else if ((b & 0xe0) == 0xa0) {
                    int l = b & 0x1f;
                    c.need(1 + l);
                    LuaValue v = c.s.substring(c.p + 1, c.p + 1 + l);
                    c.p += 1 + l;
                    return v;
                } else if ((b & 0xf0) == 0x90) {
                    c.p++;
                    return array(c, b & 0xf, depth);
                } else if ((b & 0xf0) == 0x80) {
                    c.p++;
                    return map(c, b & 0xf, depth);
                }
                throw new LuaError("Bad data format in input.");
        }
    }

    /** An integer of {@code bytes} bytes after the type byte, as lua_pushinteger/lua_pushunsigned make it a number. */
    private static LuaValue fixed(Cursor c, int bytes, boolean signed) {
        c.need(1 + bytes);
        long v = c.be(1, bytes);
        c.p += 1 + bytes;
        if (signed) {
            int shift = 64 - 8 * bytes;
            return LuaValue.valueOf((double) ((v << shift) >> shift));
        }
        return LuaValue.valueOf((double) v); // lua_pushunsigned in 5.1 goes through a signed lua_Integer
    }

    private static long lengthOf(Cursor c, int bytes) {
        c.need(1 + bytes);
        long l = c.be(1, bytes);
        c.p += 1 + bytes;
        return l;
    }

    private static LuaValue raw(Cursor c, int bytes) {
        c.need(1 + bytes);
        long l = c.be(1, bytes);
        c.need(1 + bytes + l);
        int from = c.p + 1 + bytes;
        c.p = from + (int) l;
        return c.s.substring(from, c.p);
    }

    /** mp_decode_to_lua_array(): no room is reserved for the stated length (it may lie). */
    private static LuaValue array(Cursor c, long len, int depth) {
        c.need(len); // each element takes a byte at least: a length the input cannot hold fails as Redis's decode ends
        LuaTable t = new LuaTable();
        for (int i = 1; len-- > 0; i++) {
            t.set(i, decode(c, depth + 1));
        }
        return t;
    }

    private static LuaValue map(Cursor c, long len, int depth) {
        c.need(2 * len);
        LuaTable t = new LuaTable();
        while (len-- > 0) {
            LuaValue k = decode(c, depth + 1);
            LuaValue v = decode(c, depth + 1);
            if (k.isnil()) {
                throw new LuaSandbox.LevelZeroError(LuaValue.valueOf("table index is nil"));
            }
            t.set(k, v);
        }
        return t;
    }
}
