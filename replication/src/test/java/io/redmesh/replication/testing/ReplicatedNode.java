package io.redmesh.replication.testing;

import io.redmesh.node.Node;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import io.redmesh.replication.Replication;
import java.util.List;
import redis.clients.jedis.Jedis;

/**
 * A RedMesh node with replication, in the test's JVM, on a free loopback port (directives as
 * redis-server takes them). Close it to stop it.
 */
public final class ReplicatedNode implements AutoCloseable {
    private final Node node;
    private final String name;

    private ReplicatedNode(Node node, String name) {
        this.node = node;
        this.name = name;
    }

    public static ReplicatedNode start(String name, String... directives) {
        Replication repl = new Replication();
        Node n = ServerFixture.build(null, List.of(repl.commands()), directives);
        repl.attach(n.control());
        try {
            n.start();
        } catch (Node.StartupException e) {
            throw new IllegalStateException(name + " did not start: " + e.getMessage());
        }
        return new ReplicatedNode(n, name);
    }

    public String name() {
        return name;
    }

    public int port() {
        return node.port();
    }

    public int tlsPort() {
        return node.tlsPort();
    }

    public Node node() {
        return node;
    }

    public Jedis jedis() {
        Jedis j = new Jedis("127.0.0.1", port(), 10_000);
        return j;
    }

    public RespClient client() {
        return RespClient.connect(port());
    }

    @Override
    public void close() {
        node.stop();
    }

    @Override
    public String toString() {
        return name + " (RedMesh :" + port() + ")";
    }
}
