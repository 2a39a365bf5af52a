package io.redmesh.node.db.stream;

import io.redmesh.node.util.Int64Strings;
import java.util.Arrays;

/**
 * One node of a stream: a listpack laid out byte for byte as Redis 7.0's (listpack.c), so that
 * memory per entry matches Redis's and RDB/DUMP write it as it is. Header
 * {@code <total-bytes u32le> <num-elements u16le>}, entries (encoding, data, backward length),
 * 0xFF. Positions are byte offsets of an element's first byte; -1 means "no element".
 *
 * <p>The buffer has spare room while the node is the stream's tail (appends are amortised);
 * {@link #compact()} drops it once the node is closed. Every read is bounds-checked against the
 * used size by {@link #validate} when a node comes from a file, so the accessors trust it.
 */
public final class StreamNode {
    static final int HEADER = 6;
    private static final int NUMELE_UNKNOWN = 65535;

    byte[] lp;
    int size; // bytes in use, terminator included

    StreamNode(byte[] lp, int size) {
        this.lp = lp;
        this.size = size;
    }

    static StreamNode empty() {
        byte[] b = new byte[64];
        b[HEADER] = (byte) 0xFF;
        StreamNode n = new StreamNode(b, HEADER + 1);
        n.writeHeader(0);
        return n;
    }

    /** A node read from a file (the buffer is kept). */
    public static StreamNode of(byte[] lp) {
        return new StreamNode(lp, lp.length);
    }

    /** The listpack bytes, exactly (RDB). */
    public byte[] bytes() {
        return size == lp.length ? lp : Arrays.copyOf(lp, size);
    }

    int capacity() {
        return lp.length;
    }

    void compact() {
        if (lp.length != size) {
            lp = Arrays.copyOf(lp, size);
        }
    }

    int numElements() {
        return (lp[4] & 0xff) | (lp[5] & 0xff) << 8;
    }

    private void writeHeader(int numEle) {
        lp[0] = (byte) size;
        lp[1] = (byte) (size >>> 8);
        lp[2] = (byte) (size >>> 16);
        lp[3] = (byte) (size >>> 24);
        int n = Math.min(numEle, NUMELE_UNKNOWN);
        lp[4] = (byte) n;
        lp[5] = (byte) (n >>> 8);
    }

    // ------------------------------------------------------------------ navigation

    int first() {
        return (lp[HEADER] & 0xff) == 0xFF ? -1 : HEADER;
    }

    int next(int p) {
        int len = encodedLen(p);
        int q = p + len + backlenSize(len);
        return (lp[q] & 0xff) == 0xFF ? -1 : q;
    }

    /** The element before {@code p}, or -1 at the first. */
    int prev(int p) {
        if (p <= HEADER) {
            return -1;
        }
        int q = p - 1;
        long v = 0;
        int shift = 0;
        while (true) {
            int b = lp[q] & 0xff;
            v |= (long) (b & 127) << shift;
            if ((b & 128) == 0) {
                break;
            }
            shift += 7;
            q--;
        }
        return (int) (p - v - backlenSize((int) v));
    }

    /** Bytes of the element's encoding and data (without its backlen). */
    int encodedLen(int p) {
        int b = lp[p] & 0xff;
        if ((b & 0x80) == 0) {
            return 1;
        } else if ((b & 0xC0) == 0x80) {
            return 1 + (b & 0x3F);
        } else if ((b & 0xE0) == 0xC0) {
            return 2;
        } else if ((b & 0xF0) == 0xE0) {
            return 2 + (((b & 0x0F) << 8) | (lp[p + 1] & 0xff));
        } else if (b == 0xF0) {
            return 5 + (int) u32(p + 1);
        } else if (b == 0xF1) {
            return 3;
        } else if (b == 0xF2) {
            return 4;
        } else if (b == 0xF3) {
            return 5;
        } else if (b == 0xF4) {
            return 9;
        }
        throw new IllegalStateException("bad listpack encoding " + b);
    }

    private long u32(int p) {
        return (lp[p] & 0xffL) | (lp[p + 1] & 0xffL) << 8 | (lp[p + 2] & 0xffL) << 16 | (lp[p + 3] & 0xffL) << 24;
    }

    static int backlenSize(int l) {
        return l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
    }

    boolean isInt(int p) {
        int b = lp[p] & 0xff;
        return (b & 0x80) == 0 || (b & 0xE0) == 0xC0 || (b >= 0xF1 && b <= 0xF4);
    }

    /** lpGetInteger: the element as a number (a string element is parsed, 0 if it is none). */
    long getInt(int p) {
        int b = lp[p] & 0xff;
        if ((b & 0x80) == 0) {
            return b;
        } else if ((b & 0xE0) == 0xC0) {
            int u = ((b & 0x1F) << 8) | (lp[p + 1] & 0xff);
            return u >= 1 << 12 ? u - (1 << 13) : u;
        } else if (b >= 0xF1 && b <= 0xF4) {
            int n = b == 0xF1 ? 2 : b == 0xF2 ? 3 : b == 0xF3 ? 4 : 8;
            long v = 0;
            for (int i = 0; i < n; i++) {
                v |= (lp[p + 1 + i] & 0xffL) << (8 * i);
            }
            return (v << (64 - 8 * n)) >> (64 - 8 * n);
        }
        byte[] s = get(p);
        long v = Int64Strings.parse(s, 0, s.length);
        return Int64Strings.isInt(v, s, 0, s.length) ? v : 0;
    }

    /** lpGet: the element's bytes, an integer as its decimal string. */
    byte[] get(int p) {
        if (isInt(p)) {
            return io.redmesh.node.util.Bytes.fromLong(getInt(p));
        }
        int b = lp[p] & 0xff;
        int off;
        int len;
        if ((b & 0xC0) == 0x80) {
            off = p + 1;
            len = b & 0x3F;
        } else if ((b & 0xF0) == 0xE0) {
            off = p + 2;
            len = ((b & 0x0F) << 8) | (lp[p + 1] & 0xff);
        } else {
            off = p + 5;
            len = (int) u32(p + 1);
        }
        return Arrays.copyOfRange(lp, off, off + len);
    }

    // ------------------------------------------------------------------ writing

    /** Appends a string element (stored as an integer when it reads as one, as lpAppend does). */
    void append(byte[] s) {
        long v = Int64Strings.parse(s, 0, s.length);
        if (Int64Strings.isInt(v, s, 0, s.length)) {
            appendInt(v);
            return;
        }
        int len = s.length;
        int enc = len < 64 ? 1 : len < 4096 ? 2 : 5;
        int total = enc + len;
        int at = reserve(total + backlenSize(total));
        if (enc == 1) {
            lp[at++] = (byte) (0x80 | len);
        } else if (enc == 2) {
            lp[at++] = (byte) (0xE0 | (len >> 8));
            lp[at++] = (byte) len;
        } else {
            lp[at++] = (byte) 0xF0;
            lp[at++] = (byte) len;
            lp[at++] = (byte) (len >>> 8);
            lp[at++] = (byte) (len >>> 16);
            lp[at++] = (byte) (len >>> 24);
        }
        System.arraycopy(s, 0, lp, at, len);
        at += len;
        writeBacklen(at, total);
        appended();
    }

    void appendInt(long v) {
        byte[] enc = encodeInt(v);
        int at = reserve(enc.length);
        System.arraycopy(enc, 0, lp, at, enc.length);
        appended();
    }

    private void appended() {
        int n = numElements();
        writeHeader(n == NUMELE_UNKNOWN ? n : n + 1);
    }

    /** Makes room for {@code n} bytes before the terminator; returns where they go. */
    private int reserve(int n) {
        int at = size - 1;
        if (size + n > lp.length) {
            lp = Arrays.copyOf(lp, Math.max(size + n, lp.length + (lp.length >> 1)));
        }
        size += n;
        lp[size - 1] = (byte) 0xFF;
        return at;
    }

    /** lpReplaceInteger: the element at {@code p} becomes {@code v}; later positions may move. */
    void replaceInt(int p, long v) {
        int oldLen = encodedLen(p);
        int oldTotal = oldLen + backlenSize(oldLen);
        byte[] enc = encodeInt(v);
        int delta = enc.length - oldTotal;
        if (delta > 0 && size + delta > lp.length) {
            lp = Arrays.copyOf(lp, size + delta);
        }
        if (delta != 0) {
            System.arraycopy(lp, p + oldTotal, lp, p + enc.length, size - (p + oldTotal));
        }
        System.arraycopy(enc, 0, lp, p, enc.length);
        size += delta;
        writeHeader(numElements());
    }

    /** An integer element with its backlen, in the smallest encoding (lpEncodeIntegerGetType). */
    static byte[] encodeInt(long v) {
        byte[] b;
        if (v >= 0 && v <= 127) {
            b = new byte[] {(byte) v, 0};
        } else if (v >= -4096 && v <= 4095) {
            long u = v < 0 ? (1 << 13) + v : v;
            b = new byte[] {(byte) ((u >> 8) | 0xC0), (byte) u, 0};
        } else {
            int n = v >= -32768 && v <= 32767 ? 2 : v >= -8388608 && v <= 8388607 ? 3
                    : v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE ? 4 : 8;
            b = new byte[n + 2];
            b[0] = (byte) (n == 2 ? 0xF1 : n == 3 ? 0xF2 : n == 4 ? 0xF3 : 0xF4);
            for (int i = 0; i < n; i++) {
                b[1 + i] = (byte) (v >>> (8 * i));
            }
        }
        b[b.length - 1] = (byte) (b.length - 1); // backlen of at most 9 fits one byte
        return b;
    }

    private void writeBacklen(int at, int l) {
        int n = backlenSize(l);
        if (n == 1) {
            lp[at] = (byte) l;
            return;
        }
        // Big-endian 7-bit groups; every byte but the first carries the continuation bit.
        for (int i = n - 1; i >= 0; i--) {
            int shift = 7 * (n - 1 - i);
            int bits = (l >>> shift) & 127;
            lp[at + i] = (byte) (i == 0 ? bits : bits | 128);
        }
    }
}
