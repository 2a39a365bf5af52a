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
 * and the server goes on serving). CVE-2026-23631 (a writable replica with Lua) is replayed in the
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
        assertTrue(eval("return cmsgpack.pack(1)").startsWith("-ERR user_script:1: Script attempted to access"),
                "cmsgpack is not built");
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

    @Test
    void cve2025_67733_errorAndStatusRepliesCarryNoCrlf() {
        assertEquals("-ERR x  +OK\r\n", eval("return redis.error_reply('x\\r\\n+OK')")); // no space: code ERR
        assertEquals("+a  :1\r\n", eval("return redis.status_reply('a\\r\\n:1')"));
    }
}
