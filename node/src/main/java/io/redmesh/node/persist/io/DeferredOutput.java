package io.redmesh.node.persist.io;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Keeps disk I/O out of the server lock during a background save: the snapshot's sink writes
 * here under the lock (the walk's slices and writers preserving keys), which only copies bytes
 * into memory; the walk thread moves them to the file with {@link #drain} between slices, not
 * holding the lock. So a slow or stalled disk slows the save, never the clients.
 *
 * <p>{@link #flush} does nothing (a sink may flush under the lock); {@link #close} drains and
 * closes the file.
 */
public final class DeferredOutput extends OutputStream {
    private final OutputStream file;
    private byte[] buf = new byte[256 * 1024];
    private int n;
    /** The drained array, reused: only the walk thread touches it. */
    private byte[] spare = new byte[256 * 1024];

    public DeferredOutput(OutputStream file) {
        this.file = file;
    }

    @Override
    public synchronized void write(int b) {
        ensure(1);
        buf[n++] = (byte) b;
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, n, len);
        n += len;
    }

    private void ensure(int more) {
        if (n + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
        }
    }

    /** Moves what was written so far to the file. Call without the server lock. */
    public void drain() throws IOException {
        byte[] full;
        int len;
        synchronized (this) {
            if (n == 0) {
                return;
            }
            full = buf;
            len = n;
            buf = spare;
            n = 0;
        }
        file.write(full, 0, len);
        spare = full.length > 4 * 1024 * 1024 ? new byte[256 * 1024] : full; // don't keep a burst's array
    }

    @Override
    public void flush() {
        // under the lock possibly: the bytes reach the file at the next drain
    }

    @Override
    public void close() throws IOException {
        try {
            drain();
            file.flush();
        } finally {
            file.close();
        }
    }
}
