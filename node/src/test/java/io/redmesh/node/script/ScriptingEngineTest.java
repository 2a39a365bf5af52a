package io.redmesh.node.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.redmesh.node.resp.Reply;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The engine alone (no server): the hook's kill and depth bounds, pcall, replies. */
@Timeout(30)
class ScriptingEngineTest {
    private final ScriptingEngine engine = new ScriptingEngine(new CommandRunner() {
        @Override
        public byte[] call(ScriptRun run, byte[][] argv, int resp) {
            return "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public Boolean aclAllows(ScriptRun run, byte[][] argv) {
            return true;
        }
    });

    private String eval(ScriptRun run, String body) {
        ByteBuf buf = Unpooled.buffer();
        Reply r = new Reply(buf);
        engine.run(run, engine.compile(body.getBytes(StandardCharsets.ISO_8859_1)), new byte[0][], new byte[0][], r);
        return buf.toString(StandardCharsets.ISO_8859_1);
    }

    private static ScriptRun newRun() {
        return new ScriptRun(null, "x", ScriptFlags.EVAL_COMPAT, false, false);
    }

    @Test
    void killEndsLoopsEvenInsidePcall() throws Exception {
        for (String body : new String[] {"while true do end", "while true do pcall(function() while true do end end) end"}) {
            ScriptRun run = newRun();
            CompletableFuture<String> f = CompletableFuture.supplyAsync(() -> eval(run, body));
            Thread.sleep(100);
            run.kill();
            String reply = f.get(10, TimeUnit.SECONDS);
            assertTrue(reply.startsWith("-ERR Script killed by user with SCRIPT KILL... script: "), reply);
        }
    }

    /** Runs on a thread with the script thread's stack size (an I/O thread's would overflow first). */
    private static void onBigStack(Runnable r) throws Exception {
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(null, () -> {
            try {
                r.run();
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "big-stack", 256L << 20);
        t.start();
        t.join(20_000);
        if (failure[0] instanceof Error e) {
            throw e;
        } else if (failure[0] != null) {
            throw new AssertionError(failure[0]);
        }
    }

    @Test
    void recursionIsBoundedAndTheDepthRecovers() throws Exception {
        onBigStack(this::recursion);
    }

    private void recursion() {
        String reply = eval(newRun(), "local function f(n) return 1 + f(n + 1) end return f(1)");
        assertTrue(reply.contains("stack overflow"), reply);
        for (int i = 0; i < 3; i++) {
            reply = eval(newRun(), "local n = 0 for i = 1, 30000 do pcall(error, 'x') n = n + 1 end "
                    + "local function f(d) if d == 0 then return 0 end return 1 + f(d - 1) end return f(15000)");
            assertEquals(":15000\r\n", reply);
        }
    }
}
