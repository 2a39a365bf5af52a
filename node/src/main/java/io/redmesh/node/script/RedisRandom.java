package io.redmesh.node.script;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * math.random and math.randomseed as Redis replaces them (redisLrand48(), reseeded with 0
 * before every script): the same script draws the same numbers on every server, so its effects
 * replicate and differential tests can compare them.
 */
final class RedisRandom {
    private static final long MAX = Integer.MAX_VALUE; // REDIS_LRAND48_MAX
    private long x;

    RedisRandom() {
        seed(0);
    }

    /** redisSrand48(). */
    void seed(int seed) {
        x = (((long) seed & 0xffffffffL) << 16 | 0x330E) & 0xffffffffffffL;
    }

    /** redisLrand48(): the 48-bit linear congruential generator of lrand48(). */
    long next() {
        x = (x * 0x5DEECE66DL + 0xB) & 0xffffffffffffL;
        return x >>> 17;
    }

    LuaValue random() {
        return new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                double r = (double) (RedisRandom.this.next() % MAX) / (double) MAX;
                switch (args.narg()) {
                    case 0:
                        return LuaValue.valueOf(r);
                    case 1: {
                        int u = args.checkint(1);
                        if (u < 1) {
                            throw new LuaError("bad argument #1 to 'random' (interval is empty)");
                        }
                        return LuaValue.valueOf(Math.floor(r * u) + 1);
                    }
                    case 2: {
                        int l = args.checkint(1);
                        int u = args.checkint(2);
                        if (l > u) {
                            throw new LuaError("bad argument #2 to 'random' (interval is empty)");
                        }
                        return LuaValue.valueOf(Math.floor(r * (u - l + 1)) + l);
                    }
                    default:
                        throw new LuaError("wrong number of arguments");
                }
            }
        };
    }

    LuaValue randomseed() {
        return new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue s) {
                seed(s.checkint());
                return NONE;
            }
        };
    }
}
