package io.redmesh.node.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for test servers, chosen below Linux's ephemeral range (32768-60999):
 * a port handed out from that range can be taken, before the test server binds it, as the
 * local port of one of the many outgoing connections the tests make (mesh members, clients),
 * and the bind then fails with "Address already in use". Ports are not handed out twice by one
 * JVM. Ports below 22000 are left to cluster tests, whose bus port (port + 10000) must stay
 * below the ephemeral range too.
 */
public final class Ports {
    private static final int LOW = 22000;
    private static final int HIGH = 32000;
    private static final java.util.Set<Integer> GIVEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private Ports() {}

    public static int free() {
        for (int attempt = 0; attempt < 500; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOW, HIGH);
            if (GIVEN.contains(port)) {
                continue;
            }
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                if (GIVEN.add(port)) {
                    return port;
                }
            } catch (IOException inUse) {
                // taken: try another
            }
        }
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
