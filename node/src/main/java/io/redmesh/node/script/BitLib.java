package io.redmesh.node.script;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The {@code bit} library Redis bundles (LuaBitOp 1.0.2): 32-bit operations whose results are
 * signed 32-bit numbers; arguments are normalized as its barg() does (the number modulo 2^32).
 */
final class BitLib {
    private BitLib() {}

    static LuaTable create() {
        LuaTable t = new LuaTable();
        t.rawset("tobit", op(a -> a.arg1Int()));
        t.rawset("bnot", op(a -> ~a.arg1Int()));
        t.rawset("band", op(a -> a.fold((x, y) -> x & y)));
        t.rawset("bor", op(a -> a.fold((x, y) -> x | y)));
        t.rawset("bxor", op(a -> a.fold((x, y) -> x ^ y)));
        t.rawset("lshift", op(a -> a.arg1Int() << (a.bit(2) & 31)));
        t.rawset("rshift", op(a -> a.arg1Int() >>> (a.bit(2) & 31)));
        t.rawset("arshift", op(a -> a.arg1Int() >> (a.bit(2) & 31)));
        t.rawset("rol", op(a -> Integer.rotateLeft(a.arg1Int(), a.bit(2) & 31)));
        t.rawset("ror", op(a -> Integer.rotateRight(a.arg1Int(), a.bit(2) & 31)));
        t.rawset("bswap", op(a -> Integer.reverseBytes(a.arg1Int())));
        t.rawset("tohex", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                int b = Args.bit(args, 1);
                int n = args.isnoneornil(2) ? 8 : Args.bit(args, 2);
                if (n == Integer.MIN_VALUE) {
                    n = Integer.MIN_VALUE + 1; // CVE-2024-31449: -n must not overflow
                }
                boolean upper = n < 0;
                if (upper) {
                    n = -n;
                }
                if (n > 8) {
                    n = 8;
                }
                String hex = String.format(upper ? "%08X" : "%08x", b);
                return LuaValue.valueOf(hex.substring(8 - n));
            }
        });
        return t;
    }

    private interface Op {
        int apply(Args a);
    }

    private static LuaValue op(Op op) {
        return new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return LuaValue.valueOf(op.apply(new Args(args)));
            }
        };
    }

    private static final class Args {
        private final Varargs v;

        Args(Varargs v) {
            this.v = v;
        }

        int arg1Int() {
            return bit(v, 1);
        }

        int bit(int i) {
            return bit(v, i);
        }

        int fold(java.util.function.IntBinaryOperator f) {
            int r = bit(v, 1);
            for (int i = 2; i <= v.narg(); i++) {
                r = f.applyAsInt(r, bit(v, i));
            }
            return r;
        }

        /** barg(): the number's low 32 bits, as LuaBitOp's 2^52+2^51 addition trick leaves them. */
        static int bit(Varargs v, int i) {
            LuaValue a = v.arg(i);
            if (a.type() != LuaValue.TNUMBER && !(a.isstring() && a.tonumber().isnumber())) {
                throw new LuaError("bad argument #" + i + " to '?' (number expected, got " + a.typename() + ")");
            }
            double d = a.todouble();
            double bits = d + 6755399441055744.0; // 2^52 + 2^51: rounds to nearest like the C code
            return (int) Double.doubleToRawLongBits(bits);
        }
    }
}
