package io.redmesh.agent;

import io.redmesh.agent.cert.CertificateRotator;
import io.redmesh.agent.config.AgentConfig;
import io.redmesh.agent.node.NodeAdapter;
import io.redmesh.agent.sidecar.SidecarConfig;
import io.redmesh.agent.sidecar.SidecarNode;
import io.redmesh.node.Node;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;

/**
 * Sidecar mode from an agent config: the adapter for the stock redis-server beside the agent,
 * and the whole start sequence ({@link #start}) that {@code redmesh agent FILE} runs, kept here
 * so the launcher and the in-JVM tests run the same steps in the same order.
 */
public final class Sidecars {
    private Sidecars() {}

    public static SidecarNode connect(AgentConfig cfg) throws IOException, NodeAdapter.NodeException {
        String password;
        try {
            password = Files.readString(cfg.sidecarPasswordFile, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            // NoSuchFileException's message is the bare path: say which directive it is
            throw new IOException("cannot read sidecar-password-file " + cfg.sidecarPasswordFile + ": " + e, e);
        }
        SidecarConfig.Builder b = SidecarConfig.builder(cfg.sidecar.host(), cfg.sidecar.port())
                .admin(cfg.sidecarUser, password);
        if (cfg.sidecarTls) {
            b.tls(cfg.sidecarCaFile != null ? cfg.sidecarCaFile : cfg.caFile, cfg.sidecarCertFile, cfg.sidecarKeyFile)
                    // after its first install the server serves the agent's leaf: trust what the
                    // agent trusts (the bundle the rotator keeps, CA rotations included)
                    .alsoTrust(cfg.stateDir.resolve("tls").resolve(CertificateRotator.CA_FILE));
        }
        return SidecarNode.connect(b.build());
    }

    /**
     * Connects to the redis-server (admin login checked now), obtains the agent's certificate
     * (installed on the redis-server as soon as it arrives), joins the mesh, applies the mesh's
     * users and starts the periodic drift check. On failure everything started is stopped.
     */
    public static Running start(AgentConfig cfg, Duration firstCertificate) throws Exception {
        SidecarNode node = connect(cfg);
        Agent agent;
        try {
            // ACL rules are checked against Redis 7.0's own command table (the data node/ loads).
            agent = new Agent(cfg, node, Node.declaredAclRules());
        } catch (Exception | Error e) {
            node.close();
            throw e;
        }
        try {
            agent.obtainCertificate(firstCertificate);
            agent.joinMesh();
            node.startDriftRepair(agent::wantedUsers, cfg.sidecarCheckInterval);
        } catch (Exception | Error e) {
            agent.close(); // closes the node too
            throw e;
        }
        return new Running(agent, node);
    }

    /** A started sidecar agent; {@link #close} stops the agent and the connection to the server. */
    public record Running(Agent agent, SidecarNode node) implements AutoCloseable {
        @Override
        public void close() {
            agent.close();
        }
    }
}
