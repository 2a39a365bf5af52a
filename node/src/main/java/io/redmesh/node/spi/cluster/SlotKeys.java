package io.redmesh.node.spi.cluster;

import java.util.List;

/**
 * The keys of database 0 by hash slot (a node started with {@code cluster-enabled yes} keeps an
 * index, as Redis 7.0's slot-to-keys map), and what a key needs to move (DUMP payload, TTL).
 * Every method takes the keyspace lock unless the caller holds it already.
 */
public interface SlotKeys {
    /** CLUSTER COUNTKEYSINSLOT. */
    int countKeysInSlot(int slot);

    /** CLUSTER GETKEYSINSLOT: up to {@code max} keys of the slot, in no particular order. */
    List<byte[]> keysInSlot(int slot, int max);

    /** Number of keys in database 0 (a node must be empty to join a cluster with redis-cli). */
    long size();

    /**
     * A key's DUMP payload (byte-identical to Redis's) and its remaining TTL in ms (0: none), or
     * null when the key does not exist.
     */
    Dumped dump(byte[] key);

    record Dumped(byte[] payload, long ttlMillis) {}

    /**
     * Deletes keys of database 0, propagating them to replicas and the AOF as one unit of DELs
     * (MIGRATE without COPY, a slot lost to another master). Returns how many existed.
     */
    int delete(List<byte[]> keys);

    /** Deletes every key of a slot (delKeysInSlot), propagated as DELs; returns the count. */
    int deleteSlot(int slot);
}
