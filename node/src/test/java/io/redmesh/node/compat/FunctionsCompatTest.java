package io.redmesh.node.compat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * FUNCTION and FCALL against Redis 7.0.15, byte for byte, in RESP2 and RESP3: every subcommand
 * and its errors, library metadata, redis.register_function in both forms with its errors, the
 * load-time sandbox, FCALL/FCALL_RO, FUNCTION DUMP/RESTORE payloads both ways. Replies listing
 * more than one library or function come in Redis's hash order, so those compare one library.
 */
class FunctionsCompatTest {
    // Known differences, not compared (LuaJ's runtime-error wording, as ScriptingCompatTest notes):
    // "attempt to call nil" for "attempt to call field 'register_function' (a nil value)".
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

    @BeforeEach
    void flush() {
        try (Diff.Pair p = diff.pair()) {
            p.same("FLUSHALL");
            p.same("FUNCTION", "FLUSH");
        }
    }

    private static void loadAll(Diff.Pair p, String... libraries) {
        for (String l : libraries) {
            p.soft("FUNCTION", "LOAD", "REPLACE", l);
        }
    }

    /** The content of a raw bulk-string reply. */
    static String bulk(byte[] reply) {
        String s = Diff.show(reply);
        return s.substring(s.indexOf("\r\n") + 2, s.length() - 2);
    }

    private static String lib(String name, String body) {
        return "#!lua name=" + name + "\n" + body;
    }

    @Test
    void metadataErrors() {
        try (Diff.Pair p = diff.pair()) {
            loadAll(p, "return 1", "#!lua name=a", "#!lua\nreturn 1", "#!lua name=a b=c\n", "#!lua name=a name=b\n",
                    "#!lua nam=a\n", "#!lua2 name=a\n", "#!lua NAME=a-b\n", "#!lua name=\n", "#!lua name=\"a b\"\n",
                    "#!lua name=\"x\n", "#!\n", "", "#!lua name=x\n", "#!lua name=ok\nreturn 1");
            p.soft("FUNCTION", "LOAD", "#!LUA name=upper\nredis.register_function('f', function() return 1 end)");
            p.soft("FUNCTION", "LOAD", "#!lua name=upper\nredis.register_function('f', function() return 1 end)");
            p.soft("FUNCTION", "LOAD", "#!lua name=other\nredis.register_function('f', function() return 1 end)");
            p.soft("FUNCTION", "LOAD", "foo", "#!lua name=other\nredis.register_function('g', function() return 1 end)");
            p.soft("FUNCTION", "LOAD", "REPLACE", "replace", "#!lua name=upper\nredis.register_function('g', function() return 1 end)");
            p.soft("FUNCTION", "LOAD");
            p.soft("FUNCTION", "LOAD", "REPLACE");
            p.soft("FCALL", "f", "0");
            p.soft("FCALL", "g", "0");
            p.verify();
        }
    }

    @Test
    void registerFunctionErrors() {
        try (Diff.Pair p = diff.pair()) {
            String[] bodies = {
                "redis.register_function('f', function() return 1 end)\nredis.register_function('f', function() return 1 end)",
                "redis.register_function('f')", "redis.register_function('f', 1)", "redis.register_function('f-1', function() end)",
                "redis.register_function('', function() end)", "redis.register_function({}, function() end)",
                "redis.register_function{function_name='f', callback=function() end, flags={'no-writes','bad'}}",
                "redis.register_function{function_name='f', callback=function() end, flags='no-writes'}",
                "redis.register_function{function_name='f', callback=function() end, flags={1}}",
                "redis.register_function{function_name='f', callback=function() end, foo=1}",
                "redis.register_function{function_name='f', callback=function() end, description={}}",
                "redis.register_function{function_name='f'}", "redis.register_function{callback=function() end}",
                "redis.register_function{function_name={}, callback=function() end}",
                "redis.register_function{function_name='f', callback=1}",
                "redis.register_function{[true]=1}",
                "redis.register_function('f', function() end, 3)", "redis.register_function()",
                "redis.call('ping')", "redis.pcall('ping')", "redis.setresp(3)", "redis.set_repl(1)",
                "redis.math.random()", "string.format('x')", "local x = math.floor(1)", "x = 1", "return KEYS",
                "error('boom')", "error({err='CODE boom'})", "error('boom', 0)", "error()",
                "redis.register_function('f', function() return 1 end) error('after')",
                "redis.log(redis.LOG_WARNING, 'hi'); redis.register_function('f', function() return redis.REDIS_VERSION end)",
                "redis.register_function{function_name='F_2', description='a function', callback=function() return 2 end,"
                        + " flags={'no-writes','ALLOW-OOM','allow-stale','no-cluster','allow-cross-slot-keys'}}",
                "redis.register_function(1, function() return 1 end)",
            };
            for (String b : bodies) {
                p.soft("FUNCTION", "LOAD", "REPLACE", lib("x", b));
            }
            p.soft("FUNCTION", "LIST", "WITHCODE");
            p.verify();
        }
    }

    @Test
    void listDeleteFlushStats() {
        try (Diff.Pair p = diff.pair()) {
            p.same("FUNCTION", "LOAD", lib("lib1", "redis.register_function{function_name='f1', description='one',"
                    + " callback=function(keys, args) return {keys, args} end, flags={'no-writes'}}"));
            p.same("FUNCTION", "LOAD", lib("Lib2", "redis.register_function('f2', function() return 2 end)"));
            for (String[] cmd : new String[][] {
                    {"FUNCTION", "LIST", "LIBRARYNAME", "lib1"}, {"FUNCTION", "LIST", "LIBRARYNAME", "lib1", "WITHCODE"},
                    {"FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "LIB2"}, {"FUNCTION", "LIST", "libraryname", "*2"},
                    {"FUNCTION", "LIST", "LIBRARYNAME", "nomatch"}, {"FUNCTION", "LIST", "foo"},
                    {"FUNCTION", "LIST", "LIBRARYNAME"}, {"FUNCTION", "LIST", "WITHCODE", "WITHCODE"},
                    {"FUNCTION", "LIST", "LIBRARYNAME", "a", "LIBRARYNAME", "b"},
                    {"FCALL", "f1", "2", "k1", "k2", "a1"}, {"FCALL_RO", "f1", "0", "x"}, {"FCALL_RO", "f2", "0"},
                    {"FCALL", "nope", "0"}, {"FCALL", "f1", "x"}, {"FCALL", "f1", "-1"}, {"FCALL", "f1", "5", "a"},
                    {"FCALL", "f1"}, {"FCALL", "nope", "x"}, {"FUNCTION", "STATS"},
                    {"FUNCTION", "DELETE", "nope"}, {"FUNCTION", "DELETE", "lib2"}, {"FUNCTION", "DELETE"},
                    {"FUNCTION", "DELETE", "Lib2"}, {"FUNCTION", "STATS"}, {"FUNCTION", "LIST"},
                    {"FUNCTION", "FLUSH", "foo"}, {"FUNCTION", "FLUSH", "ASYNC", "x"}, {"FUNCTION", "FLUSH", "SYNC"},
                    {"FUNCTION", "LIST"}, {"FUNCTION", "STATS"}, {"FUNCTION", "KILL"}, {"FUNCTION", "HELP"},
                    {"FUNCTION", "foo"}, {"FUNCTION", "DUMP", "x"}, {"FUNCTION", "STATS", "x"}}) {
                p.soft(cmd);
            }
            p.sameNormalized(s -> s.replaceAll("id\\r\\n:\\d+", "id"), "HELLO", "3");
            p.same("FUNCTION", "LOAD", lib("lib1", "redis.register_function{function_name='f1', description='one',"
                    + " callback=function(keys, args) return {keys, args} end, flags={'no-writes', 'allow-oom'}}"));
            p.soft("FUNCTION", "LIST", "WITHCODE");
            p.soft("FUNCTION", "STATS");
            p.soft("FCALL", "f1", "1", "k", "a");
            p.verify();
        }
    }

    @Test
    void runningFunctions() {
        try (Diff.Pair p = diff.pair()) {
            p.same("FUNCTION", "LOAD", lib("run", String.join("\n",
                    "local function helper(x) return x * 2 end",
                    "redis.register_function('double', function(keys, args) return helper(tonumber(args[1])) end)",
                    "redis.register_function('set', function(keys, args) return redis.call('set', keys[1], args[1]) end)",
                    "redis.register_function{function_name='ro_set', callback=function(keys, args)"
                            + " return redis.call('set', keys[1], args[1]) end, flags={'no-writes'}}",
                    "redis.register_function('get', function(keys) return redis.call('get', keys[1]) end)",
                    "redis.register_function('fail', function() error('failed here') end)",
                    "redis.register_function('fail_table', function() return redis.error_reply('MY custom') end)",
                    "redis.register_function('call_err', function() return redis.call('incr', 'str') end)",
                    "redis.register_function('globals', function() return {type(KEYS), type(ARGV)} end)",
                    "redis.register_function('set_global', function() x = 1 end)",
                    "redis.register_function('reregister', function() return redis.register_function == nil end)",
                    "redis.register_function('kinds', function() return {1, 'two', 3.5, true, false, {ok='fine'},"
                            + " redis.call('ping'), cjson.encode({a=1})} end)",
                    "redis.register_function('resp3', function() redis.setresp(3) return redis.call('hgetall', 'h') end)",
                    "redis.register_function('version', function() return redis.REDIS_VERSION end)")));
            for (String line : new String[] {
                    "FCALL double 0 21", "FCALL set 1 k v", "FCALL get 1 k", "FCALL_RO get 1 k", "FCALL_RO set 1 k v",
                    "FCALL ro_set 1 k v", "FCALL_RO ro_set 1 k v", "FCALL fail 0", "FCALL fail_table 0",
                    "SET str abc", "FCALL call_err 0", "FCALL globals 0", "FCALL set_global 0", "FCALL reregister 0",
                    "FCALL kinds 0", "HSET h f v", "FCALL resp3 0", "FCALL version 0", "FCALL DOUBLE 0 1"}) {
                p.soft(Diff.words(line));
            }
            p.sameNormalized(s -> s.replaceAll("id\\r\\n:\\d+", "id"), "HELLO", "3");
            for (String line : new String[] {"FCALL kinds 0", "FCALL resp3 0", "FCALL fail 0", "FCALL double 0 4"}) {
                p.soft(Diff.words(line));
            }
            p.verify();
        }
    }

    @Test
    void dumpAndRestore() {
        try (Diff.Pair p = diff.pair()) {
            String one = lib("one", "redis.register_function('f1', function() return 'one, a body long enough to be compressed' end)");
            p.same("FUNCTION", "LOAD", one);
            p.same("FUNCTION", "DUMP"); // same bytes: one library, LZF-compressed code, CRC-64 footer
            String fromRedis = bulk(p.real.call("FUNCTION", "DUMP"));
            p.same("FUNCTION", "FLUSH");
            p.same("FUNCTION", "DUMP");
            p.same("FUNCTION", "RESTORE", fromRedis);
            p.same("FCALL", "f1", "0");
            for (String policy : new String[] {"APPEND", "REPLACE", "FLUSH", "append", "bad"}) {
                p.soft("FUNCTION", "RESTORE", fromRedis, policy);
            }
            p.soft("FUNCTION", "RESTORE", "garbage");
            p.soft("FUNCTION", "RESTORE", fromRedis, "APPEND", "x");
            p.soft("FUNCTION", "RESTORE");
            p.same("FUNCTION", "LOAD", lib("two", "redis.register_function('f1', function() return 2 end)")
                    .replace("'f1'", "'f2'"));
            p.same("FUNCTION", "DELETE", "one");
            p.same("FUNCTION", "LOAD", lib("three", "redis.register_function('f1', function() return 3 end)"));
            p.soft("FUNCTION", "RESTORE", fromRedis, "REPLACE"); // f1 is three's: collision
            p.soft("FUNCTION", "LIST", "LIBRARYNAME", "three");
            p.same("SET", "k", "v");
            String keyDump = bulk(p.real.call("DUMP", "k"));
            p.soft("FUNCTION", "RESTORE", keyDump); // a key's payload: "given type is not a function"
            // our payload restores in Redis: the same libraries, the same reply
            p.same("FUNCTION", "FLUSH");
            p.same("FUNCTION", "LOAD", one);
            String fromOurs = bulk(p.ours.call("FUNCTION", "DUMP"));
            p.same("FUNCTION", "FLUSH");
            p.same("FUNCTION", "RESTORE", fromOurs);
            p.same("FCALL", "f1", "0");
            p.verify();
        }
    }

    @Test
    void aclChecksTheCaller() {
        try (Diff.Pair p = diff.pair()) {
            p.same("FUNCTION", "LOAD", lib("acl", "redis.register_function('set', function(keys, args)"
                    + " return redis.call('set', keys[1], args[1]) end)\n"
                    + "redis.register_function('get', function(keys) return redis.pcall('get', keys[1]) end)\n"
                    + "redis.register_function('check', function(keys) return redis.acl_check_cmd('set', keys[1], 'v') end)"));
            p.same("ACL", "SETUSER", "caller", "on", ">pw", "+@all", "-set", "~k*", "~allowed");
            p.same("AUTH", "caller", "pw");
            p.script("ACL LOG RESET", "FCALL set 1 k v", "FCALL get 1 k", "FCALL get 1 other", "FCALL get 0",
                    "FCALL check 1 k", "FUNCTION LOAD x", "FCALL_RO get 1 allowed");
            p.same("AUTH", "default", "x");
            p.same("ACL", "DELUSER", "caller");
            p.verify();
        }
    }
}
