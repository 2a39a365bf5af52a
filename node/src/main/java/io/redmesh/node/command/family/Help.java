package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandContext;

/**
 * The "CONTAINER HELP" reply of Redis's addReplyHelp(): a header line, the given lines, and the
 * common HELP footer, as status strings.
 */
final class Help {
    private Help() {}

    static void reply(CommandContext c, String container, String... lines) {
        c.reply.array(lines.length + 3);
        c.reply.simple(container + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        for (String l : lines) {
            c.reply.simple(l);
        }
        c.reply.simple("HELP");
        c.reply.simple("    Prints this help.");
    }
}
