package io.redmesh.node.command;

import io.redmesh.node.spi.ShutdownWait;
import io.redmesh.node.util.ServerLog;
import java.util.ArrayList;
import java.util.List;

/**
 * A shutdown that waits for replicas, as Redis 7.0's prepareForShutdown/finishShutdown do: when
 * SHUTDOWN (without NOW) or a signal finds a {@link ShutdownWait} not ready and shutdown-timeout
 * is not 0, writes are paused, the SHUTDOWN clients block without a reply, and the cron shuts
 * down once it is ready or the timeout passed. SHUTDOWN ABORT cancels: writes resume, blocked
 * SHUTDOWN clients get "Errors trying to SHUTDOWN. Check logs.". Everything runs under the lock.
 */
public final class PendingShutdown {
    static final String ERRORS = "ERR Errors trying to SHUTDOWN. Check logs.";

    /** How the shutdown goes on once waited for: SHUTDOWN's save options, and the stop itself. */
    public record Plan(boolean save, boolean nosave, boolean force, Runnable stop) {}

    private final ServerContext server;
    private ShutdownWait wait;
    private Plan plan;
    private long deadlineMillis;
    private final List<Session> blocked = new ArrayList<>();

    PendingShutdown(ServerContext server) {
        this.server = server;
    }

    /** What shutdowns wait for (replication registers it once). */
    public void waitFor(ShutdownWait w) {
        this.wait = w;
    }

    public boolean initiated() {
        return plan != null;
    }

    /**
     * SHUTDOWN [NOW] or a signal: true when the shutdown now waits (it completes from
     * {@link #cron}); false when it must proceed at once. {@code c}, the SHUTDOWN command, blocks
     * while waiting (null for a signal). A shutdown already waiting takes the new client along.
     */
    public boolean waitIfNeeded(Plan p, boolean now, CommandContext c) {
        if (plan == null) {
            long timeout = server.config.getLong("shutdown-timeout");
            if (now || timeout == 0 || wait == null || wait.ready()) {
                return false;
            }
            plan = p;
            deadlineMillis = System.currentTimeMillis() + timeout * 1000;
            server.dispatcher().pause(ClientPause.Purpose.SHUTDOWN, Long.MAX_VALUE, ClientPause.WRITE);
            wait.begin();
            ServerLog.notice("Waiting for replicas before shutting down.");
        }
        if (c != null) {
            server.dispatcher().blockOnCondition(c, 0, r -> r.error(ERRORS));
            blocked.add(c.session);
        }
        return true;
    }

    /** From the server cron: shuts down once ready or past shutdown-timeout. */
    public void cron() {
        if (plan == null || (System.currentTimeMillis() < deadlineMillis && !wait.ready())) {
            return;
        }
        Plan p = plan;
        wait.finishing();
        if (!server.persistence().prepareForShutdown(p.save(), p.nosave(), p.force())) {
            ServerLog.warning("Errors trying to shut down the server. Check the logs for more information.");
            cancel();
            return;
        }
        for (Session s : blocked) {
            s.closeAfterReply = true;
        }
        p.stop().run();
    }

    /** SHUTDOWN ABORT: false when no shutdown is waiting. */
    public boolean abort() {
        if (plan == null) {
            return false;
        }
        cancel();
        ServerLog.notice("Shutdown manually aborted.");
        return true;
    }

    private void cancel() {
        plan = null;
        deadlineMillis = 0;
        List<Session> waiting = new ArrayList<>(blocked);
        blocked.clear();
        for (Session s : waiting) {
            server.dispatcher().unblockWith(s, r -> r.error(ERRORS));
        }
        server.dispatcher().unpause(ClientPause.Purpose.SHUTDOWN);
    }
}
