package io.redmesh.node;

import io.prometheus.client.CollectorRegistry;
import io.redmesh.node.acl.Acl;
import io.redmesh.node.acl.AclPrivilege;
import io.redmesh.node.command.ServerContext;
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

    LocalNodeControl(Node node) {
        this.node = node;
        this.context = node.context();
        this.acl = node.acl();
        this.rules = new AclPrivilege(context.table());
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
                    new String[] {"tls-ca-cert-file", caCertFile.toString()}));
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

    @Override
    public CollectorRegistry metricsRegistry() {
        return node.metrics().registry();
    }

    @Override
    public void certificateMetric(String link, Supplier<X509Certificate> current) {
        node.metrics().certificate(link, current);
    }
}
