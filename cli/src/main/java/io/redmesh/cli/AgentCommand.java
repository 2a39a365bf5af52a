package io.redmesh.cli;

import io.redmesh.agent.config.AgentConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code redmesh agent agent.conf}: an agent beside a server it reaches over the network (a
 * stock redis-server 7, or a RedMesh node in another process): the config's {@code sidecar}
 * directives say where. For a RedMesh node the usual form is one process:
 * {@code redmesh server --agent agent.conf [redis.conf] [--directive value ...]}.
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Run a security mesh agent beside a redis-server (sidecar mode; see 'server --agent' for one process)")
public final class AgentCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "AGENT.conf", description = "the agent's config file")
    Path file;

    @Override
    public Integer call() {
        AgentConfig cfg;
        try {
            cfg = AgentConfig.load(file);
        } catch (AgentConfig.ConfigError e) {
            System.err.println(e.getMessage());
            return 1;
        }
        if (!cfg.isSidecar()) {
            System.err.println("Agent config " + file + " names no 'sidecar' server: to secure a RedMesh node in this "
                    + "process run 'redmesh server --agent " + file + " [redis.conf] [--directive value ...]'");
            return 1;
        }
        try {
            return AgentRuntime.runSidecar(cfg);
        } catch (Exception e) {
            System.err.println("Agent " + cfg.name + " failed: " + e.getMessage());
            return 1;
        }
    }
}
