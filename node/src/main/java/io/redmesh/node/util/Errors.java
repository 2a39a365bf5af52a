package io.redmesh.node.util;

/** Redis 7.0's shared error replies, written once (server.h {@code shared.*} and common strings). */
public final class Errors {
    private Errors() {}

    public static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
    public static final String SYNTAX = "ERR syntax error";
    public static final String NOT_INTEGER = "ERR value is not an integer or out of range";
    public static final String NOT_FLOAT = "ERR value is not a valid float";
    public static final String NO_SUCH_KEY = "ERR no such key";
    public static final String OUT_OF_RANGE = "ERR index out of range";
    public static final String OVERFLOW = "ERR increment or decrement would overflow";
    public static final String NOAUTH = "NOAUTH Authentication required.";
    public static final String WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";
    public static final String OOM = "OOM command not allowed when used memory > 'maxmemory'.";
    public static final String EXECABORT = "EXECABORT Transaction discarded because of previous errors.";
    public static final String TIMEOUT_NOT_FLOAT = "ERR timeout is not a float or out of range";
    public static final String TIMEOUT_NEGATIVE = "ERR timeout is negative";
    public static final String DB_INDEX_OUT_OF_RANGE = "ERR DB index is out of range";
    public static final String INVALID_EXPIRE = "ERR invalid expire time in '%s' command";

    public static final RedisException E_WRONGTYPE = new RedisException(WRONGTYPE);
    public static final RedisException E_SYNTAX = new RedisException(SYNTAX);
    public static final RedisException E_NOT_INTEGER = new RedisException(NOT_INTEGER);
    public static final RedisException E_NOT_FLOAT = new RedisException(NOT_FLOAT);

    public static RedisException wrongArity(String command) {
        return RedisException.err("wrong number of arguments for '" + command + "' command");
    }

    public static RedisException unknownSubcommand(String sub, String container) {
        return RedisException.err("unknown subcommand '" + Bytes.truncateForError(sub) + "'. Try "
                + container.toUpperCase(java.util.Locale.ROOT) + " HELP.");
    }

    public static RedisException invalidExpire(String command) {
        return new RedisException(String.format(INVALID_EXPIRE, command));
    }
}
