package io.redmesh.agent.node;

import io.redmesh.node.spi.NodeControl;
import io.redmesh.node.spi.RequestRefusedException;
import java.math.BigInteger;
import java.util.Map;
import java.util.Set;

/**
 * A RedMesh node in the same JVM, driven only through {@link NodeControl} (node/spi): users
 * through the ACL change feed, TLS material through the node's own CONFIG SET path (so CONFIG
 * GET shows the files in use and a restart finds them), revocation through the TLS context's
 * revoked set. Each call takes the keyspace lock inside the node, as a command would.
 */
public final class InProcessNode implements NodeAdapter {
    private final NodeControl node;
    /** The listener registered on the node (NodeAdapter.AclChangeListener shadows the spi name here). */
    private io.redmesh.node.spi.AclChangeListener registered;

    public InProcessNode(NodeControl node) {
        this.node = node;
    }

    @Override
    public Map<String, String> users() {
        return node.users();
    }

    @Override
    public void setUser(String name, String rules) throws NodeException {
        try {
            node.setUser(name, rules);
        } catch (RequestRefusedException e) {
            throw new NodeException(e.getMessage(), e);
        }
    }

    @Override
    public void deleteUser(String name) {
        node.deleteUser(name);
    }

    @Override
    public synchronized void onLocalAclChange(NodeAdapter.AclChangeListener listener) {
        if (registered != null) {
            node.removeAclListener(registered);
        }
        registered = listener::changed;
        node.addAclListener(registered);
    }

    @Override
    public void installTls(TlsFiles files) throws NodeException {
        try {
            node.installTls(files.certFile(), files.keyFile(), files.caCertFile());
        } catch (RequestRefusedException e) {
            throw new NodeException(e.getMessage(), e);
        }
    }

    @Override
    public void revoke(Set<BigInteger> serials) {
        node.revokeCertificates(serials);
    }

    @Override
    public String describe() {
        return node.describe();
    }

    @Override
    public synchronized void close() {
        if (registered != null) {
            node.removeAclListener(registered);
            registered = null;
        }
    }
}
