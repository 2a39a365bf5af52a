package io.redmesh.node.command;

/** What a module gate sees of a request. */
final class GatedRequestView implements io.redmesh.node.spi.RequestGate.GatedRequest {
    private final Session s;
    private final CommandSpec cmd;

    GatedRequestView(Session s, CommandSpec cmd) {
        this.s = s;
        this.cmd = cmd;
    }

    @Override
    public String command() {
        return cmd.fullName;
    }

    @Override
    public boolean write() {
        return cmd.has(CommandFlag.WRITE) || (Transactions.isExec(cmd) && s.queuedWrite());
    }

    @Override
    public boolean staleAllowed() {
        return cmd.has(CommandFlag.STALE);
    }

    @Override
    public boolean loadingAllowed() {
        return cmd.has(CommandFlag.LOADING);
    }

    @Override
    public boolean mayReplicate() {
        return cmd.has(CommandFlag.MAY_REPLICATE) || (Transactions.isExec(cmd)
                && (s.queuedFlags & CommandFlag.MAY_REPLICATE.bit) != 0);
    }

    @Override
    public boolean fromMaster() {
        return s.master;
    }

    @Override
    public boolean endsOrControlsTransaction() {
        return Transactions.runsImmediately(cmd);
    }
}
