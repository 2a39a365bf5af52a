package io.redmesh.agent;

import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.GaugeMetricFamily;
import io.prometheus.client.Histogram;
import io.redmesh.agent.audit.AuditLog;
import io.redmesh.agent.mesh.Mesh;
import io.redmesh.agent.record.RecordKind;
import io.redmesh.agent.record.SignedRecord;
import io.redmesh.node.spi.NodeLog;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The agent's Prometheus metrics (names in docs/OBSERVABILITY.md), added to the node's registry (in-process) or served on the
 * agent's own endpoint (sidecar). Gauges are read at scrape time; the propagation histogram and
 * the counters are fed by the mesh.
 */
public final class AgentMetrics {
    final Histogram propagation = Histogram.build()
            .name("redmesh_acl_propagation_seconds")
            .help("Time from an ACL change on its origin node to its application here (remote pushes)")
            .buckets(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10)
            .create();
    final Counter rejected = Counter.build()
            .name("redmesh_mesh_records_rejected_total")
            .help("Records from peers dropped, by reason (bad signature, unknown CA, policy ...)")
            .labelNames("reason")
            .create();
    final Counter certificatesIssued = Counter.build()
            .name("redmesh_certificates_issued_total")
            .help("Certificate requests this issuer answered")
            .create();
    private volatile X509Certificate leaf;

    void certificate(X509Certificate current) {
        leaf = current;
    }

    /** The leaf in use (for the metrics of the links that present it). */
    public X509Certificate leaf() {
        return leaf;
    }

    Mesh.Observer meshObserver(AuditLog audit, String self) {
        return new Mesh.Observer() {
            @Override
            public void applied(SignedRecord record, boolean remote, boolean viaAntiEntropy, long propagationMillis) {
                if (remote && !viaAntiEntropy && record.record().kind() == RecordKind.ACL_USER) {
                    propagation.observe(Math.max(0, propagationMillis) / 1000.0);
                }
            }

            @Override
            public void rejected(String reason, String fromMember) {
                rejected.labels(reason).inc();
                try {
                    audit.append(fromMember == null ? "unknown" : "member:" + fromMember, AuditLog.RECORD_REJECTED,
                            "record", null, Map.of("reason", reason));
                } catch (java.io.IOException e) {
                    NodeLog.warning("Agent " + self + ": audit log write failed: " + e.getMessage());
                }
            }
        };
    }

    /** Registers every agent metric into {@code registry}. */
    public void registerInto(CollectorRegistry registry, Agent agent) {
        registry.register(propagation);
        registry.register(rejected);
        registry.register(certificatesIssued);
        registry.register(new Collector() {
            @Override
            public List<MetricFamilySamples> collect() {
                List<MetricFamilySamples> out = new ArrayList<>();
                var s = agent.status();
                out.add(new GaugeMetricFamily("redmesh_acl_version_timestamp_seconds",
                        "Wall-clock part of the newest ACL record's version (hybrid logical clock), unix seconds",
                        (s.aclVersion() >>> 16) / 1000.0));
                GaugeMetricFamily info = new GaugeMetricFamily("redmesh_acl_info",
                        "ACL state in force: version and digest (equal digests on every node: no drift)",
                        List.of("version", "digest"));
                info.addMetric(List.of(io.redmesh.agent.status.MemberStatus.formatVersion(s.aclVersion()),
                        s.aclDigest()), 1);
                out.add(info);
                out.add(new GaugeMetricFamily("redmesh_acl_users", "ACL users in the mesh state", s.aclUsers()));
                out.add(new GaugeMetricFamily("redmesh_mesh_members", "Mesh members reachable now, this agent included", s.members()));
                out.add(new GaugeMetricFamily("redmesh_mesh_synced", "1 once this agent synced with the mesh",
                        s.synced() ? 1 : 0));
                out.add(new GaugeMetricFamily("redmesh_revoked_certificates", "Revoked certificate serials",
                        s.revoked()));
                out.add(new GaugeMetricFamily("redmesh_trust_roots", "Root CAs trusted now", s.trustRoots()));
                return out;
            }
        });
    }
}
