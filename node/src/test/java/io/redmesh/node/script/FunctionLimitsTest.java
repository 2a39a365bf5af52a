package io.redmesh.node.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import io.redmesh.node.testing.StartedNode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Functions that try to take the server down, answered as Redis 7.0 answers them: a looping
 * function gets -BUSY (naming FUNCTION KILL) to others, FUNCTION STATS shows it, SCRIPT KILL
 * refuses it and FUNCTION KILL ends it (or refuses once it wrote); a library whose body loops,
 * allocates without end or doubles a string fails its load (500 ms timeout, memory bound) and
 * the server goes on serving.
 */
@ExtendWith(io.redmesh.node.testing.ClassFixtures.class)
@org.junit.jupiter.api.Timeout(120)
class FunctionLimitsTest {
    static final String BUSY_FUNCTION = "-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.\r\n";
    static final String BUSY_EVAL = "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n";

    @StartedNode({"--busy-reply-threshold", "100", "--lua-memory-limit", "32mb"})
    static ServerFixture node;

    @BeforeEach
    void loops() {
        try (RespClient c = node.client()) {
            c.call("FUNCTION", "FLUSH");
            assertEquals("$5\r\nloops\r\n", c.callString("FUNCTION", "LOAD", "#!lua name=loops\n"
                    + "redis.register_function('loop', function() while true do end end)\n"
                    + "redis.register_function('wrote', function() redis.call('set', 'w', '1')"
                    + " local t = redis.call('time')[1] + 1"
                    + " while tonumber(redis.call('time')[1]) <= tonumber(t) do end return 'done' end)"));
        }
    }

    @AfterEach
    void serverStillServes() {
        try (RespClient c = node.client()) {
            assertEquals("+PONG\r\n", c.callString("PING"));
            c.call("FUNCTION", "LOAD", "REPLACE", "#!lua name=ok\nredis.register_function('two', function() return 2 end)");
            assertEquals(":2\r\n", c.callString("FCALL", "two", "0"));
        }
    }

    private static CompletableFuture<String> async(String... command) {
        return CompletableFuture.supplyAsync(() -> {
            try (RespClient c = node.client()) {
                return c.callString(command);
            }
        });
    }

    private static String waitForBusy(RespClient other) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String reply = "";
        while (System.nanoTime() < deadline) {
            reply = other.callString("GET", "k");
            if (reply.startsWith("-BUSY")) {
                return reply;
            }
            Thread.sleep(20);
        }
        return reply;
    }

    @Test
    void aLoopingFunctionIsBusyAndFunctionKillEndsIt() throws Exception {
        CompletableFuture<String> f = async("FCALL", "loop", "0");
        try (RespClient other = node.client()) {
            assertEquals(BUSY_FUNCTION, waitForBusy(other));
            String stats = other.callString("FUNCTION", "STATS");
            assertTrue(stats.startsWith("*4\r\n$14\r\nrunning_script\r\n*6\r\n$4\r\nname\r\n$4\r\nloop\r\n$7\r\ncommand\r\n"
                    + "*3\r\n$5\r\nFCALL\r\n$4\r\nloop\r\n$1\r\n0\r\n$11\r\nduration_ms\r\n:"), stats);
            assertEquals(BUSY_FUNCTION, other.callString("SCRIPT", "KILL"));
            assertEquals("+OK\r\n", other.callString("FUNCTION", "KILL"));
            String reply = f.get(10, TimeUnit.SECONDS);
            assertEquals("-ERR Script killed by user with SCRIPT KILL... script: loop, on @user_function:2.\r\n", reply);
            assertEquals("-NOTBUSY No scripts in execution right now.\r\n", other.callString("FUNCTION", "KILL"));
        }
    }

    @Test
    void aFunctionThatWroteCannotBeKilled() throws Exception {
        CompletableFuture<String> f = async("FCALL", "wrote", "0");
        try (RespClient other = node.client()) {
            assertEquals(BUSY_FUNCTION, waitForBusy(other));
            assertTrue(other.callString("FUNCTION", "KILL").startsWith("-UNKILLABLE Sorry the script already executed"));
            assertEquals("$4\r\ndone\r\n", f.get(10, TimeUnit.SECONDS));
            assertEquals("$1\r\n1\r\n", other.callString("GET", "w"));
        }
    }

    @Test
    void aLoopingEvalIsNotAFunction() throws Exception {
        CompletableFuture<String> script = async("EVAL", "while true do end", "0");
        try (RespClient other = node.client()) {
            assertEquals(BUSY_EVAL, waitForBusy(other));
            assertEquals(BUSY_EVAL, other.callString("FUNCTION", "KILL"));
            assertEquals(BUSY_EVAL, other.callString("FUNCTION", "STATS"));
            assertEquals("+OK\r\n", other.callString("SCRIPT", "KILL"));
            assertTrue(script.get(10, TimeUnit.SECONDS).startsWith("-ERR Script killed by user with SCRIPT KILL..."));
        }
    }

    @Test
    void libraryBodiesThatLoopOrAllocateFailTheirLoad() throws Exception {
        try (RespClient c = node.client()) {
            c.socket().setSoTimeout(90_000); // a full GC confirms the memory limit: slow on a loaded machine
            for (String body : new String[] {"while true do end", "local n = 0 while true do n = n + 1 end",
                    "local t = {} local i = 0 while true do i = i + 1 t[i] = {i, i, i} end"}) {
                long start = System.nanoTime();
                String reply = c.callString("FUNCTION", "LOAD", "#!lua name=bad\n" + body);
                long ms = (System.nanoTime() - start) / 1_000_000;
                // the memory check runs in the hook (LuaJ then names the line: "user_function:2: ")
                // or at an allocation (no position)
                assertTrue(reply.equals("-ERR Error registering functions: ERR FUNCTION LOAD timeout\r\n")
                        || reply.startsWith("-ERR Error registering functions: ERR") && reply.contains("not enough memory"),
                        body + ": " + reply);
                assertTrue(ms < 30_000, body + " took " + ms + " ms");
            }
            String doubling = c.callString("FUNCTION", "LOAD", "#!lua name=bad\nlocal s = 'xxxxxxxxxxxxxxxx' while true do s = s .. s end");
            assertTrue(doubling.startsWith("-ERR Error registering functions: ") && doubling.contains("memory")
                    || doubling.contains("timeout"), doubling);
            String recursion = c.callString("FUNCTION", "LOAD", "#!lua name=bad\nlocal function f(n) return 1 + f(n + 1) end f(1)");
            assertTrue(recursion.startsWith("-ERR Error registering functions: ") && recursion.contains("stack overflow"), recursion);
            assertEquals("*0\r\n", c.callString("FUNCTION", "LIST", "LIBRARYNAME", "bad"));
        }
    }

    /**
     * A library keeps its local values between calls: suspended coroutines kept there are parked
     * Java threads (LuaJ), so an engine refuses to hold more than 2048 alive at once.
     */
    @Test
    void coroutinesKeptByALibraryAreBounded() {
        try (RespClient c = node.client()) {
            c.call("FUNCTION", "LOAD", "REPLACE", "#!lua name=co\nlocal keep = {}\n"
                    + "redis.register_function{function_name='grab', flags={'no-writes'}, callback=function()"
                    + " for i = 1, 1000 do local co = coroutine.create(function() coroutine.yield() end)"
                    + " coroutine.resume(co) keep[#keep + 1] = co end return #keep end}");
            assertEquals(":1000\r\n", c.callString("FCALL", "grab", "0"));
            assertEquals(":2000\r\n", c.callString("FCALL", "grab", "0"));
            String third = c.callString("FCALL", "grab", "0");
            assertTrue(third.contains("too many coroutines") && third.contains("alive at once"), third);
            assertEquals("+OK\r\n", c.callString("FUNCTION", "DELETE", "co"));
        }
    }

    /** cmsgpack decodes in Java: a stated length the input cannot hold fails at once, as Redis's decode ends. */
    @Test
    void cmsgpackLengthsThatLieFailAtOnce() {
        try (RespClient c = node.client()) {
            String r = c.callString("EVAL", "return #cmsgpack.unpack('\\221\\255\\255\\255\\255' .. string.rep('\\144', 10))", "0");
            assertTrue(r.contains("Missing bytes in input."), r);
            r = c.callString("EVAL", "return #cmsgpack.unpack('\\223\\127\\255\\255\\255' .. string.rep('\\144', 10))", "0");
            assertTrue(r.contains("Missing bytes in input."), r);
            assertEquals(":100000\r\n", c.callString("EVAL",
                    "return #cmsgpack.unpack('\\221\\0\\1\\134\\160' .. string.rep('\\144', 100000))", "0"));
        }
    }
}
