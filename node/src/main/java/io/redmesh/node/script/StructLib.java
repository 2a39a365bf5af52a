package io.redmesh.node.script;

import java.io.ByteArrayOutputStream;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The {@code struct} library Redis bundles (Roberto Ierusalimschy's struct.c, as in Redis's
 * deps/lua/src/lua_struct.c): pack, unpack and size over formats of '<' '>' '!' endianness and
 * alignment, x b B h H l L T i[n] I[n] f d s c[n], with x86-64 sizes (long and size_t are 8
 * bytes) and its error texts.
 */
final class StructLib {
    private static final int MAXINTSIZE = 32;
    private static final int MAXALIGN = 8;

    /** The function being run, for luaL_argerror's "bad argument #1 to 'pack'". */
    private static final ThreadLocal<String> FUNCTION = ThreadLocal.withInitial(() -> "?");

    private StructLib() {}

    static LuaTable create() {
        LuaTable t = new LuaTable();
        t.rawset("pack", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                FUNCTION.set("pack");
                return pack(args);
            }
        });
        t.rawset("unpack", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                FUNCTION.set("unpack");
                return unpack(args);
            }
        });
        t.rawset("size", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                FUNCTION.set("size");
                return size(args);
            }
        });
        return t;
    }

    /** The parse state of a format: endianness and alignment, the cursor. */
    private static final class Header {
        final LuaString fmt;
        int pos;
        boolean little = true;
        int align = 1;

        Header(LuaString fmt) {
            this.fmt = fmt;
        }

        boolean more() {
            return pos < fmt.length();
        }

        int next() {
            return fmt.luaByte(pos++);
        }

        /** getnum(): digits after an option, or {@code df}. */
        int number(int df) {
            if (!more() || !Character.isDigit(fmt.luaByte(pos))) {
                return df;
            }
            int a = 0;
            do {
                if (a > (Integer.MAX_VALUE / 10) || a * 10 > (Integer.MAX_VALUE - (fmt.luaByte(pos) - '0'))) {
                    throw new LuaError("integral size overflow");
                }
                a = a * 10 + (fmt.luaByte(pos++) - '0');
            } while (more() && Character.isDigit(fmt.luaByte(pos)));
            return a;
        }

        int intSize(int df) {
            int sz = number(df);
            if (sz > MAXINTSIZE || sz <= 0) {
                throw new LuaError("integral size " + sz + " is larger than limit of " + MAXINTSIZE);
            }
            return sz;
        }

        /** optsize(): the size of option {@code opt}; controls (< > ! space) are handled and give 0. */
        int optSize(int opt) {
            switch (opt) {
                case 'B': case 'b': return 1;
                case 'H': case 'h': return 2;
                case 'L': case 'l': case 'T': return 8;
                case 'f': return 4;
                case 'd': return 8;
                case 'x': return 1;
                case 'c': return number(1);
                case 'i': case 'I': return intSize(4);
                default: return 0;
            }
        }

        /** controloptions(): true when opt was a control option. */
        boolean control(int opt) {
            switch (opt) {
                case ' ':
                    return true;
                case '>':
                    little = false;
                    return true;
                case '<':
                    little = true;
                    return true;
                case '!': {
                    int a = number(MAXALIGN);
                    if ((a & (a - 1)) != 0) {
                        throw new LuaError("alignment " + a + " is not a power of 2");
                    }
                    align = a;
                    return true;
                }
                default:
                    return false;
            }
        }

        /** gettoalign(): padding before an item of {@code size} at {@code len}. */
        int toAlign(long len, int opt, int size) {
            if (size == 0 || opt == 'c') {
                return 0;
            }
            if (size > align) {
                size = align;
            }
            return (int) ((size - (len & (size - 1))) & (size - 1));
        }
    }

    private static void invalid(int opt) {
        throw new LuaError("bad argument #1 to '" + FUNCTION.get() + "' (invalid format option '" + (char) opt + "')");
    }

    private static Varargs pack(Varargs args) {
        Header h = new Header(args.checkstring(1));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int arg = 2;
        long total = 0;
        while (h.more()) {
            int opt = h.next();
            if (h.control(opt)) {
                continue;
            }
            int size = h.optSize(opt);
            int pad = h.toAlign(total, opt, size);
            for (int i = 0; i < pad; i++) {
                out.write(0);
            }
            total += pad;
            switch (opt) {
                case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I': {
                    double n = args.checkdouble(arg++);
                    long v = ScriptValues.toLongLikeC(n);
                    writeInt(out, v, size, h.little);
                    break;
                }
                case 'x':
                    out.write(0);
                    break;
                case 'f': {
                    int bits = Float.floatToRawIntBits((float) args.checkdouble(arg++));
                    writeInt(out, bits, 4, h.little);
                    break;
                }
                case 'd': {
                    long bits = Double.doubleToRawLongBits(args.checkdouble(arg++));
                    writeInt(out, bits, 8, h.little);
                    break;
                }
                case 'c': case 's': {
                    LuaString s = args.checkstring(arg++);
                    int l = s.length();
                    if (size == 0) {
                        size = l;
                    }
                    if (l < size) {
                        throw new LuaError("bad argument #" + (arg - 1) + " to 'pack' (string too short)");
                    }
                    byte[] b = ScriptValues.bytes(s);
                    out.write(b, 0, opt == 's' ? l : size);
                    if (opt == 's') {
                        out.write(0);
                        size = l + 1;
                    }
                    break;
                }
                default:
                    invalid(opt);
            }
            total += size;
            ScriptMemory.reserve(total);
        }
        return LuaString.valueOf(out.toByteArray());
    }

    private static void writeInt(ByteArrayOutputStream out, long v, int size, boolean little) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            int shift = 8 * i;
            b[little ? i : size - 1 - i] = shift < 64 ? (byte) (v >>> shift) : (byte) (v < 0 ? 0xff : 0);
        }
        out.write(b, 0, size);
    }

    private static Varargs unpack(Varargs args) {
        Header h = new Header(args.checkstring(1));
        LuaString data = args.checkstring(2);
        int ld = data.length();
        long pos = args.optlong(3, 1) - 1;
        if (pos < 0 || pos > ld) {
            throw new LuaError("bad argument #3 to 'unpack' (offset must be 1 or greater)");
        }
        java.util.List<LuaValue> results = new java.util.ArrayList<>();
        while (h.more()) {
            int opt = h.next();
            if (h.control(opt)) {
                continue;
            }
            int size = h.optSize(opt);
            pos += h.toAlign(pos, opt, size);
            if (size > ld - pos) {
                throw new LuaError("bad argument #2 to 'unpack' (data string too short)");
            }
            switch (opt) {
                case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I': {
                    boolean signed = Character.isLowerCase(opt);
                    results.add(LuaValue.valueOf(readInt(data, (int) pos, size, h.little, signed)));
                    break;
                }
                case 'x':
                    break;
                case 'f':
                    results.add(LuaValue.valueOf(Float.intBitsToFloat((int) readInt(data, (int) pos, 4, h.little, false))));
                    break;
                case 'd':
                    results.add(LuaValue.valueOf(Double.longBitsToDouble(readBits(data, (int) pos, 8, h.little))));
                    break;
                case 'c': {
                    if (size == 0) {
                        if (results.isEmpty() || !results.get(results.size() - 1).isnumber()) {
                            throw new LuaError("format 'c0' needs a previous size");
                        }
                        size = results.remove(results.size() - 1).toint();
                        if (size > ld - pos) {
                            throw new LuaError("bad argument #2 to 'unpack' (data string too short)");
                        }
                    }
                    results.add(data.substring((int) pos, (int) pos + size));
                    break;
                }
                case 's': {
                    int end = (int) pos;
                    while (end < ld && data.luaByte(end) != 0) {
                        end++;
                    }
                    if (end >= ld) {
                        throw new LuaError("unfinished string in data");
                    }
                    size = end - (int) pos + 1;
                    results.add(data.substring((int) pos, end));
                    break;
                }
                default:
                    invalid(opt);
            }
            pos += size;
        }
        results.add(LuaValue.valueOf(pos + 1));
        return LuaValue.varargsOf(results.toArray(new LuaValue[0]));
    }

    private static long readBits(LuaString data, int pos, int size, boolean little) {
        long v = 0;
        for (int i = 0; i < size; i++) {
            int b = data.luaByte(pos + (little ? size - 1 - i : i));
            v = (v << 8) | b;
        }
        return v;
    }

    /** getinteger(): as struct.c, the value goes through a lua_Number (a double). */
    private static double readInt(LuaString data, int pos, int size, boolean little, boolean signed) {
        long v = readBits(data, pos, Math.min(size, 8), little);
        if (size > 8) {
            v = readBits(data, little ? pos : pos + size - 8, 8, little);
        }
        if (signed && size < 8) {
            long mask = 1L << (size * 8 - 1);
            v = (v ^ mask) - mask;
        }
        if (!signed && size >= 8 && v < 0) {
            return (double) (v >>> 1) * 2.0 + (v & 1);
        }
        return (double) v;
    }

    private static Varargs size(Varargs args) {
        Header h = new Header(args.checkstring(1));
        long pos = 0;
        while (h.more()) {
            int opt = h.next();
            if (h.control(opt)) {
                continue;
            }
            int size = h.optSize(opt);
            pos += h.toAlign(pos, opt, size);
            if (opt == 's') {
                throw new LuaError("bad argument #1 to 'size' (option 's' has no fixed size)");
            } else if (opt == 'c' && size == 0) {
                throw new LuaError("bad argument #1 to 'size' (option 'c0' has no fixed size)");
            }
            if (!Character.isLetter(opt)) {
                invalid(opt);
            }
            pos += size;
        }
        return LuaValue.valueOf(pos);
    }
}
