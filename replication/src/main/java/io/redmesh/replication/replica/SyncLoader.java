package io.redmesh.replication.replica;

import io.netty.buffer.ByteBuf;
import io.redmesh.node.spi.Datasets;
import io.redmesh.node.spi.NodeLog;
import io.redmesh.node.spi.link.OutboundLink;

/**
 * The replica's side of a full sync once the payload flows (readSyncBulkPayload's second half):
 * on the loader thread, the RDB into a keyspace aside (diskless) or through a sealed file
 * (repl-diskless-load disabled), checked to end where the payload ends and to name a database we
 * have; then, under the lock, installed as the new dataset and history of its {@link MasterLink},
 * the stream held meanwhile fed, and reading resumed. Nothing is installed for a link replaced
 * in the meantime.
 */
final class SyncLoader {
    private final MasterLink m;

    SyncLoader(MasterLink m) {
        this.m = m;
    }

    /** On the loader thread: the RDB into a keyspace aside (through a file when disk-based), then installed. */
    void load(int gen, OutboundLink l, TransferPipe p, boolean diskless) {
        Datasets data = m.node.datasets();
        Datasets.LoadedDataset loaded;
        long start = System.nanoTime();
        try {
            if (diskless) {
                loaded = data.loadRdb(p, "the master's stream", true);
                // the RDB's end must be the payload's (before its EOF mark, or at its length), as 7.0
                // checks the mark right after the RDB ("Replication stream EOF marker is broken")
                p.expectEnd(loaded.trailing());
            } else {
                Datasets.ReceivedFile f = data.receiveFile();
                try {
                    p.transferTo(f.out());
                } catch (java.io.IOException | RuntimeException e) {
                    f.discard();
                    throw e;
                }
                m.locked(() -> {
                    if (gen == m.generation) {
                        m.loading = true;
                        NodeLog.notice("MASTER <-> REPLICA sync: Flushing old data");
                    }
                });
                if (gen != m.generation) {
                    f.discard();
                    return;
                }
                data.flushAll();
                NodeLog.notice("MASTER <-> REPLICA sync: Loading DB in memory");
                loaded = f.commitAndLoad();
            }
        } catch (Exception e) {
            m.locked(() -> m.loading = false);
            m.failed(gen, l, "Failed trying to load the MASTER synchronization DB from " + (diskless ? "socket" : "disk")
                    + ": " + MasterLink.reason(e));
            return;
        }
        if (streamDb(loaded) < 0) {
            m.locked(() -> m.loading = false);
            m.failed(gen, l, "Failed trying to load the MASTER synchronization DB: its repl-stream-db '"
                    + loaded.aux().get("repl-stream-db") + "' is not a database of mine");
            return;
        }
        Datasets.LoadedDataset ready = loaded;
        double secs = (System.nanoTime() - start) / 1e9;
        m.locked(() -> install(gen, l, ready, secs));
    }

    private void install(int gen, OutboundLink l, Datasets.LoadedDataset loaded, double secs) {
        if (gen != m.generation || l != m.link) {
            m.loading = false;
            return; // REPLICAOF changed meanwhile: this dataset belongs to no one
        }
        m.node.datasets().install(loaded);
        m.ids.follow(m.fullReplid);
        m.ids.clearSecond();
        m.master.restartHistory(m.fullOffset);
        if (m.stream == null) {
            m.stream = m.node.openMasterStream(m.host + ":" + m.port, m);
        } else {
            m.stream.reset();
        }
        m.stream.db(streamDb(loaded));
        m.reploff = m.fullOffset;
        m.readReploff = m.fullOffset;
        m.pipe = null;
        m.loading = false;
        m.closeRdbChannel();
        m.failures = 0;
        m.lastIoMillis = System.currentTimeMillis();
        m.state(MasterLink.State.CONNECTED);
        NodeLog.notice(String.format("MASTER <-> REPLICA sync: Finished with success (%d keys, %.3f seconds)",
                loaded.keys(), secs));
        l.execute(() -> {
            // on the link's loop: what arrived while loading goes first, then reading resumes
            if (gen != m.generation) {
                return;
            }
            m.streaming = true;
            m.sendAck(); // a master that framed the RDB with EOF puts us online at this ACK
            ByteBuf h = m.held;
            m.held = null;
            if (h != null) {
                m.readReploff += h.readableBytes();
                try {
                    m.stream.feed(h);
                } catch (IllegalArgumentException e) {
                    m.failed(gen, l, e.getMessage());
                } finally {
                    h.release();
                }
            }
            l.autoRead(true);
        });
    }

    /** The database the m.stream continues in (the RDB's repl-stream-db; none: 0, as Redis), -1 if out of range. */
    private int streamDb(Datasets.LoadedDataset loaded) {
        try {
            int db = Integer.parseInt(loaded.aux().getOrDefault("repl-stream-db", "0"));
            return db >= 0 && db < Integer.parseInt(m.node.config("databases")) ? db : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

}
