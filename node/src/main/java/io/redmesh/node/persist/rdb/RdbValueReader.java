package io.redmesh.node.persist.rdb;

import io.redmesh.node.config.ServerConfig;
import io.redmesh.node.db.HashValue;
import io.redmesh.node.db.ListValue;
import io.redmesh.node.db.SetValue;
import io.redmesh.node.db.ZSetValue;
import io.redmesh.node.util.Bytes;
import java.io.IOException;
import java.util.List;

/**
 * rdbLoadObject: reads one value of a given RDB type (versions 1..10: plain, zipmap, ziplist,
 * intset, listpack and quicklist forms) and builds it in the encoding Redis 7.0 would pick after
 * loading, given the *-max-listpack-* / set-max-intset-entries thresholds, so OBJECT ENCODING
 * agrees with Redis. Returns null for an empty collection (Redis skips such keys).
 */
public final class RdbValueReader {
    /** The value type is one we cannot load (module, stream, unknown); the message names it. */
    public static final class UnsupportedTypeException extends RdbFormatException {
        public final int type;

        public UnsupportedTypeException(int type) {
            super("unsupported " + Rdb.typeName(type) + " value type " + type);
            this.type = type;
        }
    }

    private final long hashEntries;
    private final long hashValue;
    private final long setIntsetEntries;
    private final ZSetValue.Limits zsetLimits;

    public RdbValueReader(long hashEntries, long hashValue, long setIntsetEntries, long zsetEntries, long zsetValue) {
        this.hashEntries = hashEntries;
        this.hashValue = hashValue;
        this.setIntsetEntries = setIntsetEntries;
        this.zsetLimits = new ZSetValue.Limits(zsetEntries, zsetValue);
    }

    public static RdbValueReader from(ServerConfig c) {
        return new RdbValueReader(c.getLong("hash-max-listpack-entries"), c.getLong("hash-max-listpack-value"),
                c.getLong("set-max-intset-entries"), c.getLong("zset-max-listpack-entries"),
                c.getLong("zset-max-listpack-value"));
    }

    /** Whether {@code type} is a value type this reader knows. */
    public static boolean isLoadable(int type) {
        return (type >= Rdb.TYPE_STRING && type <= Rdb.TYPE_ZSET_2)
                || (type >= Rdb.TYPE_HASH_ZIPMAP && type <= Rdb.TYPE_LIST_QUICKLIST)
                || type == Rdb.TYPE_HASH_LISTPACK || type == Rdb.TYPE_ZSET_LISTPACK
                || type == Rdb.TYPE_LIST_QUICKLIST_2
                || type == Rdb.TYPE_STREAM_LISTPACKS || type == Rdb.TYPE_STREAM_LISTPACKS_2;
    }

    public Object read(RdbInput in, int type) throws IOException {
        switch (type) {
            case Rdb.TYPE_STRING:
                return in.readString();
            case Rdb.TYPE_LIST: {
                long n = in.readPlainLen();
                ListValue l = new ListValue();
                for (long i = 0; i < n; i++) {
                    l.pushTail(in.readString());
                }
                return l.length() == 0 ? null : l;
            }
            case Rdb.TYPE_LIST_ZIPLIST: {
                ListValue l = new ListValue();
                for (byte[] e : CompactDecoder.ziplist(in.readString())) {
                    l.pushTail(e);
                }
                return l.length() == 0 ? null : l;
            }
            case Rdb.TYPE_STREAM_LISTPACKS:
            case Rdb.TYPE_STREAM_LISTPACKS_2:
                return StreamRdb.read(in, type); // an empty stream is a valid key (groups may exist)
            case Rdb.TYPE_LIST_QUICKLIST:
            case Rdb.TYPE_LIST_QUICKLIST_2:
                return readQuicklist(in, type == Rdb.TYPE_LIST_QUICKLIST_2);
            case Rdb.TYPE_SET: {
                long n = in.readPlainLen();
                SetValue s = new SetValue();
                if (n > setIntsetEntries) {
                    s.convert();
                }
                for (long i = 0; i < n; i++) {
                    if (!s.add(in.readString(), setIntsetEntries)) {
                        throw new RdbFormatException("duplicate set member");
                    }
                }
                return s.length() == 0 ? null : s;
            }
            case Rdb.TYPE_SET_INTSET: {
                byte[] blob = in.readString();
                long[] v = CompactDecoder.intset(blob);
                SetValue s = new SetValue();
                s.intsetWidthAtLeast(CompactDecoder.intsetWidth(blob));
                for (long x : v) {
                    s.add(Bytes.fromLong(x), Long.MAX_VALUE);
                }
                if (s.length() > setIntsetEntries) {
                    s.convert();
                }
                return s.length() == 0 ? null : s;
            }
            case Rdb.TYPE_ZSET:
            case Rdb.TYPE_ZSET_2: {
                long n = in.readPlainLen();
                ZSetValue z = ZSetValue.newSkiplist();
                for (long i = 0; i < n; i++) {
                    byte[] m = in.readString();
                    double score = type == Rdb.TYPE_ZSET_2 ? in.readBinaryDouble() : in.readStringDouble();
                    if (Double.isNaN(score)) {
                        throw new RdbFormatException("zset score is NaN");
                    }
                    if (z.contains(m)) {
                        throw new RdbFormatException("duplicate zset member");
                    }
                    z.insert(m, score, zsetLimits);
                }
                // Redis converts after loading, since sorted sets are not stored ordered.
                z.convertToListpackIfFits(zsetLimits);
                return z.length() == 0 ? null : z;
            }
            case Rdb.TYPE_ZSET_ZIPLIST:
            case Rdb.TYPE_ZSET_LISTPACK:
                return readCompactZset(type == Rdb.TYPE_ZSET_LISTPACK
                        ? CompactDecoder.listpack(in.readString()) : CompactDecoder.ziplist(in.readString()));
            case Rdb.TYPE_HASH: {
                long n = in.readPlainLen();
                HashValue h = new HashValue();
                if (n > hashEntries) {
                    h.convert();
                }
                for (long i = 0; i < n; i++) {
                    byte[] f = in.readString();
                    byte[] v = in.readString();
                    if (!h.set(f, v, hashEntries, hashValue)) {
                        throw new RdbFormatException("duplicate hash field");
                    }
                }
                return h.length() == 0 ? null : h;
            }
            case Rdb.TYPE_HASH_ZIPMAP:
                return readCompactHash(CompactDecoder.zipmap(in.readString()));
            case Rdb.TYPE_HASH_ZIPLIST:
                return readCompactHash(CompactDecoder.ziplist(in.readString()));
            case Rdb.TYPE_HASH_LISTPACK:
                return readCompactHash(CompactDecoder.listpack(in.readString()));
            default:
                throw new UnsupportedTypeException(type);
        }
    }

    private Object readQuicklist(RdbInput in, boolean v2) throws IOException {
        long nodes = in.readPlainLen();
        ListValue l = new ListValue();
        for (long i = 0; i < nodes; i++) {
            long container = Rdb.QUICKLIST_NODE_PACKED;
            if (v2) {
                container = in.readPlainLen();
                if (container != Rdb.QUICKLIST_NODE_PACKED && container != Rdb.QUICKLIST_NODE_PLAIN) {
                    throw new RdbFormatException("quicklist node with an unknown container " + container);
                }
            }
            byte[] blob = in.readString();
            if (container == Rdb.QUICKLIST_NODE_PLAIN) {
                l.pushTail(blob);
                continue;
            }
            List<byte[]> entries = v2 ? CompactDecoder.listpack(blob) : CompactDecoder.ziplist(blob);
            // Redis skips empty nodes rather than failing.
            for (byte[] e : entries) {
                l.pushTail(e);
            }
        }
        return l.length() == 0 ? null : l;
    }

    private Object readCompactZset(List<byte[]> e) {
        if (e.size() % 2 != 0) {
            throw new RdbFormatException("sorted set listpack with an odd number of entries");
        }
        ZSetValue z = new ZSetValue();
        int n = e.size() / 2;
        // A compact blob is already in (score, member) order; keep it compact unless too many.
        ZSetValue.Limits limits = n > zsetLimits.entries() ? zsetLimits : new ZSetValue.Limits(Long.MAX_VALUE, Long.MAX_VALUE);
        for (int i = 0; i < n; i++) {
            byte[] m = e.get(2 * i);
            Double score = Bytes.parseDoubleOrNull(e.get(2 * i + 1));
            if (score == null || score.isNaN()) {
                throw new RdbFormatException("invalid sorted set score");
            }
            if (z.contains(m)) {
                throw new RdbFormatException("duplicate zset member");
            }
            z.insert(m, score, limits);
        }
        if (n > zsetLimits.entries() && z.isListpack()) {
            ZSetValue big = ZSetValue.newSkiplist();
            z.forEach((m, s) -> big.insert(m, s, zsetLimits));
            z = big;
        }
        return z.length() == 0 ? null : z;
    }

    private Object readCompactHash(List<byte[]> e) {
        if (e.size() % 2 != 0) {
            throw new RdbFormatException("hash listpack with an odd number of entries");
        }
        int n = e.size() / 2;
        HashValue h = new HashValue();
        int maxlen = 0;
        for (byte[] b : e) {
            maxlen = Math.max(maxlen, b.length);
        }
        if (n > hashEntries || maxlen > hashValue) {
            h.convert();
        } else {
            HashValue packed = HashValue.listpackOf(e);
            if (packed != null) {
                return n == 0 ? null : packed;
            }
            // a repeated field (reported below) or a listpack past the safety size
            h.convert();
        }
        for (int i = 0; i < n; i++) {
            if (!h.set(e.get(2 * i), e.get(2 * i + 1), Long.MAX_VALUE, Long.MAX_VALUE)) {
                throw new RdbFormatException("duplicate hash field");
            }
        }
        return h.length() == 0 ? null : h;
    }
}
