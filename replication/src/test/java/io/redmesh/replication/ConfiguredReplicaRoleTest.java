package io.redmesh.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.Node;
import io.redmesh.node.testing.Ports;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A node configured with {@code replicaof} is a replica for its first client, as redis-server is
 * (server.masterhost is set while the configuration loads): no client may write to it, and it
 * expires nothing itself, between the moment its listeners open and the moment its link to the
 * master starts connecting.
 */
class ConfiguredReplicaRoleTest {
    @Test
    void theFirstClientOfAConfiguredReplicaMeetsAReplica() throws Exception {
        int nobody = Ports.free(); // no master listens there: the link only retries
        Replication repl = new Replication();
        Node node = ServerFixture.build(null, List.of(repl.commands()), "--replicaof", "127.0.0.1",
                Integer.toString(nobody));
        List<String> seen = new ArrayList<>();
        // Registered before replication's own hook, so it runs first: a client that connected as
        // soon as the listener opened, before the node is told to connect to its master.
        node.control().afterStart(() -> {
            try (RespClient c = RespClient.connect(node.port())) {
                seen.add(c.callString("SET", "k", "v"));
                seen.add(c.callString("ROLE"));
            }
        });
        repl.attach(node.control());
        node.start();
        try {
            assertEquals(2, seen.size(), seen.toString());
            assertEquals("-READONLY You can't write against a read only replica.\r\n", seen.get(0));
            assertTrue(seen.get(1).startsWith("*5\r\n$5\r\nslave\r\n"), seen.get(1));
            try (RespClient c = RespClient.connect(node.port())) {
                assertEquals("$-1\r\n", c.callString("GET", "k"));
                assertTrue(c.callString("INFO", "replication").contains("master_port:" + nobody));
            }
        } finally {
            node.stop();
        }
    }
}
