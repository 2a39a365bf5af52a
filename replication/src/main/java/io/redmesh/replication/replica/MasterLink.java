package io.redmesh.replication.replica;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.redmesh.node.spi.Datasets;
import io.redmesh.node.spi.MasterStream;
import io.redmesh.node.spi.NodeControl;
import io.redmesh.node.spi.NodeLog;
import io.redmesh.node.spi.ReplicationMark;
import io.redmesh.node.spi.link.LinkOptions;
import io.redmesh.node.spi.link.LinkReply;
import io.redmesh.node.spi.link.OutboundLink;
import io.redmesh.replication.ReplicationIds;
import io.redmesh.replication.ReplicationSettings;
import io.redmesh.replication.master.MasterSide;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;

/**
 * The replica half (Redis's connectWithMaster, syncWithMaster, readSyncBulkPayload and the
 * replica part of replicationCron): the link to the master over an {@link OutboundLink} (TLS and
 * the peer-name check happen before anything is sent, AUTH included), the handshake as 7.0
 * sends it (PING, then AUTH / REPLCONF listening-port / ip-address / capa pipelined, then PSYNC),
 * the full sync (the RDB piped to a loader thread and loaded aside, or through a sealed file),
 * the stream applied by the node's master session, REPLCONF ACK every second, and the cached
 * master that lets PSYNC continue after the link drops. Its state is guarded by the keyspace
 * lock; link callbacks run on the link's event loop and take the lock for state changes.
 */
public final class MasterLink implements MasterStream.Listener {
    /** Redis's repl_state, as ROLE and INFO name them. */
    public enum State { NONE, CONNECT, CONNECTING, HANDSHAKE, TRANSFER, CONNECTED }

    final NodeControl node;
    final ReplicationSettings settings;
    final ReplicationIds ids;
    final MasterSide master;
    volatile String host;
    volatile int port;
    private volatile State state = State.NONE;
    /** Bumped whenever the link is replaced: callbacks of an older link do nothing. */
    int generation;
    OutboundLink link;
    private ScheduledFuture<?> retry;
    int failures;
    /** The master session, kept across link drops (Redis's cached master); null when none. */
    MasterStream stream;
    volatile long reploff;
    volatile long readReploff;
    volatile long lastIoMillis;
    private volatile long linkDownSinceMillis;
    private volatile long stateSinceMillis;
    // full sync in progress
    private volatile long transferSize;
    volatile long transferRead;
    volatile boolean receivingBulk;
    String fullReplid;
    long fullOffset;
    TransferPipe pipe;
    /** Stream bytes that arrived while the RDB was loading, applied once it is installed. */
    ByteBuf held;
    boolean streaming;
    volatile boolean loading;
    /** Dual-channel full sync in progress: the RDB on {@link #rdbLink}, the stream held meanwhile. */
    boolean dual;
    OutboundLink rdbLink;

    FailoverHook failover = FailoverHook.NONE;

    public void failoverHook(FailoverHook hook) {
        this.failover = hook;
    }

    public MasterLink(NodeControl node, ReplicationSettings settings, ReplicationIds ids, MasterSide master) {
        this.node = node;
        this.settings = settings;
        this.ids = ids;
        this.master = master;
    }

    // ------------------------------------------------------------------ what INFO and ROLE read

    public State state() {
        return state;
    }

    public boolean isReplica() {
        return state != State.NONE;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** slave_repl_offset (-1 without a master session, as ROLE shows it). */
    public long reploff() {
        return stream == null ? -1 : reploff;
    }

    public long readReploff() {
        return readReploff;
    }

    public long lastIoSecondsAgo() {
        return (System.currentTimeMillis() - lastIoMillis) / 1000;
    }

    /** When the link went down (unix ms), 0 when it never was up. */
    public long linkDownSinceMillis() {
        return linkDownSinceMillis;
    }

    /** Seconds the link has been down, or -1 when it never was up. */
    public long linkDownSeconds() {
        return linkDownSinceMillis == 0 ? -1 : (System.currentTimeMillis() - linkDownSinceMillis) / 1000;
    }

    public boolean syncInProgress() {
        return state == State.TRANSFER;
    }

    public long transferSize() {
        return transferSize;
    }

    public long transferRead() {
        return transferRead;
    }

    /** Whether the dataset is loading and clients must get -LOADING. */
    public boolean loading() {
        return loading;
    }

    /** The replication position for an RDB this replica saves (rdbPopulateSaveInfo). */
    public ReplicationMark mark() {
        return stream == null ? null : new ReplicationMark(ids.replid(), reploff, stream.db());
    }

    // ------------------------------------------------------------------ REPLICAOF

    /**
     * REPLICAOF host port (replicationSetMaster): under the lock. Returns false when already
     * following that master.
     */
    public boolean follow(String newHost, int newPort, String requestedBy) {
        return follow(newHost, newPort, requestedBy, true);
    }

    /**
     * @param cacheMyself whether a master turning replica offers its own history to the new master
     *                    (REPLICAOF at runtime, as Redis); a replica configured at start-up does
     *                    not (unless its RDB recorded a position, see {@link #resume})
     */
    public boolean follow(String newHost, int newPort, String requestedBy, boolean cacheMyself) {
        if (state != State.NONE && newHost.equalsIgnoreCase(host) && newPort == port) {
            return false;
        }
        boolean wasMaster = state == State.NONE && cacheMyself;
        dropLink();
        failures = 0; // a new master: the retry backoff starts over
        host = newHost;
        port = newPort;
        node.recordReplicaOf(newHost + " " + newPort);
        master.role(false, () -> state == State.CONNECTED);
        master.disconnectReplicas(); // they resync with us (partially, we hope) and learn the change
        if (wasMaster) {
            // replicationCacheMasterUsingMyself(): PSYNC the new master with our own history
            reploff = master.offset();
            readReploff = reploff;
            if (stream == null) {
                stream = node.openMasterStream(host + ":" + port, this);
            }
            stream.db(0);
        }
        node.replicaMode(true, settings.ignoreMaxmemory);
        NodeLog.notice("REPLICAOF " + newHost + ":" + newPort + " enabled (" + requestedBy + ")");
        state(State.CONNECT);
        scheduleConnect(0);
        return true;
    }

    /** Connects to a master {@link #follow}ed before the node ran (it had no event loop then). */
    public void connectIfWaiting() {
        if (state == State.CONNECT && retry == null) {
            scheduleConnect(0);
        }
    }

    /**
     * A restarted replica resumes from the position its RDB recorded (a cached master built
     * from it), so its first PSYNC can be partial. Under the lock, before the node serves.
     */
    public void resume(ReplicationMark mark) {
        ids.follow(mark.replId());
        ids.clearSecond();
        reploff = mark.offset();
        readReploff = mark.offset();
        master.resumeAt(mark.offset());
        stream = node.openMasterStream("master", this);
        stream.db(mark.streamDb());
        NodeLog.notice("Resuming replication from the RDB's position: replid " + mark.replId() + ", offset "
                + mark.offset());
    }

    /** REPLICAOF NO ONE (replicationUnsetMaster): under the lock. */
    public void promote(String requestedBy) {
        if (state == State.NONE) {
            return;
        }
        dropLink();
        ids.shift(master.offset()); // replicas of our old master continue with us through replid2
        master.disconnectReplicas();
        master.forceSelect();
        master.role(true, () -> true);
        if (stream != null) {
            stream.close();
            stream = null;
        }
        host = null;
        port = 0;
        state(State.NONE);
        loading = false;
        node.recordReplicaOf("");
        node.replicaMode(false, settings.ignoreMaxmemory);
        NodeLog.notice("MASTER MODE enabled (" + requestedBy + ")");
    }

    /** Stops everything (the node stops). */
    public void shutdown() {
        locked(this::dropLink);
    }

    void state(State s) {
        state = s;
        stateSinceMillis = System.currentTimeMillis();
    }

    private void dropLink() {
        generation++;
        heldSinceMillis = 0;
        if (retry != null) {
            retry.cancel(false);
            retry = null;
        }
        if (pipe != null) {
            pipe.fail(new java.io.IOException("the link to the master was replaced"));
            pipe = null;
        }
        if (link != null) {
            OutboundLink l = link;
            link = null;
            l.close();
        }
        closeRdbChannel();
        releaseHeld();
        receivingBulk = false;
    }

    void closeRdbChannel() {
        dual = false;
        if (rdbLink != null) {
            rdbLink.close();
            rdbLink = null;
        }
    }

    private void releaseHeld() {
        if (held != null) {
            held.release();
            held = null;
        }
    }

    // ------------------------------------------------------------------ connecting

    private void scheduleConnect(long delayMillis) {
        int gen = generation;
        retry = node.schedule(() -> locked(() -> connect(gen)), delayMillis);
    }

    private void connect(int gen) {
        if (gen != generation || state != State.CONNECT) {
            return;
        }
        if (settings.awaitingPeerName()) {
            holdForPeerName(gen);
            return;
        }
        heldSinceMillis = 0;
        state(State.CONNECTING);
        psyncSent = false;
        NodeLog.notice("Connecting to MASTER " + host + ":" + port);
        node.links().connect(options()).whenComplete((l, e) -> {
            if (e != null) {
                failed(gen, null, "Error condition on socket for SYNC: " + reason(e));
            } else {
                locked(() -> handshake(gen, l));
            }
        });
    }

    /** Whether this connection sent its PSYNC (a FAILOVER target may have taken over from then on). */
    private boolean psyncSent;
    /** Since when the link waits for the master's expected name (0: it does not). */
    private long heldSinceMillis;
    private long heldLoggedMillis;

    /**
     * No connection while the master's name is required and unknown: checked again every 200 ms
     * (the agent sets it within a second or two of seeing the mesh); logged when the wait starts
     * and every 30 s while it lasts, so an operator whose master is not a mesh member learns to
     * name it (tls-expected-peer-name) or to lift the requirement.
     */
    private void holdForPeerName(int gen) {
        long now = System.currentTimeMillis();
        if (heldSinceMillis == 0) {
            heldSinceMillis = now;
            heldLoggedMillis = now;
            NodeLog.notice("Replication to MASTER " + host + ":" + port + " waits for the master's expected name "
                    + "(tls-expected-peer-name-required): no connection until it is known");
        } else if (now - heldLoggedMillis >= 30_000) {
            heldLoggedMillis = now;
            NodeLog.warning("Replication to MASTER " + host + ":" + port + " still waits for the master's expected name "
                    + "after " + (now - heldSinceMillis) / 1000 + " s: set tls-expected-peer-name, or make sure the "
                    + "master is a mesh member");
        }
        scheduleConnect(200);
    }

    /** How a link to the master is made: TLS with the expected peer name when configured. */
    LinkOptions options() {
        String peer = settings.expectedPeerName;
        return new LinkOptions(host, port, settings.tls, peer.isEmpty() ? null : peer,
                settings.timeoutSeconds * 1000, 64 * 1024);
    }

    static String reason(Throwable e) {
        Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        return c.getMessage() == null ? c.toString() : c.getMessage();
    }

    private void handshake(int gen, OutboundLink l) {
        if (gen != generation) {
            l.close();
            return;
        }
        link = l;
        state(State.HANDSHAKE);
        lastIoMillis = System.currentTimeMillis();
        NodeLog.notice("MASTER <-> REPLICA sync started");
        l.closed().whenComplete((v, e) -> locked(() -> linkClosed(gen, l, e)));
        l.call(bytes("PING")).whenComplete((r, e) -> {
            if (e != null) {
                failed(gen, l, "Error reply to PING from master: " + reason(e));
                return;
            }
            // -NOAUTH and -NOPERM mean the master is there and wants AUTH: go on, as Redis does
            if (r.isError() && !r.line().startsWith("NOAUTH") && !r.line().startsWith("NOPERM")
                    && !r.line().startsWith("ERR operation not permitted")) {
                failed(gen, l, "Error reply to PING from master: '-" + r.line() + "'");
                return;
            }
            NodeLog.notice("Master replied to PING, replication can continue...");
            sendHandshake(gen, l, false, () -> locked(() -> psync(gen, l)));
        });
    }

    /**
     * AUTH and the REPLCONFs pipelined, as 7.0's syncWithMaster, then {@code then}. On a
     * dual-channel RDB connection the REPLCONFs say so (rdb-channel 1) instead of the port.
     */
    /** Dual channel: the RDB on a second connection (see {@link RdbChannel}). */
    void openRdbChannel(int gen, OutboundLink main) {
        new RdbChannel(this, gen, main).open();
    }

    void sendHandshake(int gen, OutboundLink l, boolean rdbChannel, Runnable then) {
        long listening = settings.announcePort > 0 ? settings.announcePort
                : settings.tls && node.tlsPort() > 0 ? node.tlsPort() : node.port();
        Handshake.send(l, settings, listening, rdbChannel).thenAccept(refusal -> {
            if (refusal != null) {
                failed(gen, l, refusal);
            } else {
                then.run();
            }
        });
    }

    private void psync(int gen, OutboundLink l) {
        if (gen != generation) {
            return;
        }
        String id;
        String from;
        if (stream != null) {
            id = ids.replid();
            from = Long.toString(reploff + 1);
            NodeLog.notice("Trying a partial resynchronization (request " + id + ":" + from + ").");
        } else {
            id = "?";
            from = "-1";
            NodeLog.notice("Partial resynchronization not possible (no cached master)");
        }
        streaming = false;
        psyncSent = true;
        if (failover.inProgress()) {
            l.callRaw(new SyncReader(new MainLinkEvents(this, gen, l)), bytes("PSYNC"), bytes(id), bytes(from), bytes("FAILOVER"));
        } else {
            l.callRaw(new SyncReader(new MainLinkEvents(this, gen, l)), bytes("PSYNC"), bytes(id), bytes(from));
        }
    }

    void failed(int gen, OutboundLink l, String why) {
        locked(() -> {
            if (gen != generation) {
                return;
            }
            NodeLog.warning(why);
            failures++;
            if (l != null && l == link) {
                link = null;
                l.close();
            }
            retryLater();
        });
    }

    /** Back to CONNECT; the next try after 1 s, doubling after each failure in a row up to 16 s. */
    private void retryLater() {
        if (!psyncSent && failover.inProgress()) {
            failover.unreachable(); // FAILOVER's target never heard from us: we lead again
            if (state == State.NONE) {
                return;
            }
        }
        generation++;
        if (state == State.CONNECTED) {
            linkDownSinceMillis = System.currentTimeMillis();
        }
        if (stream != null) {
            stream.reset(); // the cached master: a partial command or an open MULTI is dropped
        }
        if (pipe != null) {
            pipe.fail(new java.io.IOException("the link to the master was lost"));
            pipe = null;
        }
        releaseHeld();
        closeRdbChannel();
        receivingBulk = false;
        if (state == State.NONE) {
            return;
        }
        state(State.CONNECT);
        long delay = Math.min(16_000, 1000L << Math.min(4, Math.max(0, failures - 1)));
        scheduleConnect(delay);
    }

    private void linkClosed(int gen, OutboundLink l, Throwable e) {
        if (l != link || gen != generation) {
            return;
        }
        link = null;
        if (state == State.CONNECTED) {
            NodeLog.notice("Connection with master lost.");
            NodeLog.notice("Caching the disconnected master state.");
            if (stream != null) {
                stream.reset();
            }
            failures = 0;
        } else if (e != null) {
            NodeLog.warning("Lost the link to the MASTER during the sync: " + reason(e));
            failures++;
        }
        linkDownSinceMillis = System.currentTimeMillis();
        retryLater();
    }

    // ------------------------------------------------------------------ what the master sends

    /** The payload's last byte arrived: the loader reads to the end of what it was given. */
    void payloadReceived() {
        TransferPipe p = pipe;
        receivingBulk = false;
        if (p != null) {
            p.finish();
        }
    }

    /** RDB bytes on their way to the loader (dropped when they belong to a replaced link). */
    void receive(ByteBuf data, int len, boolean current) {
        TransferPipe p = pipe;
        if (p == null || !current) {
            data.skipBytes(len);
            return;
        }
        p.offer(data, len);
        transferRead += len;
        node.countReplicationInput(len);
        lastIoMillis = System.currentTimeMillis();
    }

    /** The payload starts: pick where it goes (repl-diskless-load) and start the loader thread. */
    void startTransfer(int gen, OutboundLink l, long length) {
        startTransfer(gen, l, l, length);
    }

    /**
     * @param l     the main link (what the stream arrives on, and what installs the dataset)
     * @param reads the link the payload arrives on (the main link, or the dual-channel RDB link)
     */
    void startTransfer(int gen, OutboundLink l, OutboundLink reads, long length) {
        String mode = settings.disklessLoad;
        boolean diskless = mode.equals("swapdb") || (mode.equals("on-empty-db") && node.datasets().empty());
        // swapdb with the same history: keep serving the old data while the new loads (7.0's async loading)
        boolean async = mode.equals("swapdb") && ids.replid().equals(fullReplid);
        transferSize = length;
        transferRead = 0;
        receivingBulk = true;
        TransferPipe p = new TransferPipe(reads::autoRead, settings.timeoutSeconds * 1000);
        pipe = p;
        NodeLog.notice("MASTER <-> REPLICA sync: receiving " + (length < 0 ? "streamed RDB" : length + " bytes")
                + " from master to " + (diskless ? "parser" : "disk"));
        if (diskless && !async) {
            loading = true;
        }
        Thread t = new Thread(() -> new SyncLoader(this).load(gen, l, p, diskless), "redmesh-repl-load");
        t.setDaemon(true);
        t.start();
    }

    /** Applied stream bytes (under the lock): the offset moves, sub-replicas get them verbatim. */
    @Override
    public void applied(ByteBuf raw) {
        reploff += raw.readableBytes();
        master.proxy(raw);
    }

    /**
     * How many stream bytes a dual-channel sync may hold while its RDB loads:
     * client-output-buffer-limit replica's hard limit (0: unbounded, as there).
     */
    long heldStreamLimit() {
        return settings.replicaHardLimit;
    }

    /** REPLCONF ACK &lt;offset&gt;: every second, after a sync, and when the master asks (GETACK). */
    public void sendAck() {
        OutboundLink l = link;
        if (l != null && state == State.CONNECTED) {
            l.send(bytes("REPLCONF"), bytes("ACK"), bytes(Long.toString(reploff)));
        }
    }

    /** The replica part of replicationCron(), every second. */
    public void cron() {
        long now = System.currentTimeMillis();
        long timeout = settings.timeoutSeconds * 1000;
        switch (state) {
            case CONNECTING, HANDSHAKE -> {
                if (now - stateSinceMillis > timeout) {
                    failedNow("Timeout connecting to the MASTER...");
                }
            }
            case TRANSFER -> {
                // waiting for the payload to start (a master that answered +FULLRESYNC and then
                // went silent, not even a newline) or for more of it; a local load takes its time
                if ((receivingBulk || pipe == null) && now - lastIoMillis > timeout) {
                    failedNow("Timeout receiving bulk data from MASTER... If the problem persists try to set the "
                            + "'repl-timeout' parameter in redis.conf to a larger value.");
                }
            }
            case CONNECTED -> {
                if (now - lastIoMillis > timeout) {
                    failedNow("MASTER timeout: no data nor PING received...");
                } else {
                    sendAck();
                }
            }
            default -> {
            }
        }
    }

    private void failedNow(String why) {
        OutboundLink l = link;
        failed(generation, l, why);
    }

    void locked(Runnable r) {
        io.redmesh.replication.UnderLock.run(node, r);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
