package io.redmesh.replication.master;

import io.redmesh.node.spi.Datasets;
import io.redmesh.node.spi.NodeControl;
import io.redmesh.node.spi.NodeLog;
import io.redmesh.node.spi.ReplicationMark;
import io.redmesh.replication.ReplicationSettings;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Full synchronizations on the master, as Redis 7.0's startBgsaveForReplication: replicas
 * waiting for one share the next snapshot. Diskless (repl-diskless-sync, for replicas that said
 * "capa eof"): after repl-diskless-sync-delay, or as soon as repl-diskless-sync-max-replicas are
 * waiting, one walk of the fork-less snapshot streams the RDB to all of them framed by
 * "$EOF:&lt;mark&gt;"; they go online at their first ACK. Disk-backed: a BGSAVE of dbfilename,
 * then "$&lt;len&gt;" and the file (unsealed on the way out) to each; online at once. The snapshot
 * instant and the offset +FULLRESYNC names are fixed in one locked step, and from that offset
 * on the shared buffer keeps the stream for them. All under the keyspace lock except the
 * transfers, which run on their own threads.
 */
final class FullSyncs {
    private final MasterSide master;
    private final NodeControl node;
    private final ReplicationSettings settings;
    private final List<ReplicaLink> waiting = new ArrayList<>();
    private CompletableFuture<?> running;
    /**
     * The replicas of the disk-backed sync whose BGSAVE is running (null otherwise): a replica that
     * asks meanwhile joins them, as 7.0 attaches it to the running BGSAVE for replication.
     */
    private List<ReplicaLink> savingFor;
    private ReplicationMark savingMark;

    FullSyncs(MasterSide master, NodeControl node, ReplicationSettings settings) {
        this.master = master;
        this.node = node;
        this.settings = settings;
    }

    boolean inProgress() {
        return running != null && !running.isDone();
    }

    /** A replica needs a full sync: it waits for the next snapshot (wait_bgsave). */
    void request(ReplicaLink r) {
        r.state = ReplicaLink.State.WAIT_BGSAVE_START;
        r.syncRequestedMillis = System.currentTimeMillis();
        if (attach(r)) {
            return;
        }
        waiting.add(r);
        start(false);
    }

    /**
     * A disk-backed BGSAVE for replication runs: the replica takes the same file and continues
     * from the same offset (the buffer keeps the stream from there for the others), as 7.0's
     * syncCommand does when a replica waits for that BGSAVE's end. Not when the stream from that
     * offset is gone (every replica that held it left) or the file is not a format it reads.
     */
    private boolean attach(ReplicaLink r) {
        if (savingFor == null || r.rdbChannel || (settings.disklessSync && r.capaEof && !r.oldSync)
                || !savingMark.replId().equals(master.ids().replid())
                || !master.buffer().canServe(savingMark.offset() + 1)) {
            return false;
        }
        r.syncOffset = savingMark.offset();
        r.position = savingMark.offset() + 1;
        r.state = ReplicaLink.State.WAIT_BGSAVE_END;
        if (!r.oldSync) {
            r.writeRaw("+FULLRESYNC " + savingMark.replId() + " " + savingMark.offset() + "\r\n");
        }
        savingFor.add(r);
        NodeLog.notice("Waiting for end of BGSAVE for SYNC");
        return true;
    }

    void forget(ReplicaLink r) {
        waiting.remove(r);
    }

    /** From the cron (and on a request): starts the next snapshot when its time has come. */
    void start(boolean fromCron) {
        waiting.removeIf(r -> r.closed);
        if (waiting.isEmpty() || inProgress()) {
            return;
        }
        // an RDB channel (dual-channel sync) is always diskless: its replica reads an EOF-framed stream
        boolean allRdbChannels = true;
        boolean eof = true;
        for (ReplicaLink r : waiting) {
            allRdbChannels &= r.rdbChannel;
            eof &= r.capaEof && !r.oldSync;
        }
        boolean socket = (settings.disklessSync || allRdbChannels) && eof;
        if (socket) {
            long oldest = Long.MAX_VALUE;
            for (ReplicaLink r : waiting) {
                oldest = Math.min(oldest, r.syncRequestedMillis);
            }
            long max = settings.disklessSyncMaxReplicas;
            boolean enough = max > 0 && waiting.size() >= max;
            if (!enough && System.currentTimeMillis() - oldest < settings.disklessSyncDelaySeconds * 1000) {
                return; // repl-diskless-sync-delay: let more replicas arrive to share the walk
            }
        }
        List<ReplicaLink> targets = new ArrayList<>(waiting);
        try {
            running = socket ? startSocket(targets) : startDisk(targets);
            waiting.clear();
        } catch (Datasets.SnapshotBusyException e) {
            if (!fromCron) {
                NodeLog.notice("Full sync postponed: a background save is in progress");
            }
        }
    }

    /**
     * The locked step at the snapshot instant: the offset the replicas start from, +FULLRESYNC,
     * and the stream forced to SELECT again.
     */
    private ReplicationMark instant(List<ReplicaLink> targets, ReplicaLink.State state, String eofMark) {
        ReplicationBuffer buf = master.buffer();
        long offset = buf.offset();
        int db = master.encoder().selected();
        master.encoder().forceSelect();
        for (ReplicaLink r : targets) {
            r.syncOffset = offset;
            r.position = offset + 1;
            r.state = state;
            if (r.rdbChannel) {
                // the RDB's offset first: the replica asks for the stream from there on its main link
                r.writeRaw("$ENDOFF:" + offset + " " + master.ids().replid() + " " + Math.max(0, db) + "\r\n");
            } else if (!r.oldSync) {
                r.writeRaw("+FULLRESYNC " + master.ids().replid() + " " + offset + "\r\n");
            }
            if (eofMark != null) {
                r.writeRaw("$EOF:" + eofMark + "\r\n");
            }
            NodeLog.notice("Starting BGSAVE for SYNC with target: " + (eofMark != null ? "replicas sockets" : "disk"));
        }
        return new ReplicationMark(master.ids().replid(), offset, Math.max(0, db));
    }

    private CompletableFuture<?> startSocket(List<ReplicaLink> targets) throws Datasets.SnapshotBusyException {
        String mark = io.redmesh.replication.ReplicationIds.random();
        ReplicaSockets out = new ReplicaSockets(targets, settings.timeoutSeconds * 1000);
        CompletableFuture<Long> f = node.datasets().streamRdb(out,
                () -> instant(targets, ReplicaLink.State.SEND_BULK, mark));
        return f.whenComplete((bytes, e) -> {
            if (e != null) {
                NodeLog.warning("Diskless rdb transfer failed: " + e.getMessage());
                for (ReplicaLink r : out.targets()) {
                    r.channel.close();
                }
                return;
            }
            try {
                out.writeAll(mark);
            } catch (IOException x) {
                NodeLog.warning("Diskless rdb transfer failed at its end: " + x.getMessage());
                return;
            }
            NodeLog.notice("Diskless rdb transfer done: " + bytes + " bytes to " + out.targets().size() + " replica(s)");
            locked(() -> {
                for (ReplicaLink r : out.targets()) {
                    if (!r.closed && !r.rdbChannel) {
                        r.state = ReplicaLink.State.WAIT_ACK; // online at its first ACK, as Redis
                    }
                }
            });
            locked(() -> start(true));
        });
    }

    private CompletableFuture<?> startDisk(List<ReplicaLink> first) throws Datasets.SnapshotBusyException {
        List<ReplicaLink> targets = new java.util.concurrent.CopyOnWriteArrayList<>(first);
        CompletableFuture<Datasets.SavedRdb> f = node.datasets().saveRdb(() -> {
            ReplicationMark mark = instant(targets, ReplicaLink.State.WAIT_BGSAVE_END, null);
            savingFor = targets;
            savingMark = mark;
            return mark;
        });
        CompletableFuture<Void> sent = new CompletableFuture<>();
        f.whenComplete((saved, e) -> {
            // under the lock, so a replica attaches before this point or waits for the next sync
            locked(() -> savingFor = null);
            if (e != null) {
                NodeLog.warning("BGSAVE for replication failed: " + e.getMessage());
                for (ReplicaLink r : targets) {
                    r.channel.close();
                }
                sent.complete(null);
                return;
            }
            Thread t = new Thread(() -> {
                sendFile(saved, targets);
                sent.complete(null);
                locked(() -> start(true));
            }, "redmesh-repl-send-rdb");
            t.setDaemon(true);
            t.start();
        });
        return sent;
    }

    /** "$len\r\n" and the file, unsealed, to every replica; each goes online when it has it all. */
    private void sendFile(Datasets.SavedRdb saved, List<ReplicaLink> targets) {
        List<ReplicaLink> live = new ArrayList<>();
        for (ReplicaLink r : targets) {
            if (!r.closed) {
                r.state = ReplicaLink.State.SEND_BULK;
                live.add(r);
            }
        }
        ReplicaSockets out = new ReplicaSockets(live, settings.timeoutSeconds * 1000);
        try (InputStream in = saved.open()) {
            out.writeAll("$" + saved.length() + "\r\n");
            in.transferTo(out);
            out.flush();
        } catch (IOException | RuntimeException e) {
            NodeLog.warning("Sending the RDB to replicas failed: " + e.getMessage());
            for (ReplicaLink r : out.targets()) {
                r.channel.close();
            }
            return;
        }
        locked(() -> {
            for (ReplicaLink r : out.targets()) {
                if (!r.closed) {
                    NodeLog.notice("Synchronization with replica " + r.ip() + ":" + r.port() + " succeeded");
                    r.online(r.syncOffset + 1);
                }
            }
        });
    }

    /** Replicas waiting for a snapshot to start, or (disk) to end: they get a newline a second. */
    void keepAlive() {
        for (ReplicaLink r : master.replicas()) {
            if (r.state == ReplicaLink.State.WAIT_BGSAVE_START || r.state == ReplicaLink.State.WAIT_BGSAVE_END) {
                r.writeRaw("\n");
            }
        }
    }

    private void locked(Runnable r) {
        io.redmesh.replication.UnderLock.run(node, r);
    }
}
