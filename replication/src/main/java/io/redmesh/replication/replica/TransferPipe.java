package io.redmesh.replication.replica;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;

/**
 * Hands the RDB a master sends from the link's event loop to the thread that loads it (or writes
 * it to disk): the event loop never blocks on a load or a disk. At most {@value #MAX_HELD} bytes
 * wait here; past that the link stops reading ({@code pause}) until the loader catches up, so a
 * fast master cannot fill the replica's heap. The reader waits at most {@code timeoutMillis}
 * for data (repl-timeout), as Redis's replica times out a stalled transfer.
 */
final class TransferPipe extends InputStream {
    static final long MAX_HELD = 8L << 20;

    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private final java.util.function.Consumer<Boolean> readingOn;
    private final long timeoutMillis;
    private byte[] current;
    private int pos;
    private long held;
    private boolean paused;
    private boolean finished;
    private IOException failure;

    /** @param readingOn turns the link's reading on (true) or off (false); called from either side */
    TransferPipe(java.util.function.Consumer<Boolean> readingOn, long timeoutMillis) {
        this.readingOn = readingOn;
        this.timeoutMillis = timeoutMillis;
    }

    /** From the event loop: copies the bytes in. */
    synchronized void offer(ByteBuf b, int len) {
        byte[] c = new byte[len];
        b.readBytes(c);
        chunks.add(c);
        held += len;
        if (held > MAX_HELD && !paused) {
            paused = true;
            readingOn.accept(false);
        }
        notifyAll();
    }

    synchronized void offer(byte[] c) {
        if (c.length == 0) {
            return;
        }
        chunks.add(c);
        held += c.length;
        notifyAll();
    }

    /** The last byte was offered. */
    synchronized void finish() {
        finished = true;
        notifyAll();
    }

    /** The transfer broke: the reader fails with this. */
    synchronized void fail(IOException why) {
        failure = why;
        notifyAll();
    }

    /**
     * The reader is done: no payload byte may remain, neither read ahead by it nor still here
     * (waits for the end, bounded like a read).
     * A master whose RDB ends before its payload does sent something else after it.
     */
    void expectEnd(long readAhead) throws IOException {
        if (readAhead > 0 || read() >= 0) {
            throw new IOException("the master's payload goes on past the end of its RDB (a broken or forged EOF mark)");
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        synchronized (this) {
            long deadline = System.currentTimeMillis() + timeoutMillis;
            while (current == null || pos == current.length) {
                if (failure != null) {
                    throw failure;
                }
                byte[] next = chunks.poll();
                if (next != null) {
                    current = next;
                    pos = 0;
                    held -= next.length;
                    if (paused && !finished && held < MAX_HELD / 2) {
                        paused = false;
                        readingOn.accept(true);
                    }
                    break;
                }
                if (finished) {
                    return -1;
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    throw new IOException("Timeout receiving bulk data from MASTER... If the problem persists "
                            + "try to set the 'repl-timeout' parameter in redis.conf to a larger value.");
                }
                try {
                    wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        return n;
    }
}
