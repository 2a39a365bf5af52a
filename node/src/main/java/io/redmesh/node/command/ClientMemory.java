package io.redmesh.node.command;

/**
 * What a client's connection holds in memory, as Redis 7.0's CLIENT LIST fields and
 * getClientMemoryUsage() count it, from the connection's real buffers: the query buffer is the
 * decoder's cumulation, argv the request being parsed or run, the reply buffer the session's,
 * and the output list what Netty has not yet written to the socket (plus pushes in transit).
 */
public final class ClientMemory {
    /** What the session and its connection cost beyond buffers (Redis counts sizeof(client)). */
    static final int SESSION_OVERHEAD = 1024;

    private ClientMemory() {
    }

    /** argv-mem: the executing request's arguments (if {@code executing}), or a partial one's. */
    public static long argvMem(Session s, byte[][] executing) {
        long n = s.transport().partialArgvBytes();
        if (executing != null) {
            for (byte[] a : executing) {
                n += a.length;
            }
        }
        return n;
    }

    /** omem: reply bytes handed to the connection but not yet written to the socket. */
    public static long outputListBytes(Session s) {
        return s.heldOutputBytes() - s.bufferedBytes();
    }

    /** tot-mem: getClientMemoryUsage(). */
    public static long total(Session s, byte[][] executing) {
        SessionTransport t = s.transport();
        long mem = SESSION_OVERHEAD;
        mem += t.queryBufferBytes() + t.queryBufferFree();
        mem += s.replyBufferCapacity() + outputListBytes(s);
        mem += argvMem(s, executing) + 8L * (executing == null ? 0 : executing.length);
        mem += s.queuedArgvBytes();
        mem += 24L * s.patterns().size() + 40L * (s.channels().size() + s.shardChannels().size());
        if (s.tracking.prefixes != null) {
            for (ByteString p : s.tracking.prefixes) {
                mem += p.bytes.length + 16;
            }
        }
        return mem;
    }
}
