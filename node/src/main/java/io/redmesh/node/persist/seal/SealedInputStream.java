package io.redmesh.node.persist.seal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;

/**
 * Opens a sealed file as a stream, one segment at a time, verifying each segment's tag before a
 * single byte of it is returned, and the final flag at the end: a reader never sees data that
 * does not authenticate, and never mistakes a cut file for a complete one.
 *
 * <p>A file may hold several runs (an append file reopened after a restart): after a final
 * segment, either the file ends or a continuation header follows whose chain value is that final
 * segment's tag, so runs cannot be dropped, reordered or spliced in from other files.
 *
 * <p>With {@code acceptCrashTail}, an append file (header flag APPEND) that ends without a final
 * segment (a crash: the last sync point is the end) reads as ending at its last whole segment,
 * as {@code aof-load-truncated yes} accepts a plaintext AOF cut by a crash; {@link #truncatedTail()}
 * then describes what was cut. Files written as streams (RDB) never get that leniency.
 */
public final class SealedInputStream extends InputStream {
    /** How far around a failing position the reader looks for where a segment belongs. */
    private static final int REORDER_SEARCH = 64;

    private final InputStream in;
    private final Keyring keys;
    private final String name;
    private final boolean acceptCrashTail;
    private SealHeader header;
    private SegmentCipher cipher;
    private byte[] ct;
    private byte[] plain;
    private int pos;
    private int limit;
    private long index;
    private boolean runEnded;
    private boolean eof;
    private byte[] lastTag;
    private long offset;
    private String truncatedTail;
    private int runs;

    /**
     * @param name for messages (the file's path)
     */
    public SealedInputStream(InputStream in, Keyring keys, String name, boolean acceptCrashTail) throws IOException {
        this.in = in;
        this.keys = keys;
        this.name = name;
        this.acceptCrashTail = acceptCrashTail;
        startRun(false);
    }

    /** The first run's header (key id, segment size, mode). */
    public SealHeader header() {
        return header;
    }

    /** Null, or what a crash cut from the end of an append file that was accepted anyway. */
    public String truncatedTail() {
        return truncatedTail;
    }

    /** Runs read so far (a reopened append file has several). */
    public int runs() {
        return runs;
    }

    private SealException fail(SealException.Reason r, String msg) {
        return new SealException(r, name + ": " + msg);
    }

    private void startRun(boolean magicRead) throws IOException {
        SealHeader h;
        try {
            h = SealHeader.read(in, magicRead);
        } catch (EOFException e) {
            if (runs > 0 && acceptCrashTail && currentAppend) {
                crashTail("a continuation header cut at offset " + offset);
                return;
            }
            throw fail(SealException.Reason.TRUNCATED, "truncated: the file ends inside its header");
        } catch (SealException e) {
            throw e.in(name);
        }
        if (runs == 0 && h.continuation()) {
            throw fail(SealException.Reason.BAD_HEADER, "the first header is marked as a continuation");
        }
        if (runs > 0 && (!h.continuation() || !MessageDigest.isEqual(h.chain, lastTag))) {
            throw fail(SealException.Reason.TAMPERED, "the run starting at offset " + offset
                    + " does not continue the previous run (runs were removed, reordered or spliced in)");
        }
        byte[] dek;
        try {
            dek = h.unwrap(keys);
        } catch (SealException e) {
            throw e.in(name);
        }
        offset += h.length();
        cipher = new SegmentCipher(dek, h);
        Arrays.fill(dek, (byte) 0);
        if (header == null) {
            header = h;
        }
        if (ct == null || ct.length < h.segmentSize + SegmentCipher.TAG_LEN) {
            ct = new byte[h.segmentSize + SegmentCipher.TAG_LEN];
            plain = new byte[h.segmentSize + SegmentCipher.TAG_LEN];
        }
        currentSegmentSize = h.segmentSize;
        currentAppend = h.append();
        index = 0;
        runEnded = false;
        runs++;
    }

    private int currentSegmentSize;
    private boolean currentAppend;

    private void crashTail(String what) {
        truncatedTail = what;
        eof = true;
        onCrashTail.accept(what);
    }

    private java.util.function.Consumer<String> onCrashTail = w -> {};

    /** Called once if a crash-cut tail is accepted (the server logs it). */
    public SealedInputStream onCrashTail(java.util.function.Consumer<String> c) {
        onCrashTail = c;
        return this;
    }

    /** Reads, verifies and decrypts the next segment; false at the end of the file. */
    private boolean nextSegment() throws IOException {
        while (true) {
            if (eof) {
                return false;
            }
            if (runEnded) {
                int b = in.read();
                if (b < 0) {
                    eof = true;
                    return false;
                }
                byte[] rest = in.readNBytes(7);
                byte[] m = new byte[8];
                m[0] = (byte) b;
                System.arraycopy(rest, 0, m, 1, rest.length);
                if (rest.length < 7 && currentAppend && acceptCrashTail
                        && Arrays.equals(m, 0, rest.length + 1, SealHeader.MAGIC, 0, rest.length + 1)) {
                    crashTail("a continuation header cut at offset " + offset);
                    return false;
                }
                if (!SealHeader.isMagic(m, rest.length + 1)) {
                    throw fail(SealException.Reason.TRAILING_DATA, "data follows the final segment at offset "
                            + offset + " (appended or altered bytes)");
                }
                startRun(true);
                continue;
            }
            byte[] w = in.readNBytes(4);
            if (w.length < 4) {
                if (w.length == 0) {
                    return truncated("truncated: the file ends after segment " + (index - 1) + " (offset " + offset
                            + ") without a final segment", SealException.Reason.TRUNCATED);
                }
                return truncated("truncated inside segment " + index + " (offset " + offset + ")",
                        SealException.Reason.TRUNCATED_SEGMENT);
            }
            int word = ((w[0] & 0xFF) << 24) | ((w[1] & 0xFF) << 16) | ((w[2] & 0xFF) << 8) | (w[3] & 0xFF);
            boolean last = (word & SegmentCipher.FINAL_BIT) != 0;
            int len = word & ~SegmentCipher.FINAL_BIT;
            if (len < SegmentCipher.TAG_LEN || len > currentSegmentSize + SegmentCipher.TAG_LEN) {
                throw fail(SealException.Reason.TAMPERED, "segment " + index + " at offset " + offset
                        + " has an impossible length " + len + " (the file was altered)");
            }
            int got = in.readNBytes(ct, 0, len);
            if (got < len) {
                return truncated("truncated inside segment " + index + " (offset " + offset + ": " + got + " of "
                        + len + " bytes present)", SealException.Reason.TRUNCATED_SEGMENT);
            }
            try {
                limit = cipher.open(index, last, ct, 0, len, plain);
            } catch (AEADBadTagException e) {
                throw diagnose(last, len);
            }
            pos = 0;
            lastTag = Arrays.copyOfRange(ct, len - SegmentCipher.TAG_LEN, len);
            offset += 4 + len;
            index++;
            if (last) {
                runEnded = true;
            } else if (limit < currentSegmentSize && !currentAppend) {
                // a stream file's non-final segments are all full: a short one was made elsewhere
                throw fail(SealException.Reason.TAMPERED, "segment " + (index - 1) + " is short but not final");
            }
            if (limit > 0) {
                return true;
            }
        }
    }

    private boolean truncated(String what, SealException.Reason reason) throws SealException {
        if (acceptCrashTail && currentAppend) {
            crashTail(what);
            return false;
        }
        throw fail(reason, what);
    }

    /** Why a segment failed: moved from elsewhere, its final flag flipped, or altered bytes. */
    private SealException diagnose(boolean last, int len) {
        byte[] scratch = new byte[len];
        if (cipher.authenticates(index, !last, ct, 0, len, scratch)) {
            return fail(SealException.Reason.TAMPERED, "segment " + index + " at offset " + offset
                    + ": its final-segment flag was altered");
        }
        for (long j = Math.max(0, index - REORDER_SEARCH); j <= index + REORDER_SEARCH; j++) {
            if (j != index && (cipher.authenticates(j, last, ct, 0, len, scratch)
                    || cipher.authenticates(j, !last, ct, 0, len, scratch))) {
                return fail(SealException.Reason.REORDERED, "segment at position " + index + " (offset " + offset
                        + ") is segment " + j + ": segments were reordered");
            }
        }
        return fail(SealException.Reason.TAMPERED, "segment " + index + " at offset " + offset
                + " failed authentication: the file was tampered with (or its header was)");
    }

    @Override
    public int read() throws IOException {
        if (pos == limit && !nextSegment()) {
            return -1;
        }
        return plain[pos++] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (pos == limit && !nextSegment()) {
            return -1;
        }
        int n = Math.min(len, limit - pos);
        System.arraycopy(plain, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public int available() {
        return limit - pos;
    }

    /** Reads to the end, verifying every segment and the final flag; returns the plaintext length. */
    public long verifyAll() throws IOException {
        long total = limit - pos;
        pos = limit;
        while (nextSegment()) {
            total += limit;
            pos = limit;
        }
        return total;
    }

    @Override
    public void close() throws IOException {
        Arrays.fill(plain, (byte) 0);
        in.close();
    }
}
