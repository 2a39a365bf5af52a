package io.redmesh.node.command;

import java.util.ArrayList;
import java.util.List;

/** What the cluster router sees of a request. */
final class RoutedRequestView implements io.redmesh.node.spi.cluster.KeyRouter.RoutedRequest {
    private final ServerContext server;
    private final Session s;
    private final CommandSpec cmd;
    private final byte[][] argv;

    RoutedRequestView(ServerContext server, Session s, CommandSpec cmd, byte[][] argv) {
        this.server = server;
        this.s = s;
        this.cmd = cmd;
        this.argv = argv;
    }

    @Override
    public String command() {
        return cmd.fullName;
    }

    @Override
    public List<byte[]> keys() {
        List<byte[]> out = new ArrayList<>();
        if (Transactions.isExec(cmd)) {
            for (Session.QueuedCommand q : s.queued) {
                addKeys(out, q.spec(), q.argv());
            }
        } else {
            addKeys(out, cmd, argv);
        }
        return out;
    }

    private void addKeys(List<byte[]> out, CommandSpec c, byte[][] a) {
        KeyExtractor.Keys k = KeyExtractor.keys(c, a, a.length);
        boolean migrate = c.fullName.equals("migrate");
        for (int i = 0; i < k.count(); i++) {
            byte[] key = a[k.position(i)];
            if (!(migrate && key.length == 0)) { // MIGRATE ... "" ... KEYS k1 k2 (migrateGetKeys)
                out.add(key);
            }
        }
    }

    @Override
    public boolean write() {
        return cmd.has(CommandFlag.WRITE) || (Transactions.isExec(cmd) && s.queuedWrite());
    }

    @Override
    public boolean readOnly() {
        if (Transactions.isExec(cmd)) {
            for (Session.QueuedCommand q : s.queued) {
                if (!q.spec().has(CommandFlag.READONLY)) {
                    return false;
                }
            }
            return true;
        }
        return cmd.has(CommandFlag.READONLY);
    }

    @Override
    public boolean asking() {
        return s.asking || cmd.has(CommandFlag.ASKING);
    }

    @Override
    public boolean readOnlyClient() {
        return s.readonlyCluster;
    }

    @Override
    public boolean pubsubShard() {
        return switch (cmd.fullName) {
            case "spublish", "ssubscribe", "sunsubscribe" -> true;
            default -> false;
        };
    }

    @Override
    public boolean tls() {
        return s.transport().tls();
    }

    @Override
    public boolean exists(byte[] key) {
        return server.keyspace.db(0).exists(key);
    }
}
