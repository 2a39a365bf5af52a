package io.redmesh.node.acl;

/**
 * A rule ACLSetUser() refuses; the message is ACLSetUserStringError()'s text for the errno the
 * rule set, written once here.
 */
public final class AclRuleException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Redis's errno values for a failed rule, each with its message. */
    public enum Kind {
        /** ENOENT */
        UNKNOWN_COMMAND("Unknown command or category name in ACL"),
        /** EINVAL */
        SYNTAX("Syntax error"),
        /** EEXIST */
        KEY_AFTER_ALLKEYS("Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have "
                + "any effect. Try 'resetkeys' to start with an empty list of patterns"),
        /** EISDIR */
        CHANNEL_AFTER_ALLCHANNELS("Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and "
                + "does not have any effect. Try 'resetchannels' to start with an empty list of channels"),
        /** ENODEV */
        NO_SUCH_PASSWORD("The password you are trying to remove from the user does not exist"),
        /** EBADMSG */
        BAD_HASH("The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters"),
        /** EALREADY */
        DUPLICATE_USER("Duplicate user found. A user can only be defined once in config files"),
        /** ECHILD */
        SUBCOMMAND_FIRST_ARG("Allowing first-arg of a subcommand is not supported");

        public final String message;

        Kind(String message) {
            this.message = message;
        }
    }

    public final Kind kind;

    public AclRuleException(Kind kind) {
        super(kind.message, null, false, false);
        this.kind = kind;
    }
}
