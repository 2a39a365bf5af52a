package io.redmesh.replication.master;

import io.netty.buffer.ByteBuf;
import io.redmesh.node.spi.BlockedCall;
import io.redmesh.node.spi.ExecutedCommandListener;
import io.redmesh.node.spi.ModuleCall;
import io.redmesh.node.spi.NodeControl;
import io.redmesh.node.spi.NodeLog;
import io.redmesh.node.spi.ReplicaChannel;
import io.redmesh.replication.ReplicationIds;
import io.redmesh.replication.ReplicationSettings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The master half of replication (Redis's replicationFeedSlaves, syncCommand, replconfCommand,
 * waitCommand and the master part of replicationCron): the shared buffer the stream is encoded
 * into once per executed write, the replicas reading it, PSYNC (partial from the backlog, else a
 * full sync), REPLCONF, WAIT and min-replicas. A node that is itself a replica keeps this half
 * too: its backlog and sub-replicas are fed the master's stream byte for byte ({@link #proxy}).
 * Everything here runs under the keyspace lock unless it says otherwise.
 */
public final class MasterSide implements ExecutedCommandListener {
    private static final byte[][] PING = {bytes("PING")};
    private static final byte[][] GETACK = {bytes("REPLCONF"), bytes("GETACK"), bytes("*")};
    /** REPLCONF data of connections that have not sent PSYNC yet (bounded: old entries go). */
    private static final int MAX_HANDSHAKES = 1024;

    /** What a connection said with REPLCONF before its PSYNC. */
    private static final class Handshake {
        int listeningPort;
        String ip;
        boolean capaEof;
        boolean capaPsync2;
        boolean capaRdbChannel;
        boolean rdbChannel;
    }

    /** A client in WAIT. */
    private record Waiter(BlockedCall call, long offset, int replicas) {}

    private final NodeControl node;
    private final ReplicationSettings settings;
    private final ReplicationIds ids;
    private final StreamEncoder encoder = new StreamEncoder();
    private final List<ReplicaLink> replicas = new CopyOnWriteArrayList<>();
    private final Map<Long, Handshake> handshakes = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Handshake> e) {
            return size() > MAX_HANDSHAKES;
        }
    };
    private final FullSyncs fullSyncs;
    private final List<Waiter> waiters = new ArrayList<>();
    private ReplicationBuffer buffer;
    /** Whether this node's own writes feed the stream (a master; a replica proxies instead). */
    private boolean feedsOwnWrites = true;
    private long noReplicasSince = System.currentTimeMillis();
    private int goodReplicas;
    private int appendsSinceTrim;
    private long lastPingMillis = System.currentTimeMillis();
    /** Promotes this node when its master hands over (PSYNC ... FAILOVER); given the requester. */
    private java.util.function.Consumer<String> failoverRequest = who -> {};
    /** Answers whether this node may serve a sync now (a replica must be linked to its master). */
    private java.util.function.BooleanSupplier mayServeSync = () -> true;

    public MasterSide(NodeControl node, ReplicationSettings settings, ReplicationIds ids) {
        this.node = node;
        this.settings = settings;
        this.ids = ids;
        this.fullSyncs = new FullSyncs(this, node, settings);
        node.replicationMemory(new io.redmesh.node.spi.ReplicationMemory() {
            // Redis 7.0's getMemoryOverheadData(): the buffer past repl-backlog-size is the replicas'
            @Override
            public long backlog() {
                return Math.min(total(), settings.backlogSize);
            }

            @Override
            public long total() {
                ReplicationBuffer b = buffer;
                return b == null ? 0 : b.memory();
            }

            @Override
            public long replicas() {
                long n = Math.max(0, total() - settings.backlogSize);
                for (ReplicaLink r : replicas) {
                    n += r.channel.pendingBytes();
                }
                return n;
            }
        });
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    // ------------------------------------------------------------------ state

    public ReplicationIds ids() {
        return ids;
    }

    StreamEncoder encoder() {
        return encoder;
    }

    /** The buffer, created on first use (Redis creates the backlog when the first replica syncs). */
    ReplicationBuffer buffer() {
        if (buffer == null) {
            buffer = new ReplicationBuffer(0, settings.backlogSize);
            NodeLog.notice("Replication backlog created, my new replication IDs are '" + ids.replid() + "' and '"
                    + ids.replid2() + "'");
        }
        return buffer;
    }

    /** The backlog, or null when there is none. */
    public ReplicationBuffer backlog() {
        return buffer;
    }

    /** master_repl_offset. */
    public long offset() {
        return buffer == null ? 0 : buffer.offset();
    }

    public List<ReplicaLink> replicas() {
        return replicas;
    }

    public void onFailoverRequest(java.util.function.Consumer<String> promote) {
        this.failoverRequest = promote;
    }

    /** Sets whether this node's own writes feed the stream, and when it may serve a sync. */
    public void role(boolean master, java.util.function.BooleanSupplier mayServeSync) {
        this.feedsOwnWrites = master;
        this.mayServeSync = mayServeSync;
    }

    /**
     * A new history at {@code offset} (a replica completed a full sync: its backlog continues its
     * master's offsets); sub-replicas must resync, so they are disconnected.
     */
    public void restartHistory(long offset) {
        disconnectReplicas();
        buffer = new ReplicationBuffer(offset, settings.backlogSize);
        encoder.forceSelect();
    }

    /** Sets the offset a restarted node resumes its history at (its RDB's mark). */
    public void resumeAt(long offset) {
        buffer = new ReplicationBuffer(offset, settings.backlogSize);
    }

    /** Every replica is disconnected (a role change tells them the new replid this way). */
    public void disconnectReplicas() {
        for (ReplicaLink r : replicas) {
            r.channel.close();
        }
    }

    /** The stream must start with a SELECT (after a promotion, as Redis's slaveseldb = -1). */
    public void forceSelect() {
        encoder.forceSelect();
    }

    // ------------------------------------------------------------------ the stream

    @Override
    public void executed(int db, byte[][] argv) {
        if (!feedsOwnWrites || buffer == null) {
            return;
        }
        encoder.feed(buffer, db, argv);
        appended();
    }

    /** Bytes of our master's stream, proxied byte for byte to our backlog and sub-replicas. */
    public void proxy(ByteBuf raw) {
        buffer().append(raw.duplicate());
        appended();
    }

    private void appended() {
        for (ReplicaLink r : replicas) {
            r.scheduleFlush();
        }
        if (++appendsSinceTrim >= 256) {
            trim();
        }
    }

    private void trim() {
        appendsSinceTrim = 0;
        if (buffer == null) {
            return;
        }
        buffer.backlogSize(settings.backlogSize);
        long oldest = Long.MAX_VALUE;
        for (ReplicaLink r : replicas) {
            if (r.position >= 0 && !r.closed) {
                oldest = Math.min(oldest, r.position);
            }
        }
        buffer.trim(oldest);
    }

    /** Writes a command into the stream as this master's own (PING, REPLCONF GETACK). */
    private void feedOwn(byte[][] argv) {
        if (buffer == null || !feedsOwnWrites) {
            return;
        }
        encoder.feed(buffer, encoder.selected(), argv);
        appended();
    }

    // ------------------------------------------------------------------ REPLCONF

    /** REPLCONF option value [option value ...]. */
    public void replconf(ModuleCall call) {
        byte[][] a = call.argv();
        if (a.length % 2 == 0) {
            call.reply().error("ERR syntax error");
            return;
        }
        ReplicaLink link = find(call.clientId());
        for (int i = 1; i < a.length; i += 2) {
            String opt = new String(a[i], StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
            String val = new String(a[i + 1], StandardCharsets.ISO_8859_1);
            switch (opt) {
                case "listening-port" -> {
                    Long p = parseLong(val);
                    if (p == null) {
                        call.reply().error("ERR value is not an integer or out of range");
                        return;
                    }
                    handshake(call.clientId()).listeningPort = p.intValue();
                }
                case "ip-address" -> {
                    if (val.length() >= 46) {
                        call.reply().error("ERR REPLCONF ip-address provided by replica instance is too long: "
                                + val.length() + " bytes");
                        return;
                    }
                    handshake(call.clientId()).ip = val;
                }
                case "capa" -> {
                    if (val.equalsIgnoreCase("eof")) {
                        handshake(call.clientId()).capaEof = true;
                    } else if (val.equalsIgnoreCase("psync2")) {
                        handshake(call.clientId()).capaPsync2 = true;
                    } else if (val.equalsIgnoreCase("rdb-channel")) {
                        handshake(call.clientId()).capaRdbChannel = true;
                    }
                }
                case "ack" -> {
                    // a replica's ACK: no reply, ever (a replica must not read replies)
                    if (link != null) {
                        Long off = parseLong(val);
                        if (off != null) {
                            ack(link, off);
                        }
                    }
                    return;
                }
                case "getack" -> {
                    return; // answered by the replica half (this node's link to its master)
                }
                case "rdb-channel" -> handshake(call.clientId()).rdbChannel = !val.equals("0");
                case "rdb-only", "rdb-filter-only" -> {
                    // accepted as 7.0 does; RedMesh sends whole RDBs
                }
                default -> {
                    call.reply().error("ERR Unrecognized REPLCONF option: " + new String(a[i], StandardCharsets.ISO_8859_1));
                    return;
                }
            }
        }
        call.reply().ok();
    }

    private Handshake handshake(long clientId) {
        return handshakes.computeIfAbsent(clientId, id -> new Handshake());
    }

    private static Long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private ReplicaLink find(long clientId) {
        for (ReplicaLink r : replicas) {
            if (r.clientId() == clientId) {
                return r;
            }
        }
        return null;
    }

    private long lastBadAckLogMillis;

    private void ack(ReplicaLink r, long offset) {
        if (offset > offset()) {
            // no replica can have what we never sent: such an ACK would make WAIT and
            // min-replicas count writes nobody holds (Redis 7.0 takes it as it comes)
            long now = System.currentTimeMillis();
            if (now - lastBadAckLogMillis >= 1000) {
                lastBadAckLogMillis = now;
                NodeLog.warning("Replica " + r.ip() + ":" + r.port() + " acknowledged offset " + offset
                        + " beyond mine (" + offset() + "): ignored");
            }
            return;
        }
        if (offset > r.ackOffset) {
            r.ackOffset = offset;
        }
        r.ackMillis = System.currentTimeMillis();
        if (r.state == ReplicaLink.State.WAIT_ACK) {
            // diskless: the replica loaded the RDB; now it gets the stream (replicaPutOnline)
            NodeLog.notice("Synchronization with replica " + r.ip() + ":" + r.port() + " succeeded");
            r.online(r.syncOffset + 1);
            refreshGoodReplicas();
        }
        serveWaiters();
    }

    // ------------------------------------------------------------------ PSYNC / SYNC

    /**
     * PSYNC replid offset [FAILOVER] and SYNC: a partial resync from the backlog when the replica's
     * history is ours and the backlog still holds what it lacks, else a full sync.
     */
    public void sync(ModuleCall call, boolean psync) {
        ReplicaLink known = find(call.clientId());
        if (known != null) {
            if (psync && known.state == ReplicaLink.State.WAIT_RDB_CHANNEL) {
                secondPsync(known, call.argv());
            }
            return; // already a replica: ignored, as Redis does
        }
        byte[][] argv = call.argv();
        if (psync && argv.length > 3 && new String(argv[3], StandardCharsets.ISO_8859_1).equalsIgnoreCase("failover")) {
            // our master hands over to us (its FAILOVER): it must be on our history, then we lead
            if (!new String(argv[1], StandardCharsets.ISO_8859_1).equalsIgnoreCase(ids.replid())) {
                call.reply().error("ERR PSYNC FAILOVER replid must match my replid.");
                return;
            }
            failoverRequest.accept("id=" + call.clientId() + " addr=" + call.clientAddress());
        }
        if (!mayServeSync.getAsBoolean()) {
            call.reply().error("NOMASTERLINK Can't SYNC while not connected with my master");
            return;
        }
        Handshake h = handshakes.remove(call.clientId());
        byte[][] a = call.argv();
        String replid = psync ? new String(a[1], StandardCharsets.ISO_8859_1) : "?";
        Long from = psync ? parseLong(new String(a[2], StandardCharsets.ISO_8859_1)) : Long.valueOf(-1);
        if (from == null) {
            call.reply().error("ERR value is not an integer or out of range");
            return;
        }
        ReplicaLink[] self = new ReplicaLink[1];
        ReplicaChannel ch = call.becomeReplica(new ReplicaChannel.Events() {
            @Override
            public void writable() {
                ReplicaLink r = self[0];
                if (r != null) {
                    r.scheduleFlush();
                }
            }

            @Override
            public void closed() {
                ReplicaLink r = self[0];
                if (r != null) {
                    gone(r);
                }
            }
        });
        ReplicaLink r = new ReplicaLink(ch, buffer(), this::closeIfOverLimit);
        self[0] = r;
        if (h != null) {
            r.listeningPort = h.listeningPort;
            r.announcedIp = h.ip;
            r.capaEof = h.capaEof;
            r.capaPsync2 = h.capaPsync2;
            r.capaRdbChannel = h.capaRdbChannel;
            r.rdbChannel = h.rdbChannel;
        }
        r.oldSync = !psync && !r.rdbChannel;
        replicas.add(r);
        NodeLog.notice("Replica " + r.ip() + ":" + r.port() + " asks for synchronization");
        if (psync && continuePartially(r, replid, from)) {
            node.countResync(NodeControl.Resync.PARTIAL_OK);
            refreshGoodReplicas();
            return;
        }
        if (psync && !replid.equals("?")) {
            node.countResync(NodeControl.Resync.PARTIAL_ERR);
        }
        if (psync) {
            NodeLog.notice("Full resync requested by replica " + r.ip() + ":" + r.port());
        }
        if (psync && r.capaRdbChannel && settings.rdbChannel) {
            // dual channel: the RDB comes on a second connection, the stream on this one meanwhile
            NodeLog.notice("Replica " + r.ip() + ":" + r.port() + " will fetch the RDB on a second channel");
            r.state = ReplicaLink.State.WAIT_RDB_CHANNEL;
            r.writeRaw("+RDBCHANNELSYNC\r\n");
            return;
        }
        node.countResync(NodeControl.Resync.FULL);
        fullSyncs.request(r);
    }

    /**
     * Dual channel, on the main connection: the replica got its RDB's offset on the RDB channel
     * and asks for the stream from there; the buffer kept it since the snapshot instant (the RDB
     * channel's position holds it), so this is a partial resync.
     */
    private void secondPsync(ReplicaLink r, byte[][] argv) {
        String replid = new String(argv[1], StandardCharsets.ISO_8859_1);
        Long from = parseLong(new String(argv[2], StandardCharsets.ISO_8859_1));
        if (from == null || !continuePartially(r, replid, from)) {
            NodeLog.warning("Dual-channel sync of " + r.ip() + ":" + r.port() + " cannot continue at " + from
                    + ": closing it (it starts over)");
            r.channel.close();
            return;
        }
        node.countResync(NodeControl.Resync.PARTIAL_OK);
        refreshGoodReplicas();
        // the stream now reaches the replica on this link: its RDB channel no longer needs the
        // buffer kept from the snapshot (the point of dual channel: the master holds no stream for it)
        for (ReplicaLink other : replicas) {
            if (other.rdbChannel && other.syncOffset + 1 == from) {
                other.position = -1;
            }
        }
    }

    /** masterTryPartialResynchronization(). */
    private boolean continuePartially(ReplicaLink r, String replid, long from) {
        if (!ids.sameHistory(replid, from)) {
            if (!replid.equals("?")) {
                NodeLog.notice("Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '"
                        + replid + "', my replication IDs are '" + ids.replid() + "' and '" + ids.replid2() + "')");
            }
            return false;
        }
        if (!buffer.canServe(from)) {
            NodeLog.notice("Unable to partial resync with replica " + r.ip() + ":" + r.port()
                    + " for lack of backlog (Replica request was: " + from + ").");
            return false;
        }
        r.writeRaw(r.capaPsync2 ? "+CONTINUE " + ids.replid() + "\r\n" : "+CONTINUE\r\n");
        r.ackMillis = System.currentTimeMillis();
        NodeLog.notice("Partial resynchronization request from " + r.ip() + ":" + r.port()
                + " accepted. Sending " + (buffer.offset() - from + 1) + " bytes of backlog starting from offset "
                + from + ".");
        r.online(from);
        return true;
    }

    private void gone(ReplicaLink r) {
        r.closed = true;
        replicas.remove(r);
        fullSyncs.forget(r);
        if (replicas.isEmpty()) {
            noReplicasSince = System.currentTimeMillis();
        }
        NodeLog.notice("Connection with replica " + r.ip() + ":" + r.port() + " lost.");
        refreshGoodReplicas();
        serveWaiters();
    }

    /** client-output-buffer-limit replica, checked under the lock (the node closes and logs). */
    private boolean closeIfOverLimit(ReplicaLink r, long held) {
        try {
            return node.underLock(() -> r.channel.closeIfOverLimit(held));
        } catch (Exception e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ WAIT and min-replicas

    /** WAIT numreplicas timeout (the caller checked we are a master). */
    public void waitFor(ModuleCall call, int numReplicas, long timeoutMillis) {
        long target = offset();
        int acked = ackedAt(target);
        if (acked >= numReplicas || call.inTransaction()) {
            call.reply().integer(acked);
            return;
        }
        BlockedCall b = call.block(timeoutMillis, r -> r.integer(ackedAt(target)));
        waiters.add(new Waiter(b, target, numReplicas));
        requestAcks();
    }

    private int ackedAt(long offset) {
        int n = 0;
        for (ReplicaLink r : replicas) {
            if (r.ackOffset >= offset && r.state == ReplicaLink.State.ONLINE) {
                n++;
            }
        }
        return n;
    }

    private boolean acksRequested;

    /** Asks every replica for an ACK, once per event-loop turn however many clients WAIT. */
    public void requestAcks() {
        if (acksRequested) {
            return;
        }
        acksRequested = true;
        node.schedule(() -> locked(() -> {
            acksRequested = false;
            feedOwn(GETACK);
        }), 0);
    }

    private void serveWaiters() {
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            if (!w.call.waiting()) {
                it.remove();
                continue;
            }
            int n = ackedAt(w.offset);
            if (n >= w.replicas) {
                w.call.complete(r -> r.integer(n));
                it.remove();
            }
        }
    }

    /** Replicas online with an ACK no older than min-replicas-max-lag (refreshGoodSlavesCount). */
    private void refreshGoodReplicas() {
        int good = 0;
        long maxLag = settings.minReplicasMaxLag;
        for (ReplicaLink r : replicas) {
            if (r.state == ReplicaLink.State.ONLINE && r.lagSeconds() <= maxLag) {
                good++;
            }
        }
        goodReplicas = good;
    }

    /** Whether min-replicas-to-write is met (checkGoodReplicasStatus). */
    public boolean enoughGoodReplicas() {
        long min = settings.minReplicasToWrite;
        return min == 0 || settings.minReplicasMaxLag == 0 || goodReplicas >= min;
    }

    public int goodReplicas() {
        return goodReplicas;
    }

    // ------------------------------------------------------------------ cron

    /** The master part of replicationCron(), every 100 ms. */
    public void cron(boolean everySecond) {
        fullSyncs.start(true);
        trim();
        if (!everySecond) {
            return;
        }
        long now = System.currentTimeMillis();
        if (feedsOwnWrites && !replicas.isEmpty() && now - lastPingMillis >= settings.pingPeriodSeconds * 1000) {
            lastPingMillis = now;
            feedOwn(PING);
        }
        fullSyncs.keepAlive();
        for (ReplicaLink r : replicas) {
            if (r.state == ReplicaLink.State.ONLINE && !r.oldSync
                    && now - r.ackMillis > settings.timeoutSeconds * 1000) {
                NodeLog.warning("Disconnecting timedout replica (streaming sync): " + r.ip() + ":" + r.port());
                r.channel.close();
            } else if (r.position >= 0) {
                closeIfOverLimit(r, r.heldBytes()); // the stream held while it loads counts too
            }
        }
        if (feedsOwnWrites && buffer != null && replicas.isEmpty() && settings.backlogTtlSeconds > 0
                && now - noReplicasSince > settings.backlogTtlSeconds * 1000) {
            NodeLog.notice("Replication backlog freed after " + settings.backlogTtlSeconds
                    + " seconds without connected replicas.");
            buffer = null;
            ids.follow(ReplicationIds.random());
            ids.clearSecond();
        }
        refreshGoodReplicas();
        serveWaiters();
    }

    private void locked(Runnable r) {
        io.redmesh.replication.UnderLock.run(node, r);
    }
}
