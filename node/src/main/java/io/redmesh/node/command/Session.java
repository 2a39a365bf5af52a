package io.redmesh.node.command;

import io.netty.buffer.ByteBuf;
import io.redmesh.node.db.Database;
import io.redmesh.node.resp.Reply;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The state of one client connection as the command layer sees it (Redis's struct client):
 * selected database, protocol version, authentication, transaction, subscriptions, blocking,
 * and the reply buffer that commands write into. Owned by its connection's I/O thread; other
 * threads reach it only through {@link #deliver}.
 */
public final class Session {
    public enum ReplyMode { ON, OFF, SKIP, SKIP_NEXT }

    public final long id;
    public final ServerContext server;
    final SessionTransport transport;
    public final long createdMillis = System.currentTimeMillis();
    public long lastInteractionMillis = createdMillis;

    private ByteBuf out;
    public final Reply reply;
    /** A flush task is queued (set under the lock by any thread, cleared by the flush). */
    private final java.util.concurrent.atomic.AtomicBoolean flushScheduled = new java.util.concurrent.atomic.AtomicBoolean();
    /** Buffer end and ticket when a flush last started waiting for the durability barrier. */
    private int barrierMark = -1;
    private long barrierTicket = -1;

    Database db;
    public byte[] name;
    public String libName;
    public String libVersion;
    public boolean authenticated;
    /** The ACL user this session runs as. */
    public String user = "default";
    /** The user a verified client certificate logged this connection in as (tls-auth-clients-user), or null. */
    public String certificateUser;
    /**
     * Whether that user's root selector allows every command, key and channel, so the ACL
     * check can be skipped (kept current by the ACL layer whenever the user changes).
     */
    public boolean aclUnrestricted = true;
    /** The ACL epoch {@link #aclUnrestricted} was computed at (-1: never; the ACL layer re-reads it). */
    public long aclEpoch = -1;
    public ReplyMode replyMode = ReplyMode.ON;
    /**
     * While a command that CLIENT REPLY OFF/SKIP may silence runs: the [start, end) buffer
     * ranges of the push frames written for this client meanwhile (null otherwise). Redis's
     * CLIENT_PUSHING lets pub/sub confirmations and messages through whatever the reply mode.
     */
    private int[] pushRanges;
    private int pushRangeCount;
    public boolean noEvict;
    /** CLIENT TRACKING state (see ClientTracking). */
    public final ClientTracking.Mode tracking = new ClientTracking.Mode();
    public boolean closeAfterReply;
    public boolean closed;
    public boolean monitor;
    /**
     * Sent tracking invalidations (its own, or as another client's redirect target): output others'
     * writes push to it, which reading less from it does not slow (OutputBufferLimits.pushedPastCeiling).
     */
    public boolean trackingPushTarget;
    /** Set by SHUTDOWN etc. to make the transport close when flushed. */
    public String lastCommand = "NULL";

    /** Cluster mode: ASKING was sent (lasts one command, or a whole MULTI). */
    public boolean asking;
    /** Cluster mode: READONLY was sent (a replica serves reads of its master's slots). */
    public boolean readonlyCluster;

    // MULTI/EXEC
    boolean inMulti;
    boolean multiError;
    boolean inExec;
    final List<QueuedCommand> queued = new ArrayList<>();
    int queuedFlags;

    /** Whether a queued command of the open transaction writes (EXEC then counts as a write). */
    public boolean queuedWrite() {
        return (queuedFlags & CommandFlag.WRITE.bit) != 0;
    }
    /** WATCHed (db, key) pairs; set dirty by WatchRegistry when any of them changes. */
    final List<WatchRegistry.WatchedKey> watched = new ArrayList<>();
    boolean dirtyCas;

    /** A watched key changed: EXEC will fail (CLIENT LIST flag d). */
    public boolean dirtyCas() {
        return dirtyCas;
    }

    // Pub/Sub
    final Set<ByteString> channels = new LinkedHashSet<>();
    final Set<ByteString> patterns = new LinkedHashSet<>();
    final Set<ByteString> shardChannels = new LinkedHashSet<>();

    // Blocking
    BlockingRegistry.BlockedState blocked;
    /** Requests that arrived while the session was blocked, run when it is unblocked. */
    final ArrayDeque<byte[][]> pending = new ArrayDeque<>();
    /** While a blocked command is re-run: the key whose readiness woke it. */
    byte[] servingKey;
    /** While a blocked command is re-run: its original deadline, so blocking again keeps it. */
    long rerunDeadline = -1;

    /** When the client's held output first reached its soft limit (0: it is under it). */
    long softLimitSinceMillis;
    /** Bytes produced for this client on other threads, on their way to its buffer (deliverBuffer). */
    private final java.util.concurrent.atomic.AtomicLong inTransit = new java.util.concurrent.atomic.AtomicLong();

    /**
     * Set once the connection sent PSYNC/SYNC and became a replica link (CLIENT LIST flags=S):
     * its replies are dropped, the replication module writes the stream through the channel.
     */
    ReplicaLinkChannel replicaLink;
    /** This session applies the master's stream (CLIENT LIST flags=M, mustObeyClient()). */
    boolean master;
    /** The script client after redis.set_repl(redis.REPL_NONE): its writes are not propagated. */
    boolean propagationOff;
    /** A write held back by a write pause (FAILOVER): it runs again, first, when the pause ends. */
    boolean postponed;

    // Stats for CLIENT LIST
    public long commandsProcessed;
    public long netInput;
    public long netOutput;

    /** A command queued by MULTI. */
    record QueuedCommand(CommandSpec spec, byte[][] argv) {}

    public Session(long id, ServerContext server, SessionTransport transport) {
        this.id = id;
        this.server = server;
        this.transport = transport;
        this.out = newReplyBuffer();
        this.reply = new Reply(out);
        this.reply.errorListener(server.stats::countError); // INFO errorstats, total_error_replies
        this.db = server.keyspace.db(0);
        this.authenticated = !server.authRequired();
        this.aclUnrestricted = server.defaultUserUnrestricted();
    }

    public SessionTransport transport() {
        return transport;
    }

    public Database db() {
        return db;
    }

    public void select(int index) {
        db = server.keyspace.db(index);
    }

    public int protocol() {
        return reply.protocol();
    }

    public boolean inMulti() {
        return inMulti;
    }

    public boolean inExec() {
        return inExec;
    }

    public boolean isSubscriber() {
        return !channels.isEmpty() || !patterns.isEmpty() || !shardChannels.isEmpty();
    }

    /** Channels + patterns: the count (P)SUBSCRIBE confirmations carry (shard channels count apart). */
    public int subscriptionCount() {
        return channels.size() + patterns.size();
    }

    public Set<ByteString> shardChannels() {
        return shardChannels;
    }

    public Set<ByteString> channels() {
        return channels;
    }

    public Set<ByteString> patterns() {
        return patterns;
    }

    /**
     * Redis's islocalClient(): a unix socket, or a TCP peer at exactly 127.0.0.1 or ::1 (what
     * enable-debug-command "local" admits).
     */
    public boolean isLocal() {
        String addr = transport.remoteAddress();
        if (addr.isEmpty() || addr.startsWith("/")) {
            return true;
        }
        int colon = addr.lastIndexOf(':');
        String ip = colon < 0 ? addr : addr.substring(0, colon);
        return ip.equals("127.0.0.1") || ip.equals("::1") || ip.equals("0:0:0:0:0:0:0:1");
    }

    public boolean isBlocked() {
        return blocked != null;
    }

    /** Whether this connection is a replica's link (it sent PSYNC or SYNC). */
    public boolean isReplica() {
        return replicaLink != null;
    }

    /** The transport's writability changed; a replica link learns it (on the I/O thread). */
    public void writabilityChanged(boolean writable) {
        ReplicaLinkChannel link = replicaLink;
        if (link != null) {
            link.writabilityChanged(writable);
        }
    }

    /** Whether this session applies the master's replication stream. */
    public boolean isMaster() {
        return master;
    }

    /** The id of the AOF loader's fake client (Redis's CLIENT_ID_AOF). */
    public static final long AOF_CLIENT_ID = Long.MAX_VALUE;

    /**
     * Redis's mustObeyClient(): the master's stream or the AOF being loaded, whose commands were
     * already judged where they first ran.
     */
    public boolean mustObey() {
        return master || id == AOF_CLIENT_ID;
    }

    public int watchedCount() {
        return watched.size();
    }

    public int queuedCount() {
        return queued.size();
    }

    // ------------------------------------------------------------------ output

    /**
     * Sends what commands wrote since the last flush (called at the end of a read batch). Runs on
     * the session's I/O thread; takes the server lock because a command on another connection's
     * thread may be writing to this session (a blocked client it serves) at the same time.
     */
    public void flush() {
        flush(-1);
    }

    /**
     * @param awaited the durability ticket the caller just waited for (-1: none). The barrier is
     *                not asked again only when nothing was added to the buffer since the latest
     *                wait began and that wait's ticket is covered; otherwise replies added
     *                meanwhile (a pipeline read while waiting) could leave before their write.
     */
    private void flush(long awaited) {
        if (!server.lock.tryLock()) {
            if (flushWhileScriptBusy() || nothingToFlushWhileBlocked()) {
                return;
            }
            server.lock.lock();
        }
        try {
            if (awaited >= 0 && closed) {
                return; // closed while waiting: the buffer is gone
            }
            flushScheduled.set(false);
            if (replicaLink != null) {
                out.clear(); // Redis sends a replica no replies (prepareClientToWrite)
            }
            if (out.isReadable()) {
                DurabilityBarrier barrier = server.durability();
                boolean covered = awaited >= 0 && out.writerIndex() == barrierMark && awaited >= barrierTicket;
                if (barrier != null && !covered) {
                    long ticket = barrier.pending();
                    if (ticket >= 0) {
                        // Group commit: the wait runs after the I/O batch, so one fsync covers
                        // every connection that wrote in it. Later flush requests join this one.
                        flushScheduled.set(true);
                        barrierMark = out.writerIndex();
                        barrierTicket = ticket;
                        transport.execute(() -> {
                            barrier.await(ticket);
                            flush(ticket);
                        });
                        return;
                    }
                }
                netOutput += out.readableBytes();
                server.stats.netOutputBytes += out.readableBytes();
                barrierMark = -1; // a new buffer: a stale waiter must ask the barrier again
                ByteBuf full = out;
                out = newReplyBuffer();
                reply.target(out);
                transport.write(full);
                server.outputLimits.enforce(this);
            }
            if (closeAfterReply && !closed) {
                closed = true;
                transport.close();
            }
        } finally {
            server.lock.unlock();
        }
    }

    /**
     * A script holds the lock past busy-reply-threshold: sends this session's buffer without the
     * lock (its -BUSY replies), which is safe because no other thread writes to a session that is
     * not blocked. Not with the AOF on (replies wait for their writes' fsync, which needs the
     * lock) or for a blocked session; returns false then, and the caller waits for the lock.
     */
    private boolean flushWhileScriptBusy() {
        if (blocked != null || replicaLink != null || closed || server.durability() != null || !server.scriptBusy()) {
            return false;
        }
        flushScheduled.set(false);
        if (out.isReadable()) {
            netOutput += out.readableBytes();
            ByteBuf full = out;
            out = newReplyBuffer();
            reply.target(out);
            transport.write(full);
        }
        if (closeAfterReply && !closed) {
            closed = true;
            transport.close();
        }
        return true;
    }

    /**
     * A blocked client (its script running on the script thread, which holds the lock) with
     * nothing to send: no need to wait for the lock. Whoever writes its reply schedules a flush;
     * the flag is cleared before the buffer is looked at so that such a flush is never lost.
     */
    private boolean nothingToFlushWhileBlocked() {
        if (blocked == null || closeAfterReply) {
            return false;
        }
        flushScheduled.set(false);
        return !out.isReadable();
    }

    /** Bytes written by commands but not yet handed to the transport. */
    public int bufferedBytes() {
        return out.readableBytes();
    }

    /** The size of the buffer replies are written into (CLIENT LIST rbs). */
    public int replyBufferCapacity() {
        return closed ? 0 : out.capacity();
    }

    /** The arguments of the commands MULTI queued, with a pointer each (CLIENT LIST multi-mem). */
    public long queuedArgvBytes() {
        long n = 0;
        for (QueuedCommand q : queued) {
            for (byte[] a : q.argv()) {
                n += a.length + 8;
            }
        }
        return n;
    }

    /**
     * Every reply byte this node holds for the client: its buffer plus what the transport has
     * not yet written to the socket (what client-output-buffer-limit is checked against).
     */
    public long heldOutputBytes() {
        return out.readableBytes() + transport.pendingOutputBytes() + inTransit.get();
    }

    /**
     * A reply buffer that cannot grow past what the client may hold: a command writing more
     * fails on the write (see Dispatcher), so no reply can take the heap.
     */
    private ByteBuf newReplyBuffer() {
        return transport.alloc().buffer(256, server.outputLimits.bufferCapacity(this));
    }

    /** Whether an exception is a write that passed the reply buffer's capacity. */
    static boolean isReplyOverflow(RuntimeException e) {
        return e instanceof IndexOutOfBoundsException && e.getMessage() != null
                && e.getMessage().contains("exceeds maxCapacity");
    }

    /**
     * The output limits closed this client: what it has not read is dropped and the connection
     * closed now (a close after a flush would wait for a reader that never reads). Under the lock.
     */
    void dropOutputAndClose() {
        closeAfterReply = true;
        out.clear();
        if (server.blocking.unblock(this) != null) {
            pending.clear();
        }
        pending.clear();
        transport.closeNow();
    }

    /**
     * Writes a pub/sub confirmation or message for this client: a push frame on RESP3, an array
     * on RESP2, which CLIENT REPLY OFF/SKIP do not silence.
     */
    public void push(Consumer<Reply> writer) {
        int start = out.writerIndex();
        writer.accept(reply);
        recordPush(start);
    }

    private void recordPush(int start) {
        if (pushRanges == null || out.writerIndex() == start) {
            return;
        }
        if (2 * pushRangeCount + 2 > pushRanges.length) {
            pushRanges = java.util.Arrays.copyOf(pushRanges, pushRanges.length * 2);
        }
        pushRanges[2 * pushRangeCount] = start;
        pushRanges[2 * pushRangeCount + 1] = out.writerIndex();
        pushRangeCount++;
    }

    /** From here until {@link #dropRepliesSince}/{@link #keepReplies}, push frames are noted. */
    void notePushes() {
        pushRanges = new int[8];
        pushRangeCount = 0;
    }

    /** Ends the noting of push frames (the command's replies stand). */
    void keepReplies() {
        pushRanges = null;
    }

    /**
     * Drops what the command wrote since {@code mark} (CLIENT REPLY OFF/SKIP), keeping in order
     * the push frames noted since {@link #notePushes}.
     */
    void dropRepliesSince(int mark) {
        int[] ranges = pushRanges;
        int n = pushRangeCount;
        pushRanges = null;
        if (ranges == null || n == 0) {
            out.writerIndex(mark);
            return;
        }
        int kept = 0;
        for (int i = 0; i < n; i++) {
            kept += ranges[2 * i + 1] - ranges[2 * i];
        }
        byte[] pushes = new byte[kept];
        int at = 0;
        for (int i = 0; i < n; i++) {
            int len = ranges[2 * i + 1] - ranges[2 * i];
            out.getBytes(ranges[2 * i], pushes, at, len);
            at += len;
        }
        out.writerIndex(mark);
        out.writeBytes(pushes);
    }

    /**
     * Writes to this session from any command context (pub/sub messages, MONITOR lines, a blocked
     * client served by another client's push), preserving order with the session's own replies.
     */
    public void deliver(Consumer<Reply> writer) {
        if (closed || closeAfterReply) {
            return; // Redis adds no reply to a client flagged to close (prepareClientToWrite)
        }
        if (transport.inIoThread()) {
            int mark = out.writerIndex();
            try {
                writer.accept(reply);
            } catch (RuntimeException e) {
                if (!isReplyOverflow(e)) {
                    throw e;
                }
                out.writerIndex(mark);
                server.outputLimits.closeAsap(this, heldOutputBytes());
                return;
            }
            recordPush(mark); // e.g. a message this client published to itself
            scheduleFlush();
            return;
        }
        ByteBuf tmp = transport.alloc().buffer(64);
        Reply r = new Reply(tmp);
        r.protocol(reply.protocol());
        writer.accept(r);
        deliverBuffer(tmp);
    }

    /**
     * Appends a reply produced on another thread, on this session's thread; takes ownership.
     * Until it lands it counts as held (a task queue is memory too), and output pushed past the
     * ceiling closes the client here, before it is queued (the caller holds the server lock).
     */
    void deliverBuffer(ByteBuf tmp) {
        int size = tmp.readableBytes();
        long held = heldOutputBytes() + size;
        if (server.outputLimits.pushedPastCeiling(this, held)) {
            tmp.release();
            server.outputLimits.closeAsap(this, held);
            return;
        }
        inTransit.addAndGet(size);
        transport.execute(() -> landDelivered(tmp, size));
    }

    /** deliverBuffer()'s second half, on this session's thread (again later while a script holds the lock). */
    private void landDelivered(ByteBuf tmp, int size) {
        if (!server.lockOrDeferForScript(transport, () -> landDelivered(tmp, size))) {
            return;
        }
        try {
            inTransit.addAndGet(-size);
            if (closed || closeAfterReply) {
                return;
            }
            if (size > out.maxWritableBytes()) {
                server.outputLimits.closeAsap(this, heldOutputBytes() + size);
                return;
            }
            out.writeBytes(tmp);
        } finally {
            tmp.release();
            server.lock.unlock();
        }
        flush();
    }

    /** Flushes after the current I/O batch. */
    public void scheduleFlush() {
        if (flushScheduled.compareAndSet(false, true)) {
            transport.execute(this::flush);
        }
    }

    /** Frees buffers; the session is gone. */
    void release() {
        closed = true;
        if (out.refCnt() > 0) {
            out.release();
        }
    }

    /**
     * Another client's command ends this one (CLIENT KILL, ACL DELUSER, revoked channels), as
     * Redis's freeClient(): from now on it runs no request and is sent no message, even those
     * its own thread reads or publishes before the close task runs there. Under the lock.
     */
    public void kill() {
        closeAfterReply = true;
        if (server.blocking.unblock(this) != null) {
            pending.clear(); // a key fed meanwhile must not be served to (popped for) a dead client
        }
        closeAsync();
    }

    /** Closes the connection once pending replies are written (QUIT, CLIENT KILL). */
    public void closeAsync() {
        if (closed) {
            return;
        }
        if (transport.inIoThread()) {
            closeAfterReply = true;
            scheduleFlush();
        } else {
            transport.execute(() -> {
                closeAfterReply = true;
                flush();
            });
        }
    }
}
