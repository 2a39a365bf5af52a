package io.redmesh.replication;

import io.redmesh.node.spi.ModuleCall;
import io.redmesh.node.spi.NodeControl;
import io.redmesh.node.spi.NodeLog;
import io.redmesh.replication.master.MasterSide;
import io.redmesh.replication.master.ReplicaLink;
import io.redmesh.replication.replica.MasterLink;
import java.nio.charset.StandardCharsets;

/**
 * FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT milliseconds], as Redis 7.0's coordinated
 * failover: the master pauses writes, waits until a replica (the one named, or the first) has
 * acknowledged its whole stream, then becomes that replica's replica with "PSYNC replid offset
 * FAILOVER", which makes the replica take over as master; both continue with a partial resync.
 * A timeout aborts (or, with FORCE, fails over anyway); a refused PSYNC aborts and the node is a
 * master again. INFO shows the state (master_failover_state). Under the keyspace lock.
 */
final class Failover {
    enum State {
        NONE("no-failover"), WAITING_FOR_SYNC("waiting-for-sync"), IN_PROGRESS("failover-in-progress");

        final String info;

        State(String info) {
            this.info = info;
        }
    }

    private final Replication repl;
    private volatile State state = State.NONE;
    private String targetHost;
    private int targetPort;
    private long endMillis;
    private boolean force;

    Failover(Replication repl) {
        this.repl = repl;
    }

    String stateName() {
        return state.info;
    }

    boolean active() {
        return state != State.NONE;
    }

    /** The link to the target is being made: PSYNC carries FAILOVER. */
    boolean inProgress() {
        return state == State.IN_PROGRESS;
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    void command(ModuleCall c) {
        byte[][] a = c.argv();
        NodeControl node = repl.node();
        if (a.length == 2 && str(a[1]).equalsIgnoreCase("abort")) {
            if (state == State.NONE) {
                c.reply().error("ERR No failover in progress.");
                return;
            }
            abort("Failover manually aborted");
            c.reply().ok();
            return;
        }
        long timeout = 0;
        boolean forceFlag = false;
        String host = null;
        long port = 0;
        for (int j = 1; j < a.length; j++) {
            String opt = str(a[j]);
            if (opt.equalsIgnoreCase("timeout") && j + 1 < a.length && timeout == 0) {
                Long t = parse(str(a[j + 1]));
                if (t == null) {
                    c.reply().error("ERR value is not an integer or out of range");
                    return;
                }
                if (t <= 0) {
                    c.reply().error("ERR FAILOVER timeout must be greater than 0");
                    return;
                }
                timeout = t;
                j++;
            } else if (opt.equalsIgnoreCase("to") && j + 2 < a.length && host == null) {
                Long p = parse(str(a[j + 2]));
                if (p == null) {
                    c.reply().error("ERR value is not an integer or out of range");
                    return;
                }
                host = str(a[j + 1]);
                port = p;
                j += 2;
            } else if (opt.equalsIgnoreCase("force") && !forceFlag) {
                forceFlag = true;
            } else {
                c.reply().error("ERR syntax error");
                return;
            }
        }
        if (state != State.NONE) {
            c.reply().error("ERR FAILOVER already in progress.");
            return;
        }
        if (repl.link().isReplica()) {
            c.reply().error("ERR FAILOVER is not valid when server is a replica.");
            return;
        }
        MasterSide master = repl.master();
        if (master.replicas().isEmpty()) {
            c.reply().error("ERR FAILOVER requires connected replicas.");
            return;
        }
        if (forceFlag && (timeout == 0 || host == null)) {
            c.reply().error("ERR FAILOVER with force option requires both a timeout and target HOST and IP.");
            return;
        }
        if (host != null) {
            ReplicaLink r = find(host, (int) port);
            if (r == null) {
                c.reply().error("ERR FAILOVER target HOST and PORT is not a replica.");
                return;
            }
            if (r.state() != ReplicaLink.State.ONLINE) {
                c.reply().error("ERR FAILOVER target replica is not online.");
                return;
            }
            targetHost = host;
            targetPort = (int) port;
            NodeLog.notice("FAILOVER requested to " + host + ":" + port + ".");
        } else {
            targetHost = null;
            NodeLog.notice("FAILOVER requested to any replica.");
        }
        endMillis = timeout > 0 ? System.currentTimeMillis() + timeout : 0;
        force = forceFlag;
        state = State.WAITING_FOR_SYNC;
        node.pauseWrites(true);
        c.reply().ok();
    }

    private static Long parse(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private ReplicaLink find(String host, int port) {
        for (ReplicaLink r : repl.master().replicas()) {
            if (r.ip().equalsIgnoreCase(host) && r.port() == port) {
                return r;
            }
        }
        return null;
    }

    /** updateFailoverStatus(), from the cron: time out, or fail over to a caught-up replica. */
    void cron() {
        if (state != State.WAITING_FOR_SYNC) {
            return;
        }
        MasterSide master = repl.master();
        if (endMillis > 0 && endMillis <= System.currentTimeMillis()) {
            if (force) {
                NodeLog.notice("FAILOVER to " + targetHost + ":" + targetPort + " time out exceeded, failing over.");
                start();
            } else {
                abort("Replica never caught up before timeout");
            }
            return;
        }
        master.requestAcks();
        ReplicaLink target = null;
        if (targetHost != null) {
            target = find(targetHost, targetPort);
        } else {
            for (ReplicaLink r : master.replicas()) {
                if (r.state() == ReplicaLink.State.ONLINE && r.ackOffset() == master.offset()) {
                    target = r;
                    targetHost = r.ip();
                    targetPort = r.port();
                    break;
                }
            }
        }
        if (target != null && target.ackOffset() == master.offset()) {
            NodeLog.notice("Failover target " + targetHost + ":" + targetPort + " is synced, failing over.");
            start();
        }
    }

    private void start() {
        state = State.IN_PROGRESS;
        repl.link().follow(targetHost, targetPort, "failover", true);
    }

    /** The target answered our PSYNC FAILOVER: it is the master now; writes resume (here they are refused). */
    void succeeded() {
        if (state == State.IN_PROGRESS) {
            NodeLog.notice("Failover to " + targetHost + ":" + targetPort + " succeeded");
            clear();
        }
    }

    /** The target refused the PSYNC: back to master. */
    void refused() {
        if (state == State.IN_PROGRESS) {
            abort("Failover target rejected psync request");
        }
    }

    /**
     * The target could not be reached before our PSYNC ... FAILOVER went out, so it never took
     * over: back to master at once (7.0 would stay a replica of the unreachable target, writes
     * paused, until FAILOVER ABORT).
     */
    void unreachable() {
        if (state == State.IN_PROGRESS) {
            abort("Failover target " + targetHost + ":" + targetPort + " could not be reached");
        }
    }

    /** abortFailover(). */
    void abort(String reason) {
        if (state == State.NONE) {
            return;
        }
        if (state == State.IN_PROGRESS) {
            MasterLink link = repl.link();
            link.promote("failover aborted");
        }
        NodeLog.notice("FAILOVER aborted: " + reason);
        clear();
    }

    private void clear() {
        state = State.NONE;
        targetHost = null;
        endMillis = 0;
        force = false;
        repl.node().pauseWrites(false);
    }
}
