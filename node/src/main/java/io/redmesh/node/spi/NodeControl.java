package io.redmesh.node.spi;

import io.prometheus.client.CollectorRegistry;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * What a module may do to a running node, and all it may do: the agent uses only this, and so
 * will replication, cluster-bus and sentinel (add what they need here, as they come). The node's
 * composition root ({@code io.redmesh.node.Node#control()}) implements it.
 *
 * <p>Every method that reads or changes server state takes the keyspace lock, as a command
 * would, unless it says otherwise. Listeners are called with the lock held: they copy what they
 * need and return.
 *
 * <p>Replication (and later cluster-bus and sentinel) plug in through the roles section: their
 * commands are bound when the node is built ({@link ModuleCommands}), their checks are gates in
 * processCommand() ({@link RequestGate}), outbound links ({@link #links()}), the master's stream
 * ({@link #openMasterStream}) and whole-dataset transfer ({@link #datasets()}).
 */
public interface NodeControl {
    /** "in-process node :PORT" (the TLS port when there is one), for logs. */
    String describe();

    /** Bound plaintext port (0: none). */
    int port();

    /** Bound TLS port (0: none). */
    int tlsPort();

    // ------------------------------------------------------------------ lifecycle

    /**
     * Runs {@code hook} during start-up once the dataset and local users are loaded and before
     * any listener accepts a connection (the agent syncing users: no client sees stale ACLs). The
     * hook bounds its own wait; one that throws refuses the start with its message.
     */
    void beforeListen(Runnable hook);

    /** Runs {@code task} atomically with respect to every command (under the keyspace lock). */
    <T> T underLock(Callable<T> task) throws Exception;

    /**
     * {@link #underLock(Callable)} for a task that throws nothing checked: what modules run from
     * threads that are not commands (link replies, timers) to change state the lock guards.
     */
    default void underLock(Runnable task) {
        try {
            underLock(() -> {
                task.run();
                return null;
            });
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ streams and INFO

    /**
     * Subscribes to the executed-write stream, in execution order: what the AOF and replicas
     * apply (expired and evicted keys as DEL, a unit of several writes wrapped in MULTI/EXEC).
     */
    void addWriteListener(ExecutedCommandListener listener);

    void removeWriteListener(ExecutedCommandListener listener);

    /**
     * Adds an INFO section; one named like a built-in section ("replication") replaces it. Shown
     * by {@code INFO}, {@code INFO all|everything} and {@code INFO <name>}.
     */
    void addInfoSection(InfoSection section);

    // ------------------------------------------------------------------ users and ACL

    /** The users as name -> rules (ACL LIST lines without {@code "user <name> "}). */
    Map<String, String> users();

    /**
     * Makes user {@code name} exactly {@code rules} (rebuilt from a blank user, so its ACL LIST
     * line is what the origin published), without telling the ACL listeners (no echo).
     *
     * @throws RequestRefusedException when a rule does not parse, or the name is one ACL SETUSER
     *         refuses (empty, spaces, line breaks, NUL); nothing changes then
     */
    void setUser(String name, String rules) throws RequestRefusedException;

    /** Deletes user {@code name} (the default user is reset instead), without telling the listeners. */
    void deleteUser(String name);

    /** Told about users a client of this node changed (ACL SETUSER, DELUSER, LOAD). */
    void addAclListener(AclChangeListener listener);

    void removeAclListener(AclChangeListener listener);

    /** Judges ACL rules against this node's command table. */
    AclRules aclRules();

    // ------------------------------------------------------------------ TLS

    /**
     * Serves new TLS handshakes with these files, through the node's own CONFIG SET path (so
     * CONFIG GET shows them and a restart finds them); established connections keep theirs.
     *
     * @throws RequestRefusedException when the material is unusable; the old stays in force
     */
    void installTls(Path certFile, Path keyFile, Path caCertFile) throws RequestRefusedException;

    /**
     * Revokes certificate serials: new handshakes presenting one fail, connections that
     * presented one are closed. Returns how many were closed.
     */
    int revokeCertificates(Set<BigInteger> serials);

    // ------------------------------------------------------------------ roles (replication)

    /** Runs {@code hook} once the node serves clients (a replica connects to its master then). */
    void afterStart(Runnable hook);

    /** Runs {@code hook} first when the node stops (close links, stop threads). */
    void beforeStop(Runnable hook);

    /** Runs a task on one of the node's event loops after a delay; null when the node is not running. */
    java.util.concurrent.ScheduledFuture<?> schedule(Runnable task, long delayMillis);

    /** A directive's value as CONFIG GET renders it (sensitive ones included: the module needs masterauth). */
    String config(String name);

    /**
     * Sets a directive as CONFIG SET from a remote client would (the checks and listeners of
     * that directive run; a protected one, dir or dbfilename, only under enable-protected-configs yes).
     *
     * @throws RequestRefusedException with CONFIG SET's error when the value is refused
     */
    void configSet(String name, String value) throws RequestRefusedException;

    /** INFO {@code section} as a client reads it ("field:value" lines after a "# Title" line). */
    String info(String section);

    /** Called (on the thread of the CONFIG SET, under the lock) after {@code name} changed. */
    void onConfigChange(String name, Runnable listener);

    /** What CONFIG REWRITE writes for {@code replicaof} ("host port", or "" for none). */
    void recordReplicaOf(String value);

    /** Adds a check to processCommand() (see {@link RequestGate}). */
    void addGate(RequestGate gate);

    /**
     * Replica mode (Redis's server.masterhost set): no active or lazy expiry deletes (the
     * master's DELs do; clients see expired keys as missing), and no eviction when
     * {@code ignoreMaxmemory}. The log's role letter follows.
     */
    void replicaMode(boolean replica, boolean ignoreMaxmemory);

    /**
     * Pauses writes (FAILOVER): write commands of clients wait, in order, until the pause ends;
     * reads go on; nothing expires or is evicted meanwhile. The master's stream is never paused.
     */
    void pauseWrites(boolean on);

    /** What SHUTDOWN and SIGTERM wait for, up to shutdown-timeout (see {@link ShutdownWait}). */
    void shutdownWait(ShutdownWait wait);

    /** A session that applies a master's replication stream (see {@link MasterStream}). */
    MasterStream openMasterStream(String masterAddress, MasterStream.Listener listener);

    /** Opens outbound links (RESP, optionally TLS with a peer-name check) on the node's event loops. */
    io.redmesh.node.spi.link.LinkFactory links();

    /** Whole-dataset transfer: RDB out of a snapshot, RDB loaded aside and installed. */
    Datasets datasets();

    /** The node's run id (INFO run_id; Redis's first replication id is random too). */
    String runId();

    /** Reports what replication holds in memory (INFO memory). */
    void replicationMemory(ReplicationMemory memory);

    /** Reports the bytes the cluster bus's links hold (INFO memory mem_cluster_links). */
    void clusterLinksMemory(java.util.function.LongSupplier bytes);

    /** Resyncs served, as INFO stats counts them (sync_full, sync_partial_ok, sync_partial_err). */
    enum Resync { FULL, PARTIAL_OK, PARTIAL_ERR }

    void countResync(Resync kind);

    /** Bytes of the master's stream a replica received outside its stream session (the RDB). */
    void countReplicationInput(long bytes);

    // ------------------------------------------------------------------ sentinel

    /** PUBLISH on this node: delivers to its own subscribers (sentinel events); returns how many. */
    int publish(String channel, String message);

    /** The configuration file the node was started with (absolute), or null. */
    Path configFile();

    /**
     * CONFIG REWRITE of the configuration file, fsynced before it replaces the old one (in sentinel
     * mode with the module's {@link SentinelMode#rewriteLines}).
     *
     * @throws java.io.IOException when there is no file or it cannot be written
     */
    void rewriteConfig() throws java.io.IOException;

    // ------------------------------------------------------------------ metrics

    /** The registry the node's metrics endpoint serves; register {@code redmesh_*} collectors. */
    CollectorRegistry metricsRegistry();

    /** Reports the certificate a link serves ({@code redmesh_tls_certificate_*{link}}); asked at every scrape. */
    void certificateMetric(String link, Supplier<X509Certificate> current);

    // ------------------------------------------------------------------ cluster

    /** Routes every command with keys through {@code router} (cluster-enabled yes). */
    void router(io.redmesh.node.spi.cluster.KeyRouter router);

    /** The keys of database 0 by hash slot (indexed when cluster-enabled is yes). */
    io.redmesh.node.spi.cluster.SlotKeys slotKeys();

    /** TLS handlers for the cluster bus from the material in force. */
    io.redmesh.node.spi.cluster.BusTls busTls();

    /** Replication publishes its role control here for cluster mode (see ReplicationRole). */
    void replicationRole(io.redmesh.node.spi.cluster.ReplicationRole role);

    /** Told about every PUBLISH a client of this node ran (channel, message), under the lock. */
    void onPublish(java.util.function.BiConsumer<byte[], byte[]> listener);

    /** Delivers a message to this node's subscribers (a PUBLISH another node received); under the lock. */
    void publishLocal(byte[] channel, byte[] message);

    /** Told about every SPUBLISH a client of this node ran (shard channel, message), under the lock. */
    void onShardPublish(java.util.function.BiConsumer<byte[], byte[]> listener);

    /** Delivers a shard message to this node's SSUBSCRIBErs (an SPUBLISH of the shard); under the lock. */
    void publishShardLocal(byte[] channel, byte[] message);

    /**
     * Drops the shard channels {@code lost} names (their slot moved away), telling each subscriber
     * with a "sunsubscribe" push, as Redis 7.0 does; under the lock.
     */
    void dropShardChannels(java.util.function.Predicate<byte[]> lost);

    /** The role control replication published, or null when replication is not wired in. */
    io.redmesh.node.spi.cluster.ReplicationRole replicationRole();
}
