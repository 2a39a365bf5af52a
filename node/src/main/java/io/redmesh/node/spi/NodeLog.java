package io.redmesh.node.spi;

import io.redmesh.node.util.ServerLog;

/**
 * The node's log (redis-server's format, its {@code logfile} and {@code loglevel}) for upper
 * modules, so that a node and what runs in it write one log. Sidecar agents, which run without
 * a node, write the same format to stdout.
 */
public final class NodeLog {
    private NodeLog() {}

    public static void warning(String message) {
        ServerLog.warning(message);
    }

    public static void notice(String message) {
        ServerLog.notice(message);
    }

    public static void verbose(String message) {
        ServerLog.verbose(message);
    }
}
