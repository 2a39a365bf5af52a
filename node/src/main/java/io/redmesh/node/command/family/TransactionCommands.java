package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.CommandFamily;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.command.ServerContext;
import io.redmesh.node.command.Session;
import io.redmesh.node.command.Transactions;

/**
 * Transactions: MULTI, EXEC, DISCARD, WATCH key [key ...], UNWATCH. The semantics live in
 * {@link Transactions}, beside the dispatcher that queues commands.
 */
final class TransactionCommands implements CommandFamily {
    @Override
    public void register(CommandTable.Binder b) {
        b.bind("multi", Transactions::multi)
         .bind("exec", Transactions::exec)
         .bind("discard", Transactions::discard)
         .bind("watch", Transactions::watch)
         .bind("unwatch", Transactions::unwatch);
    }

    static void discardTransaction(CommandContext c) {
        Transactions.discardTransaction(c.server, c.session);
    }

    static void unwatch(ServerContext server, Session s) {
        Transactions.unwatch(server, s);
    }
}
