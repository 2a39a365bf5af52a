package io.redmesh.node.db;

import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The string values a key holds alone, which the bit commands (SETBIT, BITFIELD) may change in
 * place, as Redis changes an unshared sds. Every other string is treated as shared (it may be a
 * command's argument array, or held by another key) and is copied once before its first bit
 * change; the copy is then claimed here. One per keyspace, keyed by array identity, weakly.
 *
 * <p>Only arrays of {@link #MIN_LENGTH} bytes or more are claimed: copying a smaller one costs
 * less than remembering it. An in-place change comes after {@link Database#lookupWrite}, which
 * hands the key to a running snapshot first, and {@link Values#copy} (COPY) duplicates the
 * arrays that could be claimed, so a claimed array is reachable from one key only.
 */
public final class WritableStrings {
    /** Smallest array worth changing in place rather than copying. */
    public static final int MIN_LENGTH = 4096;

    private final Set<byte[]> owned = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    /** Marks a fresh array, about to be stored under exactly one key, as that key's alone. */
    public byte[] claim(byte[] fresh) {
        if (fresh.length >= MIN_LENGTH) {
            owned.add(fresh);
        }
        return fresh;
    }

    /** Whether {@code b} may be changed in place. */
    public boolean owns(byte[] b) {
        return b.length >= MIN_LENGTH && owned.contains(b);
    }
}
