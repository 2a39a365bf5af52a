package io.redmesh.node.server;

import io.netty.handler.ssl.NotSslRecordException;
import io.redmesh.node.util.LogLimiter;
import io.redmesh.node.util.ServerLog;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * "Error accepting a client connection" at warning level, as Redis logs it, but once per peer
 * address per interval ({@link LogLimiter}; redis/redis#8789: a plaintext client or a health
 * check hammering a TLS port floods Redis's log with one line per attempt).
 */
final class AcceptErrorLog {
    static final long DEFAULT_INTERVAL_MILLIS = 60_000;
    static final int MAX_PEERS = 1024;
    private static final int MAX_REASON = 200;

    private final LogLimiter limiter;

    AcceptErrorLog(long intervalMillis) {
        this.limiter = new LogLimiter(intervalMillis, MAX_PEERS);
    }

    /** Logs (or counts) one failed accept of {@code remote} for {@code cause}. */
    void failed(SocketAddress remote, Throwable cause) {
        String line = line(remote, cause, System.currentTimeMillis());
        if (line != null) {
            ServerLog.warning(line);
        }
    }

    /** The line to log now, or null when this peer was logged less than an interval ago. */
    String line(SocketAddress remote, Throwable cause, long now) {
        String peer = remote instanceof InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() : String.valueOf(remote);
        String more = limiter.admit(peer, now);
        if (more == null) {
            return null;
        }
        return "Error accepting a client connection: " + describe(cause) + " (addr="
                + ClientChannelHandler.format(remote) + more + ")";
    }

    /** Netty's message for a plaintext record quotes the whole record in hex: say what it means. */
    static String describe(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof NotSslRecordException) {
                return "not a TLS record (a plaintext client on the TLS port?)";
            }
        }
        String m = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        return m.length() > MAX_REASON ? m.substring(0, MAX_REASON) + "..." : m;
    }
}
