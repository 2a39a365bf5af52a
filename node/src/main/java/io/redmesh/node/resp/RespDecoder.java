package io.redmesh.node.resp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.redmesh.node.util.ArgSplitter;
import java.util.Arrays;
import java.util.List;

/**
 * Turns the bytes a client sends into commands ({@code byte[][]} argument vectors), accepting
 * both the multibulk protocol and inline commands, as Redis 7.0's processMultibulkBuffer /
 * processInlineBuffer do, with the same limits and the same "Protocol error" texts.
 *
 * <p>One command per {@link #decode} call: Netty hands it to the dispatcher before the next one
 * is parsed, so a command's effect on parsing (AUTH lifting the unauthenticated limits) applies
 * to the very next command of a pipeline, as in Redis.
 *
 * <p>The decoder is incremental: a partly received multibulk keeps its parsed arguments between
 * reads, so a 500 MB value is never re-scanned. A bulk length is validated (against
 * {@code proto-max-bulk-len}, and 16 KB before authentication) before anything is allocated for
 * it, and the argument vector grows only as arguments really arrive. On a protocol error it
 * emits one {@link ProtocolError} and ignores everything after; the connection handler replies
 * and closes.
 */
public final class RespDecoder extends ByteToMessageDecoder {
    /** Redis's PROTO_INLINE_MAX_SIZE: longest inline command or count line. */
    static final int INLINE_MAX = 64 * 1024;
    private static final int UNAUTH_MAX_MULTIBULK = 10;
    private static final int UNAUTH_MAX_BULK = 16384;
    /** Largest byte[] the JVM allocates; a longer bulk cannot be held whatever the config says. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    /** What the decoder needs from the connection it serves; read on every header. */
    public interface Limits {
        long protoMaxBulkLen();

        long queryBufferLimit();

        boolean authenticated();
    }

    /**
     * Emitted in place of a command when the stream is malformed. A null message means "close
     * without a reply" (query buffer limit), as Redis does.
     */
    public record ProtocolError(String message) {}

    private final Limits limits;
    private byte[][] args;     // multibulk in progress, or null
    private int argCountExpected;
    private int argIndex;
    private long bulkLen = -1; // length of the bulk being read, -1 while expecting its header
    private boolean failed;
    /** Bytes of the arguments of the multibulk in progress (CLIENT LIST argv-mem). */
    private long argsBytes;
    // What CLIENT LIST shows of this connection's query buffer, as left by the latest decode.
    // Read by other threads (the cumulation itself may be released meanwhile), without a fence
    // on this per-command path: a monitoring figure may be one decode late.
    private int queryBufferBytes;
    private int queryBufferFree;
    private long partialArgvBytes;

    public RespDecoder(Limits limits) {
        this.limits = limits;
    }

    /**
     * Decodes at most one command from {@code in} outside a pipeline (the master's stream, which
     * a replica parses from the bytes it also proxies): the same parser, the same state.
     */
    public void decodeFrom(ByteBuf in, List<Object> out) {
        decode(null, in, out);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        try {
            decodeOne(in, out);
        } finally {
            int unread = in.readableBytes();
            queryBufferBytes = unread;
            queryBufferFree = unread == 0 ? 0 : in.writableBytes(); // a consumed cumulation is released
            partialArgvBytes = args == null ? 0 : argsBytes;
        }
    }

    /** Unparsed bytes held for this connection (CLIENT LIST qbuf). */
    public int queryBufferBytes() {
        return queryBufferBytes;
    }

    /** Room left in the query buffer before it must grow (CLIENT LIST qbuf-free). */
    public int queryBufferFree() {
        return queryBufferFree;
    }

    /** Bytes of the arguments of a request not yet complete (part of CLIENT LIST argv-mem). */
    public long partialArgvBytes() {
        return partialArgvBytes;
    }

    private void decodeOne(ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() > limits.queryBufferLimit()) {
            fail(out, in, null); // Redis closes without a reply when the query buffer is too big
            return;
        }
        if (args == null) {
            if (in.getByte(in.readerIndex()) == '*') {
                readMultibulkHeader(in, out);
            } else {
                readInline(in, out);
            }
        }
        if (args != null) {
            readBulks(in, out);
        }
    }

    /**
     * Where the header line starting at the reader index ends: the index of its '\r', or -1 while
     * the line (and the byte after '\r') is incomplete. Like Redis's strchr(), the search stops
     * at a NUL byte; like Redis, the byte after '\r' is assumed to be '\n' and skipped.
     */
    private static int headerEnd(ByteBuf in) {
        int from = in.readerIndex();
        int to = in.writerIndex();
        int cr = in.forEachByte(from, to - from, b -> b != '\r' && b != 0);
        if (cr < 0 || in.getByte(cr) == 0 || cr + 1 >= to) {
            return -1;
        }
        return cr;
    }

    private void readMultibulkHeader(ByteBuf in, List<Object> out) {
        int eol = headerEnd(in);
        if (eol < 0) {
            if (in.readableBytes() > INLINE_MAX) {
                fail(out, in, "too big mbulk count string");
            }
            return;
        }
        long n = string2ll(in, in.readerIndex() + 1, eol);
        if (n == INVALID || n > Integer.MAX_VALUE) {
            fail(out, in, "invalid multibulk length");
            return;
        }
        if (n > UNAUTH_MAX_MULTIBULK && !limits.authenticated()) {
            fail(out, in, "unauthenticated multibulk length");
            return;
        }
        in.readerIndex(eol + 2);
        if (n <= 0) {
            return; // "*0\r\n" and "*-1\r\n" are ignored, as in Redis
        }
        // Never trust the count for allocation: grow the vector as arguments actually arrive.
        args = new byte[(int) Math.min(n, 1024)][];
        argCountExpected = (int) n;
        argIndex = 0;
        argsBytes = 0;
        bulkLen = -1;
    }

    private void readBulks(ByteBuf in, List<Object> out) {
        while (argIndex < argCountExpected) {
            if (bulkLen < 0) {
                int eol = headerEnd(in);
                if (eol < 0) {
                    if (in.readableBytes() > INLINE_MAX) {
                        fail(out, in, "too big bulk count string");
                    }
                    return;
                }
                byte first = in.getByte(in.readerIndex());
                if (first != '$') {
                    fail(out, in, "expected '$', got '" + (char) (first & 0xff) + "'");
                    return;
                }
                long len = string2ll(in, in.readerIndex() + 1, eol);
                if (len == INVALID || len < 0 || len > limits.protoMaxBulkLen() || len > MAX_ARRAY) {
                    fail(out, in, "invalid bulk length");
                    return;
                }
                if (len > UNAUTH_MAX_BULK && !limits.authenticated()) {
                    fail(out, in, "unauthenticated bulk length");
                    return;
                }
                in.readerIndex(eol + 2);
                bulkLen = len;
            }
            if (in.readableBytes() < bulkLen + 2) {
                return;
            }
            byte[] b = new byte[(int) bulkLen];
            in.readBytes(b);
            in.skipBytes(2); // Redis does not check that the bulk is followed by CRLF either
            if (argIndex == args.length) {
                args = Arrays.copyOf(args, (int) Math.min(argCountExpected, args.length * 2L));
            }
            args[argIndex++] = b;
            argsBytes += b.length;
            bulkLen = -1;
        }
        out.add(args);
        args = null;
    }

    private void readInline(ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        // Redis finds the end with strchr(), which stops at a NUL: such a line never ends.
        int nl = in.forEachByte(start, in.writerIndex() - start, b -> b != '\n' && b != 0);
        if (nl < 0 || in.getByte(nl) == 0) {
            if (in.readableBytes() > INLINE_MAX) {
                fail(out, in, "too big inline request");
            }
            return;
        }
        int end = nl;
        if (end > start && in.getByte(end - 1) == '\r') {
            end--;
        }
        byte[] line = new byte[end - start];
        in.getBytes(start, line);
        in.readerIndex(nl + 1);
        List<byte[]> parts = ArgSplitter.split(line, 0, line.length);
        if (parts == null) {
            fail(out, in, "unbalanced quotes in request");
            return;
        }
        if (!parts.isEmpty()) {
            out.add(parts.toArray(new byte[0][]));
        }
    }

    private static final long INVALID = Long.MIN_VALUE;

    /**
     * Redis's string2ll() over {@code [from, to)}: an optional '-', then "0" alone or digits
     * without a leading zero, fitting in a signed 64-bit value. Returns INVALID otherwise (this
     * also rejects Long.MIN_VALUE itself, which no count or length can be).
     */
    static long string2ll(ByteBuf in, int from, int to) {
        int len = to - from;
        if (len <= 0 || len > 20) {
            return INVALID;
        }
        if (len == 1 && in.getByte(from) == '0') {
            return 0;
        }
        int i = from;
        boolean neg = false;
        if (in.getByte(i) == '-') {
            neg = true;
            i++;
            if (i == to) {
                return INVALID;
            }
        }
        byte first = in.getByte(i);
        if (first < '1' || first > '9') {
            return INVALID;
        }
        long v = 0;
        for (; i < to; i++) {
            int d = in.getByte(i) - '0';
            if (d < 0 || d > 9 || v > (Long.MAX_VALUE - d) / 10) {
                return INVALID;
            }
            v = v * 10 + d;
        }
        return neg ? -v : v;
    }

    private void fail(List<Object> out, ByteBuf in, String message) {
        failed = true;
        args = null;
        in.skipBytes(in.readableBytes());
        out.add(new ProtocolError(message));
    }
}
