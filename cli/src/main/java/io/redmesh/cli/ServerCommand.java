package io.redmesh.cli;

import io.redmesh.node.command.ServerContext;
import io.redmesh.node.config.ConfigLoader;
import io.redmesh.node.config.ServerConfig;
import io.redmesh.node.server.RedisServer;
import io.redmesh.node.util.ServerLog;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/**
 * {@code redmesh server [redis.conf] [--directive value ...]}: arguments exactly as redis-server
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

    /** Starts a node with redis-server arguments and blocks until it stops; returns the exit code. */
    public static int run(List<String> argv) {
        if (argv.size() == 1 && (argv.get(0).equals("-v") || argv.get(0).equals("--version"))) {
            System.out.println("Redis server v=" + ServerContext.REDIS_VERSION + " sha=00000000:0 malloc=jvm bits=64 "
                    + "build=redmesh-" + ServerContext.REDMESH_VERSION);
            return 0;
        }
        ServerConfig config = new ServerConfig();
        ConfigLoader loader = new ConfigLoader(config, ServerContext.REDIS_VERSION)
                .checkUserLines(io.redmesh.node.acl.AclFile::checkUserDeclaration);
        try {
            loader.loadArgs(argv);
        } catch (ConfigLoader.FatalConfigError e) {
            System.err.println(e.getMessage());
            return 1;
        }
        RedisServer server = new RedisServer(config);
        if (config.configFile() != null) {
            server.context().configFilePath = config.configFile().toString();
        }
        server.context().executable = ProcessHandle.current().info().command().orElse("java");
        try {
            server.start();
        } catch (RedisServer.StartupException e) {
            ServerLog.warning(e.getMessage());
            return 1;
        }
        Signals.install(server);
        try {
            server.awaitStop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
