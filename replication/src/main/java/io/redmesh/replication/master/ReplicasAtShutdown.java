package io.redmesh.replication.master;

import io.redmesh.node.spi.NodeLog;
import io.redmesh.node.spi.ShutdownWait;

/**
 * What a master's shutdown waits for (shutdown-timeout, Redis 7.0's isReadyToShutdown and
 * finishShutdown): every replica acknowledged our offset. Replicas are asked at once (GETACK);
 * the laggards are logged when the shutdown proceeds. Under the keyspace lock, as the node calls it.
 */
public final class ReplicasAtShutdown implements ShutdownWait {
    private final MasterSide master;

    public ReplicasAtShutdown(MasterSide master) {
        this.master = master;
    }

    @Override
    public boolean ready() {
        for (ReplicaLink r : master.replicas()) {
            if (r.ackOffset != master.offset()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void begin() {
        master.requestAcks();
    }

    @Override
    public void finishing() {
        int lagging = 0;
        for (ReplicaLink r : master.replicas()) {
            if (r.ackOffset != master.offset()) {
                lagging++;
                NodeLog.warning("Lagging replica " + r.ip() + ":" + r.port() + " reported offset "
                        + (master.offset() - r.ackOffset) + " behind master, lag=" + r.lagSeconds() + ", state="
                        + r.state.info + ".");
            }
        }
        NodeLog.notice((master.replicas().size() - lagging) + " of " + master.replicas().size()
                + " replicas are in sync when shutting down.");
    }
}
