package io.redmesh.node.persist.rdb;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The low level of RDB reading (rdbLoadLen, rdbGenericLoadStringObject, ...) over a stream (a
 * file, through one big buffer) or a byte array (a DUMP payload), keeping the CRC-64 of every
 * byte consumed and the offset, so errors can say where the data went wrong.
 */
public final class RdbInput {
    /** The stream ended before the data did. */
    public static final class ShortReadException extends RdbFormatException {
        public ShortReadException(String message) {
            super(message);
        }
    }

    /** Marks a length that is a special string encoding (11xxxxxx), see {@link #readLen()}. */
    public static final long ENCVAL = Long.MIN_VALUE;

    private final InputStream in;
    private byte[] buf;
    private int pos;
    private int limit;
    /** Offset of buf[0] in the whole input. */
    private long base;
    private long crc;
    /** buf[0, crcDone) is already folded into crc. */
    private int crcDone;
    private boolean checksum = true;

    public RdbInput(InputStream in, int bufferSize) {
        this.in = in;
        this.buf = new byte[bufferSize];
    }

    public RdbInput(byte[] data, int len) {
        this.in = null;
        this.buf = data;
        this.limit = len;
    }

    /** Whether to keep the CRC (off for DUMP payloads, checked separately). */
    public void checksum(boolean on) {
        checksum = on;
    }

    /** Offset of the next byte to read. */
    public long offset() {
        return base + pos;
    }

    /** CRC-64 of every byte consumed so far. */
    public long crc() {
        foldCrc();
        return crc;
    }

    private void foldCrc() {
        if (checksum && pos > crcDone) {
            crc = Crc64.update(crc, buf, crcDone, pos - crcDone);
            crcDone = pos;
        }
    }

    /** Makes at least {@code n} bytes available at pos (n must fit the buffer). */
    private void fill(int n) throws IOException {
        if (limit - pos >= n) {
            return;
        }
        if (in == null) {
            throw new ShortReadException("unexpected end of data");
        }
        foldCrc();
        int keep = limit - pos;
        if (n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(n, buf.length * 2));
        }
        System.arraycopy(buf, pos, buf, 0, keep);
        base += pos;
        pos = 0;
        crcDone = 0;
        limit = keep;
        while (limit < n) {
            int r = in.read(buf, limit, buf.length - limit);
            if (r < 0) {
                throw new ShortReadException("unexpected end of file");
            }
            limit += r;
        }
    }

    public int readByte() throws IOException {
        fill(1);
        return buf[pos++] & 0xff;
    }

    /** Reads exactly {@code len} bytes into a new array (large ones straight, not via the buffer). */
    public byte[] readBytes(long len) throws IOException {
        if (len < 0 || len > Integer.MAX_VALUE - 16) {
            throw new RdbFormatException("string length out of range: " + len);
        }
        int n = (int) len;
        if (in == null && limit - pos < n) {
            throw new ShortReadException("unexpected end of data");
        }
        if (in != null && n > LARGE && n - (limit - pos) > LARGE) {
            return readLarge(n);
        }
        byte[] out = new byte[n];
        int have = Math.min(limit - pos, n);
        System.arraycopy(buf, pos, out, 0, have);
        pos += have;
        if (have < n) {
            foldCrc();
            int off = have;
            while (off < n) {
                int r = in.read(out, off, n - off);
                if (r < 0) {
                    throw new ShortReadException("unexpected end of file");
                }
                off += r;
            }
            if (checksum) {
                crc = Crc64.update(crc, out, have, n - have);
            }
            base += n - have;
        }
        return out;
    }

    private static final int LARGE = 1 << 24;

    /**
     * A string longer than {@link #LARGE}, read in chunks so that a corrupt length in a short
     * file fails with a short read instead of allocating the length it claims up front.
     */
    private byte[] readLarge(int n) throws IOException {
        java.util.List<byte[]> chunks = new java.util.ArrayList<>();
        int got = 0;
        while (got < n) {
            int c = Math.min(LARGE, n - got);
            chunks.add(readBytes(c));
            got += c;
        }
        byte[] out = new byte[n];
        int off = 0;
        for (byte[] c : chunks) {
            System.arraycopy(c, 0, out, off, c.length);
            off += c.length;
        }
        return out;
    }

    public long readLongLE() throws IOException {
        fill(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v |= (buf[pos + i] & 0xffL) << (8 * i);
        }
        pos += 8;
        return v;
    }

    public int readIntLE() throws IOException {
        fill(4);
        int v = (buf[pos] & 0xff) | (buf[pos + 1] & 0xff) << 8 | (buf[pos + 2] & 0xff) << 16 | (buf[pos + 3] & 0xff) << 24;
        pos += 4;
        return v;
    }

    public double readBinaryDouble() throws IOException {
        return Double.longBitsToDouble(readLongLE());
    }

    /**
     * rdbLoadLen: a length, or for the special string encodings {@code ENCVAL | kind}
     * (0 int8, 1 int16, 2 int32, 3 LZF).
     */
    public long readLen() throws IOException {
        return readLen(true);
    }

    /**
     * rdbLoadLen's full 64 bits: a 64-bit length read as it was written, so a counter Redis
     * saved from a negative value (a stream group's entries_read of -1) comes back as that value.
     * An encoded-string marker is returned as {@link #ENCVAL} | its low bits, as by readLen.
     */
    public long readLenUnsigned() throws IOException {
        return readLen(false);
    }

    private long readLen(boolean inRange) throws IOException {
        int b = readByte();
        int kind = b >>> 6;
        switch (kind) {
            case 0:
                return b & 0x3F;
            case 1:
                return ((b & 0x3F) << 8) | readByte();
            case 3:
                return ENCVAL | (b & 0x3F);
            default:
                if (b == 0x80) {
                    fill(4);
                    long v = (buf[pos] & 0xffL) << 24 | (buf[pos + 1] & 0xff) << 16 | (buf[pos + 2] & 0xff) << 8
                            | (buf[pos + 3] & 0xff);
                    pos += 4;
                    return v;
                }
                if (b == 0x81) {
                    fill(8);
                    long v = 0;
                    for (int i = 0; i < 8; i++) {
                        v = (v << 8) | (buf[pos + i] & 0xff);
                    }
                    pos += 8;
                    if (inRange && v < 0) {
                        throw new RdbFormatException("length out of range");
                    }
                    return v;
                }
                throw new RdbFormatException("unknown length encoding " + b);
        }
    }

    /**
     * A length (counts, sizes). Redis's rdbLoadLen() reads a string-encoding byte (11xxxxxx) in
     * this place as the length of its low 6 bits, and so does this, so that a payload Redis
     * accepts is accepted here too.
     */
    public long readPlainLen() throws IOException {
        long l = readLen();
        return l < 0 ? l & 0x3F : l;
    }

    /** rdbGenericLoadStringObject: a string, integer-encoded ones as their decimal form. */
    public byte[] readString() throws IOException {
        long len = readLen();
        if (len >= 0) {
            return readBytes(len);
        }
        int kind = (int) (len & 0x3F);
        switch (kind) {
            case 0:
                return io.redmesh.node.util.Bytes.fromLong((byte) readByte());
            case 1: {
                int lo = readByte();
                int hi = readByte();
                return io.redmesh.node.util.Bytes.fromLong((short) (lo | hi << 8));
            }
            case 2:
                return io.redmesh.node.util.Bytes.fromLong(readIntLE());
            case 3: {
                long clen = readPlainLen();
                long ulen = readPlainLen();
                // An LZF back reference (3 bytes) expands to at most 264: more claimed is corrupt.
                if (ulen > Integer.MAX_VALUE - 16 || ulen > clen * 90 + 64) {
                    throw new RdbFormatException("string length out of range: " + ulen);
                }
                byte[] c = readBytes(clen);
                if (ulen == 0) {
                    // Redis's lzf_decompress into no room returns 0, which is the length asked
                    // for: whatever the compressed bytes, the string is empty
                    return new byte[0];
                }
                try {
                    return Lzf.decompress(c, 0, c.length, (int) ulen);
                } catch (IllegalArgumentException e) {
                    throw new RdbFormatException("invalid LZF compressed string");
                }
            }
            default:
                throw new RdbFormatException("unknown string encoding " + kind);
        }
    }

    /** rdbLoadDoubleValue (old ZSET type): a length byte then ASCII; 253 nan, 254 inf, 255 -inf. */
    public double readStringDouble() throws IOException {
        int len = readByte();
        switch (len) {
            case 255:
                return Double.NEGATIVE_INFINITY;
            case 254:
                return Double.POSITIVE_INFINITY;
            case 253:
                return Double.NaN;
            default:
                byte[] s = readBytes(len);
                try {
                    return Double.parseDouble(new String(s, java.nio.charset.StandardCharsets.ISO_8859_1));
                } catch (NumberFormatException e) {
                    throw new RdbFormatException("invalid double value");
                }
        }
    }

    /**
     * Bytes read from the stream ahead of what was consumed (the buffer reads in large blocks):
     * whoever goes on reading the same stream after the RDB (an AOF after its RDB preamble)
     * must read these first.
     */
    public byte[] readAhead() {
        return Arrays.copyOfRange(buf, pos, limit);
    }

    /** Whether everything has been consumed (array mode). */
    public boolean atEnd() {
        return in == null && pos >= limit;
    }
}
