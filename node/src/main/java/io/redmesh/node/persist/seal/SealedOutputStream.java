package io.redmesh.node.persist.seal;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Seals a stream (an RDB, a temp file, an AOF base) as it is written: a header with a fresh data
 * key, then segments of exactly {@code segmentSize} plaintext bytes, the last one (0 ..
 * segmentSize bytes) marked final. At most one segment is held in memory. A full segment is
 * sealed only when the next byte arrives, so the last full segment of a stream whose length is
 * a multiple of the segment size can still be the final one. {@link #close()} writes the final
 * segment: a stream never closed reads as truncated.
 */
public final class SealedOutputStream extends OutputStream {
    private final OutputStream out;
    private final SegmentCipher cipher;
    private final byte[] plain;
    private final byte[] record;
    private int filled;
    private long index;
    private boolean closed;
    private long plainBytes;

    /** Seals with {@code key}'s fresh data key, with {@link SealHeader#DEFAULT_SEGMENT} segments. */
    public SealedOutputStream(OutputStream out, MasterKeyProvider key) throws IOException {
        this(out, key, SealHeader.DEFAULT_SEGMENT);
    }

    public SealedOutputStream(OutputStream out, MasterKeyProvider key, int segmentSize) throws IOException {
        this.out = out;
        byte[] dek = new byte[32];
        SealHeader h = SealHeader.create(0, segmentSize, null, key, dek);
        this.cipher = new SegmentCipher(dek, h);
        Arrays.fill(dek, (byte) 0);
        this.plain = new byte[segmentSize];
        this.record = new byte[4 + segmentSize + SegmentCipher.TAG_LEN];
        out.write(h.encode());
    }

    @Override
    public void write(int b) throws IOException {
        if (filled == plain.length) {
            emit(false);
        }
        plain[filled++] = (byte) b;
        plainBytes++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("sealed stream closed");
        }
        plainBytes += len;
        while (len > 0) {
            if (filled == plain.length) {
                emit(false);
            }
            int n = Math.min(len, plain.length - filled);
            System.arraycopy(b, off, plain, filled, n);
            filled += n;
            off += n;
            len -= n;
        }
    }

    private void emit(boolean last) throws IOException {
        int n = cipher.seal(index++, last, plain, 0, filled, record);
        out.write(record, 0, n);
        filled = 0;
    }

    /** Passes sealed segments down; the segment being filled stays in memory until it is full. */
    @Override
    public void flush() throws IOException {
        out.flush();
    }

    /** Plaintext bytes written so far. */
    public long plainBytes() {
        return plainBytes;
    }

    /** Seals the final segment and flushes, leaving the underlying stream open (to fsync it). */
    public void finish() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        emit(true);
        Arrays.fill(plain, (byte) 0);
        out.flush();
    }

    /** Seals the final segment and closes the underlying stream. */
    @Override
    public void close() throws IOException {
        try {
            finish();
        } finally {
            out.close();
        }
    }
}
