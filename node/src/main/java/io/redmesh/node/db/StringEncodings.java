package io.redmesh.node.db;

import io.redmesh.node.util.Bytes;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The OBJECT ENCODING of strings whose Redis encoding is not the one their bytes suggest: results
 * of APPEND and SETRANGE are "raw" sds strings, results of INCRBYFLOAT "embstr" even when they
 * read as an integer. One per keyspace. Keyed by array identity (weakly), and only for strings
 * short enough to be mistaken (44 bytes or less), so it costs nothing for most values.
 */
public final class StringEncodings {
    /** OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
    static final int EMBSTR_LIMIT = 44;

    private final Map<byte[], String> forced = Collections.synchronizedMap(new WeakHashMap<>());

    /** Marks a freshly allocated string as Redis's "raw" encoding; returns it. */
    public byte[] raw(byte[] fresh) {
        if (fresh.length <= EMBSTR_LIMIT) {
            forced.put(fresh, "raw");
        }
        return fresh;
    }

    /** Marks a freshly allocated string as created from text (embstr, never "int"); returns it. */
    public byte[] string(byte[] fresh) {
        if (fresh.length <= 20 && Bytes.isLong(fresh)) {
            forced.put(fresh, "embstr");
        }
        return fresh;
    }

    /** The encoding forced on {@code b}, or null when its bytes decide. */
    String forced(byte[] b) {
        return b.length <= EMBSTR_LIMIT ? forced.get(b) : null;
    }
}
