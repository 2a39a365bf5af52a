package io.redmesh.node.command;

import java.security.cert.Certificate;
import java.util.List;

/**
 * What the command layer and the connection handler ask of access control (acl.Acl provides it),
 * so that command/ does not depend on acl/. The permission gates themselves (processCommand()'s
 * ACL check and EXEC's re-check) are {@link Dispatcher.CommandGate}s the composition root adds.
 * Every method runs with the server lock held, except {@link #tlsHandshakeDone}.
 */
public interface AccessControl {
    /**
     * ACLAuthenticateUser() for AUTH and HELLO: logs {@code s} in as {@code username}, or counts
     * the failure and writes the ACL LOG entry and returns false.
     */
    boolean authenticate(Session s, byte[] username, byte[] password, byte[] commandName);

    /** RESET: back to the default user (or to the user a client certificate logged in as). */
    void resetSession(Session s);

    /** Whether the session's user may read {@code key} (GETKEYSINSLOT hides other keys' names). */
    default boolean keyReadable(Session s, byte[] key) {
        return true;
    }

    /**
     * scriptVerifyACL(): a command a script calls, checked as the script's caller. Null when
     * allowed; else the denial is logged with context "lua" and the script's error text returned.
     */
    default String scriptCheck(Session s, CommandSpec cmd, byte[][] argv) {
        return null;
    }

    /** redis.acl_check_cmd(): whether the session's user may run the command (nothing logged). */
    default boolean allows(Session s, CommandSpec cmd, byte[][] argv) {
        return true;
    }

    /**
     * ACLUserCheckCmdWithUnrestrictedKeyAccess(..., CMD_KEY_ACCESS): whether one of the session
     * user's selectors allows this command and lets it read every key (SORT's BY and GET
     * patterns read keys no argument names).
     */
    default boolean unrestrictedKeyRead(Session s, CommandSpec cmd, byte[][] argv) {
        return true;
    }

    /** Whether a user of that name exists (CLIENT KILL USER). */
    boolean userExists(String name);

    /** The users as redis.conf "user" lines (CONFIG REWRITE). */
    List<String> userLines();

    /** CONFIG RESETSTAT: the denial counters start again at zero. */
    void resetStats();

    /** INFO stats' acl_access_denied_* lines (Redis 7.2's counters, after the 7.0 fields). */
    String infoStats();

    /**
     * A TLS handshake completed (on the connection's I/O thread, without the server lock):
     * {@code peerChain} is the verified chain, leaf first, or null when the client sent none.
     * Certificate login (tls-auth-clients-user) happens here.
     */
    void tlsHandshakeDone(Session s, Certificate[] peerChain);
}
