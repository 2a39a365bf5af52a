package io.redmesh.sentinel.testing;

import io.redmesh.node.Node;
import io.redmesh.sentinel.Sentinel;
import java.util.Arrays;
import java.util.List;

/** Entry point of a RedMesh sentinel's child JVM in tests: the launcher's wiring (node in sentinel mode + sentinel). */
public final class SentinelMain {
    private SentinelMain() {}

    public static void main(String[] args) throws Exception {
        // a test JVM that dies (killed, crashed) takes its sentinels with it
        ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(1)));
        Sentinel sentinel = new Sentinel();
        Node node;
        try {
            node = Node.fromArgs(Arrays.asList(args), List.of(sentinel.commands()), sentinel.mode());
        } catch (Node.ConfigError e) {
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        }
        sentinel.attach(node.control());
        try {
            node.start();
        } catch (Node.StartupException e) {
            System.err.println("FATAL: " + e.getMessage());
            System.exit(1);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> node.shutdownOnSignal("TERM")));
        node.awaitStop();
    }
}
