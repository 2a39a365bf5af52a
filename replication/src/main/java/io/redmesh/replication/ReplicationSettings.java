package io.redmesh.replication;

import io.redmesh.node.spi.NodeControl;
import java.util.List;

/**
 * The replication directives as the module reads them on its paths (command gates, the write
 * stream, crons): read once from the node's configuration and again after each CONFIG SET of
 * one of them, so no hot path parses configuration.
 */
public final class ReplicationSettings {
    static final List<String> DIRECTIVES = List.of("repl-diskless-sync", "repl-diskless-sync-delay",
            "repl-diskless-sync-max-replicas", "repl-diskless-load", "repl-backlog-size", "repl-backlog-ttl",
            "repl-ping-replica-period", "repl-timeout", "min-replicas-to-write", "min-replicas-max-lag",
            "replica-read-only", "replica-serve-stale-data", "replica-priority", "replica-announce-ip",
            "replica-announce-port", "replica-announced", "masterauth", "masteruser", "tls-replication",
            "tls-expected-peer-name", "tls-expected-peer-name-required", "replica-ignore-maxmemory", "repl-rdb-channel", "port", "tls-port", "client-output-buffer-limit");

    private final NodeControl node;
    public volatile boolean disklessSync;
    public volatile long disklessSyncDelaySeconds;
    public volatile long disklessSyncMaxReplicas;
    public volatile String disklessLoad;
    public volatile long backlogSize;
    public volatile long backlogTtlSeconds;
    public volatile long pingPeriodSeconds;
    public volatile long timeoutSeconds;
    public volatile long minReplicasToWrite;
    public volatile long minReplicasMaxLag;
    public volatile boolean readOnly;
    public volatile boolean serveStaleData;
    public volatile long priority;
    public volatile String announceIp;
    public volatile long announcePort;
    public volatile boolean announced;
    public volatile String masterAuth;
    public volatile String masterUser;
    public volatile boolean tls;
    public volatile String expectedPeerName;
    /** tls-expected-peer-name-required: no connection to the master while the name is unknown. */
    public volatile boolean peerNameRequired;
    public volatile boolean ignoreMaxmemory;
    public volatile boolean rdbChannel;
    public volatile long port;
    public volatile long tlsPort;
    /** client-output-buffer-limit replica's hard limit in bytes (0: none). */
    public volatile long replicaHardLimit;

    ReplicationSettings(NodeControl node) {
        this.node = node;
        reload();
        for (String d : DIRECTIVES) {
            node.onConfigChange(d, this::reload);
        }
    }

    void reload() {
        disklessSync = yes("repl-diskless-sync");
        disklessSyncDelaySeconds = num("repl-diskless-sync-delay");
        disklessSyncMaxReplicas = num("repl-diskless-sync-max-replicas");
        disklessLoad = node.config("repl-diskless-load");
        backlogSize = num("repl-backlog-size");
        backlogTtlSeconds = num("repl-backlog-ttl");
        pingPeriodSeconds = num("repl-ping-replica-period");
        timeoutSeconds = num("repl-timeout");
        minReplicasToWrite = num("min-replicas-to-write");
        minReplicasMaxLag = num("min-replicas-max-lag");
        readOnly = yes("replica-read-only");
        serveStaleData = yes("replica-serve-stale-data");
        priority = num("replica-priority");
        announceIp = node.config("replica-announce-ip");
        announcePort = num("replica-announce-port");
        announced = yes("replica-announced");
        masterAuth = node.config("masterauth");
        masterUser = node.config("masteruser");
        tls = yes("tls-replication");
        expectedPeerName = node.config("tls-expected-peer-name");
        peerNameRequired = yes("tls-expected-peer-name-required");
        ignoreMaxmemory = yes("replica-ignore-maxmemory");
        rdbChannel = yes("repl-rdb-channel");
        port = num("port");
        tlsPort = num("tls-port");
        replicaHardLimit = replicaHardLimit(node.config("client-output-buffer-limit"));
    }

    /** The hard limit of the replica class in CONFIG GET's form ("normal 0 0 0 slave 268435456 ..."). */
    static long replicaHardLimit(String limits) {
        String[] w = limits.trim().split("\\s+");
        for (int i = 0; i + 1 < w.length; i++) {
            if (w[i].equals("slave") || w[i].equals("replica")) {
                try {
                    return Long.parseLong(w[i + 1]);
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    private boolean yes(String name) {
        return node.config(name).equals("yes");
    }

    private long num(String name) {
        return Long.parseLong(node.config(name));
    }

    /**
     * Whether the link to the master must wait: over TLS, with a name required (the agent names
     * the master from the mesh) and none known yet, a connection would hand the first
     * certificate of the CA that answers our PING and masterauth.
     */
    public boolean awaitingPeerName() {
        return tls && peerNameRequired && expectedPeerName.isEmpty();
    }

    /** The port this node tells its master it listens on (REPLCONF listening-port). */
    public long listeningPort() {
        if (announcePort > 0) {
            return announcePort;
        }
        return tls && tlsPort > 0 ? tlsPort : port;
    }
}
