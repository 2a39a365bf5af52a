package io.redmesh.agent.node;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * What the agent needs from the server it secures: its ACL users and its TLS material. Two
 * implementations: {@code InProcessNode} (a RedMesh node in the same JVM, through node/spi) and
 * {@code SidecarNode} (a stock redis-server 7 reached over TLS with an admin user).
 *
 * <p>Users travel as their ACL LIST rules without the leading {@code user <name>}: applying
 * {@code reset} followed by those rules recreates the user exactly (passwords as {@code #<sha256>}).
 */
public interface NodeAdapter extends AutoCloseable {

    /** Every user as name -> rules, as the server reports them now. */
    Map<String, String> users() throws NodeException;

    /**
     * Creates or replaces a user: {@code ACL SETUSER name reset <rules>} as one step. Rules
     * naming commands the server lacks are left out ({@link AbsentCommands}).
     */
    void setUser(String name, String rules) throws NodeException;

    /** The rules {@link #setUser} left out for {@code name} (commands this server lacks); empty when none. */
    default java.util.List<String> droppedRules(String name) {
        return java.util.List.of();
    }

    /** Removes a user (its connections are closed, as ACL DELUSER does). No-op if absent. */
    void deleteUser(String name) throws NodeException;

    /**
     * Changes made on the server itself (ACL SETUSER/DELUSER/LOAD by a client), not through
     * this adapter. Sidecars, which cannot observe commands, report none and repair drift.
     */
    void onLocalAclChange(AclChangeListener listener);

    /**
     * New TLS material, already written (atomically) to these files: the server uses it for new
     * handshakes on every TLS link; established connections stay up.
     */
    void installTls(TlsFiles files) throws NodeException;

    /**
     * Certificates (by serial) nobody may use any more: new handshakes presenting one fail and
     * established connections that presented one are closed, where the server can do that.
     */
    void revoke(Set<BigInteger> serials) throws NodeException;

    /** A short description for logs and status ("in-process :6379", "redis-server 127.0.0.1:6380"). */
    String describe();

    /** The server's replication as INFO replication and its TLS directives tell it. */
    record Replication(String role, String masterHost, int masterPort, boolean tls, String expectedPeerName) {
        public static final Replication UNKNOWN = new Replication("", "", 0, false, "");

        public boolean replica() {
            return role.equals("slave");
        }

        /** "host:port" of the master, or "" for a master. */
        public String master() {
            return replica() ? masterHost + ":" + masterPort : "";
        }
    }

    /** What the server says of its replication now ({@link Replication#UNKNOWN} when it cannot say). */
    default Replication replication() {
        return Replication.UNKNOWN;
    }

    /** The TLS port the server serves (0: none or unknown): where mesh members find each other's nodes. */
    default int servedTlsPort() {
        return 0;
    }

    /**
     * Requires this name (a spiffe id) in the master's certificate before the server's
     * replication link sends anything (tls-expected-peer-name).
     */
    default void expectMasterName(String name) throws NodeException {
        throw new NodeException(describe() + " cannot check its master's name");
    }

    /**
     * Makes the server's replication wait for {@link #expectMasterName} before its first
     * connection over TLS (tls-expected-peer-name-required), so no link goes out before the
     * agent has named the master. A server that cannot (a stock redis-server) is left as it is.
     */
    default void requireMasterName() throws NodeException {
        throw new NodeException(describe() + " cannot wait for its master's name");
    }

    @Override
    void close();

    /** A user changed on the server: rules is null when it was deleted; actor says who did it. */
    interface AclChangeListener {
        void changed(String name, String rules, String actor);
    }

    /** The files a server reads its TLS identity and trust from. */
    record TlsFiles(Path certFile, Path keyFile, Path caCertFile) {}

    /** The server refused or could not be reached. */
    final class NodeException extends Exception {
        private static final long serialVersionUID = 1L;

        public NodeException(String message) {
            super(message);
        }

        public NodeException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
