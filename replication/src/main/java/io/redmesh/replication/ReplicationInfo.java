package io.redmesh.replication;

import io.redmesh.node.spi.InfoSection;
import io.redmesh.replication.master.MasterSide;
import io.redmesh.replication.master.ReplicaLink;
import io.redmesh.replication.master.ReplicationBuffer;
import io.redmesh.replication.replica.MasterLink;
import java.util.Locale;

/** INFO replication with Redis 7.0.15's fields in its order (genRedisInfoString). */
final class ReplicationInfo implements InfoSection {
    private final Replication repl;

    ReplicationInfo(Replication repl) {
        this.repl = repl;
    }

    @Override
    public String name() {
        return "replication";
    }

    @Override
    public String render() {
        MasterSide master = repl.master();
        MasterLink link = repl.link();
        ReplicationSettings s = repl.settings();
        StringBuilder sb = new StringBuilder(512);
        if (!link.isReplica()) {
            line(sb, "role", "master");
        } else {
            boolean up = link.state() == MasterLink.State.CONNECTED;
            line(sb, "role", "slave");
            line(sb, "master_host", link.host());
            line(sb, "master_port", link.port());
            line(sb, "master_link_status", up ? "up" : "down");
            line(sb, "master_last_io_seconds_ago", up ? link.lastIoSecondsAgo() : -1);
            line(sb, "master_sync_in_progress", link.syncInProgress() ? 1 : 0);
            long off = Math.max(0, link.reploff());
            line(sb, "slave_read_repl_offset", link.reploff() < 0 ? 0 : link.readReploff());
            line(sb, "slave_repl_offset", off);
            if (link.syncInProgress()) {
                long total = link.transferSize();
                long read = link.transferRead();
                double perc = total > 0 ? read * 100.0 / total : 0;
                line(sb, "master_sync_total_bytes", total);
                line(sb, "master_sync_read_bytes", read);
                line(sb, "master_sync_left_bytes", total - read);
                line(sb, "master_sync_perc", String.format(Locale.ROOT, "%.2f", perc));
                line(sb, "master_sync_last_io_seconds_ago", link.lastIoSecondsAgo());
            }
            if (!up) {
                line(sb, "master_link_down_since_seconds", link.linkDownSeconds());
            }
            line(sb, "slave_priority", s.priority);
            line(sb, "slave_read_only", s.readOnly ? 1 : 0);
            line(sb, "replica_announced", s.announced ? 1 : 0);
        }
        line(sb, "connected_slaves", master.replicas().size());
        if (s.minReplicasToWrite > 0 && s.minReplicasMaxLag > 0) {
            line(sb, "min_slaves_good_slaves", master.goodReplicas());
        }
        int i = 0;
        for (ReplicaLink r : master.replicas()) {
            sb.append("slave").append(i++).append(":ip=").append(r.ip()).append(",port=").append(r.port())
                    .append(",state=").append(r.state().info).append(",offset=").append(r.ackOffset())
                    .append(",lag=").append(r.lagSeconds()).append("\r\n");
        }
        ReplicationIds ids = master.ids();
        ReplicationBuffer b = master.backlog();
        line(sb, "master_failover_state", repl.failover().stateName());
        line(sb, "master_replid", ids.replid());
        line(sb, "master_replid2", ids.replid2());
        line(sb, "master_repl_offset", master.offset());
        line(sb, "second_repl_offset", ids.secondOffset());
        line(sb, "repl_backlog_active", b != null ? 1 : 0);
        line(sb, "repl_backlog_size", s.backlogSize);
        line(sb, "repl_backlog_first_byte_offset", b != null ? b.backlogStart() : 0);
        line(sb, "repl_backlog_histlen", b != null ? b.histlen() : 0);
        return sb.toString();
    }

    private static void line(StringBuilder sb, String k, Object v) {
        sb.append(k).append(':').append(v).append("\r\n");
    }
}
