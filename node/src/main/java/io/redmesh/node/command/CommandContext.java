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
     * Parses a blocking timeout in seconds (may be fractional) into an absolute deadline in ms,
     * 0 meaning forever, with Redis's errors.
     */
    public long timeoutArg(int i) {
        Double d = Bytes.parseDoubleOrNull(argv[i]);
        if (d == null || d.isInfinite()) {
            throw new RedisException(Errors.TIMEOUT_NOT_FLOAT);
        }
        if (d < 0) {
            throw new RedisException(Errors.TIMEOUT_NEGATIVE);
        }
        long ms = (long) Math.ceil(d * 1000);
        if (ms == 0) {
            return 0;
        }
        return System.currentTimeMillis() + ms;
    }
}
