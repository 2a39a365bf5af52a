package io.redmesh.node.security;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Advisories in parts of Redis that RedMesh does not have in this configuration (the cluster
 * bus while cluster mode is off; functions landed: LuaAdvisoriesTest replays theirs). Each test
 * proves the part is absent, so the advisory cannot apply, and fails the day the part lands,
 * naming the advisory whose replay must then be written (docs/SECURITY.md lists them).
 */
class AbsentFeatureAdvisoriesTest {
    private static ServerFixture ours;

    @BeforeAll
    static void start() {
        ours = ServerFixture.start();
    }

    @AfterAll
    static void stop() {
        ours.close();
    }

    private static void absent(String advisory, String... command) {
        try (RespClient c = ours.client()) {
            String reply = c.callString(command);
            assertTrue(reply.startsWith("-ERR unknown command '" + command[0] + "'")
                    || reply.startsWith("-ERR unknown subcommand"),
                    command[0] + " now exists: write the replay of " + advisory + " (got " + reply + ")");
        }
    }

    @Test
    void cve2026_21863_92925_clusterBus() {
        absent("CVE-2026-21863 / CVE-2026-92925", "CLUSTER", "INFO");
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", ours.port() + 10000), 500);
            throw new AssertionError("something listens on the cluster bus port " + (ours.port() + 10000));
        } catch (java.io.IOException expected) {
            // nothing listens on port + 10000: no cluster bus to attack
        }
    }
}
