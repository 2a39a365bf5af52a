package io.redmesh.node.command;

import java.util.Locale;

/**
 * The texts and tests of processCommand()'s refusals that need no dispatcher state: unknown
 * commands, DEBUG/MODULE behind their enable-...-command directive, and what a RESP2 client in
 * subscribed mode may still send.
 */
final class CommandRefusals {
    private CommandRefusals() {}

    /** 7.0's refusal of DEBUG or MODULE when its enable-...-command directive does not allow it. */
    static String protectedRefusal(CommandSpec cmd) {
        String top = (cmd.parent == null ? cmd : cmd.parent).name;
        return top.toUpperCase(Locale.ROOT) + " command not allowed. If the enable-" + top
                + "-command option is set to \"local\", you can run it from a local connection, otherwise you "
                + "need to set this option in the configuration file, and then restart the server.";
    }

    /**
     * Redis's allowProtectedAction() for DEBUG and MODULE: their enable-debug-command /
     * enable-module-command directive says no, yes, or local (unix socket or a loopback peer).
     */
    static boolean protectedAllowed(io.redmesh.node.config.ServerConfig config, Session s, CommandSpec cmd) {
        String top = (cmd.parent == null ? cmd : cmd.parent).name;
        io.redmesh.node.config.ConfigParam p = config.param("enable-" + top + "-command");
        String mode = p == null ? "no" : p.render();
        return mode.equals("yes") || (mode.equals("local") && s.isLocal());
    }

    static boolean allowedInSubscribedContext(CommandSpec cmd) {
        switch (cmd.fullName) {
            case "ping": case "subscribe": case "unsubscribe": case "psubscribe": case "punsubscribe":
            case "ssubscribe": case "sunsubscribe": case "quit": case "reset":
                return true;
            default:
                return false;
        }
    }

    /** Redis's "%.{max}s" of an argument: cut at a NUL byte and at max chars, newlines blanked. */
    static String cString(byte[] b, int max) {
        int n = 0;
        while (n < b.length && n < max && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1).replace('\r', ' ').replace('\n', ' ');
    }

    /** commandCheckExistence()'s message for a name that is no command. */
    static String unknownCommandMessage(byte[][] argv) {
        StringBuilder args = new StringBuilder();
        for (int i = 1; i < argv.length && args.length() < 128; i++) {
            String a = cString(argv[i], 128 - args.length());
            args.append('\'').append(a).append("' ");
        }
        return "unknown command '" + cString(argv[0], 128) + "', with args beginning with: " + args;
    }
}
