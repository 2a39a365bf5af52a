package io.redmesh.cli;

import io.redmesh.node.Node;
import io.redmesh.node.spi.NodeLog;
import sun.misc.Signal;

/** SIGTERM and SIGINT shut the node down cleanly, logging as redis-server does. */
final class Signals {
    private Signals() {}

    static void install(Node server) {
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), sig -> {
                NodeLog.warning("Received SIG" + name + " scheduling shutdown...");
                server.shutdownOnSignal(name);
            });
        }
    }
}
