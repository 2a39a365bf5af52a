package io.redmesh.node.resp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ByteProcessor;
import io.redmesh.node.util.ArgSplitter;
import java.util.List;

/**
 * Turns the bytes a client sends into commands ({@code byte[][]} argument vectors), accepting
 * both the multibulk protocol and inline commands, as Redis's processMultibulkBuffer /
 * processInlineBuffer do, with the same limits and the same "Protocol error" texts.
 *
 * <p>The decoder is incremental: a partly received multibulk keeps its parsed arguments between
 * reads, so a 500 MB value is never re-scanned. A bulk length is validated (against
 * {@code proto-max-bulk-len}, or 16 KB before authentication) before anything is allocated for
 * it. On a protocol error it emits one {@link ProtocolError} and stops reading; the connection
 * handler replies and closes.
 */
public final class RespDecoder extends ByteToMessageDecoder {
    /** Redis's PROTO_INLINE_MAX_SIZE: longest inline command or count line. */
    static final int INLINE_MAX = 64 * 1024;
    private static final int UNAUTH_MAX_MULTIBULK = 10;
    private static final int UNAUTH_MAX_BULK = 16384;

    /** What the decoder needs from the connection it serves; read on every header. */
    public interface Limits {
        long protoMaxBulkLen();

        long queryBufferLimit();

        boolean authenticated();
    }

    /** Emitted in place of a command when the stream is malformed. */
    public record ProtocolError(String message) {}

    private final Limits limits;
    private byte[][] args;   // multibulk in progress, or null
    private int argIndex;
    private long bulkLen = -1; // length of the bulk being read, -1 while expecting its header
    private boolean failed;

    public RespDecoder(Limits limits) {
        this.limits = limits;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        while (in.isReadable()) {
            if (in.readableBytes() > limits.queryBufferLimit()) {
                fail(out, in, null); // Redis closes without a reply when the query buffer is too big
                return;
            }
            if (args == null) {
                if (in.getByte(in.readerIndex()) == '*') {
                    if (!readMultibulkHeader(in, out)) {
                        return;
                    }
                    continue;
                }
                if (!readInline(in, out)) {
                    return;
                }
                continue;
            }
            if (!readBulks(in, out)) {
                return;
            }
        }
    }

    private boolean readMultibulkHeader(ByteBuf in, List<Object> out) {
        int eol = headerEnd(in);
        if (eol < 0) {
            if (in.readableBytes() > INLINE_MAX) {
                fail(out, in, "too big mbulk count string");
            }
            return false;
        }
        long n = parseCount(in, in.readerIndex() + 1, eol);
        if (n == Long.MIN_VALUE || n > Integer.MAX_VALUE) {
            fail(out, in, "invalid multibulk length");
            return false;
        }
        if (!limits.authenticated() && n > UNAUTH_MAX_MULTIBULK) {
            fail(out, in, "unauthenticated multibulk length");
            return false;
        }
        in.readerIndex(eol + 2);
        if (n <= 0) {
            return true; // "*0\r\n" and "*-1\r\n" are ignored, as in Redis
        }
        // Never trust the count for allocation: grow the vector as arguments actually arrive.
        args = new byte[(int) Math.min(n, 1024)][];
        argCountExpected = (int) n;
        argIndex = 0;
        bulkLen = -1;
        return true;
    }

    private int argCountExpected;

    private boolean readBulks(ByteBuf in, List<Object> out) {
        while (argIndex < argCountExpected) {
            if (bulkLen < 0) {
                int eol = headerEnd(in);
                if (eol < 0) {
                    if (in.readableBytes() > INLINE_MAX) {
                        fail(out, in, "too big bulk count string");
                    }
                    return false;
                }
                byte first = in.getByte(in.readerIndex());
                if (first != '$') {
                    fail(out, in, "expected '$', got '" + (char) (first & 0xff) + "'");
                    return false;
                }
                long len = parseCount(in, in.readerIndex() + 1, eol);
                boolean auth = limits.authenticated();
                if (len == Long.MIN_VALUE || len < 0 || (auth && len > limits.protoMaxBulkLen())) {
                    fail(out, in, "invalid bulk length");
                    return false;
                }
                if (!auth && len > UNAUTH_MAX_BULK) {
                    fail(out, in, "unauthenticated bulk length");
                    return false;
                }
                in.readerIndex(eol + 2);
                bulkLen = len;
            }
            if (in.readableBytes() < bulkLen + 2) {
                return false;
            }
            byte[] b = new byte[(int) bulkLen];
            in.readBytes(b);
            in.skipBytes(2); // Redis does not check that the bulk is followed by CRLF either
            if (argIndex == args.length) {
                args = java.util.Arrays.copyOf(args, Math.min(argCountExpected, args.length * 2));
            }
            args[argIndex++] = b;
            bulkLen = -1;
        }
        out.add(args);
        args = null;
        return true;
    }

    private boolean readInline(ByteBuf in, List<Object> out) {
        int nl = in.forEachByte(in.readerIndex(), in.readableBytes(), ByteProcessor.FIND_LF);
        if (nl < 0) {
            if (in.readableBytes() > INLINE_MAX) {
                fail(out, in, "too big inline request");
            }
            return false;
        }
        int start = in.readerIndex();
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
            return false;
        }
        if (!parts.isEmpty()) {
            out.add(parts.toArray(new byte[0][]));
        }
        return true;
    }

    /**
     * The index of the '\r' that ends a "*n" or "$n" line, or -1 until that '\r' and the byte
     * after it have both arrived: a CRLF split between two reads must wait for the next one.
     * Like Redis, only '\r' ends the line.
     */
    private static int headerEnd(ByteBuf in) {
        int cr = in.forEachByte(in.readerIndex(), in.readableBytes(), ByteProcessor.FIND_CR);
        return cr < 0 || cr + 1 >= in.writerIndex() ? -1 : cr;
    }

    /** Parses the decimal count between {@code from} and {@code to}; Long.MIN_VALUE if invalid. */
    private static long parseCount(ByteBuf in, int from, int to) {
        if (from >= to || to - from > 20) {
            return Long.MIN_VALUE;
        }
        boolean neg = false;
        int i = from;
        if (in.getByte(i) == '-') {
            neg = true;
            i++;
            if (i == to) {
                return Long.MIN_VALUE;
            }
        }
        long v = 0;
        for (; i < to; i++) {
            int d = in.getByte(i) - '0';
            if (d < 0 || d > 9 || v > (Long.MAX_VALUE - d) / 10) {
                return Long.MIN_VALUE;
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
