package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandFamily;
import java.util.List;

/** The node's own command families, in one list so the table is assembled in one place. */
public final class Families {
    private Families() {}

    /** @param shutdown what SHUTDOWN (and SIGTERM) runs once the reply is sent */
    public static List<CommandFamily> all(Runnable shutdown) {
        return List.of(
                new ConnectionCommands(),
                new ClientCommands(),
                new ServerCommands(shutdown),
                new ConfigCommands(),
                new CommandCommands(),
                new KeyCommands(),
                new StringCommands(),
                new ListCommands(),
                new HashCommands(),
                new SetCommands(),
                new SortedSetCommands(),
                new TransactionCommands(),
                new PubSubCommands(),
                new PersistenceCommands(),
                new AclCommands());
    }
}
