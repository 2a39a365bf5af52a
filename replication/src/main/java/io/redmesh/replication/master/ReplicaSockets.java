package io.redmesh.replication.master;

import io.netty.buffer.Unpooled;
import io.redmesh.node.spi.NodeLog;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The RDB of a full sync written to the sockets of every replica that shares it (Redis's
 * rdbSaveToSlavesSockets, one snapshot walk for all of them). Written from the snapshot's or the
 * file sender's thread, never the command path: a replica whose socket holds more than
 * {@value #MAX_QUEUED} bytes makes the writer wait (so the RDB never piles up in memory), for at
 * most repl-timeout, after which that replica is dropped and the others go on. The stream ends
 * when no replica is left.
 */
final class ReplicaSockets extends OutputStream {
    static final long MAX_QUEUED = 4L << 20;
    /**
     * Bytes gathered before they go to the sockets: the snapshot walk hands over what each short
     * slice produced, and one socket write per slice (a task handed to another thread's event
     * loop each time) would cost more than the bytes.
     */
    static final int BATCH = 256 * 1024;

    private final List<ReplicaLink> targets;
    private final long timeoutMillis;
    private final byte[] batch = new byte[BATCH];
    private int batched;
    private long written;

    ReplicaSockets(List<ReplicaLink> targets, long timeoutMillis) {
        this.targets = new CopyOnWriteArrayList<>(targets);
        this.timeoutMillis = timeoutMillis;
    }

    List<ReplicaLink> targets() {
        return targets;
    }

    long written() {
        return written;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (batched + len > BATCH) {
            flush();
        }
        if (len >= BATCH) {
            send(b, off, len);
            return;
        }
        System.arraycopy(b, off, batch, batched, len);
        batched += len;
    }

    @Override
    public void flush() throws IOException {
        if (batched > 0) {
            int n = batched;
            batched = 0;
            send(batch, 0, n);
        }
    }

    private void send(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        for (ReplicaLink r : targets) {
            if (!waitForRoom(r)) {
                NodeLog.warning("Diskless rdb transfer to replica " + r.ip() + ":" + r.port()
                        + " stalled past repl-timeout: dropping it");
                targets.remove(r);
                r.channel.close();
                continue;
            }
            r.channel.write(Unpooled.copiedBuffer(b, off, len));
        }
        written += len;
        if (targets.isEmpty()) {
            throw new IOException("no replica is left to receive the RDB");
        }
    }

    /** Waits (bounded) until the replica's socket queue is under the limit; false if it never is. */
    private boolean waitForRoom(ReplicaLink r) throws IOException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (r.channel.pendingBytes() > MAX_QUEUED) {
            if (r.closed || System.currentTimeMillis() > deadline) {
                return false;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
        return true;
    }

    /** Writes a text to every replica still there (the EOF mark), after what is batched. */
    void writeAll(String text) throws IOException {
        flush();
        byte[] b = text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        for (ReplicaLink r : targets) {
            r.channel.write(Unpooled.wrappedBuffer(b));
        }
    }

    /** A replica went away: stop writing to it. */
    void drop(ReplicaLink r) {
        targets.remove(r);
    }
}
