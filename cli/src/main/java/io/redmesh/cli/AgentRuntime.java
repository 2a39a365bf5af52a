package io.redmesh.cli;

import io.redmesh.agent.Agent;
import io.redmesh.agent.Sidecars;
import io.redmesh.agent.config.AgentConfig;
import io.redmesh.agent.sidecar.SidecarNode;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.metrics.MetricsEndpoint;
import io.redmesh.node.util.ServerLog;
import io.prometheus.client.CollectorRegistry;
import java.time.Duration;
import java.util.List;

/** Runs a sidecar agent: the agent beside a server it reaches over the network. */
final class AgentRuntime {
    /** Runs a sidecar agent until the process is told to stop. */
    static int runSidecar(AgentConfig cfg) throws Exception {
        SidecarNode node = Sidecars.connect(cfg);
        Agent agent = new Agent(cfg, node, CommandTable.load(List.of()));
        MetricsEndpoint endpoint = null;
        try {
            agent.obtainCertificate(io.redmesh.agent.InProcessAgent.FIRST_CERTIFICATE);
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
