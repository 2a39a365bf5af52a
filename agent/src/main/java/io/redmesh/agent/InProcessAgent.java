package io.redmesh.agent;

import io.redmesh.agent.config.AgentConfig;
import io.redmesh.agent.node.InProcessNode;
import io.redmesh.node.spi.NodeControl;
import java.time.Duration;

/** An agent inside a RedMesh node's process: the one-process form ({@code redmesh server --agent}). */
public final class InProcessAgent {
    /** How long a node waits for its first certificate before giving up on starting. */
    public static final Duration FIRST_CERTIFICATE = Duration.ofSeconds(60);

    private InProcessAgent() {}

    /**
     * Attaches an agent to a node that is built but not started: the certificate is obtained
     * now (the node's TLS directives point at its files), the mesh sync runs just before the
     * listeners open (bounded by sync-timeout), INFO security and the agent's metrics join the
     * node's own. A replica over TLS waits for the agent to name its master before connecting
     * (tls-expected-peer-name-required).
     */
    public static Agent attach(NodeControl node, AgentConfig cfg, Duration firstCertificate) throws Exception {
        InProcessNode adapter = new InProcessNode(node);
        // before the node starts: a replica over TLS connects only once the agent has named its
        // master from the mesh, so its first connection cannot hand masterauth to an impostor
        adapter.requireMasterName();
        Agent agent = new Agent(cfg, adapter, node.aclRules());
        try {
            agent.obtainCertificate(firstCertificate);
        } catch (Exception e) {
            agent.close();
            throw e;
        }
        node.beforeListen(() -> {
            try {
                agent.joinMesh();
            } catch (Exception e) {
                // A node that cannot reach its mesh port would serve with users nobody else
                // has: refuse to start, as redis-server does when it cannot bind its port.
                Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null
                        ? e.getCause() : e;
                throw new IllegalStateException("Agent " + cfg.name + ": cannot join the mesh on " + cfg.meshBind + ":"
                        + cfg.meshPort + ": " + cause.getMessage());
            }
        });
        node.addInfoSection(agent.securityInfo());
        agent.metrics().registerInto(node.metricsRegistry(), agent);
        node.certificateMetric("mesh", agent.metrics()::leaf);
        return agent;
    }
}
