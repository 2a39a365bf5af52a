package io.redmesh.agent.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.client.CollectorRegistry;
import io.redmesh.node.metrics.MetricsEndpoint;
import io.redmesh.node.metrics.NodeMetrics;
import io.redmesh.node.metrics.Scrape;
import io.redmesh.node.testing.Ports;
import io.redmesh.node.testing.ServerFixture;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The agent's metrics on the node's registry (in-process agent) and on a registry of their own
 * (sidecar), both scraped over HTTP and checked by promtool.
 */
class AgentMetricsTest {
    private static final long HLC = (1795824000123L << 16) | 7;

    private static void record(AgentMetrics m) {
        m.aclState(HLC - 1, "old", 2);
        m.aclState(HLC, "9f2c01", 3);
        m.members(5);
        m.propagated(0.012);
        m.propagated(0.3);
        m.propagated(-0.001); // clock skew
        m.rejected("acl_user", "bad_signature");
        m.rejected("acl_user", "bad_signature");
        m.rejected("revocation", "policy");
    }

    private static void assertRecorded(Scrape s) throws Exception {
        assertEquals(1795824000.123, s.value("redmesh_acl_version_timestamp_seconds"), 1e-6);
        assertEquals(1, s.value("redmesh_acl_info{version=\"1795824000123.7\",digest=\"9f2c01\"}"), s.text());
        assertTrue(Double.isNaN(s.value("redmesh_acl_info{version=\"1795824000123.6\",digest=\"old\"}")));
        assertEquals(3, s.value("redmesh_acl_users"));
        assertEquals(5, s.value("redmesh_mesh_members"));
        assertEquals(3, s.value("redmesh_acl_propagation_seconds_count"));
        assertEquals(2, s.value("redmesh_acl_propagation_seconds_bucket{le=\"0.02\"}"));
        assertEquals(3, s.value("redmesh_acl_propagation_seconds_bucket{le=\"0.5\"}"));
        assertEquals(2, s.value("redmesh_mesh_records_rejected_total{kind=\"acl_user\",reason=\"bad_signature\"}"));
        assertEquals(1, s.value("redmesh_mesh_records_rejected_total{kind=\"revocation\",reason=\"policy\"}"));
        if (Scrape.promtoolAvailable()) {
            assertNull(s.promtoolProblems(), s.text());
        }
    }

    @Test
    void onTheNodesEndpointBesideTheNodesOwnMetrics() throws Exception {
        int port = Ports.free();
        try (ServerFixture node = ServerFixture.start("--metrics-port", Integer.toString(port))) {
            record(new AgentMetrics(NodeMetrics.of(node.context()).registry()));
            Scrape s = Scrape.of(port);
            assertTrue(s.value("redmesh_connections_received_total") >= 0);
            assertRecorded(s);
        }
        Assumptions.assumeTrue(Scrape.promtoolAvailable(), "promtool (Debian package prometheus) not installed");
    }

    @Test
    void onAnEndpointOfTheirOwnForASidecar() throws Exception {
        CollectorRegistry registry = new CollectorRegistry();
        record(new AgentMetrics(registry));
        try (MetricsEndpoint e = MetricsEndpoint.start(registry, "127.0.0.1", 0)) {
            assertTrue(e.port() > 0);
            assertRecorded(Scrape.of(e.port()));
        }
    }
}
