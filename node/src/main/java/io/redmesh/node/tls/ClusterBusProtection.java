package io.redmesh.node.tls;

import io.redmesh.node.config.ServerConfig;
import java.util.Set;

/**
 * {@code cluster-bus-port-protected-mode} (the name of redis/redis PR #15722): the cluster bus
 * speaks no authentication of its own, tls-cluster is what authenticates it. When a cluster node
 * has TLS configured (a tls-port) and yet its bus would run without tls-cluster, anyone who
 * reaches the bus port may MEET in; unless the operator waives protection
 * ({@code cluster-bus-port-protected-mode no}), the node refuses to start, and CONFIG SET refuses
 * to reach that state (a single CONFIG SET may change both directives, in either order).
 *
 * <p>Unlike the upstream PR, a cluster without TLS configured starts as in Redis 7.0: RedMesh
 * adds to Redis and does not refuse a configuration 7.0 accepts when there is no TLS to offer.
 */
public final class ClusterBusProtection implements ServerConfig.Rule {
    static final String MODE = "cluster-bus-port-protected-mode";

    private ClusterBusProtection() {
    }

    public static void register(ServerConfig config) {
        config.rule(new ClusterBusProtection());
    }

    /** Whether this configuration runs a cluster bus nobody authenticates although TLS is at hand. */
    public static boolean unauthenticatedBus(ServerConfig c) {
        return c.getBool("cluster-enabled") && c.getLong("tls-port") != 0 && !c.getBool("tls-cluster");
    }

    @Override
    public String problem(ServerConfig c, Set<String> changed) {
        if (!c.getBool(MODE) || !unauthenticatedBus(c)) {
            return null;
        }
        if (changed == null) {
            return MODE + " is enabled but tls-cluster is disabled while TLS is configured (tls-port): the cluster "
                    + "bus port would accept unauthenticated peers. Set 'tls-cluster yes', or "
                    + "'cluster-bus-port-protected-mode no' if the bus port is reachable by trusted hosts only.";
        }
        if (changed.contains("tls-cluster")) {
            return "can't disable tls-cluster while " + MODE + " is enabled; disable " + MODE
                    + " in the same CONFIG SET call to allow it";
        }
        if (changed.contains(MODE)) {
            return "can't enable " + MODE + " while tls-cluster is disabled";
        }
        return "can't enable tls-port while tls-cluster is disabled and " + MODE + " is enabled";
    }
}
