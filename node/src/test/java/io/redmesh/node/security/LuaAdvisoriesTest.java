package io.redmesh.node.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import io.redmesh.node.testing.StartedNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Redis's Lua advisories replayed against RedMesh's scripting (LuaJ, memory-safe Java, so the
 * C overflows cannot corrupt memory; each replay checks the script gets a bounded, sane answer
 * and the server goes on serving), in EVAL and in functions. CVE-2026-23631 (a writable replica with Lua) is replayed in the
 * replication module (ReplicationAdvisoriesTest).
 */
@ExtendWith(io.redmesh.node.testing.ClassFixtures.class)
class LuaAdvisoriesTest {
    @StartedNode({"--lua-memory-limit", "64mb"})
    static ServerFixture ours;

    @AfterEach
    void stillServing() {
        try (RespClient c = ours.client()) {
            assertEquals("+PONG\r\n", c.callString("PING"));
        }
    }

    private static String eval(String script) {
        try (RespClient c = ours.client()) {
            return c.callString("EVAL", script, "0");
        }
    }

    @Test
    void cve2022_24834_cjsonEncodeOfAHugeEscapedString() {
        assertEquals(":6291458\r\n", eval("return #cjson.encode(string.rep('\\n', 3145728))"));
        assertEquals(":3145733\r\n", eval("return #cmsgpack.pack(string.rep('\\n', 3145728))"));
    }

    @Test
    void cve2018_11218_11219_cmsgpackNestingAndLengths() {
        // packing nests 16 deep at most (deeper tables become nil); unpacking is bounded too
        assertEquals(":17\r\n", eval("local t = {} for i = 1, 40 do t = {t} end return #cmsgpack.pack(t)"));
        assertTrue(eval("return cmsgpack.unpack(string.rep(string.char(0x91), 100000) .. string.char(1))")
                .contains("nested too deeply"));
        assertTrue(eval("return cmsgpack.unpack(string.char(0xdd, 255, 255, 255, 255))").contains("Missing bytes"));
        assertTrue(eval("return cmsgpack.unpack(string.char(0xdb, 255, 255, 255, 255, 1))").contains("Missing bytes"));
    }

    @Test
    void cve2022_24735_scriptsCannotPlantCodeForOthers() {
        assertTrue(eval("string.format = function() return 'pwned' end").contains("Attempt to modify a readonly table"));
        assertTrue(eval("redis.call = function() return 'pwned' end").contains("Attempt to modify a readonly table"));
        assertTrue(eval("_G.KEYS2 = 1").contains("Attempt to modify a readonly table"));
        assertEquals("$3\r\nabc\r\n", eval("return string.format('%s', 'abc')"));
    }

    @Test
    void cve2025_46818_stringMetatableIsReadOnly() {
        assertTrue(eval("getmetatable('').__index = function() return 'pwned' end")
                .contains("Attempt to modify a readonly table"));
        assertTrue(eval("setmetatable(getmetatable(''), {})").contains("Attempt to modify a readonly table"));
        assertEquals("$1\r\nA\r\n", eval("return ('a'):upper()"));
    }

    /**
     * LuaJ's 5.2 load takes an environment: a chunk loaded into a plain table ran without the
     * hook behind SCRIPT KILL and the memory limit. 5.1's load has no such argument; ours ignores
     * it, loads source text only (no binary chunks), and the globals' metatable is read-only.
     */
    @Test
    void loadCannotEscapeTheSandboxOrItsHook() {
        assertTrue(eval("return load('return probe_global', 'c', 't', {probe_global = 1})()")
                .contains("Script attempted to access nonexistent global variable 'probe_global'"));
        assertEquals("$3\r\nnil\r\n", eval("return type(load('\\27LuaR\\0\\1\\4\\8\\4\\8\\0'))"));
        assertEquals("$3\r\nnil\r\n", eval("return type(loadstring('\\27LuaR\\0\\1\\4\\8\\4\\8\\0'))"));
        assertEquals(":3\r\n", eval("return load('return 1 + 2')()"));
        assertTrue(eval("getmetatable(_G).x = 1").contains("Attempt to modify a readonly table"));
        assertTrue(eval("getmetatable(_G).__index = function() return 1 end").contains("Attempt to modify a readonly table"));
    }

    @Test
    void cve2024_31449_bitTohexOfTheSmallestInteger() {
        assertEquals("$8\r\n0000FFFF\r\n", eval("return bit.tohex(65535, -2147483648)"));
    }

    @Test
    void cve2025_46817_unpackOfAHugeRange() {
        assertTrue(eval("return unpack({}, 1, 2^31 - 1)").contains("too many results to unpack"));
        assertTrue(eval("return unpack({}, -2^31, 2^31 - 1)").contains("too many results to unpack"));
        assertEquals("*2\r\n:1\r\n:2\r\n", eval("return {unpack({1, 2})}"));
    }

    @Test
    void cve2025_49844_46819_malformedScriptsAreCompileErrors() {
        for (String bad : new String[] {"return [[", "return [==[ x ]=]", "local function", "return '\\"}) {
            String reply = eval(bad);
            assertTrue(reply.startsWith("-ERR "), bad + " -> " + reply); // refused (compiling or running), no crash
        }
    }

    @Test
    void cve2024_46981_scriptFlushWhileScriptsHoldState() {
        try (RespClient c = ours.client()) {
            for (int i = 0; i < 20; i++) {
                c.callString("EVAL", "local t = {} for j = 1, 1000 do t[j] = {j} end return #t", "0");
                assertEquals("+OK\r\n", c.callString("SCRIPT", "FLUSH"));
            }
            assertEquals(":1000\r\n", c.callString("EVAL", "local t = {} for j = 1, 1000 do t[j] = j end return #t", "0"));
        }
    }

    /** Loads one library (replacing it) and calls its function {@code f}. */
    private static String fcall(String functionBody) {
        try (RespClient c = ours.client()) {
            String loaded = c.callString("FUNCTION", "LOAD", "REPLACE",
                    "#!lua name=advisory\nredis.register_function('f', function(keys, args) " + functionBody + " end)");
            if (!loaded.equals("$8\r\nadvisory\r\n")) {
                return loaded;
            }
            return c.callString("FCALL", "f", "0");
        }
    }

    @Test
    void luaAdvisoriesReplayedInFunctions() {
        // CVE-2025-46817
        assertTrue(fcall("return unpack({}, 1, 2^31 - 1)").contains("too many results to unpack"));
        // CVE-2025-46818, CVE-2022-24735: nothing a function sets is seen by the next one
        assertTrue(fcall("getmetatable('').__index = function() return 'pwned' end").contains("Attempt to modify a readonly table"));
        assertTrue(fcall("string.format = nil").contains("Attempt to modify a readonly table"));
        assertTrue(fcall("x = 1").contains("Attempt to modify a readonly table"));
        assertEquals("$1\r\nA\r\n", fcall("return ('a'):upper()"));
        try (RespClient c = ours.client()) {
            // at load time a library sees only the load API: no metatables to reach
            assertTrue(c.callString("FUNCTION", "LOAD", "#!lua name=meta\ngetmetatable('').__index = nil")
                    .contains("nonexistent global variable 'getmetatable'"));
            // CVE-2025-49844, CVE-2025-46819: malformed code is a compile error
            for (String bad : new String[] {"return [[", "return [==[ x ]=]", "local function", "return '\\"}) {
                String reply = c.callString("FUNCTION", "LOAD", "#!lua name=bad\n" + bad);
                assertTrue(reply.startsWith("-ERR Error compiling function: "), bad + " -> " + reply);
            }
            // CVE-2024-46981: flushing libraries that hold state, again and again
            for (int i = 0; i < 20; i++) {
                c.callString("FUNCTION", "LOAD", "REPLACE", "#!lua name=state\nlocal t = {} for j = 1, 1000 do t[j] = {j} end\n"
                        + "redis.register_function('count', function() return #t end)");
                assertEquals(":1000\r\n", c.callString("FCALL", "count", "0"));
                assertEquals("+OK\r\n", c.callString("FUNCTION", "FLUSH"));
            }
            assertEquals("-ERR Function not found\r\n", c.callString("FCALL", "count", "0"));
        }
    }

    @Test
    void cve2025_67733_errorAndStatusRepliesCarryNoCrlf() {
        assertEquals("-ERR x  +OK\r\n", eval("return redis.error_reply('x\\r\\n+OK')")); // no space: code ERR
        assertEquals("+a  :1\r\n", eval("return redis.status_reply('a\\r\\n:1')"));
    }
}
