package io.redmesh.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code redmesh mesh status}: the mesh as seen from one node (its INFO security). */
@Command(name = "mesh", description = "Look at the security mesh", subcommands = {MeshCommand.Status.class})
public final class MeshCommand implements Runnable {
    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    @Command(name = "status", description = "Members, ACL version and digest, certificate serial and expiry, per node")
    static final class Status implements Callable<Integer> {
        @Mixin
        ConnectionOptions conn;

        @picocli.CommandLine.Option(names = "--raw", description = "Print INFO security as the node sends it")
        boolean raw;

        @Override
        public Integer call() {
            try (RespConnection c = conn.connect()) {
                Object r = c.call("INFO", "security");
                if (r instanceof RespConnection.ErrorReply e) {
                    System.err.println("(error) " + e.message());
                    return 1;
                }
                String info = (String) r;
                if (raw) {
                    System.out.print(info);
                    return 0;
                }
                if (!info.contains("mesh_name:")) {
                    System.err.println("This node runs no agent (INFO security is empty): start it with "
                            + "'redmesh server --agent agent.conf ...'");
                    return 1;
                }
                System.out.print(StatusTable.render(StatusTable.rows(info)));
                return 0;
            } catch (java.io.IOException e) {
                System.err.println("Could not connect to " + conn.host + ":" + conn.port + ": " + e.getMessage());
                return 1;
            }
        }
    }
}
