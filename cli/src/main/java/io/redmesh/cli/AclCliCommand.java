package io.redmesh.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code redmesh acl setuser|deluser|getuser|list|users ...}: ACL commands sent to one node; its
 * agent turns a change into a signed record that reaches every node of the mesh.
 */
@Command(name = "acl", description = "Change ACL users mesh-wide through one node: setuser NAME RULES..., "
        + "deluser NAME..., getuser NAME, list, users")
public final class AclCliCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions conn;

    @Parameters(index = "0", description = "setuser | deluser | getuser | list | users")
    String verb;

    @Parameters(index = "1..*", arity = "0..*", description = "arguments, as for ACL <verb>")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        String v = verb.toLowerCase(java.util.Locale.ROOT);
        if (!List.of("setuser", "deluser", "getuser", "list", "users").contains(v)) {
            System.err.println("Unknown acl verb '" + verb + "': use setuser, deluser, getuser, list or users");
            return 2;
        }
        List<String> argv = new ArrayList<>(List.of("ACL", v.toUpperCase(java.util.Locale.ROOT)));
        argv.addAll(args);
        try (RespConnection c = conn.connect()) {
            Object r = c.call(argv.toArray(new String[0]));
            print(r, "");
            return r instanceof RespConnection.ErrorReply ? 1 : 0;
        } catch (java.io.IOException e) {
            System.err.println("Could not connect to " + conn.host + ":" + conn.port + ": " + e.getMessage());
            return 1;
        }
    }

    private static void print(Object r, String indent) {
        if (r instanceof RespConnection.ErrorReply e) {
            System.out.println(indent + "(error) " + e.message());
        } else if (r instanceof List<?> l) {
            for (Object o : l) {
                print(o, indent);
            }
        } else {
            System.out.println(indent + (r == null ? "(nil)" : r));
        }
    }
}
