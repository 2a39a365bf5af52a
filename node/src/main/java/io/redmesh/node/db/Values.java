package io.redmesh.node.db;

import io.redmesh.node.util.Bytes;

/**
 * What every value in the keyspace can be asked: its TYPE name, its OBJECT ENCODING, a copy.
 * Strings are plain {@code byte[]} (no wrapper object per key); collections implement
 * {@link Sized}.
 */
public final class Values {
    private Values() {}

    /** Redis keeps integers below 10000 as shared objects (OBJ_SHARED_INTEGERS). */
    private static final long SHARED_INTEGERS = 10000;
    private static final int EMBSTR_LIMIT = StringEncodings.EMBSTR_LIMIT;

    public static String typeName(Object v) {
        if (v instanceof byte[]) {
            return "string";
        }
        return ((Sized) v).typeName();
    }

    /** OBJECT ENCODING; {@code strings} knows the strings whose encoding was forced. */
    public static String encoding(Object v, StringEncodings strings) {
        if (v instanceof byte[] b) {
            String forced = strings.forced(b);
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

    public static long refcount(Object v, StringEncodings strings) {
        if (v instanceof byte[] b && b.length <= 5 && strings.forced(b) == null) {
            Long l = Bytes.parseLongOrNull(b);
            if (l != null && l >= 0 && l < SHARED_INTEGERS) {
                return Integer.MAX_VALUE; // OBJ_SHARED_REFCOUNT
            }
        }
        return 1;
    }

    public static Object copy(Object v) {
        if (v instanceof byte[] b) {
            // Strings are shared, except those the bit commands may change in place: COPY gets
            // its own array of those (Redis's COPY duplicates every string).
            return b.length >= WritableStrings.MIN_LENGTH ? b.clone() : b;
        }
        return ((Sized) v).copy();
    }
}
