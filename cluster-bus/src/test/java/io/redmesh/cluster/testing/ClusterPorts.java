package io.redmesh.cluster.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for cluster tests: a client port and a bus port (cluster-port), both below 22000 so that
 * neither meets the ports other tests pick (node's testing/Ports: 22000-32000) nor the ephemeral
 * range (32768 and up). Each pair is checked bindable on loopback.
 */
public final class ClusterPorts {
    private ClusterPorts() {}

    /** {@code n} pairs {client, bus}. */
    public static synchronized List<int[]> pairs(int n) {
        List<int[]> out = new ArrayList<>();
        int tries = 0;
        while (out.size() < n) {
            if (++tries > 10_000) {
                throw new IllegalStateException("no free port pairs below 22000");
            }
            int client = 12000 + ThreadLocalRandom.current().nextInt(9000);
            int bus = client + 1000 <= 21999 ? client + 1000 : client - 1000;
            if (free(client) && free(bus) && out.stream().noneMatch(p -> p[0] == client || p[1] == client
                    || p[0] == bus || p[1] == bus)) {
                out.add(new int[] {client, bus});
            }
        }
        return out;
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
