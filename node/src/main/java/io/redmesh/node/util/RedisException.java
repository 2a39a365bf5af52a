package io.redmesh.node.util;

/**
 * An error reply. The message is the whole error line without the leading '-', e.g.
 * {@code "WRONGTYPE Operation against a key holding the wrong kind of value"}; the first word is
 * Redis's error code. Thrown by command handlers and caught by the dispatcher, which writes it to
 * the client. Stackless: errors are part of normal traffic and must stay cheap.
 */
public class RedisException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RedisException(String line) {
        super(line, null, false, false);
    }

    /** An {@code -ERR ...} error. */
    public static RedisException err(String text) {
        return new RedisException("ERR " + text);
    }
}
