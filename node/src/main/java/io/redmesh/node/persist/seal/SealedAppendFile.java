package io.redmesh.node.persist.seal;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A sealed file written by appending over a long time, fsynced along the way and possibly cut
 * by a crash: an AOF incr file. Every {@link #flush()} seals what was written since the last one
 * as a (possibly short) segment and hands it to the OS, so a process crash loses nothing that a
 * plaintext AOF's write(2) would have kept; {@link #close()} writes the final segment.
 *
 * <p>Reopening never continues the old run: that would seal new data under a (key, nonce) pair
 * a torn segment may already have used, which breaks GCM. Instead the old run is closed (a torn
 * tail cut off, then an empty final segment: re-sealing nothing under the same nonce gives the
 * same bytes, so even that is safe to repeat) and a new run with a fresh data key is chained to
 * it. See docs/ENCRYPTION.md, "Append files".
 */
public final class SealedAppendFile implements Closeable {
    private final Path path;
    private FileChannel ch;
    private SegmentCipher cipher;
    private final int segmentSize;
    private final byte[] plain;
    private final byte[] record;
    private int filled;
    private long index;
    private byte[] lastTag;
    private boolean closed;
    private String repaired;

    private SealedAppendFile(Path path, int segmentSize) {
        this.path = path;
        this.segmentSize = segmentSize;
        this.plain = new byte[segmentSize];
        this.record = new byte[4 + segmentSize + SegmentCipher.TAG_LEN];
    }

    /**
     * Opens {@code path} for appending, creating it sealed if absent or empty; an existing file
     * must be sealed (its runs readable with {@code keys}) and gets a new run under the active key.
     */
    public static SealedAppendFile open(Path path, Keyring keys, int segmentSize) throws IOException {
        SealedAppendFile f = new SealedAppendFile(path, segmentSize);
        f.ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            f.continueOrCreate(keys);
        } catch (SealException e) {
            f.ch.close();
            throw e.in(path);
        } catch (IOException | RuntimeException e) {
            f.ch.close();
            throw e;
        }
        return f;
    }

    private void continueOrCreate(Keyring keys) throws IOException {
        byte[] chain = null;
        if (ch.size() > 0) {
            ch.position(0);
            SealLayout l = SealLayout.walk(new BufferedInputStream(Channels.newInputStream(ch), 64 * 1024),
                    new SealLayout.Visitor() {
                        @Override
                        public void header(SealHeader h) {}

                        @Override
                        public void record(int word, byte[] buf, int len) {}
                    });
            if (l.torn) {
                repaired = "cut " + (ch.size() - l.end) + " torn bytes at offset " + l.end;
                ch.truncate(l.end);
            }
            if (l.runs > 0) {
                if (!l.lastEnded) {
                    // close the crashed run with an empty final segment (deterministic: safe to repeat)
                    byte[] dek = l.lastHeader.unwrap(keys);
                    SegmentCipher old = new SegmentCipher(dek, l.lastHeader);
                    Arrays.fill(dek, (byte) 0);
                    ch.position(l.end);
                    int n = old.seal(l.lastRecords, true, plain, 0, 0, record);
                    writeFully(record, n);
                    l.lastTag = Arrays.copyOfRange(record, n - SegmentCipher.TAG_LEN, n);
                }
                chain = l.lastTag;
            }
            ch.force(false);
        }
        ch.position(ch.size());
        startRun(keys.active(), chain);
    }

    private void startRun(MasterKeyProvider key, byte[] chain) throws IOException {
        byte[] dek = new byte[32];
        int flags = SealHeader.FLAG_APPEND | (chain == null ? 0 : SealHeader.FLAG_CONTINUATION);
        SealHeader h = SealHeader.create(flags, segmentSize, chain, key, dek);
        cipher = new SegmentCipher(dek, h);
        Arrays.fill(dek, (byte) 0);
        index = 0;
        byte[] hb = h.encode();
        writeFully(hb, hb.length);
    }

    /** What reopening repaired (a torn tail cut off), or null. */
    public String repaired() {
        return repaired;
    }

    public Path path() {
        return path;
    }

    public synchronized void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("sealed append file closed");
        }
        while (len > 0) {
            if (filled == segmentSize) {
                emit(false);
            }
            int n = Math.min(len, segmentSize - filled);
            System.arraycopy(b, off, plain, filled, n);
            filled += n;
            off += n;
            len -= n;
        }
    }

    public void write(byte[] b) throws IOException {
        write(b, 0, b.length);
    }

    private void emit(boolean last) throws IOException {
        int n = cipher.seal(index++, last, plain, 0, filled, record);
        writeFully(record, n);
        lastTag = Arrays.copyOfRange(record, n - SegmentCipher.TAG_LEN, n);
        filled = 0;
    }

    private void writeFully(byte[] b, int n) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(b, 0, n);
        while (bb.hasRemaining()) {
            ch.write(bb);
        }
    }

    /**
     * Seals what was written since the last flush as one segment and writes it to the file (the
     * OS has it; a process crash keeps it). Nothing pending: nothing written.
     */
    public synchronized void flush() throws IOException {
        if (filled > 0) {
            emit(false);
        }
    }

    /**
     * {@link #flush()}, then fsync (fdatasync) the file. The fsync runs outside this object's
     * lock, as with a plain file: the AOF's background fsync must not stall writers (which hold
     * the server lock) for the duration of a disk flush.
     */
    public void sync() throws IOException {
        FileChannel c;
        synchronized (this) {
            flush();
            c = ch;
        }
        c.force(false);
    }

    /** Bytes on disk (sealed size). */
    public synchronized long size() throws IOException {
        return ch.size();
    }

    /**
     * Online re-key of an open file: closes the current run, re-wraps every run's data key with
     * {@code keys}' active key in a copy that atomically replaces the file, then continues in a
     * new run under the new key.
     */
    public synchronized void rekey(Keyring keys) throws IOException {
        if (closed) {
            return;
        }
        emit(true);
        ch.force(false);
        ch.close();
        try {
            SealedFiles.rewrap(path, keys);
        } finally {
            // re-wrapped or not, appending goes on, in a new run under the new key
            ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            ch.position(ch.size());
            startRun(keys.active(), lastTag);
        }
    }

    /** Writes the final segment, fsyncs and closes. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            emit(true);
            ch.force(false);
        } finally {
            ch.close();
            Arrays.fill(plain, (byte) 0);
        }
    }

    /** Closes without a final segment, as a crash would leave the file (tests). */
    void abandon() throws IOException {
        closed = true;
        ch.close();
    }
}
