package io.redmesh.node.persist.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import io.redmesh.node.testing.StartedNode;
import io.redmesh.node.testing.StartedRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** A real redis-server 7.0.15 and a RedMesh node for the class, with one client to each. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BothServers {
    @StartedRedis
    private static RedisProcess redis;
    @StartedNode
    private static ServerFixture node;
    RespClient real;
    RespClient ours;

    @BeforeAll
    void connect() {
        real = redis.client();
        ours = node.client();
    }

    @AfterAll
    void disconnect() {
        if (real != null) {
            real.close();
            ours.close();
        }
    }

    /** Runs a command on both; the replies must be equal. */
    void both(String... cmd) {
        assertEquals(real.callString(cmd), ours.callString(cmd), String.join(" ", cmd));
    }
}
