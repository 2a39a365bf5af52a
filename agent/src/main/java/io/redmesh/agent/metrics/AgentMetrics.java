package io.redmesh.agent.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.Histogram;

/**
 * The agent's metrics, declared once so every node names them alike. Register them on the
 * node's registry ({@code NodeMetrics.of(server.context()).registry()}, served on the node's
 * metrics-port) or, for a sidecar beside a stock redis-server, on a registry of its own served
 * by {@code io.redmesh.node.metrics.MetricsEndpoint}.
 *
 * <pre>
 * redmesh_acl_version_timestamp_seconds   wall-clock part of the newest ACL record applied (HLC)
 * redmesh_acl_info{version,digest}        1; compare digests across nodes to see drift
 * redmesh_acl_users                       users in force
 * redmesh_mesh_members                    members this agent sees alive (itself included)
 * redmesh_acl_propagation_seconds         record written at its origin -> applied here
 * redmesh_mesh_records_rejected_total{kind,reason}   records dropped (bad signature, policy...)
 * </pre>
 *
 * Thread-safe: simpleclient's metrics are.
 */
public final class AgentMetrics {
    /** Seconds: the goal is p99 under 0.2 s across 6 nodes; the tail buckets show misses. */
    private static final double[] PROPAGATION_BUCKETS = {0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30};

    private final Gauge aclVersion;
    private final Gauge aclInfo;
    private final Gauge aclUsers;
    private final Gauge members;
    private final Histogram propagation;
    private final Counter rejected;
    private String[] infoLabels;

    public AgentMetrics(CollectorRegistry registry) {
        aclVersion = Gauge.build("redmesh_acl_version_timestamp_seconds",
                "Wall-clock part of the version (hybrid logical clock) of the newest ACL record applied, "
                        + "since the unix epoch.").register(registry);
        aclInfo = Gauge.build("redmesh_acl_info", "ACL state in force: version (HLC millis.logical) and digest.")
                .labelNames("version", "digest").register(registry);
        aclUsers = Gauge.build("redmesh_acl_users", "ACL users in force.").register(registry);
        members = Gauge.build("redmesh_mesh_members", "Mesh members this agent sees alive, itself included.")
                .register(registry);
        propagation = Histogram.build("redmesh_acl_propagation_seconds",
                "Time from an ACL record's creation at its origin to its application here.")
                .buckets(PROPAGATION_BUCKETS).register(registry);
        rejected = Counter.build("redmesh_mesh_records_rejected_total",
                "Gossiped records dropped, by kind (acl_user, revocation, trust_bundle) and reason.")
                .labelNames("kind", "reason").register(registry);
    }

    /**
     * The ACL state now in force.
     *
     * @param hlc    hybrid logical clock of the newest record applied: wall-clock millis in the
     *               high 48 bits, a logical counter in the low 16 (0: none yet)
     * @param digest the digest of the user set (same users, same digest on every node)
     * @param users  how many users
     */
    public synchronized void aclState(long hlc, String digest, int users) {
        aclVersion.set((hlc >>> 16) / 1000.0);
        aclUsers.set(users);
        String[] labels = {(hlc >>> 16) + "." + (hlc & 0xffff), digest};
        if (infoLabels != null) {
            aclInfo.remove(infoLabels); // one series: the state in force
        }
        aclInfo.labels(labels).set(1);
        infoLabels = labels;
    }

    public void members(int alive) {
        members.set(alive);
    }

    /** One record applied here {@code seconds} after its origin wrote it (clock skew can make it negative: 0). */
    public void propagated(double seconds) {
        propagation.observe(Math.max(0, seconds));
    }

    /** One record dropped; {@code kind} like "acl_user", {@code reason} like "bad_signature", "policy". */
    public void rejected(String kind, String reason) {
        rejected.labels(kind, reason).inc();
    }
}
