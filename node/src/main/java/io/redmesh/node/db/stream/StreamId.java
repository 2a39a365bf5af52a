package io.redmesh.node.db.stream;

import java.nio.charset.StandardCharsets;

/**
 * A stream entry ID, {@code <ms>-<seq>}, both parts unsigned 64-bit as in Redis's streamID.
 * Ordered as the 128-bit big-endian number Redis uses for its radix tree keys.
 */
public record StreamId(long ms, long seq) implements Comparable<StreamId> {
    public static final StreamId MIN = new StreamId(0, 0);
    public static final StreamId MAX = new StreamId(-1L, -1L);

    @Override
    public int compareTo(StreamId o) {
        int c = Long.compareUnsigned(ms, o.ms);
        return c != 0 ? c : Long.compareUnsigned(seq, o.seq);
    }

    public boolean isZero() {
        return ms == 0 && seq == 0;
    }

    /** streamIncrID: the next ID, or null past the largest. */
    public StreamId next() {
        if (seq != -1L) {
            return new StreamId(ms, seq + 1);
        }
        return ms == -1L ? null : new StreamId(ms + 1, 0);
    }

    /** streamDecrID: the previous ID, or null before 0-0. */
    public StreamId previous() {
        if (seq != 0) {
            return new StreamId(ms, seq - 1);
        }
        return ms == 0 ? null : new StreamId(ms - 1, -1L);
    }

    public byte[] bytes() {
        return toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
        return Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq);
    }

    /** The 16-byte big-endian form of RDB node keys and PEL entries. */
    public byte[] encode() {
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (ms >>> (56 - 8 * i));
            b[8 + i] = (byte) (seq >>> (56 - 8 * i));
        }
        return b;
    }

    public static StreamId decode(byte[] b, int off) {
        long ms = 0;
        long seq = 0;
        for (int i = 0; i < 8; i++) {
            ms = (ms << 8) | (b[off + i] & 0xff);
            seq = (seq << 8) | (b[off + 8 + i] & 0xff);
        }
        return new StreamId(ms, seq);
    }
}
