package io.redmesh.cli;

import io.redmesh.agent.Agent;
import io.redmesh.agent.InProcessAgent;
import io.redmesh.agent.Sidecars;
import io.redmesh.agent.config.AgentConfig;
import io.redmesh.node.metrics.MetricsEndpoint;
import io.redmesh.node.spi.NodeLog;
import io.prometheus.client.CollectorRegistry;
import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/** Runs a sidecar agent: the agent beside a server it reaches over the network. */
final class AgentRuntime {
    private AgentRuntime() {}

    /**
     * Runs a sidecar agent until SIGTERM or SIGINT, then stops it and returns 0. The signals are
     * handled here rather than by a shutdown hook: a hook runs while the JVM is already halting,
     * so the agent's close (mesh leave, audit log) would race the exit and the exit status would
     * be the signal's (143), not a clean 0.
     */
    static int runSidecar(AgentConfig cfg) throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), sig -> {
                NodeLog.warning("Received SIG" + name + ", stopping the agent...");
                stop.countDown();
            });
        }
        Sidecars.Running running = Sidecars.start(cfg, InProcessAgent.FIRST_CERTIFICATE);
        Agent agent = running.agent();
        MetricsEndpoint endpoint = null;
        try {
            if (cfg.metricsPort > 0) {
                CollectorRegistry registry = new CollectorRegistry();
                agent.metrics().registerInto(registry, agent);
                endpoint = MetricsEndpoint.start(registry, cfg.metricsBind, cfg.metricsPort);
            }
            NodeLog.notice("Agent " + cfg.name + " ready: securing " + running.node().describe());
            stop.await();
            return 0;
        } finally {
            if (endpoint != null) {
                endpoint.close();
            }
            running.close();
            NodeLog.notice("Agent " + cfg.name + " stopped");
        }
    }
}
