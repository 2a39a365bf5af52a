package io.redmesh.node.command.family;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import io.redmesh.node.testing.StartedNode;
import io.redmesh.node.testing.StartedRedis;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.BeforeEach;

/**
 * Fixtures and harness of the blocking-command tests: RedMesh with one and with four I/O threads
 * (a blocked client is served on the writer's thread, or from another connection's) and, when
 * installed, a real redis-server; a scenario runs on each and the raw transcripts must match.
 */
abstract class BlockingScenarios {
    @StartedNode
    static ServerFixture node;
    @StartedNode({"--io-threads", "4"})
    static ServerFixture nodeMultiThread;
    /** Null where redis-server is not installed: the node-only tests still run. */
    @StartedRedis(optional = true)
    static RedisProcess real;

    @BeforeEach
    void flush() {
        for (ServerFixture f : new ServerFixture[] {node, nodeMultiThread}) {
            try (RespClient c = f.client()) {
                c.call("FLUSHALL");
            }
        }
        if (real != null) {
            try (RespClient c = real.client()) {
                c.call("FLUSHALL");
            }
        }
    }

    // ------------------------------------------------------------------ harness

    /** Runs a scenario on RedMesh and on real Redis (when present); transcripts must match. */
    static List<String> differential(IntFunction<List<String>> scenario) {
        List<String> mine = scenario.apply(node.port());
        List<String> threaded = scenario.apply(nodeMultiThread.port());
        assertEquals(String.join("\n", mine), String.join("\n", threaded), "io-threads 4 differs from 1");
        if (real != null) {
            List<String> theirs = scenario.apply(real.port());
            assertEquals(String.join("\n", theirs), String.join("\n", mine));
        }
        return mine;
    }

    static void send(RespClient c, String... args) {
        c.send(RespClient.encode(RespClient.args(args)));
    }

    /** Waits until the server reports {@code n} blocked clients. */
    static void awaitBlocked(int port, int n) {
        try (RespClient ctl = RespClient.connect(port)) {
            long deadline = System.currentTimeMillis() + 5000;
            while (System.currentTimeMillis() < deadline) {
                String info = new String(ctl.call("INFO", "clients"), StandardCharsets.ISO_8859_1);
                if (info.contains("blocked_clients:" + n + "\r\n")) {
                    return;
                }
                sleep(10);
            }
            throw new AssertionError("never reached " + n + " blocked clients");
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String read(RespClient c) {
        return c.readReplyString();
    }
}
