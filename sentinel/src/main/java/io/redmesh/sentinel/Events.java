package io.redmesh.sentinel;

import io.redmesh.node.spi.NodeControl;
import io.redmesh.node.spi.NodeLog;

/**
 * sentinelEvent(): every event is logged ("+sdown master mymaster 127.0.0.1 6379"), published on
 * the channel named like the event ("+sdown") with the same text, and, for warnings about an
 * instance whose master has a notification-script, handed to that script as
 * {@code <type> <message>}. Debug events are neither logged nor published.
 */
final class Events {
    enum Level { DEBUG, VERBOSE, NOTICE, WARNING }

    private final SentinelState state;
    private final NodeControl node;
    private final Scripts scripts;

    Events(SentinelState state, NodeControl node, Scripts scripts) {
        this.state = state;
        this.node = node;
        this.scripts = scripts;
    }

    /**
     * An event about {@code ri}, its message prefixed with the instance's identity: "<type> <name>
     * <ip> <port>", and for a replica or sentinel " @ <master name> <ip> <port>" (Redis's "%@").
     */
    void instance(Level level, String type, Instance ri, String more) {
        emit(level, type, ri, identify(ri) + (more.isEmpty() ? "" : " " + more));
    }

    /** An event whose whole message is given (no instance prefix). */
    void plain(Level level, String type, Instance ri, String message) {
        emit(level, type, ri, message);
    }

    String identify(Instance ri) {
        Instance master = ri.is(Instance.MASTER) ? null : ri.master;
        String self = ri.typeName() + " " + ri.name + " " + state.announce(ri.addr) + " " + ri.addr.port;
        return master == null ? self
                : self + " @ " + master.name + " " + state.announce(master.addr) + " " + master.addr.port;
    }

    private void emit(Level level, String type, Instance ri, String msg) {
        if (level == Level.DEBUG) {
            return;
        }
        String line = type + " " + msg;
        switch (level) {
            case WARNING -> NodeLog.warning(line);
            case NOTICE -> NodeLog.notice(line);
            default -> NodeLog.verbose(line);
        }
        node.publish(type, msg);
        if (level == Level.WARNING && ri != null) {
            Instance master = ri.is(Instance.MASTER) ? ri : ri.master;
            if (master != null && master.notificationScript != null) {
                scripts.schedule(master.notificationScript, type, msg);
            }
        }
    }
}
