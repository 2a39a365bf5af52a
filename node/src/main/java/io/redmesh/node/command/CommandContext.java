package io.redmesh.node.command;

import io.redmesh.node.db.Database;
import io.redmesh.node.resp.Reply;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.Errors;
import io.redmesh.node.util.RedisException;
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
    /** Replacement for what gets propagated, when the command rewrites itself (e.g. SET EX -> PXAT). */
    List<byte[][]> propagateAs;
    boolean blockedNow;

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

    /** Records {@code n} changes to the dataset. */
    public void dirty(long n) {
        dirty += n;
    }

    public void dirty() {
        dirty++;
    }

    /** Replaces what replicas and the AOF receive for this command. */
    public void propagateAs(byte[][] argv) {
        if (propagateAs == null) {
            propagateAs = new java.util.ArrayList<>();
        }
        propagateAs.add(argv);
    }

    public RedisException syntaxError() {
        return Errors.E_SYNTAX;
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
        server.dispatcher.block(this, keys, type, deadlineMillis, timeoutReply);
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
        Double d = Bytes.parseDoubleOrNull(argv[i]);
        if (d == null || (d.isInfinite() && beyondLongDouble(argv[i]))) {
            throw new RedisException(Errors.TIMEOUT_NOT_FLOAT);
        }
        // Redis: (long long) ceill(seconds * 1000) on a long double. Out-of-range values convert
        // to LLONG_MIN (x86), so huge or infinite timeouts are "negative"; a tiny negative one
        // rounds up to 0, which means forever.
        double ms = Math.ceil(d * 1000);
        long tval = ms >= 0x1p63 || ms < -0x1p63 ? Long.MIN_VALUE : (long) ms;
        if (tval < 0) {
            throw new RedisException(Errors.TIMEOUT_NEGATIVE);
        }
        if (tval == 0) {
            return 0;
        }
        long now = System.currentTimeMillis();
        // Redis adds the clock and the sum overflows to a negative deadline, which never fires.
        return tval > Long.MAX_VALUE - now ? 0 : now + tval;
    }

    /** Whether a numeric literal that overflows a double also overflows strtold's long double. */
    private static boolean beyondLongDouble(byte[] s) {
        String t = Bytes.latin1(s).toLowerCase(Locale.ROOT);
        if (t.contains("inf")) {
            return false;
        }
        try {
            return new java.math.BigDecimal(t).abs().compareTo(LDBL_MAX) > 0;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    private static final java.math.BigDecimal LDBL_MAX = new java.math.BigDecimal("1.18973149535723176502e4932");
}
