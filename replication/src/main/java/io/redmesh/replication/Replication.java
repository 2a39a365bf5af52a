package io.redmesh.replication;

import io.redmesh.node.spi.ModuleCommands;
import io.redmesh.node.spi.NodeControl;
import io.redmesh.node.spi.NodeLog;
import io.redmesh.node.spi.ReplicationMark;
import io.redmesh.replication.master.MasterSide;
import io.redmesh.replication.replica.MasterLink;
import java.util.concurrent.ScheduledFuture;

/**
 * Replication's composition: the master half ({@link MasterSide}), the replica half
 * ({@link MasterLink}), their commands, gates, INFO section and cron, wired into a node through
 * node/spi only.
 *
 * <pre>
 * Replication repl = new Replication();
 * Node node = Node.fromArgs(args, List.of(repl.commands()));   // binds REPLICAOF, PSYNC, WAIT ...
 * repl.attach(node.control());
 * node.start();                                               // a configured replicaof connects now
 * </pre>
 */
public final class Replication {
    private final ReplicationCommands commands = new ReplicationCommands(this);
    private final Failover failover = new Failover(this);
    private final ReplicationIds ids = new ReplicationIds();
    private NodeControl node;
    private ReplicationSettings settings;
    private MasterSide master;
    private MasterLink link;
    private ScheduledFuture<?> cron;
    private int cronTicks;
    private volatile boolean stopped;

    /** The commands to bind when the node is built. */
    public ModuleCommands commands() {
        return commands;
    }

    /** Plugs into a built, not yet started node. */
    public void attach(NodeControl control) {
        this.node = control;
        this.settings = new ReplicationSettings(control);
        this.master = new MasterSide(control, settings, ids);
        this.link = new MasterLink(control, settings, ids, master);
        link.failoverHook(new io.redmesh.replication.replica.FailoverHook() {
            @Override
            public boolean inProgress() {
                return failover.inProgress();
            }

            @Override
            public void accepted() {
                failover.succeeded();
            }

            @Override
            public void refused() {
                failover.refused();
            }

            @Override
            public void unreachable() {
                failover.unreachable();
            }
        });
        master.onFailoverRequest(requester -> link.promote("failover request from '" + requester + "'"));
        control.replicationRole(new ClusterRole());
        control.addWriteListener(master);
        control.shutdownWait(new io.redmesh.replication.master.ReplicasAtShutdown(master));
        control.addGate(new ReplicationGates(this));
        control.addInfoSection(new ReplicationInfo(this));
        control.datasets().markSource(this::mark);
        // DEBUG CHANGE-REPL-ID: changeReplicationId() + clearReplicationId2()
        control.onChangeReplicationId(() -> {
            ids.follow(ReplicationIds.random());
            ids.clearSecond();
        });
        // before any client: the role is what the configuration says (no client sees a master's
        // permissions on a node configured as a replica)
        control.beforeListen(this::startRole);
        control.afterStart(this::started);
        control.beforeStop(this::stop);
    }

    private void startRole() {
        locked(() -> {
            String replicaof = node.config("replicaof");
            ReplicationMark m = node.datasets().loadedAtStart();
            if (replicaof.isEmpty()) {
                if (m != null) {
                    // a master restarting from its RDB keeps its history as the second id, so its
                    // replicas may continue (Redis 7.0's loadDataFromDisk)
                    ids.follow(m.replId());
                    ids.shift(m.offset());
                    master.resumeAt(m.offset());
                }
                return;
            }
            String[] hp = replicaof.split(" ");
            if (m != null) {
                link.resume(m);
            }
            // a replica from here on (-READONLY, no expiry of its own); it connects once the node runs
            link.follow(hp[0], Integer.parseInt(hp[1]), "configuration", false);
        });
    }

    private void started() {
        locked(link::connectIfWaiting);
        scheduleCron();
    }

    private void scheduleCron() {
        if (stopped) {
            return;
        }
        cron = node.schedule(this::cron, 100);
    }

    /** replicationCron(): the masters' part every 100 ms (full syncs waiting), the rest every second. */
    private void cron() {
        try {
            boolean second = ++cronTicks % 10 == 0;
            locked(() -> {
                master.cron(second);
                failover.cron();
                if (second) {
                    link.cron();
                }
            });
        } catch (RuntimeException e) {
            NodeLog.warning("replication cron: " + e);
        } finally {
            scheduleCron();
        }
    }

    private void stop() {
        stopped = true;
        if (cron != null) {
            cron.cancel(false);
        }
        link.shutdown();
    }

    /** The replication position every RDB records (rdbPopulateSaveInfo); under the lock. */
    private ReplicationMark mark() {
        if (link.isReplica()) {
            return link.mark();
        }
        if (master.backlog() == null) {
            return null;
        }
        return new ReplicationMark(ids.replid(), master.offset(), 0);
    }

    /** What replication publishes for cluster mode (spi.cluster.ReplicationRole); calls come under the lock. */
    private final class ClusterRole implements io.redmesh.node.spi.cluster.ReplicationRole {
        @Override
        public void follow(String host, int port) {
            link.follow(host, port, "cluster");
        }

        @Override
        public void promote() {
            link.promote("cluster failover");
        }

        @Override
        public long offset() {
            if (link.isReplica()) {
                return Math.max(0, link.reploff());
            }
            return master.offset();
        }

        @Override
        public boolean masterLinkUp() {
            return link.state() == MasterLink.State.CONNECTED;
        }

        @Override
        public long masterLinkDownSince() {
            return link.state() == MasterLink.State.CONNECTED ? 0 : link.linkDownSinceMillis();
        }
    }

    private void locked(Runnable r) {
        io.redmesh.replication.UnderLock.run(node, r);
    }

    // ------------------------------------------------------------------ parts

    MasterSide master() {
        return master;
    }

    MasterLink link() {
        return link;
    }

    ReplicationSettings settings() {
        return settings;
    }

    Failover failover() {
        return failover;
    }

    NodeControl node() {
        return node;
    }
}
