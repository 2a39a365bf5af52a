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
    private final AbsentCommands absent = new AbsentCommands();

    public InProcessNode(NodeControl node) {
        this.node = node;
    }

    @Override
    public Map<String, String> users() {
        return node.users();
    }

    @Override
    public void setUser(String name, String rules) throws NodeException {
        absent.apply(name, rules, describe(), r -> {
            try {
                node.setUser(name, r);
            } catch (RequestRefusedException e) {
                throw new NodeException(e.getMessage(), e);
            }
        });
    }

    @Override
    public java.util.List<String> droppedRules(String name) {
        return absent.droppedFor(name);
    }

    @Override
    public void deleteUser(String name) {
        node.deleteUser(name);
        absent.forget(name);
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
    public Replication replication() {
        String role = "";
        String host = "";
        int port = 0;
        for (String line : node.info("replication").split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String k = line.substring(0, colon);
            String v = line.substring(colon + 1);
            switch (k) {
                case "role" -> role = v;
                case "master_host" -> host = v;
                case "master_port" -> port = Integer.parseInt(v);
                default -> {
                }
            }
        }
        return new Replication(role, host, port, node.config("tls-replication").equals("yes"),
                node.config("tls-expected-peer-name"));
    }

    @Override
    public int servedTlsPort() {
        return node.tlsPort();
    }

    @Override
    public void expectMasterName(String name) throws NodeException {
        try {
            node.configSet("tls-expected-peer-name", name);
        } catch (RequestRefusedException e) {
            throw new NodeException(e.getMessage(), e);
        }
    }

    @Override
    public void requireMasterName() throws NodeException {
        try {
            node.configSet("tls-expected-peer-name-required", "yes");
        } catch (RequestRefusedException e) {
            throw new NodeException(e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (registered != null) {
            node.removeAclListener(registered);
            registered = null;
        }
    }
}
