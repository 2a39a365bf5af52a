package io.redmesh.node.spi.cluster;

/**
 * What the replication module publishes for cluster mode (CLUSTER REPLICATE, failover): cluster
 * drives the node's role through this and never reaches replication's classes. Calls are made
 * under the keyspace lock.
 */
public interface ReplicationRole {
    /** Becomes (or stays) a replica of host:port (REPLICAOF host port). */
    void follow(String host, int port);

    /** Becomes a master keeping the dataset and the replication history (REPLICAOF NO ONE). */
    void promote();

    /** The replication offset: a master's, or what a replica has processed. */
    long offset();

    /** A replica's link to its master is up (master_link_status:up). */
    boolean masterLinkUp();

    /** When a replica's master link went down (unix ms), or 0 when it is up or never was. */
    long masterLinkDownSince();
}
