package io.redmesh.node.testing;

import io.redmesh.node.Node;
import io.redmesh.node.command.ServerContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A RedMesh node running in the test's JVM on a free loopback port, configured with
 * redis-server style directives. Close it (try-with-resources or @AfterAll) to stop it.
 *
 * <pre>
 * try (ServerFixture s = ServerFixture.start("--maxmemory", "1mb")) {
 *     try (RespClient c = s.client()) { ... }
 * }
 * </pre>
 */
public final class ServerFixture implements AutoCloseable {
    private final Node server;
    private final int port;

    private ServerFixture(Node server, int port) {
        this.server = server;
        this.port = port;
    }

    /** Starts a node on 127.0.0.1 and a free port; extra args are "--directive", "value" pairs. */
    public static ServerFixture start(String... directives) {
        return startWithConfig(null, directives);
    }

    /** Starts a node reading {@code configFile} first (CONFIG REWRITE tests), then directives. */
    public static ServerFixture startWithConfig(java.nio.file.Path configFile, String... directives) {
        return started(build(configFile, directives));
    }

    /** Starts a node made by {@link #build} (after the test attached what it needed). */
    public static ServerFixture started(Node server) {
        try {
            server.start();
        } catch (Node.StartupException e) {
            throw new IllegalStateException(e.getMessage());
        }
        return new ServerFixture(server, server.port());
    }

    /**
     * A node configured as {@link #startWithConfig} would start it, not started yet: upper
     * modules attach to it (an agent) before calling {@link #started}.
     */
    public static Node build(java.nio.file.Path configFile, String... directives) {
        return build(configFile, List.of(), directives);
    }

    /**
     * {@link #build(java.nio.file.Path, String...)} for a node whose command table also binds an
     * upper module's commands (replication's REPLICAOF, PSYNC ...).
     */
    public static Node build(java.nio.file.Path configFile, List<io.redmesh.node.spi.ModuleCommands> modules,
                             String... directives) {
        int port = Ports.free();
        List<String> args = new ArrayList<>();
        if (configFile != null) {
            args.add(configFile.toString());
        }
        args.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", ""));
        if (configFile == null) {
            // Each node gets its own empty dir, so no test loads or overwrites a dump.rdb in the
            // working directory (a "--dir" directive given by the test comes later and wins).
            // A config file says its own dir (CONFIG REWRITE tests compare it).
            try {
                java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("redmesh-node");
                dir.toFile().deleteOnExit();
                args.addAll(List.of("--dir", dir.toString()));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        args.addAll(Arrays.asList(directives));
        try {
            return Node.fromArgs(args, modules);
        } catch (Node.ConfigError e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    public int port() {
        return port;
    }

    public int tlsPort() {
        return server.tlsPort();
    }

    /** The node: its lifecycle, {@code control()} (what modules see) and, for node's tests, its parts. */
    public Node server() {
        return server;
    }

    public ServerContext context() {
        return server.context();
    }

    /** A raw RESP client connected to the plaintext port. */
    public RespClient client() {
        return RespClient.connect(port);
    }

    @Override
    public void close() {
        server.stop();
    }
}
