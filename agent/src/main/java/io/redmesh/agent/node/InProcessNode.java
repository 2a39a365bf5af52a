package io.redmesh.agent.node;

import io.redmesh.node.acl.Acl;
import io.redmesh.node.config.ServerConfig.ConfigSetError;
import io.redmesh.node.server.RedisServer;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * A RedMesh node in the same JVM, driven through node/spi: users through the ACL change feed,
 * TLS material through the node's own CONFIG SET path (so CONFIG GET shows the files in use and
 * a restart finds them), revocation through the TLS context's revoked set. Every call takes the
 * keyspace lock, as a command would.
 */
public final class InProcessNode implements NodeAdapter {
    private final RedisServer server;
    private io.redmesh.node.spi.AclChangeListener registered;

    public InProcessNode(RedisServer server) {
        this.server = server;
    }

    public RedisServer server() {
        return server;
    }

    private Acl acl() {
        return Acl.of(server.context());
    }

    private <T> T locked(Callable<T> body) throws NodeException {
        server.context().lock.lock();
        try {
            return body.call();
        } catch (NodeException e) {
            throw e;
        } catch (Exception e) {
            throw new NodeException(e.getMessage(), e);
        } finally {
            server.context().lock.unlock();
        }
    }

    @Override
    public Map<String, String> users() throws NodeException {
        return locked(() -> acl().changes.snapshot());
    }

    @Override
    public void setUser(String name, String rules) throws NodeException {
        locked(() -> {
            try {
                acl().changes.applyRemote(name, rules);
            } catch (Acl.SetUserException e) {
                throw new NodeException("rule '" + e.rule + "' refused: " + e.getMessage());
            }
            return null;
        });
    }

    @Override
    public void deleteUser(String name) throws NodeException {
        locked(() -> {
            acl().changes.applyRemote(name, null);
            return null;
        });
    }

    @Override
    public void onLocalAclChange(AclChangeListener listener) {
        if (registered != null) {
            server.context().aclListeners.remove(registered);
        }
        registered = listener::changed;
        server.context().aclListeners.add(registered);
    }

    @Override
    public void installTls(TlsFiles files) throws NodeException {
        locked(() -> {
            try {
                server.context().config.set(List.of(
                        new String[] {"tls-cert-file", files.certFile().toString()},
                        new String[] {"tls-key-file", files.keyFile().toString()},
                        new String[] {"tls-ca-cert-file", files.caCertFile().toString()}));
            } catch (ConfigSetError e) {
                throw new NodeException(e.getMessage());
            }
            return null;
        });
    }

    @Override
    public void revoke(Set<BigInteger> serials) {
        server.revokeCertificates(serials);
    }

    @Override
    public String describe() {
        return "in-process node :" + (server.tlsPort() > 0 ? server.tlsPort() : server.port());
    }

    @Override
    public void close() {
        if (registered != null) {
            server.context().aclListeners.remove(registered);
        }
    }
}
