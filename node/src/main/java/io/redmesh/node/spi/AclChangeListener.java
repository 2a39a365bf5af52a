package io.redmesh.node.spi;

/**
 * ACL users changed by a client of this node (ACL SETUSER, DELUSER, LOAD). Called on the
 * executor with the keyspace lock held, after the command succeeded, once per user whose ACL
 * LIST line changed; changes applied through {@code Acl.applyRemote} are not reported back.
 */
public interface AclChangeListener {
    /**
     * @param user  the user name
     * @param rules the user's ACL LIST line without {@code "user <name> "} (applying
     *              these rules to a blank user recreates it), or null when it was deleted
     * @param actor who changed it: the client's user and address ("admin@127.0.0.1:50312")
     */
    void aclChanged(String user, String rules, String actor);
}
