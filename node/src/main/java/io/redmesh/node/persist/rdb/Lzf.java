package io.redmesh.node.persist.rdb;

/**
 * LZF as Redis 7.0 ships it (liblzf 3.6's lzf_c.c with HLOG 16, VERY_FAST, a zeroed hash table), so a
 * compressed RDB string or DUMP payload is byte-identical to Redis's. Format:
 * {@code 000LLLLL <L+1 literals>}, {@code LLLooooo oooooooo} (back reference of L+2 bytes),
 * {@code 111ooooo LLLLLLLL oooooooo} (back reference of L+9 bytes).
 */
public final class Lzf {
    private static final int HLOG = 16;
    private static final int HSIZE = 1 << HLOG;
    private static final int MAX_LIT = 1 << 5;
    private static final int MAX_OFF = 1 << 13;
    private static final int MAX_REF = (1 << 8) + (1 << 3);

    /**
     * One table per thread (256 KiB). Instead of zeroing it for every value (which would cost more
     * than compressing a short string), each call owns a fresh range of stamps: a slot holds
     * {@code base + position + 1}, and anything not above this call's base reads as empty.
     */
    private static final class Table {
        final int[] slots = new int[HSIZE];
        int base;
    }

    private static final ThreadLocal<Table> TABLE = ThreadLocal.withInitial(Table::new);

    private Lzf() {}

    private static int idx(int h) {
        return ((h >>> (3 * 8 - HLOG)) - h * 5) & (HSIZE - 1);
    }

    /**
     * Compresses {@code in[0, inLen)} into {@code out[0, outLen)}; returns the compressed length,
     * or 0 when it does not fit in {@code outLen} (lzf_compress's contract).
     */
    public static int compress(byte[] in, int inLen, byte[] out, int outLen) {
        if (inLen == 0 || outLen == 0) {
            return 0;
        }
        Table t = TABLE.get();
        int[] htab = t.slots;
        if (t.base > Integer.MAX_VALUE - inLen - 2) {
            java.util.Arrays.fill(htab, 0);
            t.base = 0;
        }
        final int base = t.base;
        t.base += inLen + 1;
        // Slots hold base+position+1 so that "not above base" means empty, as a zeroed C pointer
        // table would (lzf_compress also never matches a reference at position 0).
        int ip = 0;
        int op = 0;
        int inEnd = inLen;
        int lit = 0;
        op++; // start run
        int hval = inLen < 2 ? 0 : ((in[0] & 0xff) << 8) | (in[1] & 0xff);
        while (ip < inEnd - 2) {
            hval = (hval << 8) | (in[ip + 2] & 0xff);
            int slot = idx(hval);
            int stored = htab[slot];
            int ref = stored > base ? stored - base - 1 : -1;
            htab[slot] = base + ip + 1;
            int off;
            if (ref > 0 && ref < ip && (off = ip - ref - 1) < MAX_OFF
                    && in[ref] == in[ip] && in[ref + 1] == in[ip + 1] && in[ref + 2] == in[ip + 2]) {
                int len = 2;
                int maxlen = inEnd - ip - len;
                if (maxlen > MAX_REF) {
                    maxlen = MAX_REF;
                }
                out[op - lit - 1] = (byte) (lit - 1); // stop run
                if (lit == 0) {
                    op--; // undo run if length is zero
                }
                if (op + 3 + 1 >= outLen) {
                    return 0;
                }
                // lzf_c.c first compares 16 bytes unrolled (without the maxlen bound) when
                // maxlen > 16; the match lengths differ near the end unless we do the same.
                boolean done = false;
                if (maxlen > 16) {
                    for (int k = 0; k < 16; k++) {
                        len++;
                        if (in[ref + len] != in[ip + len]) {
                            done = true;
                            break;
                        }
                    }
                }
                if (!done) {
                    do {
                        len++;
                    } while (len < maxlen && in[ref + len] == in[ip + len]);
                }
                len -= 2; // len is now #octets - 1
                ip++;
                if (len < 7) {
                    out[op++] = (byte) ((off >>> 8) + (len << 5));
                } else {
                    out[op++] = (byte) ((off >>> 8) + (7 << 5));
                    out[op++] = (byte) (len - 7);
                }
                out[op++] = (byte) off;
                lit = 0;
                op++; // start run
                ip += len + 1;
                if (ip >= inEnd - 2) {
                    break;
                }
                // VERY_FAST: re-hash the last two positions of the match.
                ip -= 2;
                hval = ((in[ip] & 0xff) << 8) | (in[ip + 1] & 0xff);
                hval = (hval << 8) | (in[ip + 2] & 0xff);
                htab[idx(hval)] = base + ip + 1;
                ip++;
                hval = (hval << 8) | (in[ip + 2] & 0xff);
                htab[idx(hval)] = base + ip + 1;
                ip++;
            } else {
                if (op >= outLen) {
                    return 0;
                }
                lit++;
                out[op++] = in[ip++];
                if (lit == MAX_LIT) {
                    out[op - lit - 1] = (byte) (lit - 1); // stop run
                    lit = 0;
                    op++; // start run
                }
            }
        }
        if (op + 3 > outLen) { // at most 3 bytes can be missing here
            return 0;
        }
        while (ip < inEnd) {
            lit++;
            out[op++] = in[ip++];
            if (lit == MAX_LIT) {
                out[op - lit - 1] = (byte) (lit - 1);
                lit = 0;
                op++;
            }
        }
        out[op - lit - 1] = (byte) (lit - 1); // end run
        if (lit == 0) {
            op--;
        }
        return op;
    }

    /**
     * Decompresses {@code in[off, off+len)} into exactly {@code outLen} bytes.
     *
     * @throws IllegalArgumentException when the data is corrupt or does not expand to outLen
     */
    public static byte[] decompress(byte[] in, int off, int len, int outLen) {
        byte[] out = new byte[outLen];
        int ip = off;
        int inEnd = off + len;
        int op = 0;
        while (ip < inEnd) {
            int ctrl = in[ip++] & 0xff;
            if (ctrl < (1 << 5)) { // literal run
                ctrl++;
                if (op + ctrl > outLen || ip + ctrl > inEnd) {
                    throw new IllegalArgumentException("invalid LZF data");
                }
                System.arraycopy(in, ip, out, op, ctrl);
                op += ctrl;
                ip += ctrl;
            } else { // back reference
                int l = ctrl >>> 5;
                int ref = op - ((ctrl & 0x1f) << 8) - 1;
                if (ip >= inEnd) {
                    throw new IllegalArgumentException("invalid LZF data");
                }
                if (l == 7) {
                    l += in[ip++] & 0xff;
                    if (ip >= inEnd) {
                        throw new IllegalArgumentException("invalid LZF data");
                    }
                }
                ref -= in[ip++] & 0xff;
                l += 2;
                if (op + l > outLen || ref < 0) {
                    throw new IllegalArgumentException("invalid LZF data");
                }
                if (ref + l <= op) {
                    System.arraycopy(out, ref, out, op, l);
                } else {
                    for (int k = 0; k < l; k++) { // overlapping: a run, byte by byte
                        out[op + k] = out[ref + k];
                    }
                }
                op += l;
            }
        }
        if (op != outLen) {
            throw new IllegalArgumentException("invalid LZF data");
        }
        return out;
    }
}
