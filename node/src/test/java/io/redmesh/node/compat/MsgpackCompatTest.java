package io.redmesh.node.compat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cmsgpack library against Redis 7.0.15's, byte for byte: pack's bytes for integers at every
 * width boundary, floats and doubles, strings of every header size, arrays and maps (one key:
 * Lua's iteration order of several keys is its own), nesting past 16, several arguments; unpack,
 * unpack_one and unpack_limit results and every error; the same library inside a function.
 */
class MsgpackCompatTest {
    private static Diff diff;

    @BeforeAll
    static void start() {
        diff = Diff.start();
    }

    @AfterAll
    static void stop() {
        if (diff != null) {
            diff.close();
        }
    }

    private static void evalAll(Diff.Pair p, String... scripts) {
        for (String s : scripts) {
            p.soft("EVAL", s, "0");
        }
    }

    @Test
    void packBytes() {
        try (Diff.Pair p = diff.pair()) {
            StringBuilder numbers = new StringBuilder();
            for (String n : new String[] {"0", "1", "127", "128", "255", "256", "65535", "65536", "2^32-1", "2^32",
                    "2^53", "2^62", "2^63", "-2^63", "2^64", "-1", "-32", "-33", "-128", "-129", "-32768", "-32769",
                    "-2^31", "-2^31-1", "-2^53", "1.5", "0.1", "-0.0", "1e300", "1/0", "-1/0", "0/0", "3.25", "1e-40",
                    "2^31", "2^31-1"}) {
                numbers.append("return cmsgpack.pack(").append(n).append(")\n");
            }
            evalAll(p, numbers.toString().split("\n"));
            evalAll(p, "return cmsgpack.pack('')", "return cmsgpack.pack(string.rep('a', 31))",
                    "return cmsgpack.pack(string.rep('a', 32))", "return cmsgpack.pack(string.rep('a', 255))",
                    "return cmsgpack.pack(string.rep('a', 256))", "return #cmsgpack.pack(string.rep('a', 65535))",
                    "return cmsgpack.pack(string.rep('a', 65536)):sub(1, 8)", "return cmsgpack.pack(true, false, nil)",
                    "return cmsgpack.pack({})", "return cmsgpack.pack({1, 2, 3})", "return cmsgpack.pack({a=1})",
                    "return cmsgpack.pack({[1]=1, [3]=3})", "return cmsgpack.pack({[0]=1})", "return cmsgpack.pack({[1.5]=1})",
                    "return cmsgpack.pack({[-1]='x'})", "return cmsgpack.pack({{{{}}}})",
                    "local t = {} for i = 1, 16 do t[i] = i end return cmsgpack.pack(t)",
                    "local t = {} for i = 1, 70000 do t[i] = i % 3 end return #cmsgpack.pack(t) .. cmsgpack.pack(t):sub(1, 8)",
                    "local t = {} for i = 1, 20 do t = {t} end return cmsgpack.pack(t)",
                    "local t = {} t[1] = t return cmsgpack.pack(t)", "return cmsgpack.pack(1, 'two', {3})",
                    "return cmsgpack.pack(print)", "return cmsgpack.pack(function() end)", "return cmsgpack.pack()",
                    "return {cmsgpack._NAME, cmsgpack._VERSION, cmsgpack._COPYRIGHT, cmsgpack._DESCRIPTION}",
                    "cmsgpack.pack = nil");
            p.verify();
        }
    }

    @Test
    void unpack() {
        try (Diff.Pair p = diff.pair()) {
            evalAll(p, "return cjson.encode({cmsgpack.unpack(cmsgpack.pack(1, -1, 300, -300, 70000, -70000, 2^40, -2^40, 'str', true, false, {1, {2, 'x'}}))})",
                    "return tostring(cmsgpack.unpack(cmsgpack.pack(1.5))) .. ' ' .. tostring(cmsgpack.unpack(cmsgpack.pack(0.1)))",
                    "return tostring(cmsgpack.unpack(cmsgpack.pack(1/0))) .. ' ' .. tostring(cmsgpack.unpack(cmsgpack.pack(2^64)))",
                    "return cmsgpack.unpack(cmsgpack.pack({a='b'})).a", "return select('#', cmsgpack.unpack(''))",
                    "return select('#', cmsgpack.unpack(cmsgpack.pack(nil, nil)))",
                    "return tostring(cmsgpack.unpack(string.char(0xcf, 255, 255, 255, 255, 255, 255, 255, 255)))",
                    "return tostring(cmsgpack.unpack(string.char(0xd3, 128, 0, 0, 0, 0, 0, 0, 0)))",
                    "return cmsgpack.unpack(string.char(0xc1))", "return cmsgpack.unpack(string.char(0xc4, 1, 65))",
                    "return cmsgpack.unpack(string.char(0x92, 1))", "return cmsgpack.unpack(string.char(0xda, 0))",
                    "return cmsgpack.unpack(string.char(0xdd, 255, 255, 255, 255))",
                    "return cmsgpack.unpack(string.char(0x81, 0xc0, 1))", "return cmsgpack.unpack()", "return cmsgpack.unpack({})",
                    "return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3))}", "return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 1)}",
                    "return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 2)}", "return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 3)}",
                    "return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 4)}", "return {cmsgpack.unpack_one(cmsgpack.pack(1), -1)}",
                    "return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2)}", "return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2, 1)}",
                    "return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 5, 2)}", "return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), -1)}",
                    "return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 0)}", "return {cmsgpack.unpack_limit(cmsgpack.pack(1))}",
                    "return select('#', cmsgpack.unpack(string.rep(string.char(1), 7990)))",
                    "return select('#', cmsgpack.unpack(string.rep(string.char(1), 9000)))");
            p.verify();
        }
    }

    @Test
    void insideAFunction() {
        try (Diff.Pair p = diff.pair()) {
            p.same("FUNCTION", "FLUSH");
            p.same("FUNCTION", "LOAD", "#!lua name=mp\nredis.register_function('roundtrip', function(keys, args)"
                    + " return cmsgpack.unpack(cmsgpack.pack({args[1], tonumber(args[2])})) end)");
            p.soft("FCALL", "roundtrip", "0", "hello", "42");
            p.same("FUNCTION", "FLUSH");
            p.verify();
        }
    }
}
