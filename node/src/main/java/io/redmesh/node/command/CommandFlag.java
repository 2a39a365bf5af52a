package io.redmesh.node.command;

import java.util.Locale;

/** Command flags as Redis 7.0 names them in COMMAND INFO (src/commands/*.json "command_flags"). */
public enum CommandFlag {
    WRITE, READONLY, DENYOOM, MODULE, ADMIN, PUBSUB, NOSCRIPT, BLOCKING, LOADING, STALE, SKIP_MONITOR,
    SKIP_SLOWLOG, ASKING, FAST, NO_AUTH, MAY_REPLICATE, SENTINEL, ONLY_SENTINEL, NO_MANDATORY_KEYS,
    PROTECTED, MODULE_GETKEYS, MODULE_NO_CLUSTER, NO_ASYNC_LOADING, NO_MULTI, MOVABLEKEYS, ALLOW_BUSY;

    public final int bit = 1 << ordinal();

    /**
     * Whether COMMAND INFO prints the flag: Redis hides may_replicate, sentinel, only_sentinel,
     * protected and the module-only flags on purpose (server.c addReplyCommandFlags).
     */
    public boolean shown() {
        switch (this) {
            case MAY_REPLICATE: case SENTINEL: case ONLY_SENTINEL: case PROTECTED: case MODULE_GETKEYS:
            case MODULE_NO_CLUSTER:
                return false;
            default:
                return true;
        }
    }

    /** The name COMMAND INFO prints. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CommandFlag fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
