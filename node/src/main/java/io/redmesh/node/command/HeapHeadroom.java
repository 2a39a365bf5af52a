package io.redmesh.node.command;

import io.redmesh.node.util.ServerLog;

/**
 * Whether the JVM's heap has room for a maxmemory. Eviction keeps the keyspace's accounted bytes
 * (used_memory) at maxmemory, but the heap also holds the node itself, client buffers, a BGSAVE's
 * copy-on-write snapshot and the collector's free space: a heap capped near maxmemory ends in
 * OutOfMemoryError instead of eviction. bin/redmesh sizes the heap at twice maxmemory plus 128 MB
 * (docs/PERFORMANCE.md, "JVM options"); a node started otherwise, or given a larger maxmemory at
 * run time by CONFIG SET, says so in its log, as redis-server warns about settings it cannot honour.
 */
final class HeapHeadroom {
    /** The least heap a maxmemory needs: a quarter more for the collector, and the node's own 64 MB. */
    static long heapNeeded(long maxmemory) {
        return maxmemory + maxmemory / 4 + (64L << 20);
    }

    /** Logs a warning when {@code maxmemory} (bytes, 0 or less: none) does not fit in {@code maxHeap}. */
    static void check(long maxmemory, long maxHeap) {
        if (maxmemory > 0 && maxmemory < Long.MAX_VALUE / 2 && heapNeeded(maxmemory) > maxHeap) {
            ServerLog.warning("WARNING: maxmemory " + maxmemory + " leaves too little room in the JVM heap (max "
                    + maxHeap + " bytes, " + heapNeeded(maxmemory) + " needed): the node may run out of heap"
                    + " before eviction frees memory. Start it through bin/redmesh, which sizes the heap from"
                    + " maxmemory, or set REDMESH_HEAP.");
        }
    }

    private HeapHeadroom() {
    }
}
