package io.redmesh.node.command.family;

import io.redmesh.node.testing.RealRedis;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/**
 * A real redis-server and a RedMesh node for one differential test class, with a fresh pair of
 * connections and a flushed keyspace before each test. Subclasses name the config each test
 * starts from ({@link #resetCommands()}) and compare through {@link #d}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DiffTestBase {
    private RealRedis redis;
    private ServerFixture node;
    protected RespClient realClient;
    protected RespClient ourClient;
    protected DiffHarness d;

    /** Commands run on both servers before each test, e.g. "CONFIG SET ... default". */
    protected abstract String[] resetCommands();

    @BeforeAll
    void startServers() {
        Assumptions.assumeTrue(RealRedis.available(), "redis-server not installed");
        redis = RealRedis.start();
        node = ServerFixture.start();
    }

    @AfterAll
    void stopServers() {
        closeClients();
        if (node != null) {
            node.close();
        }
        if (redis != null) {
            redis.close();
        }
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

    private void closeClients() {
        if (realClient != null) {
            realClient.close();
            ourClient.close();
        }
    }
}
