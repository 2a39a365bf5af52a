package io.redmesh.sentinel;

import io.redmesh.node.spi.NodeLog;
import java.util.ArrayList;
import java.util.Collection;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * sentinelTimer(): run 10 to 19 times a second (a random rate each time, so sentinels started
 * together do not keep asking for votes at the same instant), under the node's lock: TILT
 * detection, then every master with its replicas and sentinels (reconnect, periodic commands,
 * then, outside TILT, SDOWN/ODOWN, failover), then the scripts.
 */
final class SentinelTimer {
    private final Sentinel s;
    private ScheduledFuture<?> next;
    private volatile boolean stopped;

    SentinelTimer(Sentinel s) {
        this.s = s;
    }

    void start() {
        s.locked(() -> {
            // the instances were created when the file was read; the JVM's start-up since is
            // neither a clock jump (TILT) nor an instance that stopped answering (SDOWN)
            long now = System.currentTimeMillis();
            s.state.previousTime = now;
            for (Instance m : s.state.masters.values()) {
                restartClock(m, now);
                m.slaves.values().forEach(r -> restartClock(r, now));
                m.sentinels.values().forEach(si -> restartClock(si, now));
            }
        });
        schedule();
    }

    void stop() {
        stopped = true;
        ScheduledFuture<?> n = next;
        if (n != null) {
            n.cancel(false);
        }
    }

    private static void restartClock(Instance ri, long now) {
        ri.link.actPingTime = now;
        ri.link.lastAvailTime = now;
        ri.link.lastPongTime = now;
        ri.lastHelloTime = now;
        ri.lastPubTime = now;
        ri.lastMasterDownReplyTime = now;
        ri.roleReportedTime = now;
        ri.slaveConfChangeTime = now;
    }

    private void schedule() {
        if (stopped) {
            return;
        }
        int hz = 10 + ThreadLocalRandom.current().nextInt(10);
        next = s.node.schedule(this::run, 1000 / hz);
    }

    private void run() {
        try {
            s.locked(this::tick);
        } catch (RuntimeException e) {
            NodeLog.warning("Sentinel timer: " + e);
        } finally {
            schedule();
        }
    }

    void tick() {
        checkTilt();
        handle(s.state.masters.values());
        s.scripts.tick();
    }

    /**
     * sentinelCheckTiltCondition(): the timer ran after more than tilt-trigger (2 s) or went back
     * in time (a frozen process, a clock change): every timeout is now suspect, so for tilt-period
     * (30 s) we watch but do not act.
     */
    private void checkTilt() {
        long now = System.currentTimeMillis();
        long delta = now - s.state.previousTime;
        if (delta < 0 || delta > s.state.timings.tiltTrigger) {
            s.state.tilt = true;
            s.state.tiltStartTime = System.currentTimeMillis();
            s.events.plain(Events.Level.WARNING, "+tilt", null, "#tilt mode entered");
        }
        s.state.previousTime = System.currentTimeMillis();
    }

    /** sentinelHandleDictOfRedisInstances(). */
    private void handle(Collection<Instance> instances) {
        Instance switchToPromoted = null;
        for (Instance ri : new ArrayList<>(instances)) {
            handleInstance(ri);
            if (ri.is(Instance.MASTER)) {
                handle(ri.slaves.values());
                handle(ri.sentinels.values());
                if (ri.failoverState == Instance.FailoverState.UPDATE_CONFIG) {
                    switchToPromoted = ri;
                }
            }
        }
        if (switchToPromoted != null) {
            s.failover.switchToPromoted(switchToPromoted);
        }
    }

    /** sentinelHandleRedisInstance(). */
    private void handleInstance(Instance ri) {
        s.links.reconnect(ri);
        s.monitor.sendPeriodicCommands(ri);
        if (s.state.tilt) {
            if (System.currentTimeMillis() - s.state.tiltStartTime < s.state.timings.tiltPeriod) {
                return;
            }
            s.state.tilt = false;
            s.events.plain(Events.Level.WARNING, "-tilt", null, "#tilt mode exited");
        }
        s.monitor.checkSubjectivelyDown(ri);
        if (ri.is(Instance.MASTER)) {
            s.monitor.checkObjectivelyDown(ri);
            if (s.failover.startIfNeeded(ri)) {
                s.monitor.askMasterStateToOtherSentinels(ri, true);
            }
            s.failover.step(ri);
            s.monitor.askMasterStateToOtherSentinels(ri, false);
        }
    }
}
