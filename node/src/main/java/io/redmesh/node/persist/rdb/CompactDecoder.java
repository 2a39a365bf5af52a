package io.redmesh.node.persist.rdb;

import io.redmesh.node.util.Bytes;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the compact blobs an RDB may embed: listpack (Redis 7), ziplist (Redis 3.2 to 6.2),
 * zipmap (Redis before 2.6) and intset. Every read is bounds-checked, so a corrupt blob raises
 * {@link RdbFormatException} rather than an index error or a value built from garbage.
 */
public final class CompactDecoder {
    private CompactDecoder() {}

    private static RdbFormatException bad(String what) {
        return new RdbFormatException(what);
    }

    // ------------------------------------------------------------------ listpack

    /** The entries of a listpack, integers as their decimal strings. */
    public static List<byte[]> listpack(byte[] lp) {
        if (lp.length < Listpack.HEADER + 1) {
            throw bad("listpack too short");
        }
        long total = u32le(lp, 0);
        if (total != lp.length) {
            throw bad("listpack length mismatch");
        }
        int declared = (lp[4] & 0xff) | (lp[5] & 0xff) << 8;
        List<byte[]> out = new ArrayList<>(declared == 65535 ? 16 : declared);
        int p = Listpack.HEADER;
        int end = lp.length - 1;
        while (true) {
            if (p > end) {
                throw bad("listpack entry out of range");
            }
            int b = lp[p] & 0xff;
            if (b == 0xFF) {
                break;
            }
            int start = p;
            if ((b & 0x80) == 0) {
                out.add(Bytes.fromLong(b));
                p += 1;
            } else if ((b & 0xC0) == 0x80) {
                int len = b & 0x3F;
                check(lp, p + 1 + len, end);
                out.add(java.util.Arrays.copyOfRange(lp, p + 1, p + 1 + len));
                p += 1 + len;
            } else if ((b & 0xE0) == 0xC0) {
                check(lp, p + 2, end);
                int u = ((b & 0x1F) << 8) | (lp[p + 1] & 0xff);
                out.add(Bytes.fromLong(u >= 1 << 12 ? u - (1 << 13) : u));
                p += 2;
            } else if ((b & 0xF0) == 0xE0) {
                check(lp, p + 2, end);
                int len = ((b & 0x0F) << 8) | (lp[p + 1] & 0xff);
                check(lp, p + 2 + len, end);
                out.add(java.util.Arrays.copyOfRange(lp, p + 2, p + 2 + len));
                p += 2 + len;
            } else if (b == 0xF0) {
                check(lp, p + 5, end);
                long len = u32le(lp, p + 1);
                check(lp, p + 5 + len, end);
                out.add(java.util.Arrays.copyOfRange(lp, p + 5, p + 5 + (int) len));
                p += 5 + (int) len;
            } else if (b >= 0xF1 && b <= 0xF4) {
                int n = b == 0xF1 ? 2 : b == 0xF2 ? 3 : b == 0xF3 ? 4 : 8;
                check(lp, p + 1 + n, end);
                long v = 0;
                for (int i = 0; i < n; i++) {
                    v |= (lp[p + 1 + i] & 0xffL) << (8 * i);
                }
                v = (v << (64 - 8 * n)) >> (64 - 8 * n); // sign-extend
                out.add(Bytes.fromLong(v));
                p += 1 + n;
            } else {
                throw bad("listpack entry with an unknown encoding");
            }
            int encLen = p - start;
            int bl = Listpack.backlenSize(encLen);
            check(lp, p + bl, end);
            p += bl;
            // lpValidateNext(): the back length read backwards from the entry's end is its size
            if (backlen(lp, p - 1) != encLen) {
                throw bad("listpack entry back length mismatch");
            }
        }
        if (p != end) {
            throw bad("listpack terminator misplaced");
        }
        if (declared != 65535 && declared != out.size()) {
            throw bad("listpack element count mismatch");
        }
        return out;
    }

    /** lpDecodeBacklen(): 7 bits a byte, read backwards from {@code p} while the high bit is set. */
    private static long backlen(byte[] lp, int p) {
        long val = 0;
        int shift = 0;
        while (true) {
            val |= (long) (lp[p] & 127) << shift;
            if ((lp[p] & 128) == 0) {
                return val;
            }
            shift += 7;
            p--;
            if (shift > 28 || p < 0) {
                return -1;
            }
        }
    }

    private static void check(byte[] b, long to, int end) {
        if (to > end || to < 0) {
            throw bad("listpack entry out of range");
        }
    }

    // ------------------------------------------------------------------ ziplist

    /** The entries of a ziplist (RDB versions 7..9), integers as their decimal strings. */
    public static List<byte[]> ziplist(byte[] zl) {
        if (zl.length < 11) {
            throw bad("ziplist too short");
        }
        if (u32le(zl, 0) != zl.length) {
            throw bad("ziplist length mismatch");
        }
        int declared = (zl[8] & 0xff) | (zl[9] & 0xff) << 8;
        int end = zl.length - 1;
        long tail = u32le(zl, 4);
        if ((zl[end] & 0xff) != 0xFF || tail > end) {
            throw bad("ziplist without its end marker, or its tail offset past it");
        }
        List<byte[]> out = new ArrayList<>(declared == 65535 ? 16 : declared);
        int p = 10;
        int entryStart = -1;
        long prevRawSize = 0;
        while (true) {
            if (p > end) {
                throw bad("ziplist entry out of range");
            }
            if ((zl[p] & 0xff) == 0xFF) {
                break;
            }
            if (entryStart >= 0) {
                prevRawSize = p - entryStart;
            }
            entryStart = p;
            // prevlen: 1 byte, or 0xFE then 4 bytes; it must be the previous entry's size
            long prevlen;
            if ((zl[p] & 0xff) < 0xFE) {
                prevlen = zl[p] & 0xff;
                p += 1;
            } else {
                zcheck(p + 5, end);
                prevlen = u32le(zl, p + 1);
                p += 5;
            }
            if (prevlen != prevRawSize) {
                throw bad("ziplist entry with a wrong previous length");
            }
            if (p > end) {
                throw bad("ziplist entry out of range");
            }
            int b = zl[p] & 0xff;
            switch (b >>> 6) {
                case 0: {
                    int len = b & 0x3F;
                    zcheck(p + 1 + len, end);
                    out.add(java.util.Arrays.copyOfRange(zl, p + 1, p + 1 + len));
                    p += 1 + len;
                    break;
                }
                case 1: {
                    zcheck(p + 2, end);
                    int len = ((b & 0x3F) << 8) | (zl[p + 1] & 0xff);
                    zcheck(p + 2 + len, end);
                    out.add(java.util.Arrays.copyOfRange(zl, p + 2, p + 2 + len));
                    p += 2 + len;
                    break;
                }
                case 2: {
                    zcheck(p + 5, end);
                    long len = (zl[p + 1] & 0xffL) << 24 | (zl[p + 2] & 0xff) << 16 | (zl[p + 3] & 0xff) << 8
                            | (zl[p + 4] & 0xff);
                    zcheck(p + 5 + len, end);
                    out.add(java.util.Arrays.copyOfRange(zl, p + 5, p + 5 + (int) len));
                    p += 5 + (int) len;
                    break;
                }
                default: {
                    int n;
                    if (b == 0xC0) {
                        n = 2;
                    } else if (b == 0xD0) {
                        n = 4;
                    } else if (b == 0xE0) {
                        n = 8;
                    } else if (b == 0xF0) {
                        n = 3;
                    } else if (b == 0xFE) {
                        n = 1;
                    } else if (b >= 0xF1 && b <= 0xFD) {
                        out.add(Bytes.fromLong((b & 0x0F) - 1));
                        p += 1;
                        continue;
                    } else {
                        throw bad("ziplist entry with an unknown encoding");
                    }
                    zcheck(p + 1 + n, end);
                    long v = 0;
                    for (int i = 0; i < n; i++) {
                        v |= (zl[p + 1 + i] & 0xffL) << (8 * i);
                    }
                    v = (v << (64 - 8 * n)) >> (64 - 8 * n);
                    out.add(Bytes.fromLong(v));
                    p += 1 + n;
                }
            }
        }
        if (p != end) {
            throw bad("ziplist terminator misplaced");
        }
        if (entryStart >= 0 && tail != entryStart) {
            throw bad("ziplist tail offset is not its last entry");
        }
        if (declared != 65535 && declared != out.size()) {
            throw bad("ziplist element count mismatch");
        }
        return out;
    }

    private static void zcheck(long to, int end) {
        if (to > end || to < 0) {
            throw bad("ziplist entry out of range");
        }
    }

    // ------------------------------------------------------------------ zipmap

    /**
     * A zipmap's field, value, field, value... (RDB_TYPE_HASH_ZIPMAP), validated as Redis 7.0's
     * zipmapValidateIntegrity(deep) does: the last byte is the end marker, no entry reaches past
     * it, a length byte of 254 or more is followed by a 4-byte length, there is at least one entry
     * and the header's count (unless 254, "too many to count") is the number of entries.
     */
    public static List<byte[]> zipmap(byte[] zm) {
        int end = zm.length;
        if (end < 2 || (zm[end - 1] & 0xff) != 0xFF) {
            throw bad("zipmap without its end marker");
        }
        List<byte[]> out = new ArrayList<>();
        int p = 1; // zmlen
        int count = 0;
        while ((zm[p] & 0xff) != 0xFF) {
            for (int part = 0; part < 2; part++) {
                long len = zm[p] & 0xff;
                int size = len < 254 ? 1 : 5;
                if (p + size > end - 1) {
                    throw bad("zipmap entry out of range");
                }
                if (size == 5) {
                    len = u32le(zm, p + 1);
                }
                p += size;
                int free = 0;
                if (part == 1) {
                    free = zm[p] & 0xff;
                    p++;
                }
                if (p + len + free > end - 1) {
                    throw bad("zipmap entry out of range");
                }
                out.add(java.util.Arrays.copyOfRange(zm, p, p + (int) len));
                p += (int) len + free;
            }
            count++;
        }
        if (count == 0 || ((zm[0] & 0xff) != 254 && (zm[0] & 0xff) != count)) {
            throw bad("zipmap count mismatch");
        }
        return out;
    }

    // ------------------------------------------------------------------ intset

    /** The element width (2, 4, 8) of a valid intset blob. */
    public static int intsetWidth(byte[] is) {
        return is[0];
    }

    /** The members of an intset blob, ascending (validated: width, length, strict order). */
    public static long[] intset(byte[] is) {
        if (is.length < 8) {
            throw bad("intset too short");
        }
        int width = (int) u32le(is, 0);
        long n = u32le(is, 4);
        if (width != 2 && width != 4 && width != 8) {
            throw bad("intset with an invalid encoding");
        }
        if (8 + n * width != is.length) {
            throw bad("intset length mismatch");
        }
        long[] out = new long[(int) n];
        for (int i = 0; i < n; i++) {
            long v = 0;
            int at = 8 + i * width;
            for (int k = 0; k < width; k++) {
                v |= (is[at + k] & 0xffL) << (8 * k);
            }
            v = (v << (64 - 8 * width)) >> (64 - 8 * width);
            if (i > 0 && v <= out[i - 1]) {
                throw bad("intset not sorted");
            }
            out[i] = v;
        }
        return out;
    }

    /** An intset blob of {@code v[0, n)} (ascending) in the narrowest width that holds them. */
    public static byte[] encodeIntset(long[] v, int n) {
        return encodeIntset(v, n, 2);
    }

    /** An intset blob in at least {@code minWidth} bytes per element. */
    public static byte[] encodeIntset(long[] v, int n, int minWidth) {
        int width = minWidth;
        for (int i = 0; i < n; i++) {
            long x = v[i];
            if (x < Integer.MIN_VALUE || x > Integer.MAX_VALUE) {
                width = 8;
                break;
            }
            if ((x < Short.MIN_VALUE || x > Short.MAX_VALUE) && width < 4) {
                width = 4;
            }
        }
        byte[] out = new byte[8 + n * width];
        out[0] = (byte) width;
        out[4] = (byte) n;
        out[5] = (byte) (n >>> 8);
        out[6] = (byte) (n >>> 16);
        out[7] = (byte) (n >>> 24);
        int p = 8;
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < width; k++) {
                out[p++] = (byte) (v[i] >>> (8 * k));
            }
        }
        return out;
    }

    static long u32le(byte[] b, int p) {
        return (b[p] & 0xffL) | (b[p + 1] & 0xffL) << 8 | (b[p + 2] & 0xffL) << 16 | (b[p + 3] & 0xffL) << 24;
    }
}
