package io.redmesh.node.server;

import io.redmesh.node.command.ServerContext;
import io.redmesh.node.command.Session;
import io.redmesh.node.config.ServerConfig;
import io.redmesh.node.persist.Persistence;
import io.redmesh.node.util.ServerLog;
import java.util.concurrent.TimeUnit;

/** Redis's serverCron(): what runs hz times a second on one event loop, under the server lock. */
final class ServerCron {
    private final ServerContext context;
    private final ServerConfig config;
    private final Persistence persistence;

    private ServerCron(ServerContext context, ServerConfig config, Persistence persistence) {
        this.context = context;
        this.config = config;
        this.persistence = persistence;
    }

    static void start(io.netty.channel.EventLoopGroup group, ServerContext context, ServerConfig config,
                      Persistence persistence) {
        ServerCron c = new ServerCron(context, config, persistence);
        long hz = Math.max(1, Math.min(500, config.getLong("hz")));
        long period = 1000 / hz;
        group.next().scheduleAtFixedRate(c::cron, period, period, TimeUnit.MILLISECONDS);
    }

    /** serverCron(): active expiry within its time budget, idle-client timeouts. */
    private void cron() {
        if (!context.lockUnlessScriptRuns()) {
            return; // a script holds the lock: this event loop must stay free to answer -BUSY
        }
        try {
            if (context.activeExpireEnabled()) {
                long hz = Math.max(1, config.getLong("hz"));
                long effort = config.getLong("active-expire-effort");
                // Redis gives the slow cycle 25% of each tick (+ effort), in microseconds.
                long budgetNanos = (1_000_000_000L / hz) * (25 + 2 * (effort - 1)) / 100;
                long start = System.nanoTime();
                context.keyspace.activeExpireCycle(budgetNanos);
                context.latency.addSampleIfNeeded("expire-cycle", (System.nanoTime() - start) / 1_000_000);
            }
            context.tracking.broadcastIfPending(); // keys expired here, and any a batch left
            persistence.cron();
            context.pendingShutdown().cron();
            if (context.keyspace.usedBytes() > context.stats.peakUsedMemory) {
                context.stats.peakUsedMemory = context.keyspace.usedBytes();
            }
            long timeout = config.getLong("timeout");
            if (timeout > 0) {
                long now = System.currentTimeMillis();
                for (Session s : context.sessions()) {
                    if (s.isSubscriber() || s.isBlocked() || s.monitor || s.isReplica() || s.isMaster()) {
                        continue;
                    }
                    if (now - s.lastInteractionMillis > timeout * 1000) {
                        ServerLog.verbose("Closing idle client");
                        s.closeAsync();
                    }
                }
            }
        } catch (RuntimeException e) {
            ServerLog.warning("cron: " + e);
        } finally {
            context.lock.unlock();
        }
    }
}
