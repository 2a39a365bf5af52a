package io.redmesh.node.persist;

import io.redmesh.node.Node;
import java.nio.file.Path;
import java.util.List;

/**
 * A node in its own process with {@link TextFormat} as its writer, for tests that kill -9 it:
 * {@code SaveTestServer <hold-file> --directive value ...}. Prints READY when serving.
 */
public final class SaveTestServer {
    private SaveTestServer() {}

    public static void main(String[] args) throws Exception {
        Node server = Node.fromArgs(List.of(args).subList(1, args.length));
        TextFormat f = new TextFormat();
        f.holdFile = Path.of(args[0]);
        server.saver().format(f);
        server.start();
        System.out.println("READY");
        System.out.flush();
        server.awaitStop();
    }
}
