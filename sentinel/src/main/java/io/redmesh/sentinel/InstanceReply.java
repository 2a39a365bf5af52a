package io.redmesh.sentinel;

import io.redmesh.node.spi.ReplyWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * addReplySentinelRedisInstance(): one instance as SENTINEL MASTER(S), REPLICAS and SENTINELS
 * show it, a map (RESP3) or flat array (RESP2) whose fields depend on the instance's kind and
 * state, in Redis's order; every value is a bulk string.
 */
final class InstanceReply {
    private InstanceReply() {}

    static void write(ReplyWriter r, Instance ri, SentinelState st) {
        List<String[]> f = new ArrayList<>();
        long now = System.currentTimeMillis();
        InstanceLink link = ri.link;
        f.add(kv("name", ri.name));
        f.add(kv("ip", st.announce(ri.addr)));
        f.add(kv("port", ri.addr.port));
        f.add(kv("runid", ri.runid != null ? ri.runid : ""));
        f.add(kv("flags", flags(ri)));
        f.add(kv("link-pending-commands", link.pendingCommands));
        f.add(kv("link-refcount", link.refcount));
        if (ri.is(Instance.FAILOVER_IN_PROGRESS)) {
            f.add(kv("failover-state", ri.failoverState.wire));
        }
        f.add(kv("last-ping-sent", link.actPingTime != 0 ? now - link.actPingTime : 0));
        f.add(kv("last-ok-ping-reply", now - link.lastAvailTime));
        f.add(kv("last-ping-reply", now - link.lastPongTime));
        if (ri.is(Instance.S_DOWN)) {
            f.add(kv("s-down-time", now - ri.sDownSinceTime));
        }
        if (ri.is(Instance.O_DOWN)) {
            f.add(kv("o-down-time", now - ri.oDownSinceTime));
        }
        f.add(kv("down-after-milliseconds", ri.downAfterPeriod));
        if (ri.is(Instance.MASTER | Instance.SLAVE)) {
            f.add(kv("info-refresh", ri.infoRefresh != 0 ? now - ri.infoRefresh : 0));
            f.add(kv("role-reported", ri.roleReported == Instance.MASTER ? "master" : "slave"));
            f.add(kv("role-reported-time", now - ri.roleReportedTime));
        }
        if (ri.is(Instance.MASTER)) {
            f.add(kv("config-epoch", Long.toUnsignedString(ri.configEpoch)));
            f.add(kv("num-slaves", ri.slaves.size()));
            f.add(kv("num-other-sentinels", ri.sentinels.size()));
            f.add(kv("quorum", ri.quorum));
            f.add(kv("failover-timeout", ri.failoverTimeout));
            f.add(kv("parallel-syncs", ri.parallelSyncs));
            if (ri.notificationScript != null) {
                f.add(kv("notification-script", ri.notificationScript));
            }
            if (ri.clientReconfigScript != null) {
                f.add(kv("client-reconfig-script", ri.clientReconfigScript));
            }
        }
        if (ri.is(Instance.SLAVE)) {
            f.add(kv("master-link-down-time", ri.masterLinkDownTime));
            f.add(kv("master-link-status", ri.slaveMasterLinkUp ? "ok" : "err"));
            f.add(kv("master-host", ri.slaveMasterHost != null ? ri.slaveMasterHost : "?"));
            f.add(kv("master-port", ri.slaveMasterPort));
            f.add(kv("slave-priority", ri.slavePriority));
            f.add(kv("slave-repl-offset", ri.slaveReplOffset));
            f.add(kv("replica-announced", ri.replicaAnnounced));
        }
        if (ri.is(Instance.SENTINEL)) {
            f.add(kv("last-hello-message", now - ri.lastHelloTime));
            f.add(kv("voted-leader", ri.leader != null ? ri.leader : "?"));
            f.add(kv("voted-leader-epoch", Long.toUnsignedString(ri.leaderEpoch)));
        }
        r.map(f.size());
        for (String[] kv : f) {
            r.bulk(kv[0]);
            r.bulk(kv[1]);
        }
    }

    private static String[] kv(String k, Object v) {
        return new String[] {k, String.valueOf(v)};
    }

    /** The flags field: Redis's names, comma-separated, in its order. */
    static String flags(Instance ri) {
        StringBuilder b = new StringBuilder();
        add(b, ri.is(Instance.S_DOWN), "s_down");
        add(b, ri.is(Instance.O_DOWN), "o_down");
        add(b, ri.is(Instance.MASTER), "master");
        add(b, ri.is(Instance.SLAVE), "slave");
        add(b, ri.is(Instance.SENTINEL), "sentinel");
        add(b, ri.link.disconnected, "disconnected");
        add(b, ri.is(Instance.MASTER_DOWN), "master_down");
        add(b, ri.is(Instance.FAILOVER_IN_PROGRESS), "failover_in_progress");
        add(b, ri.is(Instance.PROMOTED), "promoted");
        add(b, ri.is(Instance.RECONF_SENT), "reconf_sent");
        add(b, ri.is(Instance.RECONF_INPROG), "reconf_inprog");
        add(b, ri.is(Instance.RECONF_DONE), "reconf_done");
        add(b, ri.is(Instance.FORCE_FAILOVER), "force_failover");
        add(b, ri.is(Instance.SCRIPT_KILL_SENT), "script_kill_sent");
        return b.toString();
    }

    private static void add(StringBuilder b, boolean on, String name) {
        if (on) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(name);
        }
    }
}
