package io.redmesh.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code redmesh} launcher: one jar, one sub-command per mode. */
@Command(name = "redmesh", mixinStandardHelpOptions = true, version = "RedMesh 0.1.0 (Redis 7.0.15 compatible)",
        description = "A Redis-compatible server where every link is authenticated and encrypted.",
        subcommands = {
            DemoCommand.class,
            ServerCommand.class,
            SentinelCommand.class,
            RdbCommand.class,
            CaCommand.class,
            AuditCommand.class,
            MeshCommand.class,
            AclCliCommand.class,
            AgentCommand.class,
        })
public final class RedMesh implements Runnable {
    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    public static void main(String[] args) {
        if (args.length > 0 && (args[0].equals("server") || args[0].equals("sentinel"))) {
            // redis-server's argument grammar (positional file, "--name value ..." in order) is not
            // an option grammar picocli can keep in order, so it is handed over verbatim;
            // "redmesh sentinel ..." is "redmesh server --sentinel ...", as redis-sentinel is
            // redis-server --sentinel
            java.util.List<String> rest = new java.util.ArrayList<>(java.util.Arrays.asList(args).subList(1, args.length));
            if (args[0].equals("sentinel")) {
                rest.add("--sentinel");
            }
            int code = ServerCommand.run(rest);
            System.exit(code);
        }
        int code = new CommandLine(new RedMesh()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }
}
