package io.redmesh.node.util;

import io.redmesh.node.server.RedisServer;

/** A deliberate upward import (util -> server), for ArchitectureTest to prove its rule fails on one. */
public final class ArchitectureProbe {
    private ArchitectureProbe() {}

    public static int port(RedisServer server) {
        return server.port();
    }
}
