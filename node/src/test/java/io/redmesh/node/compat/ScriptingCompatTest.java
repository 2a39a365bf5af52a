package io.redmesh.node.compat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * EVAL and SCRIPT against Redis 7.0.15, byte for byte: conversions both ways (RESP2 and RESP3),
 * redis.* functions and their errors, the sandbox, the libraries, shebang flags, the cache.
 */
class ScriptingCompatTest {
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
            p.same("SCRIPT", "FLUSH");
        }
    }

    // Known differences, not compared here (LuaJ is the engine; docs/ARCHITECTURE.md): compile
    // error texts ("syntax error" for Lua 5.1's "'=' expected near '<eof>'"), runtime error wording
    // ("attempt to index ? (a nil value)" for "attempt to index local 'a'"), pcall's value for
    // error tables, and math.random's sequence.

    private static void evalAll(Diff.Pair p, String... scripts) {
        for (String s : scripts) {
            p.soft("EVAL", s, "0");
        }
    }

    @Test
    void conversions() {
        try (Diff.Pair p = diff.pair()) {
            evalAll(p, "return 1", "return 3.99", "return -2.5", "return 'x'", "return true", "return false",
                    "return nil", "return {1,2,3.5,'a',nil,5}", "return {ok='fine'}", "return {err='x y'}",
                    "return {err='-MY x'}", "return {1,{2,{3,{ok='s'}}},{err='e'}}", "return {double=1.5}",
                    "return {}", "return 0/0", "return 1/0", "return {map={a=1}}", "return {set={a=true}}",
                    "return {big_number='123'}", "return redis.call('ping')", "return redis.call('get','nokey')",
                    "redis.call('set','k','v') return redis.call('get','k')", "return redis.call('incr','n')",
                    "redis.call('rpush','l','a','b') return redis.call('lrange','l',0,-1)",
                    "return redis.pcall('incr','k')", "return redis.call('set','a',1.5)",
                    "return redis.call('set','a',100000000000000000000)", "return redis.call('get','a')",
                    "return type(redis.call('get','nokey'))",
                    "return redis.call('hset','h','f','v')", "return redis.call('hgetall','h')",
                    "redis.setresp(3) return redis.call('hgetall','h')",
                    "redis.setresp(3) return type(redis.call('get','nokey'))",
                    "redis.setresp(3) return redis.call('hgetall','h')['map']['f']",
                    "redis.setresp(3) return {true, false}", "return {true, false}",
                    "redis.setresp(3) return redis.call('zscore','nz','m')");
            p.sameNormalized(s -> s.replaceAll("id\\r\\n:\\d+", "id"), "HELLO", "3"); // client ids differ
            evalAll(p, "return {double=1.5}", "return {map={a=1}}", "return {set={a=true}}", "return true",
                    "return false", "return nil", "redis.setresp(3) return {true, false}",
                    "redis.setresp(3) redis.call('zadd','z',1.5,'m') return redis.call('zscore','z','m')",
                    "return {big_number='123'}");
            p.sameNormalized(s -> s.replaceAll("id\\r\\n:\\d+", "id"), "HELLO", "2");
            p.verify();
        }
    }

    @Test
    void errors() {
        try (Diff.Pair p = diff.pair()) {
            evalAll(p, "x=1", "return print", "return os", "return io", "return loadfile", "return dofile",
                    "return debug", "return a", "error('x')", "error({err='MY x'})", "error('x', 0)",
                    "return redis.call('nosuch')", "return redis.pcall('nosuch')", "return redis.call('get')",
                    "return redis.call()", "return redis.call('set','a',{})", "return redis.call('subscribe','x')",
                    "return redis.error_reply('boo')", "return redis.error_reply('-MY boo')",
                    "return redis.error_reply()", "return redis.status_reply('fine')",
                    "return redis.setresp(4)", "return redis.set_repl(9)", "return redis.sha1hex()",
                    "return redis.log()", "return redis.log(99, 'x')", "redis.call('set','s','v') return redis.call('incr','s')",
                    "redis.call('set','s','v') return redis.pcall('incr','s')",
                    "local ok, e = pcall(function() error('in') end) return e",
                    "string.foo = 1", "table.insert = nil", "redis.call = nil", "_G.x = 1");
            p.soft("EVAL", "return 1", "-1");
            p.soft("EVAL", "return 1", "2", "a");
            p.soft("EVAL", "return 1", "abc");
            p.soft("EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", "0");
            p.soft("EVALSHA", "abc", "0");
            p.soft("EVAL_RO", "return redis.call('set','x','1')", "0");
            p.soft("EVAL_RO", "return redis.call('get','x')", "0");
            p.verify();
        }
    }

    @Test
    void shebangAndCache() {
        try (Diff.Pair p = diff.pair()) {
            evalAll(p, "#!lua flags=no-writes\nreturn redis.call('set','x','1')", "#!lua flags=bad\nreturn 1",
                    "#!lua name=x\nreturn 1", "#!lua\nreturn redis.call('get','x')", "#!lua flags=\nreturn 2",
                    "#!lua flags=no-writes,allow-oom,allow-stale,no-cluster,allow-cross-slot-keys\nreturn 3",
                    "#!foo\nreturn 1", "#!lua\nerror('line two')");
            p.soft("EVAL_RO", "#!lua\nreturn 1", "0");
            p.soft("EVAL_RO", "#!lua flags=no-writes\nreturn 1", "0");
            p.soft("SCRIPT", "LOAD", "return 1");
            p.soft("SCRIPT", "EXISTS", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "abc");
            p.soft("EVALSHA", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0");
            p.soft("EVALSHA", "E0E1F9FABFC9D4800C877A703B823AC0578FF8DB", "0");
            p.soft("EVALSHA_RO", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0");
            p.soft("SCRIPT", "FLUSH", "ASYNC");
            p.soft("SCRIPT", "FLUSH", "foo");
            p.soft("SCRIPT", "EXISTS", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
            p.soft("SCRIPT", "KILL");
            p.soft("SCRIPT", "foo");
            p.soft("EVAL", "return {KEYS[1], KEYS[2], ARGV[1], ARGV[2], #KEYS, #ARGV}", "2", "k1", "k2", "a1", "a2");
            p.verify();
        }
    }

    @Test
    void libraries() {
        try (Diff.Pair p = diff.pair()) {
            evalAll(p, "return string.format('%5.2f|%d|%s|%q|%g|%x|%X|%o|%e|%10s|%-5d|%05d', 3.14159, 42, 'hi', 'a\\nb\"', 1e20, 255, 255, 8, 12345.678, 'r', 7, -7)",
                    "return string.format('%g %g %g %g', 0.1, 1/3, 100000, 1e-5)",
                    "return tostring(1e15)..' '..tostring(2^53)..' '..tostring(0.1)..' '..tostring(1/3)..' '..tostring(1/0)",
                    "return {unpack({1,2,3})}", "return loadstring('return 7')()", "return type(gcinfo())",
                    "return math.mod(7, 3)", "return math.log10(1000)",
                    "return table.getn({1,2,3})", "return table.maxn({1,2,[10]=3})", "return string.rep('ab', 3)",
                    "return table.concat({1,2,3}, ',')", "local t={} for w in string.gfind('a b c', '%a') do t[#t+1]=w end return t",
                    "return {bit.band(0xff, 0x0f), bit.bor(1, 2), bit.bxor(3, 1), bit.bnot(0), bit.lshift(1, 31), bit.rshift(-1, 28), bit.arshift(-16, 2), bit.tohex(255), bit.tohex(-1, -4), bit.tobit(2^32+5), bit.rol(1, 33), bit.bswap(0x12345678)}",
                    "return cjson.encode({1,2,'x',true})", "return cjson.encode({a='b/c'})", "return cjson.encode({})",
                    "return cjson.encode({1.5, 0.1, 1e20, -3})", "return cjson.decode('[1,2,{\"a\":\"b\"}]')[3].a",
                    "return cjson.decode('{\"x\":[true,false,null]}').x[1]", "return cjson.decode('[1,')",
                    "return cjson.encode({[1]=1,[20]=2})", "return cjson.encode(function() end)",
                    "return cjson.decode('\"\\\\u00e9\"')", "return type(cjson.decode('null'))",
                    "return redis.sha1hex('abc')", "return redis.REDIS_VERSION .. ' ' .. redis.REDIS_VERSION_NUM",
                    "return _VERSION", "return redis.replicate_commands()", "return redis.breakpoint()",
                    "return redis.set_repl(redis.REPL_ALL)", "return {redis.LOG_WARNING, redis.REPL_AOF}",
                    "local co = coroutine.wrap(function(a) coroutine.yield(a + 1) end) return co(1)",
                    "return select('#', 1, 2, 3)", "return string.byte('A')", "return ('x'):upper()",
                    "return struct.pack('>I2 <i4 b B h', 258, -2, -1, 255, -300)", "return struct.size('!4 b i4 d')",
                    "return {struct.unpack('>I2 <i4', struct.pack('>I2 <i4', 258, -2))}",
                    "return {struct.unpack('s c3 x', struct.pack('s c3 x', 'abc', 'xyz'))}",
                    "return {struct.unpack('d f', struct.pack('d f', 1.5, 0.25))}", "return struct.pack('i40', 1)",
                    "return struct.pack('y', 1)", "return struct.unpack('i4', 'ab')", "return struct.size('s')",
                    "return {struct.unpack('!8 b d', struct.pack('!8 b d', 1, 2))}", "return #struct.pack('!8 b d', 1, 2)",
                    "return {struct.unpack('B c0', struct.pack('B', 3) .. 'abcd')}", "return struct.pack('L T l', 1, 2, -3)");
            p.verify();
        }
    }

    @Test
    void aclChecksTheCaller() {
        try (Diff.Pair p = diff.pair()) {
            p.same("ACL", "SETUSER", "scripter", "on", ">pw", "+@all", "-set", "~k*", "~allowed");
            p.same("AUTH", "scripter", "pw");
            p.script("ACL LOG RESET");
            evalAll(p, "return redis.call('set','k','v')", "return redis.pcall('set','k','v')",
                    "return redis.call('get','other')", "return redis.call('get','allowed')",
                    "return redis.acl_check_cmd('set','k','v')", "return redis.acl_check_cmd('get','k')",
                    "return redis.acl_check_cmd('get','other')", "return redis.acl_check_cmd('nosuch')");
            // age-seconds (a double, formatted differently) and client-info (ids, ports) differ by nature
            p.sameNormalized(s -> s.replaceAll("\\$\\d+\\r\\n\\d+\\.\\d+\\r\\n", "AGE")
                    .replaceAll("\\$\\d+\\r\\nid=[^\\r]*\\r\\n", "CLIENT")
                    .replaceAll("(entry-id|timestamp-created|timestamp-last-updated)\\r\\n:\\d+", "$1"), "ACL", "LOG");
            p.same("AUTH", "default", "x");
            p.same("ACL", "DELUSER", "scripter");
            p.verify();
        }
    }
}
