package io.redmesh.node;

import io.prometheus.client.CollectorRegistry;
import io.redmesh.node.acl.Acl;
import io.redmesh.node.command.ServerContext;
import io.redmesh.node.config.ServerConfig;
import io.redmesh.node.config.ServerConfig.ConfigSetError;
import io.redmesh.node.spi.AclChangeListener;
import io.redmesh.node.spi.AclRules;
import io.redmesh.node.spi.ExecutedCommandListener;
import io.redmesh.node.spi.InfoSection;
import io.redmesh.node.spi.NodeControl;
import io.redmesh.node.spi.RequestRefusedException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * {@link NodeControl} over a node in this JVM: each call reaches the part that owns what it
 * changes (the ACL change feed, the CONFIG SET path for TLS files, the dispatcher's write
 * stream), taking the keyspace lock as a command would.
 */
final class LocalNodeControl implements NodeControl {
    private final Node node;
    private final ServerContext context;
    private final Acl acl;
    private final AclRules rules;
    /**
     * CONFIG SET's caller for a module: not a local client, so a protected directive (dir,
     * dbfilename) changes only under enable-protected-configs yes, as for any remote client.
     */
    private static final ServerConfig.Caller AS_MODULE = mode -> mode.equals("yes");
    private final ClusterSupport cluster;
    private volatile io.redmesh.node.spi.cluster.ReplicationRole replicationRole;

    LocalNodeControl(Node node) {
        this.node = node;
        this.context = node.context();
        this.acl = node.acl();
        this.rules = Node.declaredAclRules(); // the same judgement on every member of a mesh
        this.cluster = new ClusterSupport(context, node.tls());
    }

    @Override
    public String describe() {
        return "in-process node :" + (node.tlsPort() > 0 ? node.tlsPort() : node.port());
    }

    @Override
    public int port() {
        return node.port();
    }

    @Override
    public int tlsPort() {
        return node.tlsPort();
    }

    @Override
    public void beforeListen(Runnable hook) {
        node.server().beforeListen(hook);
    }

    @Override
    public <T> T underLock(Callable<T> task) throws Exception {
        context.lock.lock();
        try {
            return task.call();
        } finally {
            context.lock.unlock();
        }
    }

    /** {@link #underLock} for bodies that throw nothing checked. */
    private <T> T locked(Supplier<T> body) {
        context.lock.lock();
        try {
            return body.get();
        } finally {
            context.lock.unlock();
        }
    }

    @Override
    public void addWriteListener(ExecutedCommandListener listener) {
        context.addWriteListener(listener);
    }

    @Override
    public void removeWriteListener(ExecutedCommandListener listener) {
        context.removeWriteListener(listener);
    }

    @Override
    public void addInfoSection(InfoSection section) {
        context.addInfoSection(section);
    }

    @Override
    public Map<String, String> users() {
        return locked(acl.changes::snapshot);
    }

    @Override
    public void setUser(String name, String rules) throws RequestRefusedException {
        // ACL SETUSER's check: the name is written verbatim into ACL LIST and the aclfile, where
        // a line break would plant lines of the caller's choosing
        if (!this.rules.validUserName(name)) {
            throw new RequestRefusedException("Usernames can't contain spaces or null characters");
        }
        context.lock.lock();
        try {
            acl.changes.applyRemote(name, rules);
        } catch (Acl.SetUserException e) {
            throw new RequestRefusedException("rule '" + e.rule + "' refused: " + e.getMessage(), e);
        } finally {
            context.lock.unlock();
        }
    }

    @Override
    public void deleteUser(String name) {
        context.lock.lock();
        try {
            acl.changes.applyRemote(name, null);
        } catch (Acl.SetUserException e) {
            throw new IllegalStateException("deleting a user applies no rule", e);
        } finally {
            context.lock.unlock();
        }
    }

    @Override
    public void addAclListener(AclChangeListener listener) {
        acl.changes.addListener(listener);
    }

    @Override
    public void removeAclListener(AclChangeListener listener) {
        acl.changes.removeListener(listener);
    }

    @Override
    public AclRules aclRules() {
        return rules;
    }

    @Override
    public void installTls(Path certFile, Path keyFile, Path caCertFile) throws RequestRefusedException {
        context.lock.lock();
        try {
            context.config.set(List.of(
                    new String[] {"tls-cert-file", certFile.toString()},
                    new String[] {"tls-key-file", keyFile.toString()},
                    new String[] {"tls-ca-cert-file", caCertFile.toString()}), AS_MODULE);
        } catch (ConfigSetError e) {
            throw new RequestRefusedException(e.getMessage(), e);
        } finally {
            context.lock.unlock();
        }
    }

    @Override
    public int revokeCertificates(Set<BigInteger> serials) {
        return node.revokeCertificates(serials);
    }

    // ------------------------------------------------------------------ roles

    @Override
    public void afterStart(Runnable hook) {
        node.server().afterStart(hook);
    }

    @Override
    public void beforeStop(Runnable hook) {
        node.server().beforeStop(hook);
    }

    @Override
    public java.util.concurrent.ScheduledFuture<?> schedule(Runnable task, long delayMillis) {
        return node.server().schedule(task, delayMillis);
    }

    @Override
    public String config(String name) {
        io.redmesh.node.config.ConfigParam p = context.config.param(name);
        if (p == null) {
            throw new IllegalArgumentException("no directive " + name);
        }
        return locked(p::render);
    }

    @Override
    public void configSet(String name, String value) throws RequestRefusedException {
        context.lock.lock();
        try {
            context.config.set(List.<String[]>of(new String[] {name, value}), AS_MODULE);
        } catch (ConfigSetError e) {
            throw new RequestRefusedException(e.getMessage(), e);
        } finally {
            context.lock.unlock();
        }
    }

    @Override
    public String info(String section) {
        return locked(() -> io.redmesh.node.command.family.Families.infoSection(context, section));
    }

    @Override
    public void onConfigChange(String name, Runnable listener) {
        context.config.onChange(name, v -> listener.run());
    }

    @Override
    public void recordReplicaOf(String value) {
        locked(() -> {
            context.config.record("replicaof", value);
            return null;
        });
    }

    @Override
    public void addGate(io.redmesh.node.spi.RequestGate gate) {
        context.dispatcher().addModuleGate(gate);
    }

    @Override
    public void replicaMode(boolean replica, boolean ignoreMaxmemory) {
        locked(() -> {
            context.keyspace.expireAllowed(!replica);
            context.keyspace.evictionAllowed(!(replica && ignoreMaxmemory));
            io.redmesh.node.util.ServerLog.role(replica ? 'S' : 'M');
            return null;
        });
    }

    @Override
    public void pauseWrites(boolean on) {
        locked(() -> {
            context.dispatcher().pauseWrites(on);
            return null;
        });
    }

    @Override
    public io.redmesh.node.spi.MasterStream openMasterStream(String masterAddress,
                                                            io.redmesh.node.spi.MasterStream.Listener listener) {
        return new io.redmesh.node.command.MasterClient(context, masterAddress, listener);
    }

    @Override
    public io.redmesh.node.spi.link.LinkFactory links() {
        return node.server().links();
    }

    @Override
    public io.redmesh.node.spi.Datasets datasets() {
        return node.persistence().datasets();
    }

    @Override
    public String runId() {
        return context.runId;
    }

    @Override
    public void shutdownWait(io.redmesh.node.spi.ShutdownWait wait) {
        locked(() -> {
            context.pendingShutdown().waitFor(wait);
            return null;
        });
    }

    @Override
    public void replicationMemory(io.redmesh.node.spi.ReplicationMemory memory) {
        context.replicationMemory(memory);
    }

    @Override
    public void clusterLinksMemory(java.util.function.LongSupplier bytes) {
        context.clusterLinksMemory(bytes);
    }

    @Override
    public void countResync(Resync kind) {
        switch (kind) {
            case FULL -> context.stats.syncFull++;
            case PARTIAL_OK -> context.stats.syncPartialOk++;
            default -> context.stats.syncPartialErr++;
        }
    }

    @Override
    public void countReplicationInput(long bytes) {
        context.stats.netReplInputBytes += bytes;
    }

    @Override
    public int publish(String channel, String message) {
        // Latin-1: the bytes the module read (RESP arguments are decoded the same way) go out unchanged
        return locked(() -> context.pubsub.publish(channel.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                message.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
    }

    @Override
    public Path configFile() {
        return context.config.configFile();
    }

    @Override
    public void rewriteConfig() throws java.io.IOException {
        if (context.config.configFile() == null) {
            throw new java.io.IOException("the server is running without a config file");
        }
        context.lock.lock();
        try {
            // with an aclfile the users live there, as CONFIG REWRITE does
            io.redmesh.node.config.ConfigRewriter.rewrite(context.config, context.config.getString("aclfile").isEmpty()
                    ? context.accessControl().userLines() : List.of());
        } finally {
            context.lock.unlock();
        }
    }

    @Override
    public CollectorRegistry metricsRegistry() {
        return node.metrics().registry();
    }

    @Override
    public void certificateMetric(String link, Supplier<X509Certificate> current) {
        node.metrics().certificate(link, current);
    }

    @Override
    public void router(io.redmesh.node.spi.cluster.KeyRouter router) {
        context.dispatcher().router(router);
    }

    @Override
    public io.redmesh.node.spi.cluster.SlotKeys slotKeys() {
        return cluster;
    }

    @Override
    public io.redmesh.node.spi.cluster.BusTls busTls() {
        return cluster;
    }

    @Override
    public void replicationRole(io.redmesh.node.spi.cluster.ReplicationRole role) {
        replicationRole = role;
    }

    @Override
    public io.redmesh.node.spi.cluster.ReplicationRole replicationRole() {
        return replicationRole;
    }

    @Override
    public void onPublish(java.util.function.BiConsumer<byte[], byte[]> listener) {
        context.pubsub.publishListener(listener);
    }

    @Override
    public void publishLocal(byte[] channel, byte[] message) {
        context.pubsub.publish(channel, message);
    }

    @Override
    public void onShardPublish(java.util.function.BiConsumer<byte[], byte[]> listener) {
        context.pubsub.shardPublishListener(listener);
    }

    @Override
    public void publishShardLocal(byte[] channel, byte[] message) {
        context.pubsub.spublish(channel, message);
    }

    @Override
    public void dropShardChannels(java.util.function.Predicate<byte[]> lost) {
        context.pubsub.dropShardChannels(lost);
    }
}
