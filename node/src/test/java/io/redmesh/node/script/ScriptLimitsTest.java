package io.redmesh.node.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import io.redmesh.node.testing.StartedNode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scripts that try to take the server down: infinite loops answered with -BUSY to other clients
 * and ended by SCRIPT KILL (or refused a kill once they wrote), deep recursion, huge tables,
 * string.rep and concatenation bombs. After each the server serves everyone normally.
 */
@ExtendWith(io.redmesh.node.testing.ClassFixtures.class)
@org.junit.jupiter.api.Timeout(120)
class ScriptLimitsTest {
    @StartedNode({"--busy-reply-threshold", "100", "--lua-memory-limit", "32mb"})
    static ServerFixture node;

    @AfterEach
    void serverStillServes() {
        try (RespClient c = node.client()) {
            assertEquals("+PONG\r\n", c.callString("PING"));
            assertEquals(":2\r\n", c.callString("EVAL", "return 1 + 1", "0"));
        }
    }

    /** Runs a script on its own connection; the future completes with its reply. */
    private static CompletableFuture<String> evalAsync(String script) {
        Supplier<String> call = () -> {
            try (RespClient c = node.client()) {
                return c.callString("EVAL", script, "0");
            }
        };
        return CompletableFuture.supplyAsync(call);
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
    void infiniteLoopIsBusyThenKilled() throws Exception {
        CompletableFuture<String> script = evalAsync("while true do end");
        try (RespClient other = node.client()) {
            assertEquals("-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n",
                    waitForBusy(other));
            assertEquals("-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n",
                    other.callString("SET", "k", "v"));
            assertEquals("+OK\r\n", other.callString("SCRIPT", "KILL"));
            String reply = script.get(10, TimeUnit.SECONDS);
            assertTrue(reply.startsWith("-ERR Script killed by user with SCRIPT KILL... script: "), reply);
            assertEquals("-NOTBUSY No scripts in execution right now.\r\n", other.callString("SCRIPT", "KILL"));
        }
    }

    @Test
    void pcallCannotSwallowAKill() throws Exception {
        CompletableFuture<String> script = evalAsync("while true do pcall(function() while true do end end) end");
        try (RespClient other = node.client()) {
            assertTrue(waitForBusy(other).startsWith("-BUSY"));
            assertEquals("+OK\r\n", other.callString("SCRIPT", "KILL"));
            assertTrue(script.get(10, TimeUnit.SECONDS).startsWith("-ERR Script killed by user"));
        }
    }

    @Test
    void aScriptThatWroteCannotBeKilled() throws Exception {
        CompletableFuture<String> script = evalAsync(
                "redis.call('set', 'w', '1') local t = redis.call('time')[1] + 1 "
                        + "while tonumber(redis.call('time')[1]) <= tonumber(t) do end return 'done'");
        try (RespClient other = node.client()) {
            assertTrue(waitForBusy(other).startsWith("-BUSY"));
            assertTrue(other.callString("SCRIPT", "KILL").startsWith("-UNKILLABLE Sorry the script already executed"));
            assertEquals("$4\r\ndone\r\n", script.get(10, TimeUnit.SECONDS));
            assertEquals("$1\r\n1\r\n", other.callString("GET", "w"));
        }
    }

    @Test
    void deepRecursionIsAStackOverflowError() {
        try (RespClient c = node.client()) {
            String reply = c.callString("EVAL", "local function f(n) return 1 + f(n + 1) end return f(1)", "0");
            assertTrue(reply.startsWith("-ERR ") && reply.contains("stack overflow"), reply);
            reply = c.callString("EVAL", "local function f(n) return pcall(f, n + 1) end return f(1)", "0");
            assertTrue(reply.startsWith(":") || reply.startsWith("-ERR"), reply);
        }
    }

    @Test
    void memoryBombsFailTheScriptNotTheServer() throws Exception {
        try (RespClient c = node.client()) {
            c.socket().setSoTimeout(90_000); // a full GC confirms the limit: slow on a loaded machine
            String rep = c.callString("EVAL", "return #string.rep('xxxxxxxx', 2^30)", "0");
            assertTrue(rep.contains("not enough memory"), rep);
            String doubling = c.callString("EVAL", "local s = 'xxxxxxxxxxxxxxxx' while true do s = s .. s end", "0");
            assertTrue(doubling.startsWith("-ERR") && doubling.contains("memory"), doubling);
            String table = c.callString("EVAL", "local t = {} local i = 0 while true do i = i + 1 t[i] = {i, i, i} end", "0");
            assertTrue(table.startsWith("-ERR") && table.contains("memory"), table);
            assertEquals(":0\r\n", c.callString("EVAL", "return #string.rep('x', 2^31)", "0")); // 5.1's int cast
        }
    }
}
