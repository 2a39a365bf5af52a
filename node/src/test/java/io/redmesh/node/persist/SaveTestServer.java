package io.redmesh.node.persist;

import io.redmesh.node.command.ServerContext;
import io.redmesh.node.config.ConfigLoader;
import io.redmesh.node.config.ServerConfig;
import io.redmesh.node.server.RedisServer;
import java.nio.file.Path;
import java.util.List;

/**
 * A node in its own process with {@link TextFormat} as its writer, for tests that kill -9 it:
 * {@code SaveTestServer <hold-file> --directive value ...}. Prints READY when serving.
 */
public final class SaveTestServer {
    private SaveTestServer() {}

    public static void main(String[] args) throws Exception {
        ServerConfig config = new ServerConfig();
        new ConfigLoader(config, ServerContext.REDIS_VERSION).loadArgs(List.of(args).subList(1, args.length));
        RedisServer server = new RedisServer(config);
        TextFormat f = new TextFormat();
        f.holdFile = Path.of(args[0]);
        server.saver().format(f);
        server.start();
        System.out.println("READY");
        System.out.flush();
        server.awaitStop();
    }
}
