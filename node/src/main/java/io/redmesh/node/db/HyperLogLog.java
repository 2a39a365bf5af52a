package io.redmesh.node.db;

import io.redmesh.node.util.MurmurHash64A;
import java.util.Arrays;

/**
 * A HyperLogLog in Redis's own string layout (hyperloglog.c), byte for byte, so that a key
 * moves between Redis and RedMesh (DUMP/RESTORE, RDB, replication) and counts the same:
 *
 * <pre>
 * "HYLL" | encoding (0 dense, 1 sparse) | 3 unused | cached cardinality, 8 bytes little endian,
 *        its top bit set when stale | registers
 * </pre>
 * 16384 registers of 6 bits. Dense: packed least significant bit first, 12288 bytes. Sparse:
 * run-length opcodes, ZERO 00xxxxxx (1..64 zero registers), XZERO 01xxxxxx yyyyyyyy (1..16384),
 * VAL 1vvvvvxx (1..4 registers of value 1..32); it turns dense when a register passes 32 or the
 * string would pass hll-sparse-max-bytes. Updates follow Redis's hllSparseSet step for step (the
 * same split of an opcode, the same merge of equal neighbours), so the bytes stay Redis's.
 *
 * <p>A sketch is worked on in a buffer with spare room ({@link #bytes} trims it); a dense sketch
 * that its key holds alone is changed in place ({@link #wrap}).
 */
public final class HyperLogLog {
    public static final int REGISTERS = 1 << 14;
    static final int P = 14;
    static final int Q = 64 - P;
    static final int BITS = 6;
    static final int HEADER = 16;
    public static final int DENSE_SIZE = HEADER + (REGISTERS * BITS + 7) / 8;
    static final int DENSE = 0;
    static final int SPARSE = 1;
    private static final int VAL_MAX_VALUE = 32;
    private static final int VAL_MAX_LEN = 4;
    private static final int ZERO_MAX_LEN = 64;
    private static final int XZERO_MAX_LEN = 16384;
    private static final long SEED = 0xadc83b19L;
    private static final double ALPHA_INF = 0.721347520444481703680;
    private static final byte[] MAGIC = {'H', 'Y', 'L', 'L'};

    private byte[] buf;
    private int len;

    private HyperLogLog(byte[] buf, int len) {
        this.buf = buf;
        this.len = len;
    }

    /** createHLLObject: an empty sparse sketch (one XZERO run), its cache stale. */
    public static HyperLogLog create() {
        int runs = (REGISTERS + XZERO_MAX_LEN - 1) / XZERO_MAX_LEN;
        byte[] b = new byte[HEADER + 2 * runs];
        System.arraycopy(MAGIC, 0, b, 0, 4);
        b[4] = SPARSE;
        int at = HEADER;
        for (int left = REGISTERS; left > 0; left -= XZERO_MAX_LEN) {
            xzeroSet(b, at, Math.min(XZERO_MAX_LEN, left));
            at += 2;
        }
        HyperLogLog h = new HyperLogLog(b, b.length);
        h.invalidateCache();
        return h;
    }

    /** isHLLObjectOrReply's checks: header, magic, known encoding, exact dense size. */
    public static boolean isValid(byte[] s) {
        return s.length >= HEADER && s[0] == 'H' && s[1] == 'Y' && s[2] == 'L' && s[3] == 'L'
                && (s[4] == DENSE || s[4] == SPARSE) && (s[4] != DENSE || s.length == DENSE_SIZE);
    }

    /** A working copy of a valid sketch. */
    public static HyperLogLog copyOf(byte[] s) {
        return new HyperLogLog(Arrays.copyOf(s, s.length + 16), s.length);
    }

    /** The sketch itself, changed in place (the caller owns it; a dense sketch never changes size). */
    public static HyperLogLog wrap(byte[] s) {
        return new HyperLogLog(s, s.length);
    }

    /** The sketch as a string: the working buffer itself when it has no spare room. */
    public byte[] bytes() {
        return len == buf.length ? buf : Arrays.copyOf(buf, len);
    }

    public boolean isDense() {
        return buf[4] == DENSE;
    }

    // ------------------------------------------------------------------ cached cardinality

    public boolean cacheValid() {
        return (buf[15] & 0x80) == 0;
    }

    public long cachedCardinality() {
        long card = 0;
        for (int i = 7; i >= 0; i--) {
            card = card << 8 | (buf[8 + i] & 0xff);
        }
        return card;
    }

    public void cache(long card) {
        for (int i = 0; i < 8; i++) {
            buf[8 + i] = (byte) (card >>> (8 * i));
        }
    }

    public void invalidateCache() {
        buf[15] |= (byte) 0x80;
    }

    // ------------------------------------------------------------------ adding

    /**
     * hllAdd: 1 when a register grew, 0 when not, -1 for a corrupt sparse sketch. The element's
     * register is the low 14 bits of its hash; the value is the position of the lowest set bit
     * among the other 50 (plus one).
     */
    public int add(byte[] element, long sparseMaxBytes) {
        long hash = MurmurHash64A.hash(element, SEED);
        int index = (int) (hash & (REGISTERS - 1));
        hash >>>= P;
        hash |= 1L << Q;
        int count = Long.numberOfTrailingZeros(hash) + 1;
        return isDense() ? (denseSet(index, count) ? 1 : 0) : sparseSet(index, count, sparseMaxBytes);
    }

    /** Raises register {@code index} to {@code count} if lower: 1 if it grew, 0 if not, -1 corrupt. */
    public int set(int index, int count, long sparseMaxBytes) {
        return isDense() ? (denseSet(index, count) ? 1 : 0) : sparseSet(index, count, sparseMaxBytes);
    }

    public int register(int index) {
        int bit = index * BITS;
        int at = HEADER + (bit >>> 3);
        int shift = bit & 7;
        int b0 = buf[at] & 0xff;
        int b1 = at + 1 < len ? buf[at + 1] & 0xff : 0; // past the last register: Redis reads the sds NUL
        return ((b0 >>> shift) | (b1 << (8 - shift))) & 63;
    }

    private void setRegister(int index, int value) {
        int bit = index * BITS;
        int at = HEADER + (bit >>> 3);
        int shift = bit & 7;
        buf[at] = (byte) ((buf[at] & ~(63 << shift)) | (value << shift));
        if (at + 1 < len) {
            buf[at + 1] = (byte) ((buf[at + 1] & ~(63 >>> (8 - shift))) | (value >>> (8 - shift)));
        }
    }

    private boolean denseSet(int index, int count) {
        if (count > register(index)) {
            setRegister(index, count);
            return true;
        }
        return false;
    }

    /** hllSparseToDense: false when the opcodes do not cover exactly 16384 registers. */
    public boolean toDense() {
        if (isDense()) {
            return true;
        }
        byte[] dense = new byte[DENSE_SIZE];
        System.arraycopy(buf, 0, dense, 0, HEADER);
        dense[4] = DENSE;
        HyperLogLog d = new HyperLogLog(dense, DENSE_SIZE);
        int idx = 0;
        int p = HEADER;
        while (p < len) {
            int op = buf[p] & 0xff;
            int runlen;
            if (isZero(op)) {
                runlen = (op & 0x3f) + 1;
                p++;
            } else if (isXzero(op)) {
                runlen = xzeroLen(op, p + 1 < len ? buf[p + 1] & 0xff : 0);
                p += 2;
            } else {
                runlen = (op & 3) + 1;
                int value = ((op >>> 2) & 0x1f) + 1;
                if (idx + runlen > REGISTERS) {
                    return false; // values past the last register: corrupt, as Redis answers
                }
                for (int i = 0; i < runlen; i++) {
                    d.setRegister(idx + i, value);
                }
                p++;
            }
            idx += runlen;
            if (idx > REGISTERS) {
                break; // runs past the last register (CVE-2025-32023's crafted sketches): corrupt
            }
        }
        if (idx != REGISTERS) {
            return false;
        }
        buf = dense;
        len = DENSE_SIZE;
        return true;
    }

    /** hllSparseSet, step for step (see the class comment). */
    private int sparseSet(int index, int count, long sparseMaxBytes) {
        if (count > VAL_MAX_VALUE) {
            return promote(index, count);
        }
        ensureRoom(3);
        // Step 1: the opcode covering the register.
        int p = HEADER;
        int end = len;
        int first = 0;
        int prev = -1;
        int span = 0;
        while (p < end) {
            int op = buf[p] & 0xff;
            int oplen = 1;
            if (isZero(op)) {
                span = (op & 0x3f) + 1;
            } else if (isVal(op)) {
                span = (op & 3) + 1;
            } else {
                span = xzeroLen(op, p + 1 < end ? buf[p + 1] & 0xff : 0);
                oplen = 2;
            }
            if (index <= first + span - 1) {
                break;
            }
            prev = p;
            p += oplen;
            first += span;
            if (first > REGISTERS) {
                return -1; // runs past the last register: corrupt
            }
        }
        if (span == 0 || p >= end) {
            return -1;
        }
        int op = buf[p] & 0xff;
        int next = isXzero(op) ? p + 2 : p + 1;
        if (next >= end) {
            next = -1;
        }
        boolean isZero = isZero(op);
        boolean isXzero = isXzero(op);
        boolean isVal = isVal(op);
        int runlen = isZero ? (op & 0x3f) + 1 : isXzero ? xzeroLen(op, buf[p + 1] & 0xff) : (op & 3) + 1;
        // Step 2: the trivial cases.
        if (isVal) {
            int old = ((op >>> 2) & 0x1f) + 1;
            if (old >= count) {
                return 0;
            }
            if (runlen == 1) {
                buf[p] = valOp(count, 1);
                return updated(prev);
            }
        }
        if (isZero && runlen == 1) {
            buf[p] = valOp(count, 1);
            return updated(prev);
        }
        // The general case: split the opcode into up to three (at most 5 bytes).
        byte[] seq = new byte[5];
        int n = 0;
        int last = first + span - 1;
        if (isZero || isXzero) {
            if (index != first) {
                n = zeroRun(seq, n, index - first);
            }
            seq[n++] = valOp(count, 1);
            if (index != last) {
                n = zeroRun(seq, n, last - index);
            }
        } else {
            int cur = ((op >>> 2) & 0x1f) + 1;
            if (index != first) {
                seq[n++] = valOp(cur, index - first);
            }
            seq[n++] = valOp(count, 1);
            if (index != last) {
                seq[n++] = valOp(cur, last - index);
            }
        }
        // Step 3: the new sequence in place of the old opcode.
        int oldlen = isXzero ? 2 : 1;
        int delta = n - oldlen;
        if (delta > 0 && len + delta > sparseMaxBytes) {
            return promote(index, count);
        }
        if (delta != 0 && next >= 0) {
            ensureRoom(delta);
            System.arraycopy(buf, next, buf, next + delta, end - next);
        }
        len += delta;
        System.arraycopy(seq, 0, buf, p, n);
        return updated(prev);
    }

    /** Step 4: merges equal adjacent VAL opcodes among the five from the one before the change. */
    private int updated(int prev) {
        int p = prev >= 0 ? prev : HEADER;
        int end = len;
        int scan = 5;
        while (p < end && scan-- > 0) {
            int op = buf[p] & 0xff;
            if (isXzero(op)) {
                p += 2;
                continue;
            } else if (isZero(op)) {
                p++;
                continue;
            }
            if (p + 1 < end && isVal(buf[p + 1] & 0xff)) {
                int next = buf[p + 1] & 0xff;
                int v1 = ((op >>> 2) & 0x1f) + 1;
                int v2 = ((next >>> 2) & 0x1f) + 1;
                if (v1 == v2) {
                    int merged = (op & 3) + 1 + (next & 3) + 1;
                    if (merged <= VAL_MAX_LEN) {
                        buf[p + 1] = valOp(v1, merged);
                        System.arraycopy(buf, p + 1, buf, p, end - p - 1);
                        len--;
                        end--;
                        continue; // try the merged opcode with the one on its right
                    }
                }
            }
            p++;
        }
        invalidateCache();
        return 1;
    }

    private int promote(int index, int count) {
        if (!toDense()) {
            return -1;
        }
        denseSet(index, count);
        return 1;
    }

    private void ensureRoom(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(len + extra, buf.length * 2));
        }
    }

    private static int zeroRun(byte[] seq, int n, int run) {
        if (run > ZERO_MAX_LEN) {
            xzeroSet(seq, n, run);
            return n + 2;
        }
        seq[n] = (byte) (run - 1);
        return n + 1;
    }

    private static void xzeroSet(byte[] b, int at, int run) {
        int l = run - 1;
        b[at] = (byte) ((l >>> 8) | 0x40);
        b[at + 1] = (byte) (l & 0xff);
    }

    private static byte valOp(int value, int run) {
        return (byte) (((value - 1) << 2 | (run - 1)) | 0x80);
    }

    private static boolean isZero(int op) {
        return (op & 0xc0) == 0;
    }

    private static boolean isXzero(int op) {
        return (op & 0xc0) == 0x40;
    }

    private static boolean isVal(int op) {
        return (op & 0x80) != 0;
    }

    private static int xzeroLen(int op, int second) {
        return ((op & 0x3f) << 8 | second) + 1;
    }

    // ------------------------------------------------------------------ counting and merging

    /** hllCount: the estimate, or -1 for a corrupt sparse sketch. */
    public long count() {
        int[] histo = new int[64];
        if (isDense()) {
            for (int i = 0; i < REGISTERS; i++) {
                histo[register(i)]++;
            }
        } else if (!sparseHistogram(histo)) {
            return -1;
        }
        return estimate(histo);
    }

    private boolean sparseHistogram(int[] histo) {
        long idx = 0; // a crafted sketch's runs may add up past 2^31
        int p = HEADER;
        while (p < len) {
            int op = buf[p] & 0xff;
            if (isZero(op)) {
                int run = (op & 0x3f) + 1;
                histo[0] += run;
                idx += run;
                p++;
            } else if (isXzero(op)) {
                int run = xzeroLen(op, p + 1 < len ? buf[p + 1] & 0xff : 0);
                histo[0] += run;
                idx += run;
                p += 2;
            } else {
                int run = (op & 3) + 1;
                histo[((op >>> 2) & 0x1f) + 1] += run;
                idx += run;
                p++;
            }
        }
        return idx == REGISTERS;
    }

    /** The count of a raw register array (PFCOUNT of several keys). */
    public static long countRegisters(byte[] registers) {
        int[] histo = new int[64];
        for (byte r : registers) {
            histo[r]++;
        }
        return estimate(histo);
    }

    /** Otmar Ertl's estimator from the register histogram, as Redis computes it. */
    private static long estimate(int[] histo) {
        double m = REGISTERS;
        double z = m * tau((m - histo[Q + 1]) / m);
        for (int j = Q; j >= 1; --j) {
            z += histo[j];
            z *= 0.5;
        }
        z += m * sigma(histo[0] / m);
        return Math.round(ALPHA_INF * m * m / z);
    }

    private static double sigma(double x) {
        if (x == 1.0) {
            return Double.POSITIVE_INFINITY;
        }
        double zPrime;
        double y = 1;
        double z = x;
        do {
            x *= x;
            zPrime = z;
            z += x * y;
            y += y;
        } while (zPrime != z);
        return z;
    }

    private static double tau(double x) {
        if (x == 0.0 || x == 1.0) {
            return 0.0;
        }
        double zPrime;
        double y = 1.0;
        double z = 1 - x;
        do {
            x = Math.sqrt(x);
            zPrime = z;
            y *= 0.5;
            z -= Math.pow(1 - x, 2) * y;
        } while (zPrime != z);
        return z / 3;
    }

    /** hllMerge: max[i] = max(max[i], register i of {@code s}); false for a corrupt sparse sketch. */
    public static boolean mergeInto(byte[] max, byte[] s) {
        HyperLogLog h = wrap(s);
        if (h.isDense()) {
            for (int i = 0; i < REGISTERS; i++) {
                int v = h.register(i);
                if (v > max[i]) {
                    max[i] = (byte) v;
                }
            }
            return true;
        }
        int i = 0;
        int p = HEADER;
        while (p < s.length) {
            int op = s[p] & 0xff;
            if (isZero(op)) {
                i += (op & 0x3f) + 1;
                p++;
            } else if (isXzero(op)) {
                i += xzeroLen(op, p + 1 < s.length ? s[p + 1] & 0xff : 0);
                p += 2;
            } else {
                int run = (op & 3) + 1;
                int value = ((op >>> 2) & 0x1f) + 1;
                if (run + i > REGISTERS) {
                    return false; // values past the last register: corrupt, as Redis answers
                }
                for (int k = 0; k < run; k++, i++) {
                    if (value > max[i]) {
                        max[i] = (byte) value;
                    }
                }
                p++;
            }
            if (i > REGISTERS) {
                break; // zero runs past the last register: corrupt, and the sum must not wrap
            }
        }
        return i == REGISTERS;
    }

    /** PFDEBUG DECODE: the sparse opcodes as "z:len", "Z:len", "v:value,len". */
    public String decodeSparse() {
        StringBuilder sb = new StringBuilder();
        int p = HEADER;
        while (p < len) {
            int op = buf[p] & 0xff;
            if (sb.length() > 0) {
                sb.append(' ');
            }
            if (isZero(op)) {
                sb.append("z:").append((op & 0x3f) + 1);
                p++;
            } else if (isXzero(op)) {
                sb.append("Z:").append(xzeroLen(op, p + 1 < len ? buf[p + 1] & 0xff : 0));
                p += 2;
            } else {
                sb.append("v:").append(((op >>> 2) & 0x1f) + 1).append(',').append((op & 3) + 1);
                p++;
            }
        }
        return sb.toString();
    }
}
