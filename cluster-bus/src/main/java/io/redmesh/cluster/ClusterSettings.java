package io.redmesh.cluster;

import io.redmesh.node.spi.NodeControl;

/**
 * The cluster-* directives (and tls-cluster) as the bus and the router read them, re-read on
 * every CONFIG SET of one of them, so the hot paths read plain fields.
 */
final class ClusterSettings {
    static final String[] WATCHED = {"cluster-node-timeout", "cluster-announce-ip", "cluster-announce-port",
        "cluster-announce-tls-port", "cluster-announce-bus-port", "cluster-announce-hostname",
        "cluster-preferred-endpoint-type", "cluster-require-full-coverage", "cluster-allow-reads-when-down",
        "cluster-allow-pubsubshard-when-down", "cluster-replica-validity-factor", "cluster-migration-barrier",
        "cluster-allow-replica-migration", "cluster-replica-no-failover", "cluster-link-sendbuf-limit", "tls-cluster",
        "repl-ping-replica-period"};

    private final NodeControl node;
    volatile long nodeTimeout;
    volatile String announceIp;
    volatile int announcePort;
    volatile int announceTlsPort;
    volatile int announceBusPort;
    volatile String announceHostname;
    volatile String preferredEndpoint;
    volatile boolean requireFullCoverage;
    volatile boolean allowReadsWhenDown;
    volatile boolean allowPubsubshardWhenDown;
    volatile int validityFactor;
    volatile int migrationBarrier;
    volatile boolean allowReplicaMigration;
    volatile boolean replicaNoFailover;
    volatile boolean tlsCluster;
    /** cluster-link-sendbuf-limit in bytes; 0 is no limit (a value past Long.MAX_VALUE is none either). */
    volatile long linkSendBufLimit;
    volatile long replPingPeriod;

    ClusterSettings(NodeControl node) {
        this.node = node;
        reload();
    }

    void reload() {
        nodeTimeout = Long.parseLong(node.config("cluster-node-timeout"));
        announceIp = node.config("cluster-announce-ip");
        announcePort = Integer.parseInt(node.config("cluster-announce-port"));
        announceTlsPort = Integer.parseInt(node.config("cluster-announce-tls-port"));
        announceBusPort = Integer.parseInt(node.config("cluster-announce-bus-port"));
        announceHostname = node.config("cluster-announce-hostname");
        preferredEndpoint = node.config("cluster-preferred-endpoint-type");
        requireFullCoverage = yes("cluster-require-full-coverage");
        allowReadsWhenDown = yes("cluster-allow-reads-when-down");
        allowPubsubshardWhenDown = yes("cluster-allow-pubsubshard-when-down");
        validityFactor = Integer.parseInt(node.config("cluster-replica-validity-factor"));
        migrationBarrier = Integer.parseInt(node.config("cluster-migration-barrier"));
        allowReplicaMigration = yes("cluster-allow-replica-migration");
        replicaNoFailover = yes("cluster-replica-no-failover");
        tlsCluster = yes("tls-cluster");
        long limit = Long.parseUnsignedLong(node.config("cluster-link-sendbuf-limit"));
        linkSendBufLimit = limit < 0 ? 0 : limit;
        replPingPeriod = Long.parseLong(node.config("repl-ping-replica-period"));
    }

    private boolean yes(String name) {
        return node.config(name).equals("yes");
    }
}
