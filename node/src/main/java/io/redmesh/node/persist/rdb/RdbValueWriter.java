package io.redmesh.node.persist.rdb;

import io.redmesh.node.db.HashValue;
import io.redmesh.node.db.ListValue;
import io.redmesh.node.db.SetValue;
import io.redmesh.node.db.ZSetValue;
import io.redmesh.node.db.stream.StreamValue;
import io.redmesh.node.util.Doubles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Serializes one value as Redis 7.0's rdbSaveObjectType + rdbSaveObject would, choosing the RDB
 * type from the value's current encoding: strings, lists as QUICKLIST_2 of listpack nodes
 * packed as list-max-listpack-size packs them, sets as INTSET or SET, hashes as HASH_LISTPACK or
 * HASH, sorted sets as ZSET_LISTPACK or ZSET_2. Holds reusable scratch space: one per writer.
 */
public final class RdbValueWriter {
    /** quicklist.c's optimization_level: the node byte limits for fill -1..-5. */
    private static final int[] OPTIMIZATION_LEVEL = {4096, 8192, 16384, 32768, 65536};
    private static final int SIZE_SAFETY_LIMIT = 8192;
    private static final int SIZE_ESTIMATE_OVERHEAD = 8;
    /** quicklist.c's default packed_threshold: larger elements live in their own "plain" node. */
    public static final long DEFAULT_PACKED_THRESHOLD = 1L << 30;

    /** quicklist.c: nodes under 48 bytes, or that shrink by 8 bytes or less, stay raw. */
    private static final int MIN_COMPRESS_BYTES = 48;
    private static final int MIN_COMPRESS_IMPROVE = 8;

    private final Listpack lp = new Listpack();
    private int listFill = -2;
    private long packedThreshold = DEFAULT_PACKED_THRESHOLD;
    private int compressDepth;
    private byte[] lzf = new byte[256];

    /** list-compress-depth, read at each save. */
    public void compressDepth(int depth) {
        this.compressDepth = depth;
    }

    /** DEBUG QUICKLIST-PACKED-THRESHOLD's value, read at each save. */
    public void packedThreshold(long bytes) {
        this.packedThreshold = bytes;
    }

    /** list-max-listpack-size, read at each save. */
    public void listFill(int fill) {
        this.listFill = fill;
    }

    /** The RDB type byte for a value. */
    public static int typeOf(Object v) {
        if (v instanceof byte[]) {
            return Rdb.TYPE_STRING;
        }
        if (v instanceof ListValue) {
            return Rdb.TYPE_LIST_QUICKLIST_2;
        }
        if (v instanceof SetValue s) {
            return s.isIntset() ? Rdb.TYPE_SET_INTSET : Rdb.TYPE_SET;
        }
        if (v instanceof HashValue h) {
            return h.isListpack() ? Rdb.TYPE_HASH_LISTPACK : Rdb.TYPE_HASH;
        }
        if (v instanceof ZSetValue z) {
            return z.isListpack() ? Rdb.TYPE_ZSET_LISTPACK : Rdb.TYPE_ZSET_2;
        }
        if (v instanceof StreamValue) {
            return Rdb.TYPE_STREAM_LISTPACKS_2;
        }
        throw new IllegalArgumentException("no RDB type for " + v.getClass().getName());
    }

    /** Writes the type byte then the value. */
    public void write(RdbOutput o, Object v) throws IOException {
        int type = typeOf(v);
        o.writeType(type);
        writeBody(o, v, type);
    }

    /** Writes the value of RDB type {@code type} (its type byte already written). */
    public void writeBody(RdbOutput o, Object v, int type) throws IOException {
        switch (type) {
            case Rdb.TYPE_STRING:
                o.writeString((byte[]) v);
                break;
            case Rdb.TYPE_LIST_QUICKLIST_2:
                writeList(o, (ListValue) v);
                break;
            case Rdb.TYPE_STREAM_LISTPACKS_2:
                StreamRdb.write(o, (StreamValue) v);
                break;
            case Rdb.TYPE_SET_INTSET: {
                SetValue s = (SetValue) v;
                o.writeString(CompactDecoder.encodeIntset(s.intsetMembers(), s.length(), s.intsetWidth()));
                break;
            }
            case Rdb.TYPE_SET: {
                SetValue s = (SetValue) v;
                o.writeLen(s.length());
                IOException[] err = {null};
                s.forEach(m -> {
                    if (err[0] == null) {
                        try {
                            o.writeString(m);
                        } catch (IOException e) {
                            err[0] = e;
                        }
                    }
                });
                rethrow(err);
                break;
            }
            case Rdb.TYPE_HASH_LISTPACK: {
                lp.reset();
                ((HashValue) v).forEach((f, val) -> lp.append(f).append(val));
                lp.finish();
                o.writeString(lp.buf(), 0, lp.size());
                break;
            }
            case Rdb.TYPE_HASH: {
                HashValue h = (HashValue) v;
                o.writeLen(h.length());
                IOException[] err = {null};
                h.forEach((f, val) -> {
                    if (err[0] == null) {
                        try {
                            o.writeString(f);
                            o.writeString(val);
                        } catch (IOException e) {
                            err[0] = e;
                        }
                    }
                });
                rethrow(err);
                break;
            }
            case Rdb.TYPE_ZSET_LISTPACK: {
                lp.reset();
                ((ZSetValue) v).forEach((m, score) -> {
                    lp.append(m);
                    // zzlInsertAt stores d2string(score), which listpack keeps as an integer
                    // when it reads as one.
                    byte[] s = Doubles.formatG17(score).getBytes(StandardCharsets.ISO_8859_1);
                    lp.append(s);
                });
                lp.finish();
                o.writeString(lp.buf(), 0, lp.size());
                break;
            }
            case Rdb.TYPE_ZSET_2: {
                ZSetValue z = (ZSetValue) v;
                int n = z.length();
                o.writeLen(n);
                IOException[] err = {null};
                if (n > 0) {
                    // Highest score first, as Redis writes it (loading then appends at the head).
                    z.forRankRange(0, n - 1, true, (m, score) -> {
                        if (err[0] == null) {
                            try {
                                o.writeString(m);
                                o.writeDouble(score);
                            } catch (IOException e) {
                                err[0] = e;
                            }
                        }
                    });
                }
                rethrow(err);
                break;
            }
            default:
                throw new IllegalStateException();
        }
    }

    private static void rethrow(IOException[] err) throws IOException {
        if (err[0] != null) {
            throw err[0];
        }
    }

    /**
     * A list as the quicklist RPUSH would have built: elements fill a listpack node while
     * _quicklistNodeAllowInsert allows, then a new node starts.
     */
    private void writeList(RdbOutput o, ListValue l) throws IOException {
        int n = l.length();
        // First pass: node boundaries (cheap: sizes only), so the node count comes first.
        int nodes = 0;
        int nodeBytes = -1; // -1: no current node
        int nodeCount = 0;
        for (int i = 0; i < n; i++) {
            int sz = l.get(i).length;
            if (nodeBytes >= 0 && allowInsert(nodeBytes, nodeCount, sz)) {
                nodeBytes += entryBytes(l.get(i));
                nodeCount++;
            } else {
                nodes++;
                if (sz >= packedThreshold) {
                    nodeBytes = -1;
                } else {
                    nodeBytes = 7 + entryBytes(l.get(i));
                    nodeCount = 1;
                }
            }
        }
        o.writeLen(nodes);
        lp.reset();
        nodeBytes = -1;
        int index = 0;
        for (int i = 0; i < n; i++) {
            byte[] e = l.get(i);
            if (nodeBytes >= 0 && allowInsert(nodeBytes, nodeCount, e.length)) {
                lp.append(e);
                nodeBytes = lp.bytes();
                nodeCount++;
                continue;
            }
            if (nodeBytes >= 0) {
                flushNode(o, index++, nodes);
            }
            if (e.length >= packedThreshold) {
                o.writeLen(Rdb.QUICKLIST_NODE_PLAIN);
                o.writeString(e);
                index++;
                nodeBytes = -1;
            } else {
                lp.reset();
                lp.append(e);
                nodeBytes = lp.bytes();
                nodeCount = 1;
            }
        }
        if (nodeBytes >= 0) {
            flushNode(o, index, nodes);
        }
    }

    /**
     * Writes node {@code index} of {@code nodes}. With list-compress-depth d, Redis keeps the
     * nodes farther than d from both ends LZF-compressed in memory (when that saves more than 8
     * bytes) and saves them as they are, an LZF blob (rdbSaveLzfBlob); an RPUSH-built list ends
     * with exactly the nodes [d, nodes - 1 - d] compressed.
     */
    private void flushNode(RdbOutput o, int index, int nodes) throws IOException {
        lp.finish();
        o.writeLen(Rdb.QUICKLIST_NODE_PACKED);
        int size = lp.size();
        int d = compressDepth;
        if (d > 0 && index >= d && index <= nodes - 1 - d && size >= MIN_COMPRESS_BYTES) {
            if (lzf.length < size) {
                lzf = new byte[Math.max(size, lzf.length * 2)];
            }
            int c = Lzf.compress(lp.buf(), size, lzf, size);
            if (c != 0 && c + MIN_COMPRESS_IMPROVE < size) {
                o.writeByte(0xC3);
                o.writeLen(c);
                o.writeLen(size);
                o.write(lzf, 0, c);
                lp.reset();
                return;
            }
        }
        o.writeString(lp.buf(), 0, size);
        lp.reset();
    }

    /** Bytes one element takes in a listpack (encoding, data, backlen). */
    static int entryBytes(byte[] e) {
        long v = Listpack.parseInt64(e, 0, e.length);
        int enc;
        if (Listpack.isInt(v, e, 0, e.length)) {
            enc = v >= 0 && v <= 127 ? 1 : v >= -4096 && v <= 4095 ? 2 : v >= -32768 && v <= 32767 ? 3
                    : v >= -8388608 && v <= 8388607 ? 4 : v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE ? 5 : 9;
        } else {
            int len = e.length;
            enc = (len < 64 ? 1 : len < 4096 ? 2 : 5) + len;
        }
        return enc + Listpack.backlenSize(enc);
    }

    /**
     * quicklist.c (7.0.15) _quicklistNodeAllowInsert: the new size is estimated as the node's
     * bytes + the element's length + SIZE_ESTIMATE_OVERHEAD (8); a negative fill limits the node's
     * bytes (4k..64k), a positive one its count (within the 8k safety limit).
     */
    private boolean allowInsert(int nodeBytes, int count, int sz) {
        if (sz >= packedThreshold) {
            return false;
        }
        long newSz = (long) nodeBytes + sz + SIZE_ESTIMATE_OVERHEAD;
        if (listFill < 0) {
            int offset = Math.min(-listFill - 1, OPTIMIZATION_LEVEL.length - 1);
            return newSz <= OPTIMIZATION_LEVEL[offset];
        }
        if (newSz > SIZE_SAFETY_LIMIT) {
            return false;
        }
        int countLimit = listFill == 0 ? 1 : listFill;
        return count + 1 <= countLimit;
    }
}
