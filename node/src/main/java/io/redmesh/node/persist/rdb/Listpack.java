package io.redmesh.node.persist.rdb;

import java.util.Arrays;

/**
 * Redis's listpack (listpack.c), the blob behind hash/zset "listpack" values and quicklist
 * nodes: {@code <total-bytes u32le> <num-elements u16le> <entry>... 0xFF}, each entry its
 * encoding, its data and its backward length. A string that parses as a 64-bit integer
 * (lpStringToInt64, Redis's string2ll rules) is stored in the smallest integer encoding.
 *
 * <p>A builder is reused: {@link #reset()}, append entries, {@link #finish()}, then read
 * {@link #buf()} up to {@link #size()}.
 */
public final class Listpack {
    static final int HEADER = 6;
    private static final int NUMELE_UNKNOWN = 65535;

    private byte[] buf = new byte[256];
    private int pos = HEADER;
    private int count;

    public void reset() {
        pos = HEADER;
        count = 0;
    }

    public int count() {
        return count;
    }

    /** Bytes the listpack would take if finished now (lpBytes). */
    public int bytes() {
        return pos + 1;
    }

    public byte[] buf() {
        return buf;
    }

    public int size() {
        return pos;
    }

    public Listpack append(byte[] s) {
        return append(s, 0, s.length);
    }

    public Listpack append(byte[] s, int off, int len) {
        long v = parseInt64(s, off, len);
        if (isInt(v, s, off, len)) {
            return appendInt(v);
        }
        int start = pos;
        if (len < 64) {
            ensure(1 + len + 5);
            buf[pos++] = (byte) (0x80 | len);
        } else if (len < 4096) {
            ensure(2 + len + 5);
            buf[pos++] = (byte) (0xE0 | (len >> 8));
            buf[pos++] = (byte) len;
        } else {
            ensure(5 + len + 5);
            buf[pos++] = (byte) 0xF0;
            le32(len);
        }
        System.arraycopy(s, off, buf, pos, len);
        pos += len;
        backlen(pos - start);
        count++;
        return this;
    }

    public Listpack appendInt(long v) {
        ensure(9 + 5);
        int start = pos;
        if (v >= 0 && v <= 127) {
            buf[pos++] = (byte) v;
        } else if (v >= -4096 && v <= 4095) {
            long u = v < 0 ? (1 << 13) + v : v;
            buf[pos++] = (byte) ((u >> 8) | 0xC0);
            buf[pos++] = (byte) u;
        } else if (v >= -32768 && v <= 32767) {
            buf[pos++] = (byte) 0xF1;
            leN(v, 2);
        } else if (v >= -8388608 && v <= 8388607) {
            buf[pos++] = (byte) 0xF2;
            leN(v, 3);
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            buf[pos++] = (byte) 0xF3;
            leN(v, 4);
        } else {
            buf[pos++] = (byte) 0xF4;
            leN(v, 8);
        }
        backlen(pos - start);
        count++;
        return this;
    }

    /** Writes the header and terminator; the listpack is then buf()[0, size()). */
    public Listpack finish() {
        ensure(1);
        buf[pos++] = (byte) 0xFF;
        int total = pos;
        buf[0] = (byte) total;
        buf[1] = (byte) (total >>> 8);
        buf[2] = (byte) (total >>> 16);
        buf[3] = (byte) (total >>> 24);
        int n = count < NUMELE_UNKNOWN ? count : NUMELE_UNKNOWN;
        buf[4] = (byte) n;
        buf[5] = (byte) (n >>> 8);
        return this;
    }

    private void backlen(int l) {
        if (l <= 127) {
            buf[pos++] = (byte) l;
        } else if (l < 16383) {
            buf[pos++] = (byte) (l >>> 7);
            buf[pos++] = (byte) ((l & 127) | 128);
        } else if (l < 2097151) {
            buf[pos++] = (byte) (l >>> 14);
            buf[pos++] = (byte) (((l >>> 7) & 127) | 128);
            buf[pos++] = (byte) ((l & 127) | 128);
        } else if (l < 268435455) {
            buf[pos++] = (byte) (l >>> 21);
            buf[pos++] = (byte) (((l >>> 14) & 127) | 128);
            buf[pos++] = (byte) (((l >>> 7) & 127) | 128);
            buf[pos++] = (byte) ((l & 127) | 128);
        } else {
            buf[pos++] = (byte) (l >>> 28);
            buf[pos++] = (byte) (((l >>> 21) & 127) | 128);
            buf[pos++] = (byte) (((l >>> 14) & 127) | 128);
            buf[pos++] = (byte) (((l >>> 7) & 127) | 128);
            buf[pos++] = (byte) ((l & 127) | 128);
        }
    }

    /** Bytes an entry of {@code encodedLen} (encoding + data) takes with its backlen. */
    static int backlenSize(int l) {
        return l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
    }

    private void le32(int v) {
        leN(v, 4);
    }

    private void leN(long v, int n) {
        for (int i = 0; i < n; i++) {
            buf[pos++] = (byte) (v >>> (8 * i));
        }
    }

    private void ensure(int extra) {
        if (pos + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + extra));
        }
    }

    static final long NOT_INT = io.redmesh.node.util.Int64Strings.NOT_INT;

    static long parseInt64(byte[] s, int off, int len) {
        return io.redmesh.node.util.Int64Strings.parse(s, off, len);
    }

    static boolean isInt(long v, byte[] s, int off, int len) {
        return io.redmesh.node.util.Int64Strings.isInt(v, s, off, len);
    }
}
