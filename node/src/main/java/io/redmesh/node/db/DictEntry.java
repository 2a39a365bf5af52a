package io.redmesh.node.db;

/**
 * One key of a {@link Dict}. In a database's main dict it also carries the key's expiry and its
 * LRU/LFU clock, so a key costs one object beside its bytes. {@code value} is whatever the owner
 * stores: a {@code byte[]} string or a collection in the keyspace, a field value in a hash, null
 * in a set.
 */
public final class DictEntry {
    public final byte[] key;
    final int hash;
    public Object value;
    /** Absolute unix time in ms at which the key expires; 0 when it has no TTL. */
    public long expireAt;
    /** LRU clock (seconds, 24 bits) or LFU state (16-bit minutes << 8 | 8-bit counter). */
    public int lru;
    /** Bytes this key was last accounted for in used_memory. */
    public int accounted;
    /**
     * The epoch of the last snapshot that has this key "handled": already given to the sink, or
     * created after that snapshot's instant. Fits in the object's alignment padding.
     */
    int snapEpoch;
    DictEntry next;

    DictEntry(byte[] key, int hash, Object value) {
        this.key = key;
        this.hash = hash;
        this.value = value;
    }
}
