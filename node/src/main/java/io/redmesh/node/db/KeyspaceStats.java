package io.redmesh.node.db;

/** Counters shown by INFO stats that the keyspace itself maintains. */
public final class KeyspaceStats {
    public long keyspaceHits;
    public long keyspaceMisses;
    public long expiredKeys;
    public long evictedKeys;
    public long expireCycleCpuMillis;

    public void reset() {
        keyspaceHits = 0;
        keyspaceMisses = 0;
        expiredKeys = 0;
        evictedKeys = 0;
        expireCycleCpuMillis = 0;
    }
}
