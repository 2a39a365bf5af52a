package io.redmesh.node.command.family;

import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import io.redmesh.node.testing.StartedNode;
import io.redmesh.node.testing.StartedRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/**
 * A real redis-server and a RedMesh node (class fixtures) for one differential test class, with a fresh pair of
 * connections and a flushed keyspace before each test. Subclasses name the config each test
 * starts from ({@link #resetCommands()}) and compare through {@link #d}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DiffTestBase {
    @StartedRedis
    private static RedisProcess redis;
    @StartedNode
    private static ServerFixture node;
    protected RespClient realClient;
    protected RespClient ourClient;
    protected DiffHarness d;

    /** Commands run on both servers before each test, e.g. "CONFIG SET ... default". */
    protected abstract String[] resetCommands();

    @AfterAll
    void closeConnections() {
        closeClients();
    }

    @BeforeEach
    void freshConnections() {
        closeClients();
        realClient = redis.client();
        ourClient = node.client();
        d = new DiffHarness(realClient, ourClient);
        d.sameAll("FLUSHALL");
        d.sameAll(resetCommands());
    }

    /** Another connection to the real redis-server (the test closes it). */
    protected RespClient anotherRealClient() {
        return redis.client();
    }

    /** Another connection to our node (the test closes it). */
    protected RespClient anotherOurClient() {
        return node.client();
    }

    /** Runs a script in RESP2, then again from an empty dataset in RESP3. */
    protected void bothProtocols(Runnable script) {
        script.run();
        d.sameAll("FLUSHALL");
        realClient.call("HELLO", "3");
        ourClient.call("HELLO", "3");
        script.run();
    }

    private void closeClients() {
        if (realClient != null) {
            realClient.close();
            ourClient.close();
        }
    }
}
