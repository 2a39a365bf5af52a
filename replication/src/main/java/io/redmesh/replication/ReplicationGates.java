package io.redmesh.replication;

import io.redmesh.node.spi.RequestGate;
import io.redmesh.replication.replica.MasterLink;

/**
 * The checks replication adds to processCommand(), in Redis 7.0's order: -NOREPLICAS
 * (min-replicas-to-write not met on a master), -READONLY (writes to a read-only replica),
 * -MASTERDOWN (replica-serve-stale-data no while the link is down), -LOADING (a full sync's
 * dataset is loading). The master's own stream never reaches a gate.
 */
final class ReplicationGates implements RequestGate {
    static final String NOREPLICAS = "NOREPLICAS Not enough good replicas to write.";
    static final String READONLY = "READONLY You can't write against a read only replica.";
    static final String MASTERDOWN = "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";
    static final String LOADING = "LOADING Redis is loading the dataset in memory";

    private final Replication repl;

    ReplicationGates(Replication repl) {
        this.repl = repl;
    }

    @Override
    public String check(GatedRequest r) {
        if (r.fromMaster()) {
            return null;
        }
        MasterLink link = repl.link();
        ReplicationSettings s = repl.settings();
        boolean replica = link.isReplica();
        if (!replica && r.write() && !repl.master().enoughGoodReplicas()) {
            return NOREPLICAS;
        }
        if (replica && s.readOnly && r.write()) {
            return READONLY;
        }
        if (replica && link.state() != MasterLink.State.CONNECTED && !s.serveStaleData && !r.staleAllowed()) {
            return MASTERDOWN;
        }
        if (link.loading() && !r.loadingAllowed()) {
            return LOADING;
        }
        return null;
    }
}
