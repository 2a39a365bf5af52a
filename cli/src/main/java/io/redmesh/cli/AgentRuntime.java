package io.redmesh.cli;

import io.redmesh.agent.Agent;
import io.redmesh.agent.Sidecars;
import io.redmesh.agent.config.AgentConfig;
import io.redmesh.agent.node.InProcessNode;
import io.redmesh.agent.sidecar.SidecarNode;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.metrics.MetricsEndpoint;
import io.redmesh.node.metrics.NodeMetrics;
import io.redmesh.node.server.RedisServer;
import io.redmesh.node.util.ServerLog;
import io.prometheus.client.CollectorRegistry;
import java.time.Duration;
import java.util.List;

/** Wires an agent to what it secures: the node in this process, or a stock redis-server. */
final class AgentRuntime {
    /** How long a node waits for its first certificate before giving up on starting. */
    static final Duration FIRST_CERTIFICATE = Duration.ofSeconds(60);

    private AgentRuntime() {}

    /**
     * Attaches an agent to a node that is built but not started: the certificate is obtained
     * now (the node's TLS files point at it), the mesh sync runs just before the listeners
     * open, INFO security and the agent's metrics are added to the node's.
     */
    static Agent attach(RedisServer server, AgentConfig cfg) throws Exception {
        Agent agent = new Agent(cfg, new InProcessNode(server), server.context().table());
        agent.obtainCertificate(FIRST_CERTIFICATE);
        server.beforeListen(() -> {
            try {
                agent.joinMesh();
            } catch (Exception e) {
                ServerLog.warning("Agent " + cfg.name + ": joining the mesh failed (" + e
                        + "); serving with this node's users, retrying in the background is not possible");
            }
        });
        server.context().infoSections.add(agent.securityInfo());
        NodeMetrics metrics = NodeMetrics.of(server.context());
        agent.metrics().registerInto(metrics.registry(), agent);
        metrics.certificate("mesh", agent.metrics()::leaf);
        return agent;
    }

    /** Runs a sidecar agent until the process is told to stop. */
    static int runSidecar(AgentConfig cfg) throws Exception {
        SidecarNode node = Sidecars.connect(cfg);
        Agent agent = new Agent(cfg, node, CommandTable.load(List.of()));
        MetricsEndpoint endpoint = null;
        try {
            agent.obtainCertificate(FIRST_CERTIFICATE);
            agent.joinMesh();
            node.startDriftRepair(agent::wantedUsers, Duration.ofSeconds(2));
            if (cfg.metricsPort > 0) {
                CollectorRegistry registry = new CollectorRegistry();
                agent.metrics().registerInto(registry, agent);
                endpoint = MetricsEndpoint.start(registry, cfg.metricsBind, cfg.metricsPort);
            }
            ServerLog.notice("Agent " + cfg.name + " ready: securing " + node.describe());
            Object stop = new Object();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                synchronized (stop) {
                    stop.notifyAll();
                }
            }));
            synchronized (stop) {
                stop.wait();
            }
            return 0;
        } finally {
            if (endpoint != null) {
                endpoint.close();
            }
            agent.close();
        }
    }
}
