package io.redmesh.node.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free ephemeral loopback ports for test servers. */
public final class Ports {
    private Ports() {}

    public static int free() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
