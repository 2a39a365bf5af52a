package io.redmesh.node.command;

import io.netty.buffer.ByteBuf;
import io.redmesh.node.util.ServerLog;
import java.nio.charset.StandardCharsets;

/**
 * Redis 7.0's afterErrorReply() for the clients whose errors nobody reads: a command of the
 * master's stream or of the AOF being loaded that failed here means this copy of the data has
 * diverged from where the command came from. It is logged ("== CRITICAL == ..."), counted
 * (unexpected_error_replies) and, under {@code propagation-error-behavior}, ends the process:
 * {@code panic} for both sources, {@code panic-on-replicas} for the master's stream only, and on
 * a replica only while it is read-only (a writable replica may legitimately differ).
 */
public final class PropagationErrors {
    /** Where the failed command came from. */
    public enum Source {
        MASTER("replica", "master"), AOF("server", "AOF-loading-client");

        final String from;
        final String to;

        Source(String from, String to) {
            this.from = from;
            this.to = to;
        }
    }

    private PropagationErrors() {}

    /**
     * After {@code argv} ran in {@code s} (replies in {@code s.reply.target()}, not yet cleared):
     * if it wrote errors since {@code errorsBefore}, log, count and maybe panic. Under the lock.
     */
    public static void check(ServerContext server, Session s, Source source, byte[][] argv, long errorsBefore) {
        if (s.reply.errorsWritten() == errorsBefore) {
            return;
        }
        String cmd = argv.length == 0 ? "<unknown>" : new String(argv[0], StandardCharsets.ISO_8859_1)
                .toLowerCase(java.util.Locale.ROOT);
        ServerLog.warning("== CRITICAL == This " + source.from + " is sending an error to its " + source.to + ": '"
                + firstError(s.reply.target()) + "' after processing the command '" + cmd + "'");
        server.stats.unexpectedErrorReplies++;
        String behavior = server.config.getString("propagation-error-behavior");
        boolean panic = source == Source.MASTER
                ? server.config.getBool("replica-read-only") && !behavior.equals("ignore")
                : behavior.equals("panic");
        if (panic) {
            ServerLog.warning("!!! Guru Meditation: This " + source.from + " panicked sending an error to its "
                    + source.to + " after processing the command '" + cmd + "' (propagation-error-behavior "
                    + behavior + ")");
            server.fatalExit.run();
        }
    }

    /** The first error line among the replies (bounded: at most 256 characters). */
    private static String firstError(ByteBuf replies) {
        int start = replies.indexOf(replies.readerIndex(), replies.writerIndex(), (byte) '-');
        if (start < 0) {
            return "";
        }
        int end = replies.indexOf(start, replies.writerIndex(), (byte) '\r');
        int len = Math.min(256, (end < 0 ? replies.writerIndex() : end) - start - 1);
        return replies.toString(start + 1, Math.max(0, len), StandardCharsets.ISO_8859_1);
    }
}
