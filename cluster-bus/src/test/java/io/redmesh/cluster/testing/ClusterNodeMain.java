package io.redmesh.cluster.testing;

import io.redmesh.cluster.ClusterMode;
import io.redmesh.node.Node;
import io.redmesh.replication.Replication;
import java.util.Arrays;
import java.util.List;

/** The child JVM of a cluster test node: the launcher's wiring (node + replication + cluster). */
public final class ClusterNodeMain {
    private ClusterNodeMain() {}

    public static void main(String[] args) throws Exception {
        // a test JVM that dies (killed, crashed) takes its nodes with it
        ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(1)));
        Replication repl = new Replication();
        ClusterMode cluster = new ClusterMode();
        Node server = Node.fromArgs(Arrays.asList(args), List.of(repl.commands(), cluster.commands()));
        repl.attach(server.control());
        cluster.attach(server.control());
        try {
            server.start();
        } catch (Node.StartupException e) {
            System.err.println("FATAL: " + e.getMessage());
            System.exit(1);
        }
        server.awaitStop();
    }
}
