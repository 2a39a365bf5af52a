package io.redmesh.node.persist.seal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The structure of a sealed file (runs of header + records), walked without decrypting: what
 * re-wrapping copies and what reopening an append file needs (where the last whole record ends,
 * whether the last run is closed, its last tag). Authenticity is the reader's job, not this one.
 */
final class SealLayout {
    /** Sees each element as it is walked. */
    interface Visitor {
        void header(SealHeader h) throws IOException;

        /** A whole record: its length word and {@code len} ciphertext+tag bytes in {@code buf}. */
        void record(int word, byte[] buf, int len) throws IOException;
    }

    /** Offset just after the last whole element (header or record). */
    long end;
    /** Whether bytes after {@link #end} form a cut element (a crash while writing). */
    boolean torn;
    int runs;
    SealHeader lastHeader;
    /** Records in the last run. */
    long lastRecords;
    /** Whether the last run ends with a final record. */
    boolean lastEnded;
    byte[] lastTag;

    static SealLayout walk(InputStream in, Visitor v) throws IOException {
        SealLayout l = new SealLayout();
        byte[] buf = null;
        long off = 0;
        while (true) {
            if (l.runs == 0 || l.lastEnded) {
                byte[] m = in.readNBytes(8);
                if (m.length == 0 && l.runs > 0) {
                    break;
                }
                if (!SealHeader.isMagic(m, m.length) && !(m.length < 8
                        && Arrays.equals(m, 0, m.length, SealHeader.MAGIC, 0, m.length))) {
                    throw new SealException(l.runs == 0 ? SealException.Reason.NOT_SEALED
                            : SealException.Reason.TRAILING_DATA, l.runs == 0 ? "not a sealed file"
                            : "data follows the final segment at offset " + off);
                }
                if (m.length < 8) {
                    l.torn = true;
                    break;
                }
                SealHeader h;
                try {
                    h = SealHeader.read(in, true);
                } catch (EOFException e) {
                    l.torn = true;
                    break;
                }
                off += h.length();
                l.end = off;
                l.runs++;
                l.lastHeader = h;
                l.lastRecords = 0;
                l.lastEnded = false;
                if (buf == null || buf.length < h.segmentSize + SegmentCipher.TAG_LEN) {
                    buf = new byte[h.segmentSize + SegmentCipher.TAG_LEN];
                }
                v.header(h);
                continue;
            }
            byte[] w = in.readNBytes(4);
            if (w.length < 4) {
                l.torn = w.length > 0;
                break;
            }
            int word = ((w[0] & 0xFF) << 24) | ((w[1] & 0xFF) << 16) | ((w[2] & 0xFF) << 8) | (w[3] & 0xFF);
            int len = word & ~SegmentCipher.FINAL_BIT;
            if (len < SegmentCipher.TAG_LEN || len > l.lastHeader.segmentSize + SegmentCipher.TAG_LEN) {
                throw new SealException(SealException.Reason.TAMPERED, "record at offset " + off
                        + " has an impossible length " + len);
            }
            int got = in.readNBytes(buf, 0, len);
            if (got < len) {
                l.torn = true;
                break;
            }
            off += 4 + len;
            l.end = off;
            l.lastRecords++;
            l.lastTag = Arrays.copyOfRange(buf, len - SegmentCipher.TAG_LEN, len);
            l.lastEnded = (word & SegmentCipher.FINAL_BIT) != 0;
            v.record(word, buf, len);
        }
        return l;
    }
}
