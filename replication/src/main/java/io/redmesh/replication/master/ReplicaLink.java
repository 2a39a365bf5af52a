package io.redmesh.replication.master;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.redmesh.node.spi.ReplicaChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One replica as its master sees it (Redis's client with CLIENT_SLAVE): where it is in the
 * synchronization, what it said about itself (REPLCONF), how far it acknowledged, and where it
 * reads the shared {@link ReplicationBuffer}. The stream goes to its channel in batches: a
 * propagated write only schedules one flush task on the replica's event loop (if none is
 * pending), which writes what accumulated, as far as the socket takes it; a replica that does
 * not keep up never slows the command path, it falls behind in the buffer until
 * client-output-buffer-limit replica cuts it.
 */
public final class ReplicaLink {
    /** Redis's replstate names, as INFO shows them. */
    public enum State {
        WAIT_BGSAVE_START("wait_bgsave"), WAIT_BGSAVE_END("wait_bgsave"), SEND_BULK("send_bulk"),
        WAIT_ACK("online"), ONLINE("online"),
        /** Dual-channel: told to fetch the RDB on a second connection; PSYNCs again here after. */
        WAIT_RDB_CHANNEL("wait_bgsave");

        public final String info;

        State(String info) {
            this.info = info;
        }
    }

    /** Largest batch handed to the socket at once. */
    private static final int MAX_BATCH = 256 * 1024;
    /** Below this the output limits are not consulted on a flush (the cron still checks every second). */
    private static final long LIMIT_CHECK_FROM = 64 * 1024;

    final ReplicaChannel channel;
    private final ReplicationBuffer buffer;
    private final LimitCheck limits;
    volatile State state = State.WAIT_BGSAVE_START;
    /** REPLCONF listening-port / ip-address / capa. */
    volatile int listeningPort;
    volatile String announcedIp;
    volatile boolean capaEof;
    volatile boolean capaPsync2;
    /** REPLCONF capa rdb-channel: it can fetch a full sync's RDB on a second connection. */
    volatile boolean capaRdbChannel;
    /** This connection is such a second connection (REPLCONF rdb-channel 1): the RDB only. */
    volatile boolean rdbChannel;
    /** The next stream offset to send (set when the replica starts following the buffer). */
    volatile long position = -1;
    /** REPLCONF ACK offset and when it came. */
    volatile long ackOffset;
    volatile long ackMillis = System.currentTimeMillis();
    /** The offset of the full sync's snapshot (what +FULLRESYNC named). */
    volatile long syncOffset = -1;
    /** Old-style SYNC: no +FULLRESYNC line, disk-backed payload. */
    volatile boolean oldSync;
    volatile long syncRequestedMillis = System.currentTimeMillis();
    /** The connection is gone. */
    volatile boolean closed;
    private final AtomicBoolean flushScheduled = new AtomicBoolean();

    /** How the link checks client-output-buffer-limit replica (needs the keyspace lock). */
    @FunctionalInterface
    interface LimitCheck {
        boolean closeIfOver(ReplicaLink link, long held);
    }

    ReplicaLink(ReplicaChannel channel, ReplicationBuffer buffer, LimitCheck limits) {
        this.channel = channel;
        this.buffer = buffer;
        this.limits = limits;
    }

    public long clientId() {
        return channel.clientId();
    }

    public State state() {
        return state;
    }

    public long ackOffset() {
        return ackOffset;
    }

    /** The address INFO and ROLE show: the announced ip or the connection's, and the listening port. */
    public String ip() {
        if (announcedIp != null && !announcedIp.isEmpty()) {
            return announcedIp;
        }
        String a = channel.remoteAddress();
        int colon = a.lastIndexOf(':');
        return colon < 0 ? a : a.substring(0, colon);
    }

    public int port() {
        return listeningPort;
    }

    /** Seconds since the last ACK (INFO lag). */
    public long lagSeconds() {
        return (System.currentTimeMillis() - ackMillis) / 1000;
    }

    /** Starts sending the buffer from {@code from}: the replica is online. */
    void online(long from) {
        position = from;
        state = State.ONLINE;
        scheduleFlush();
    }

    /** Writes a line the master sends outside the stream (+FULLRESYNC, $EOF, newlines). */
    void writeRaw(String text) {
        // written at once (queued in call order): a line must precede what the caller writes next
        channel.write(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
    }

    /** New stream data may be there: one flush task per event-loop turn, however many writes. */
    void scheduleFlush() {
        if (state == State.ONLINE && flushScheduled.compareAndSet(false, true)) {
            channel.execute(this::flush);
        }
    }

    /** On the replica's event loop: sends what the socket takes, then checks the output limit. */
    void flush() {
        flushScheduled.set(false);
        if (state != State.ONLINE) {
            return;
        }
        while (channel.writable()) {
            ByteBuf b = buffer.read(position, MAX_BATCH);
            if (b == null) {
                return;
            }
            position += b.readableBytes();
            channel.write(b);
        }
        // a replica that keeps up holds a socket's worth: check the limits (under the node's
        // lock) only when it holds more, which is also when a limit could be near
        long held = heldBytes();
        if (held > LIMIT_CHECK_FROM) {
            limits.closeIfOver(this, held);
        }
    }

    /** Stream bytes the master holds for this replica: not yet written, plus the socket's queue. */
    long heldBytes() {
        long p = position;
        long unsent = p < 0 ? 0 : Math.max(0, buffer.offset() - p + 1);
        return unsent + channel.pendingBytes();
    }
}
