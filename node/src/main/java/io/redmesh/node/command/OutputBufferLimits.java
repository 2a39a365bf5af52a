package io.redmesh.node.command;

import io.redmesh.node.config.ServerConfig;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.ServerLog;

/**
 * What a client may hold in replies it has not read: Redis's client-output-buffer-limit (per
 * class: a hard limit, and a soft limit that may be exceeded for at most soft-seconds), the
 * CVE-2025-21605 limit for a connection that has not authenticated, and RedMesh's own ceiling on
 * one reply so that no reply can exhaust the heap.
 *
 * <p>The bytes counted are the bytes this node actually holds for the client: its reply buffer
 * (replies of the current batch not yet handed to the socket) plus Netty's outbound buffer
 * (handed over, not yet accepted by the kernel). Redis counts its reply list only, beside a
 * 16 KB static buffer, so the first 16 KB held are not counted here either: a limit then
 * closes a client exactly when Redis would (what matters for small limits, such as the 1 KB
 * of unauthenticated clients).
 *
 * <p>Under the limits, a client holding more than its share of the reply budget is not read from
 * until its socket drains ({@link #readPauseThreshold}), and one that others push output to is
 * closed past the ceiling ({@link #pushedPastCeiling}).
 *
 * <p>A client over a limit is closed as Redis's closeClientOnOutputBufferLimitReached() does:
 * logged, its pending output dropped, its connection closed at once (not after a flush it will
 * never read), and nothing more of its pipeline runs.
 */
public final class OutputBufferLimits {
    /** Redis's REPLY_BUFFER_SIZE_UNAUTHENTICATED_CLIENT (the CVE-2025-21605 fix). */
    static final long UNAUTHENTICATED_LIMIT = 1024;
    /** Redis's static reply buffer (PROTO_REPLY_CHUNK_BYTES), which its count leaves out. */
    static final long REDIS_STATIC_BUFFER = 16 * 1024;
    /**
     * The least a client may hold before reading pauses: Netty's high-water mark, so a paused
     * channel is unwritable and always tells when it drains (reading resumes then).
     */
    static final long MIN_READ_PAUSE = 64 * 1024;
    /** Classes as CONFIG's client-output-buffer-limit names them (Redis: normal, slave, pubsub). */
    public static final int NORMAL = 0;
    public static final int REPLICA = 1;
    public static final int PUBSUB = 2;

    private volatile long[] hard = {0, 256L << 20, 32L << 20};
    private volatile long[] soft = {0, 64L << 20, 8L << 20};
    private volatile long[] softSeconds = {0, 60, 60};
    /** The most one reply buffer may hold (see {@link #replyCeiling()}). */
    private volatile long replyCeiling = defaultReplyCeiling();
    /** Clients closed for overcoming a limit (INFO stats, tests). */
    volatile long disconnections;

    OutputBufferLimits(ServerConfig config) {
        config.onChange("client-output-buffer-limit", v -> parse((String) v));
        config.onChange("client-reply-ceiling", v -> replyCeiling = (Long) v <= 0 ? defaultReplyCeiling()
                : Math.max(4096, (Long) v));
    }

    /**
     * The JVM's own safety limit, where Redis has none (client-output-buffer-limit normal 0 0 0
     * lets a Redis reply grow until the machine runs out of memory): one eighth of the maximum
     * heap, at least 16 MB and at most 1 GB (the hidden directive client-reply-ceiling sets
     * another). A command whose reply would pass it is answered with an error instead (see
     * docs/SECURITY.md).
     */
    static long defaultReplyCeiling() {
        long eighth = Runtime.getRuntime().maxMemory() / 8;
        return Math.max(16L << 20, Math.min(1L << 30, eighth));
    }

    /** The ceiling on one batch of replies, as the error reply names it. */
    public long replyCeiling() {
        return replyCeiling;
    }

    /** The parsed config value: "normal 0 0 0 slave 268435456 67108864 60 pubsub ...". */
    private void parse(String value) {
        long[] h = hard.clone();
        long[] s = soft.clone();
        long[] secs = softSeconds.clone();
        String[] w = value.trim().split("\\s+");
        for (int i = 0; i + 3 < w.length; i += 4) {
            int cls = switch (w[i]) {
                case "normal" -> NORMAL;
                case "slave", "replica" -> REPLICA;
                case "pubsub" -> PUBSUB;
                default -> -1;
            };
            if (cls < 0) {
                continue;
            }
            h[cls] = Long.parseUnsignedLong(w[i + 1]);
            s[cls] = Long.parseUnsignedLong(w[i + 2]);
            secs[cls] = Long.parseLong(w[i + 3]);
        }
        softSeconds = secs;
        soft = s;
        hard = h;
    }

    /**
     * How much of its own replies a client may hold before the node stops reading its requests
     * (backpressure). Redis reads on whatever a normal client holds, and a client that writes
     * its whole pipeline before reading a reply (a Jedis pipeline) depends on that: stop too early
     * and both sides wait for ever. So the node reads on until the client holds its share of a
     * budget of twice the reply ceiling among all connections, at least 64 KB, at most half the
     * ceiling: one client has room for millions of pipelined replies, and many clients that never
     * read hold no more than the budget together (plus one read batch each).
     */
    long readPauseThreshold(int connections) {
        long budget = 2 * replyCeiling;
        return Math.max(MIN_READ_PAUSE, Math.min(replyCeiling / 2, budget / Math.max(1, connections)));
    }

    /**
     * Whether output others push to this client (messages, MONITOR lines, tracking invalidations) has passed the reply
     * ceiling: reading less from such a client does not slow what it is sent, and Redis, whose
     * normal class has no limit and whose pubsub limits may be off, would grow it until the host
     * runs out of memory. RedMesh closes it there, as a hard limit would.
     */
    boolean pushedPastCeiling(Session s, long held) {
        return (s.isSubscriber() || s.monitor || s.trackingPushTarget) && held > replyCeiling;
    }

    /** Redis's getClientType() for the limits: replica links, subscribers (pubsub), everyone else normal. */
    static int classOf(Session s) {
        if (s.isReplica()) {
            return REPLICA;
        }
        return s.isSubscriber() ? PUBSUB : NORMAL;
    }

    /**
     * The capacity a new reply buffer of this client may grow to: the reply ceiling, or the
     * class's hard limit when that is smaller (a reply passing it closes the client anyway).
     */
    int bufferCapacity(Session s) {
        long h = hard[classOf(s)];
        long cap = h > 0 && h + REDIS_STATIC_BUFFER < replyCeiling ? h + REDIS_STATIC_BUFFER + 1 : replyCeiling;
        return (int) Math.min(Integer.MAX_VALUE - 8, cap);
    }

    /**
     * Checks the client's held bytes against its limits; closes it (and returns true) when one
     * is passed. Called under the server lock after each command, each flush and each delivery.
     */
    boolean enforce(Session s) {
        if (s.closed) {
            return true;
        }
        if (s.isReplica()) {
            return false; // the replication module counts what it holds for a replica (enforceReplica)
        }
        return enforce(s, s.heldOutputBytes());
    }

    /**
     * A replica link: {@code held} is the replication stream the master holds for it (the part of
     * the shared buffer it has not been sent, plus the socket's queue), as Redis counts a
     * replica's references into the replication buffer.
     */
    boolean enforceReplica(Session s, long held) {
        if (s.closed) {
            return true;
        }
        return enforce(s, held + REDIS_STATIC_BUFFER);
    }

    private boolean enforce(Session s, long held) {
        // Redis counts what passed its 16 KB static buffer: a limit of a few bytes must not close
        // a client for one short reply (CONFIG SET client-output-buffer-limit normal 1 2 3 gets +OK)
        long used = Math.max(0, held - REDIS_STATIC_BUFFER);
        if (!s.authenticated && s.server.authRequired() && used > UNAUTHENTICATED_LIMIT) {
            closeAsap(s, held);
            return true;
        }
        int cls = classOf(s);
        long h = hard[cls];
        if (h > 0 && used >= h) {
            closeAsap(s, held);
            return true;
        }
        long sl = soft[cls];
        if (sl > 0 && used >= sl) {
            long now = System.currentTimeMillis();
            if (s.softLimitSinceMillis == 0) {
                s.softLimitSinceMillis = now; // the soft limit starts counting now
            } else if (now - s.softLimitSinceMillis > softSeconds[cls] * 1000) {
                closeAsap(s, held);
                return true;
            }
        } else {
            s.softLimitSinceMillis = 0;
        }
        if (pushedPastCeiling(s, held)) {
            closeAsap(s, held);
            return true;
        }
        // A replica link is never paused: its ACKs must keep being read, and its backlog is
        // bounded by the replica class's limits above.
        if (!s.isReplica() && held > MIN_READ_PAUSE && held > readPauseThreshold(s.server.sessions.size())) {
            s.transport.pauseReadingForReplies(); // resumes by itself once the socket drains
        }
        return false;
    }

    /** A reply passed the buffer capacity: over the class's hard limit, or the reply ceiling. */
    boolean overHardLimit(Session s) {
        long h = hard[classOf(s)];
        return h > 0 && h + REDIS_STATIC_BUFFER < replyCeiling;
    }

    /** closeClientOnOutputBufferLimitReached(): logged once, output dropped, closed at once. */
    void closeAsap(Session s, long used) {
        if (s.closed) {
            return;
        }
        disconnections++;
        ServerLog.warning("Client id=" + s.id + " addr=" + s.transport().remoteAddress() + " laddr="
                + s.transport().localAddress() + " name=" + (s.name == null ? "" : Bytes.latin1(s.name))
                + " omem=" + used + " cmd=" + s.lastCommand + " user=" + s.user
                + " scheduled to be closed ASAP for overcoming of output buffer limits.");
        s.dropOutputAndClose();
    }
}
