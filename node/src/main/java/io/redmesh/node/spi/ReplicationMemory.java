package io.redmesh.node.spi;

/**
 * What replication holds in memory, as INFO memory reports it (mem_replication_backlog,
 * mem_total_replication_buffers, mem_clients_slaves). Asked at every INFO; may be called without
 * the keyspace lock.
 */
public interface ReplicationMemory {
    ReplicationMemory NONE = new ReplicationMemory() {
        @Override
        public long backlog() {
            return 0;
        }

        @Override
        public long total() {
            return 0;
        }

        @Override
        public long replicas() {
            return 0;
        }
    };

    /** The part of the replication buffer only the backlog needs. */
    long backlog();

    /** The whole replication buffer (backlog and what replicas have not been sent). */
    long total();

    /** What replica connections hold beyond the shared buffer (their sockets' queues). */
    long replicas();
}
