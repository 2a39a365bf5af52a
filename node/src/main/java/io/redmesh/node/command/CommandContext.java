package io.redmesh.node.command;

import io.redmesh.node.db.Database;
import io.redmesh.node.resp.Reply;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.Errors;
import io.redmesh.node.util.LongDouble;
import io.redmesh.node.util.RedisException;
import io.redmesh.node.util.Strtod;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * One command being executed: its arguments, the session that sent it and where its reply goes.
 * Handlers read arguments through the typed helpers here so that parse errors are Redis's own.
 */
public final class CommandContext {
    public final ServerContext server;
    public final Session session;
    public final CommandSpec spec;
    public final byte[][] argv;
    public final Reply reply;
    /** Changes made (Redis's server.dirty delta); a write command with none is not propagated. */
    long dirty;
    /** A read-only command changed the dataset (PFCOUNT's cache): propagated all the same. */
    boolean readOnlyChange;
    /** Replacement for what gets propagated, when the command rewrites itself (e.g. SET EX -> PXAT). */
    List<byte[][]> propagateAs;
    boolean blockedNow;
    /** Argument positions SLOWLOG and MONITOR show as "(redacted)" (passwords). */
    private java.util.BitSet redacted;

    CommandContext(ServerContext server, Session session, CommandSpec spec, byte[][] argv) {
        this.server = server;
        this.session = session;
        this.spec = spec;
        this.argv = argv;
        this.reply = session.reply;
    }

    public Database db() {
        return session.db();
    }

    /** notifyKeyspaceEvent() for a key of the session's database. */
    public void notify(int type, String event, byte[] key) {
        server.events.notify(type, event, key, session.db().index);
    }

    public int argc() {
        return argv.length;
    }

    public byte[] arg(int i) {
        return argv[i];
    }

    /** The argument as a lower-case ASCII string (option names). */
    public String argLower(int i) {
        return Bytes.latin1(argv[i]).toLowerCase(Locale.ROOT);
    }

    public String argString(int i) {
        return Bytes.latin1(argv[i]);
    }

    public boolean argIs(int i, String option) {
        return Bytes.eqIgnoreCase(argv[i], option);
    }

    /** Parses a 64-bit integer argument or fails with "value is not an integer or out of range". */
    public long argLong(int i) {
        return Bytes.parseLong(argv[i]);
    }

    /**
     * getIntFromObjectOrReply(): a 64-bit integer that must also fit in a C int, with Redis's
     * two different errors.
     */
    public int argInt(int i) {
        long v = Bytes.parseLong(argv[i]);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw RedisException.err("value is out of range, value must between -2147483648 and 2147483647");
        }
        return (int) v;
    }

    /** Parses a double argument or fails with "value is not a valid float". */
    public double argDouble(int i) {
        Double d = Bytes.parseDoubleOrNull(argv[i]);
        if (d == null) {
            throw Errors.E_NOT_FLOAT;
        }
        return d;
    }

    public long now() {
        return server.keyspace.now();
    }

    /**
     * Redis's redactClientCommandArgument(): argument {@code i} is a secret (a password, a
     * sensitive config value) and is shown as "(redacted)" by SLOWLOG and MONITOR.
     */
    public void redact(int i) {
        if (redacted == null) {
            redacted = new java.util.BitSet();
        }
        redacted.set(i);
    }

    /** The arguments as SLOWLOG and MONITOR may show them. */
    byte[][] shownArgv() {
        if (redacted == null) {
            return argv;
        }
        byte[][] shown = argv.clone();
        for (int i = redacted.nextSetBit(0); i >= 0 && i < shown.length; i = redacted.nextSetBit(i + 1)) {
            shown[i] = REDACTED;
        }
        return shown;
    }

    private static final byte[] REDACTED = Bytes.of("(redacted)");

    /** Records {@code n} changes to the dataset. */
    public void dirty(long n) {
        dirty += n;
    }

    public void dirty() {
        dirty++;
    }

    /**
     * A change made by a read-only command (PFCOUNT storing its count in the sketch): Redis's
     * call() propagates any command that made the dataset dirty, whatever its flags.
     */
    public void dirtyReadOnly() {
        dirty++;
        readOnlyChange = true;
    }

    /** Replaces what replicas and the AOF receive for this command. */
    public void propagateAs(byte[][] argv) {
        if (propagateAs == null) {
            propagateAs = new java.util.ArrayList<>();
        }
        propagateAs.add(argv);
    }

    /**
     * preventCommandPropagation(): the command itself is not propagated; only what it added
     * with {@link #propagateAs} (XREADGROUP propagates XCLAIM and XGROUP SETID, not itself).
     */
    public void preventPropagation() {
        if (propagateAs == null) {
            propagateAs = new java.util.ArrayList<>();
        }
    }

    /**
     * Redis's addReplySubcommandSyntaxError(): what a container's subcommand (or DEBUG) answers
     * to arguments it does not understand.
     */
    public RedisException subcommandSyntaxError() {
        String sub = Bytes.latin1(argv[1]);
        int nul = sub.indexOf('\0');
        if (nul >= 0) {
            sub = sub.substring(0, nul);
        }
        return RedisException.err("unknown subcommand or wrong number of arguments for '"
                + Bytes.truncateForError(sub) + "'. Try " + Bytes.latin1(argv[0]).toUpperCase(Locale.ROOT) + " HELP.");
    }

    public RedisException syntaxError() {
        return Errors.E_SYNTAX;
    }

    /**
     * Whether this command may finish on another thread, its client blocked meanwhile (a script
     * on the script thread): not inside EXEC, not for the master's stream or the AOF loader.
     */
    public boolean canDetach() {
        return !session.inExec && !session.master && !(session.transport instanceof DetachedTransport);
    }

    /** Whether this command may block (not inside MULTI/EXEC). */
    public boolean canBlock() {
        return !session.inExec;
    }

    /**
     * Blocks the session on keys until one of them holds a value of {@code type}, or until
     * {@code deadlineMillis} (absolute, 0 = forever), when {@code timeoutReply} is written. The
     * command is run again when a key becomes ready; it must not have replied.
     */
    public void block(List<byte[]> keys, Class<?> type, long deadlineMillis, Consumer<Reply> timeoutReply) {
        server.dispatcher().block(this, keys, type, deadlineMillis, timeoutReply);
        blockedNow = true;
    }

    /**
     * When a blocked command is run again because a key became ready: that key, which the
     * command should serve from first (Redis 7.0 serves a client blocked on several keys from
     * the one that was fed). Null on a first run.
     */
    public byte[] readyKey() {
        return session.servingKey;
    }

    /**
     * Parses a blocking timeout in seconds (may be fractional) into an absolute deadline in ms,
     * 0 meaning forever, with Redis's errors.
     */
    public long timeoutArg(int i) {
        long ms = timeoutMillis(argv[i]);
        if (ms == 0) {
            return 0;
        }
        long now = System.currentTimeMillis();
        // Redis adds the clock and the sum overflows to a negative deadline, which never fires.
        return ms > Long.MAX_VALUE - now ? 0 : now + ms;
    }

    private static final BigDecimal MAX_MILLIS = new BigDecimal(Long.MAX_VALUE).add(BigDecimal.ONE);

    /**
     * Redis 7.0.15's getTimeoutFromObjectOrReply(UNIT_SECONDS): the seconds are a C long double
     * (strtold, so "1e400" parses but "1e5000" is "not a float"), times 1000 in long double,
     * rounded up (ceill), then cast to a 64-bit integer. Casts past the integer range (infinity
     * included) yield LLONG_MIN on x86, hence "timeout is negative" for "inf" or "1e300"; a tiny
     * negative timeout rounds up to 0, which means forever.
     */
    static long timeoutMillis(byte[] a) {
        if (a.length == 0 || Strtod.isSpace(a[0])) {
            throw new RedisException(Errors.TIMEOUT_NOT_FLOAT);
        }
        Strtod.Result r = Strtod.parse(a, 0, a.length);
        if (r.end != a.length || Double.isNaN(r.value)) {
            throw new RedisException(Errors.TIMEOUT_NOT_FLOAT);
        }
        if (Double.isInfinite(r.value) && !r.erange) {
            throw new RedisException(Errors.TIMEOUT_NEGATIVE); // "inf" itself
        }
        BigDecimal seconds = LongDouble.parse(a);
        if (seconds == null) {
            boolean hex = Bytes.latin1(a).toLowerCase(Locale.ROOT).contains("x");
            if (!hex || r.erange) {
                throw new RedisException(Errors.TIMEOUT_NOT_FLOAT); // junk, or past long double's range
            }
            seconds = new BigDecimal(r.value); // hexadecimal floats: strtold reads them too
        }
        BigDecimal product = LongDouble.round(seconds.movePointRight(3)); // ftval * 1000.0, in long double
        if (product == null) {
            throw new RedisException(Errors.TIMEOUT_NEGATIVE);
        }
        BigDecimal ms = product.setScale(0, RoundingMode.CEILING);
        if (ms.signum() < 0 || ms.compareTo(MAX_MILLIS) >= 0) {
            throw new RedisException(Errors.TIMEOUT_NEGATIVE);
        }
        return ms.longValueExact();
    }
}
