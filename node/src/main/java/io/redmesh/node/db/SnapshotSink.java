package io.redmesh.node.db;

import java.io.IOException;

/**
 * Receives a point-in-time copy of the keyspace without fork(): the snapshot walks each
 * database's table in a fixed order, and a write about to change, delete or add a key in a part
 * of the table the walk has not reached yet first hands that part to the sink. So the sink sees
 * every key exactly as it was at the snapshot instant, each key exactly once.
 *
 * <p>The RDB writer (BGSAVE, full resync) and the AOF rewrite implement it.
 */
public interface SnapshotSink {
    /**
     * Called once, before any entry, under the server lock at the snapshot instant.
     *
     * @param keys         keys per database at that instant (index = database number)
     * @param volatileKeys keys with a TTL per database at that instant
     */
    void begin(long[] keys, long[] volatileKeys) throws IOException;

    /**
     * One key as it was at the snapshot instant. Called under the server lock, from the
     * snapshot's walk or from a writer just before it changes the key; entries of different
     * databases may interleave. The entry (its value, {@code expireAt}, {@code lru}) must be fully
     * consumed before returning: it may change right after.
     */
    void entry(int db, DictEntry e) throws IOException;

    /** Called once after the last entry (not under the server lock). */
    void end() throws IOException;
}
