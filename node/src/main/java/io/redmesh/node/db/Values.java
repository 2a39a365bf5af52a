package io.redmesh.node.db;

import io.redmesh.node.config.ServerConfig;
import io.redmesh.node.util.Bytes;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * What every value in the keyspace can be asked: its TYPE name, its OBJECT ENCODING, a copy.
 * Strings are plain {@code byte[]} (no wrapper object per key); collections implement
 * {@link Sized}.
 */
public final class Values {
    private Values() {}

    /** Redis keeps integers below 10000 as shared objects (OBJ_SHARED_INTEGERS). */
    private static final long SHARED_INTEGERS = 10000;
    /** OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
    private static final int EMBSTR_LIMIT = 44;

    /**
     * Strings whose Redis encoding is not the one their bytes suggest: results of APPEND and
     * SETRANGE are "raw" sds strings, results of INCRBYFLOAT "embstr" even when they read as an
     * integer. Keyed by array identity (weakly), and only for strings short enough to be
     * mistaken (44 bytes or less), so it costs nothing for most values.
     */
    private static final Map<byte[], String> FORCED_ENCODING = Collections.synchronizedMap(new WeakHashMap<>());

    /** Marks a freshly allocated string as Redis's "raw" encoding; returns it. */
    public static byte[] raw(byte[] fresh) {
        if (fresh.length <= EMBSTR_LIMIT) {
            FORCED_ENCODING.put(fresh, "raw");
        }
        return fresh;
    }

    /** Marks a freshly allocated string as created from text (embstr, never "int"); returns it. */
    public static byte[] string(byte[] fresh) {
        if (fresh.length <= 20 && Bytes.isLong(fresh)) {
            FORCED_ENCODING.put(fresh, "embstr");
        }
        return fresh;
    }

    public static String typeName(Object v) {
        if (v instanceof byte[]) {
            return "string";
        }
        return ((Sized) v).typeName();
    }

    public static String encoding(Object v, ServerConfig config) {
        if (v instanceof byte[] b) {
            String forced = b.length <= EMBSTR_LIMIT ? FORCED_ENCODING.get(b) : null;
            if (forced != null) {
                return forced;
            }
            if (b.length <= 20 && Bytes.isLong(b)) {
                return "int";
            }
            return b.length <= EMBSTR_LIMIT ? "embstr" : "raw";
        }
        return ((Sized) v).encoding();
    }

    public static long refcount(Object v) {
        if (v instanceof byte[] b && b.length <= 5 && !FORCED_ENCODING.containsKey(b)) {
            Long l = Bytes.parseLongOrNull(b);
            if (l != null && l >= 0 && l < SHARED_INTEGERS) {
                return Integer.MAX_VALUE; // OBJ_SHARED_REFCOUNT
            }
        }
        return 1;
    }

    public static Object copy(Object v) {
        if (v instanceof byte[] b) {
            return b; // strings are never mutated in place
        }
        return ((Sized) v).copy();
    }
}
