package io.redmesh.node.command.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RespClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CLIENT PAUSE / UNPAUSE against Debian's redis-server 7.0.15: the replies and errors, then on
 * both servers the same observable behaviour: under WRITE reads answer at once and writes wait
 * (in order, also inside MULTI) until CLIENT UNPAUSE or the timeout; under ALL everything waits;
 * keys do not expire while paused; a shorter second pause keeps the longer end.
 */
class ClientPauseDiffTest extends DiffTestBase {
    @Override
    protected String[] resetCommands() {
        return new String[0];
    }

    @Test
    void repliesAndErrors() {
        d.sameAll("CLIENT PAUSE abc", "CLIENT PAUSE -1", "CLIENT PAUSE 10 foo", "CLIENT PAUSE abc foo", "CLIENT PAUSE 1.5",
                "CLIENT PAUSE 10 WRITE extra", "CLIENT PAUSE", "CLIENT UNPAUSE x", "CLIENT PAUSE 0", "CLIENT PAUSE 0 write",
                "CLIENT PAUSE 9223372036854775807", "SET after overflow", "CLIENT UNPAUSE", "CLIENT UNPAUSE");
    }

    /** Whether a reply arrives within {@code millis}. */
    private static boolean answersWithin(RespClient c, long millis) {
        try {
            c.socket().setSoTimeout((int) millis);
            c.readReply();
            return true;
        } catch (RuntimeException | java.io.IOException e) {
            return false;
        } finally {
            try {
                c.socket().setSoTimeout(10_000);
            } catch (java.io.IOException ignored) {
                // the next read fails instead
            }
        }
    }

    /** Runs the same pause scenario on one server; returns what was observed, step by step. */
    private static List<String> scenario(RespClient admin, RespClient other) throws Exception {
        List<String> seen = new ArrayList<>();
        admin.call("SET", "ttl", "v", "PX", "150");
        seen.add(admin.callString("CLIENT", "PAUSE", "100000", "WRITE"));
        seen.add("read " + other.callString("GET", "k"));
        other.send(RespClient.encode(RespClient.args("SET", "k", "1")));
        other.send(RespClient.encode(RespClient.args("GET", "k")));
        seen.add("write answered at once: " + answersWithin(other, 300));
        Thread.sleep(200); // "ttl" has passed its time: it must still be there while paused
        seen.add("ttl key kept: " + admin.callString("EXISTS", "ttl"));
        seen.add(admin.callString("CLIENT", "PAUSE", "10", "WRITE")); // shorter: the longer end holds
        Thread.sleep(50);
        seen.add("still paused: " + !answersWithin(other, 100));
        seen.add(admin.callString("CLIENT", "UNPAUSE"));
        seen.add("write then read: " + other.readReplyString() + " " + other.readReplyString());
        seen.add("ttl key gone: " + admin.callString("EXISTS", "ttl"));
        other.call("MULTI");
        seen.add(admin.callString("CLIENT", "PAUSE", "300", "WRITE"));
        other.send(RespClient.encode(RespClient.args("INCR", "k")));
        seen.add("queued write waits: " + !answersWithin(other, 100));
        seen.add("after the timeout: " + (answersWithin(other, 2000) ? "answered" : "still waiting"));
        seen.add(other.callString("EXEC"));
        seen.add(admin.callString("CLIENT", "PAUSE", "300", "ALL"));
        other.send(RespClient.encode(RespClient.args("GET", "k")));
        seen.add("read waits under ALL: " + !answersWithin(other, 100));
        seen.add("then: " + (answersWithin(other, 2000) ? "answered" : "still waiting"));
        return seen;
    }

    /** Under WRITE, which commands wait: 7.0's may-replicate ones too (EVAL, EVALSHA, FCALL, PUBLISH, PFCOUNT). */
    private static List<String> whoWaits(RespClient admin, RespClient other) throws Exception {
        List<String> seen = new ArrayList<>();
        String sha = admin.callString("SCRIPT", "LOAD", "return 1");
        sha = sha.substring(sha.indexOf('\n') + 1).trim();
        String[][] probes = {{"GET", "k"}, {"EVAL_RO", "return 1", "0"}, {"EVAL", "return 1", "0"},
            {"EVALSHA", sha, "0"}, {"PUBLISH", "ch", "m"}, {"PFCOUNT", "hll"}, {"SET", "k", "2"}};
        for (String[] probe : probes) {
            seen.add(admin.callString("CLIENT", "PAUSE", "100000", "WRITE"));
            other.send(RespClient.encode(RespClient.args(probe)));
            seen.add(probe[0] + " answered at once: " + answersWithin(other, 300));
            seen.add(admin.callString("CLIENT", "UNPAUSE"));
            seen.add(probe[0] + " answered after UNPAUSE: " + answersWithin(other, 2000));
        }
        return seen;
    }

    @Test
    void mayReplicateCommandsWaitUnderWriteAsInRedis() throws Exception {
        List<String> real;
        List<String> ours;
        try (RespClient a = anotherRealClient(); RespClient o = anotherRealClient()) {
            real = whoWaits(a, o);
        }
        try (RespClient a = anotherOurClient(); RespClient o = anotherOurClient()) {
            ours = whoWaits(a, o);
        }
        assertEquals(real, ours);
        assertTrue(real.contains("EVAL answered at once: false") && real.contains("GET answered at once: true"),
                real.toString());
        d.sameAll("DEL k");
    }

    @Test
    void pausedClientsWaitAsInRedis() throws Exception {
        List<String> real;
        List<String> ours;
        try (RespClient a = anotherRealClient(); RespClient o = anotherRealClient()) {
            real = scenario(a, o);
        }
        try (RespClient a = anotherOurClient(); RespClient o = anotherOurClient()) {
            ours = scenario(a, o);
        }
        assertEquals(real, ours);
        assertTrue(real.contains("write answered at once: false"), real.toString());
        assertFalse(real.contains("then: still waiting"), real.toString());
        d.sameAll("DEL k");
    }
}
