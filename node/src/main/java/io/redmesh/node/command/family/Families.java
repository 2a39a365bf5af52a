package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandFamily;
import io.redmesh.node.command.Session;
import java.util.List;

/** The node's own command families, in one list so the table is assembled in one place. */
public final class Families {
    private Families() {}

    /** A client as CLIENT LIST describes it (the ACL LOG's client-info). */
    public static String describeClient(Session s) {
        return ClientCommands.describe(s);
    }

    /**
     * @param shutdown what SHUTDOWN (and SIGTERM) runs once the reply is sent
     * @param acl      the ACL command family, bound to its engine once the table exists
     */
    /** INFO {@code section} as a client reads it (upper modules read a node's state this way). */
    public static String infoSection(io.redmesh.node.command.ServerContext srv, String section) {
        return InfoCommand.section(srv, section);
    }

    public static List<CommandFamily> all(Runnable shutdown, AclCommands acl) {
        return List.of(
                new ConnectionCommands(),
                new ClientCommands(),
                new ServerCommands(shutdown),
                new LatencyCommands(),
                new MemoryCommands(),
                new DebugCommands(),
                new LoadableModuleCommands(),
                new LolwutCommand(),
                new ConfigCommands(),
                new CommandCommands(),
                new KeyCommands(),
                new SortCommands(),
                new StringCommands(),
                new BitmapCommands(),
                new HyperLogLogCommands(),
                new ListCommands(),
                new HashCommands(),
                new SetCommands(),
                new SortedSetCommands(),
                new GeoCommands(),
                new StreamCommands(),
                new TransactionCommands(),
                new PubSubCommands(),
                new ScriptingCommands(),
                new FunctionCommands(),
                acl);
    }
}
