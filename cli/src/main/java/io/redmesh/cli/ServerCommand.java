package io.redmesh.cli;

import io.redmesh.node.Node;
import io.redmesh.node.spi.NodeLog;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/**
 * {@code redmesh server [--agent agent.conf] [redis.conf] [--directive value ...]}: arguments exactly as redis-server
 * takes them (the file first, then directives that win), so it can stand where redis-server does.
 */
@Command(name = "server", description = "Run a node, taking redis-server's arguments: [redis.conf] [--directive value ...]")
public final class ServerCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", description = "redis.conf path and/or --directive value pairs")
    List<String> args = new ArrayList<>();

    @Unmatched
    List<String> unmatched = new ArrayList<>();

    @Override
    public Integer call() {
        List<String> all = new ArrayList<>(args);
        all.addAll(unmatched);
        return run(all);
    }

    /**
     * REDMESH_EXIT_WITH_PID (set by {@code redmesh demo} for its nodes): stop when that process
     * is gone, so a demo killed with SIGKILL leaves no node behind.
     */
    private static void exitWithParent(Node server) {
        String pid = System.getenv("REDMESH_EXIT_WITH_PID");
        if (pid == null || pid.isEmpty()) {
            return;
        }
        try {
            ProcessHandle.of(Long.parseLong(pid)).ifPresentOrElse(
                    parent -> parent.onExit().thenRun(() -> server.shutdownOnSignal("SIGTERM")),
                    () -> server.shutdownOnSignal("SIGTERM"));
        } catch (NumberFormatException e) {
            NodeLog.warning("REDMESH_EXIT_WITH_PID is not a process id: " + pid);
        }
    }

    /** A data node: the node with replication and cluster mode wired in. */
    private static Node dataNode(List<String> argv) throws Node.ConfigError {
        io.redmesh.replication.Replication replication = new io.redmesh.replication.Replication();
        io.redmesh.cluster.ClusterMode cluster = new io.redmesh.cluster.ClusterMode();
        Node server = Node.fromArgs(argv, List.of(replication.commands(), cluster.commands()));
        replication.attach(server.control());
        cluster.attach(server.control());
        return server;
    }

    /** A sentinel: the node built in sentinel mode with the sentinel module (no replication, as in Redis). */
    private static Node sentinelNode(List<String> argv) throws Node.ConfigError {
        io.redmesh.sentinel.Sentinel sentinel = new io.redmesh.sentinel.Sentinel();
        Node server = Node.fromArgs(argv, List.of(sentinel.commands()), sentinel.mode());
        sentinel.attach(server.control());
        return server;
    }

    /** Starts a node with redis-server arguments and blocks until it stops; returns the exit code. */
    public static int run(List<String> argv) {
        if (argv.size() == 1 && (argv.get(0).equals("-v") || argv.get(0).equals("--version"))) {
            System.out.println("Redis server v=" + Node.REDIS_VERSION + " sha=00000000:0 malloc=jvm bits=64 "
                    + "build=redmesh-" + Node.VERSION);
            return 0;
        }
        io.redmesh.agent.config.AgentConfig agentConfig = null;
        int at = argv.indexOf("--agent");
        if (at >= 0) {
            if (at + 1 >= argv.size()) {
                System.err.println("--agent needs the agent's config file");
                return 1;
            }
            try {
                agentConfig = io.redmesh.agent.config.AgentConfig.load(java.nio.file.Path.of(argv.get(at + 1)));
            } catch (io.redmesh.agent.config.AgentConfig.ConfigError e) {
                System.err.println(e.getMessage());
                return 1;
            }
            argv = new ArrayList<>(argv);
            argv.remove(at + 1);
            argv.remove(at);
        }
        // redis-server --sentinel: the flag may stand anywhere among the arguments
        boolean sentinelMode = argv.contains("--sentinel");
        if (sentinelMode) {
            argv = new ArrayList<>(argv);
            argv.removeIf("--sentinel"::equals);
        }
        Node server;
        try {
            server = sentinelMode ? sentinelNode(argv) : dataNode(argv);
        } catch (Node.ConfigError e) {
            System.err.println(e.getMessage());
            return 1;
        }
        server.executable(ProcessHandle.current().info().command().orElse("java"));
        io.redmesh.agent.Agent agent = null;
        if (agentConfig != null) {
            try {
                agent = io.redmesh.agent.InProcessAgent.attach(server.control(), agentConfig, io.redmesh.agent.InProcessAgent.FIRST_CERTIFICATE);
            } catch (Exception e) {
                NodeLog.warning("Agent " + agentConfig.name + " could not start: " + e.getMessage());
                return 1;
            }
        }
        try {
            server.start();
        } catch (Node.StartupException e) {
            NodeLog.warning(e.getMessage());
            if (agent != null) {
                agent.close();
            }
            return 1;
        }
        Signals.install(server);
        exitWithParent(server);
        try {
            server.awaitStop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (agent != null) {
                agent.close();
            }
        }
        return 0;
    }
}
