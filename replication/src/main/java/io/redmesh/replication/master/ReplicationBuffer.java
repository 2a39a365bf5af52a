package io.redmesh.replication.master;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayDeque;

/**
 * The master's one replication buffer, as Redis 7.0's: the stream is written once, into a chain
 * of fixed blocks; the backlog (what PSYNC may continue from) and every replica read the same
 * blocks, each at its own offset, so no replica holds a copy of the stream. A block leaves memory
 * once it is behind both the backlog's start and every replica; the backlog's start moves forward
 * a whole block at a time while what it holds exceeds {@code repl-backlog-size}.
 *
 * <p>Offsets are Redis's: the stream's bytes are numbered from 1, {@link #offset()} is the number
 * of the last byte written (master_repl_offset). Guarded by its own monitor, so replica links
 * read on their event loops without the keyspace lock; the bytes of a block never change once
 * written, so the slices handed out are read without it.
 */
public final class ReplicationBuffer {
    static final int BLOCK_SIZE = 64 * 1024;

    /** A run of the stream: bytes {@code [start, start + used - 1]}. */
    private static final class Block {
        final byte[] data;
        final long start;
        int used;

        Block(long start, int size) {
            this.data = new byte[size];
            this.start = start;
        }

        long end() {
            return start + used - 1;
        }
    }

    private final ArrayDeque<Block> blocks = new ArrayDeque<>();
    /** master_repl_offset. */
    private long end;
    /** First offset the backlog serves (repl_backlog_first_byte_offset). */
    private long backlogStart = 1;
    private long backlogSize;

    public ReplicationBuffer(long offset, long backlogSize) {
        this.end = offset;
        this.backlogStart = offset + 1;
        this.backlogSize = backlogSize;
    }

    public synchronized long offset() {
        return end;
    }

    /** repl_backlog_first_byte_offset. */
    public synchronized long backlogStart() {
        return backlogStart;
    }

    /** repl_backlog_histlen. */
    public synchronized long histlen() {
        return end - backlogStart + 1;
    }

    public synchronized long backlogSize() {
        return backlogSize;
    }

    /** Bytes held in memory (INFO mem_total_replication_buffers). */
    public synchronized long memory() {
        long n = 0;
        for (Block b : blocks) {
            n += b.data.length;
        }
        return n;
    }

    public synchronized void backlogSize(long size) {
        backlogSize = size;
    }

    /** Whether PSYNC may continue at {@code from} (the next byte the replica wants). */
    public synchronized boolean canServe(long from) {
        return from >= backlogStart && from <= end + 1;
    }

    /** Appends stream bytes. */
    public synchronized void append(byte[] b, int off, int len) {
        while (len > 0) {
            Block t = blocks.peekLast();
            if (t == null || t.used == t.data.length) {
                t = new Block(end + 1, BLOCK_SIZE);
                blocks.add(t);
            }
            int n = Math.min(len, t.data.length - t.used);
            System.arraycopy(b, off, t.data, t.used, n);
            t.used += n;
            end += n;
            off += n;
            len -= n;
        }
    }

    public synchronized void append(ByteBuf buf) {
        while (buf.isReadable()) {
            Block t = blocks.peekLast();
            if (t == null || t.used == t.data.length) {
                t = new Block(end + 1, BLOCK_SIZE);
                blocks.add(t);
            }
            int n = Math.min(buf.readableBytes(), t.data.length - t.used);
            buf.readBytes(t.data, t.used, n);
            t.used += n;
            end += n;
        }
    }

    /**
     * The stream from {@code from} on, at most {@code max} bytes, as slices of the blocks (no
     * copy); null when there is nothing at or after {@code from} in memory.
     */
    public synchronized ByteBuf read(long from, int max) {
        if (from > end) {
            return null;
        }
        CompositeByteBuf out = null;
        ByteBuf single = null;
        int taken = 0;
        for (Block b : blocks) {
            if (b.end() < from || taken >= max) {
                if (taken >= max) {
                    break;
                }
                continue;
            }
            int at = (int) Math.max(0, from - b.start);
            int n = Math.min(b.used - at, max - taken);
            if (n <= 0) {
                continue;
            }
            ByteBuf slice = Unpooled.wrappedBuffer(b.data, at, n);
            if (single == null) {
                single = slice;
            } else {
                if (out == null) {
                    out = Unpooled.compositeBuffer(64);
                    out.addComponent(true, single);
                }
                out.addComponent(true, slice);
            }
            taken += n;
            from += n;
        }
        if (single == null) {
            return null;
        }
        return out != null ? out : single;
    }

    /**
     * Moves the backlog's start forward by whole blocks while it holds more than its size, then
     * drops from memory the blocks behind it and behind {@code oldestNeeded} (the lowest offset
     * a replica still has to be sent; Long.MAX_VALUE when none).
     */
    public synchronized void trim(long oldestNeeded) {
        for (Block b : blocks) {
            if (b.end() < backlogStart) {
                continue;
            }
            long after = end - (b.end() + 1) + 1; // histlen if this block left the backlog
            if (b.end() < end && after >= backlogSize) {
                backlogStart = b.end() + 1;
            } else {
                break;
            }
        }
        long keepFrom = Math.min(backlogStart, oldestNeeded);
        while (!blocks.isEmpty() && blocks.peekFirst().end() < keepFrom && blocks.peekFirst().end() < end) {
            blocks.pollFirst();
        }
    }

    /**
     * Starts a new history at {@code offset} (a replica's full sync: its backlog continues the
     * master's offsets); everything held is dropped.
     */
    public synchronized void reset(long offset) {
        blocks.clear();
        end = offset;
        backlogStart = offset + 1;
    }
}
