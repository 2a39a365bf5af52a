package io.redmesh.cli;

import io.redmesh.node.server.RedisServer;
import io.redmesh.node.util.ServerLog;
import sun.misc.Signal;

/** SIGTERM and SIGINT shut the node down cleanly, logging as redis-server does. */
final class Signals {
    private Signals() {}

    static void install(RedisServer server) {
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), sig -> {
                ServerLog.warning("Received SIG" + name + " scheduling shutdown...");
                server.shutdownOnSignal(name);
            });
        }
    }
}
