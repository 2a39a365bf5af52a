package io.redmesh.agent;

import io.redmesh.agent.config.AgentConfig;
import io.redmesh.agent.node.NodeAdapter;
import io.redmesh.agent.sidecar.SidecarConfig;
import io.redmesh.agent.sidecar.SidecarNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/** Builds the sidecar adapter an agent config describes (a stock redis-server beside the agent). */
public final class Sidecars {
    private Sidecars() {}

    public static SidecarNode connect(AgentConfig cfg) throws IOException, NodeAdapter.NodeException {
        String password = Files.readString(cfg.sidecarPasswordFile, StandardCharsets.UTF_8).strip();
        SidecarConfig.Builder b = SidecarConfig.builder(cfg.sidecar.host(), cfg.sidecar.port())
                .admin(cfg.sidecarUser, password);
        if (cfg.sidecarTls) {
            b.tls(cfg.sidecarCaFile != null ? cfg.sidecarCaFile : cfg.caFile, cfg.sidecarCertFile, cfg.sidecarKeyFile);
        }
        return SidecarNode.connect(b.build());
    }
}
