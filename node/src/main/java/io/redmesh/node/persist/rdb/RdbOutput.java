package io.redmesh.node.persist.rdb;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * The low level of RDB writing (rdbSaveLen, rdbSaveRawString, ...): one big buffer, flushed to
 * a stream (a file) or kept whole (a DUMP payload, a buffered database section), with the
 * CRC-64 of everything written kept up to date at each flush.
 */
public final class RdbOutput {
    private final OutputStream out;
    private final boolean compress;
    private byte[] buf;
    private int pos;
    private long crc;
    private long flushed;
    private byte[] lzfScratch = new byte[64];

    /** Streams to {@code out} through a buffer of {@code bufferSize} bytes. */
    public RdbOutput(OutputStream out, boolean compress, int bufferSize) {
        this.out = out;
        this.compress = compress;
        this.buf = new byte[bufferSize];
    }

    /** Collects everything in memory ({@link #toByteArray()}). */
    public RdbOutput(boolean compress) {
        this(null, compress, 256);
    }

    public boolean compress() {
        return compress;
    }

    // ------------------------------------------------------------------ raw bytes

    private void ensure(int n) throws IOException {
        if (pos + n <= buf.length) {
            return;
        }
        if (out != null) {
            flush();
            if (n <= buf.length) {
                return;
            }
        }
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
    }

    public void writeByte(int b) throws IOException {
        ensure(1);
        buf[pos++] = (byte) b;
    }

    public void write(byte[] b, int off, int len) throws IOException {
        if (out != null && len > buf.length / 2) {
            flush();
            crc = Crc64.update(crc, b, off, len);
            out.write(b, off, len);
            flushed += len;
            return;
        }
        ensure(len);
        System.arraycopy(b, off, buf, pos, len);
        pos += len;
    }

    public void writeLongLE(long v) throws IOException {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[pos++] = (byte) (v >>> (8 * i));
        }
    }

    /** rdbSaveBinaryDoubleValue: the IEEE 754 bits, little-endian. */
    public void writeDouble(double d) throws IOException {
        writeLongLE(Double.doubleToRawLongBits(d));
    }

    /** Hands the buffer to the stream (folding it into the CRC first). */
    public void flush() throws IOException {
        if (out != null && pos > 0) {
            crc = Crc64.update(crc, buf, 0, pos);
            out.write(buf, 0, pos);
            flushed += pos;
            pos = 0;
        }
    }

    /** CRC-64 of all bytes written so far. */
    public long crc() {
        return Crc64.update(crc, buf, 0, pos);
    }

    /** Bytes written so far. */
    public long written() {
        return flushed + pos;
    }

    /** In-memory mode: the bytes written. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }

    /** In-memory mode: forgets what was written, keeping the buffer. */
    public void clear() {
        pos = 0;
        crc = 0;
    }

    byte[] rawBuffer() {
        return buf;
    }

    int rawSize() {
        return pos;
    }

    // ------------------------------------------------------------------ RDB primitives

    public void writeType(int type) throws IOException {
        writeByte(type);
    }

    /**
     * rdbSaveLen: 6-bit, 14-bit, 32-bit or 64-bit big-endian length, {@code len} read as unsigned
     * (a stream group's entries_read of -1 is saved as 2^64-1, as Redis's uint64_t cast does).
     */
    public void writeLen(long len) throws IOException {
        ensure(9);
        if (len >= 0 && len < (1 << 6)) {
            buf[pos++] = (byte) len;
        } else if (len >= 0 && len < (1 << 14)) {
            buf[pos++] = (byte) ((len >>> 8) | 0x40);
            buf[pos++] = (byte) len;
        } else if (len >= 0 && len <= 0xFFFFFFFFL) {
            buf[pos++] = (byte) 0x80;
            buf[pos++] = (byte) (len >>> 24);
            buf[pos++] = (byte) (len >>> 16);
            buf[pos++] = (byte) (len >>> 8);
            buf[pos++] = (byte) len;
        } else {
            buf[pos++] = (byte) 0x81;
            for (int i = 7; i >= 0; i--) {
                buf[pos++] = (byte) (len >>> (8 * i));
            }
        }
    }

    public void writeString(byte[] s) throws IOException {
        writeString(s, 0, s.length);
    }

    /**
     * rdbSaveRawString: an integer-looking string of up to 11 bytes that fits 32 bits is stored
     * as an integer; with compression on, a string over 20 bytes is stored LZF-compressed when
     * that saves at least 4 bytes; otherwise length and bytes.
     */
    public void writeString(byte[] s, int off, int len) throws IOException {
        if (len <= 11 && writeIntEncoded(s, off, len)) {
            return;
        }
        if (compress && len > 20 && writeLzf(s, off, len)) {
            return;
        }
        writeLen(len);
        write(s, off, len);
    }

    /** rdbSaveLongLongAsStringObject. */
    public void writeLongAsString(long v) throws IOException {
        if (!writeEncodedInt(v)) {
            byte[] s = Long.toString(v).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            writeLen(s.length);
            write(s, 0, s.length);
        }
    }

    private boolean writeIntEncoded(byte[] s, int off, int len) throws IOException {
        long v = Listpack.parseInt64(s, off, len);
        if (v == Listpack.NOT_INT) {
            return false;
        }
        return writeEncodedInt(v);
    }

    /** rdbEncodeInteger: 0xC0 int8, 0xC1 int16 LE, 0xC2 int32 LE; false beyond 32 bits. */
    private boolean writeEncodedInt(long v) throws IOException {
        ensure(5);
        if (v >= -(1 << 7) && v <= (1 << 7) - 1) {
            buf[pos++] = (byte) 0xC0;
            buf[pos++] = (byte) v;
        } else if (v >= -(1 << 15) && v <= (1 << 15) - 1) {
            buf[pos++] = (byte) 0xC1;
            buf[pos++] = (byte) v;
            buf[pos++] = (byte) (v >>> 8);
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            buf[pos++] = (byte) 0xC2;
            buf[pos++] = (byte) v;
            buf[pos++] = (byte) (v >>> 8);
            buf[pos++] = (byte) (v >>> 16);
            buf[pos++] = (byte) (v >>> 24);
        } else {
            return false;
        }
        return true;
    }

    private boolean writeLzf(byte[] s, int off, int len) throws IOException {
        int outLen = len - 4;
        if (lzfScratch.length < outLen + 1) {
            lzfScratch = new byte[Math.max(outLen + 1, lzfScratch.length * 2)];
        }
        byte[] in = s;
        if (off != 0) {
            in = Arrays.copyOfRange(s, off, off + len);
        }
        int n = Lzf.compress(in, len, lzfScratch, outLen);
        if (n == 0) {
            return false;
        }
        writeByte(0xC3);
        writeLen(n);
        writeLen(len);
        write(lzfScratch, 0, n);
        return true;
    }
}
