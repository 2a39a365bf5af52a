package io.redmesh.node.resp;

import io.netty.buffer.ByteBuf;
import io.redmesh.node.spi.link.LinkReply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads RESP2 replies from a peer (the other direction of {@link RespDecoder}): status, error,
 * integer, bulk and array, with bounded cost. A line or a bulk longer than the limit, arrays
 * nested deeper than {@value #MAX_DEPTH} or holding more than {@value #MAX_ELEMENTS} elements are
 * refused, so a hostile peer cannot make the reader allocate without end.
 */
public final class ReplyParser {
    static final int MAX_DEPTH = 8;
    static final int MAX_ELEMENTS = 1 << 16;

    /** The bytes are not a reply this parser accepts. */
    public static final class BadReplyException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadReplyException(String message) {
            super(message);
        }
    }

    private final int maxBytes;

    public ReplyParser(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * One whole reply from {@code in}, consumed; null (nothing consumed) while it is incomplete.
     *
     * @throws BadReplyException when the bytes are not an acceptable reply
     */
    public LinkReply parse(ByteBuf in) {
        int start = in.readerIndex();
        LinkReply r = read(in, 0);
        if (r == null) {
            in.readerIndex(start);
        }
        return r;
    }

    private LinkReply read(ByteBuf in, int depth) {
        String line = line(in);
        if (line == null) {
            return null;
        }
        if (line.isEmpty()) {
            throw new BadReplyException("empty reply line");
        }
        char type = line.charAt(0);
        String rest = line.substring(1);
        switch (type) {
            case '+':
            case '-':
                return new LinkReply(type, rest, 0, null, null);
            case ':':
                return new LinkReply(type, null, number(rest), null, null);
            case '$': {
                long n = number(rest);
                if (n < 0) {
                    return new LinkReply(type, null, 0, null, null);
                }
                if (n > maxBytes) {
                    throw new BadReplyException("bulk reply of " + n + " bytes is over the limit of " + maxBytes);
                }
                if (in.readableBytes() < n + 2) {
                    return null;
                }
                byte[] b = new byte[(int) n];
                in.readBytes(b);
                in.skipBytes(2);
                return new LinkReply(type, null, 0, b, null);
            }
            case '*': {
                long n = number(rest);
                if (n < 0) {
                    return new LinkReply(type, null, 0, null, null);
                }
                if (n > MAX_ELEMENTS || depth >= MAX_DEPTH) {
                    throw new BadReplyException("array reply too large or too deep");
                }
                List<LinkReply> items = new ArrayList<>((int) Math.min(n, 64));
                for (int i = 0; i < n; i++) {
                    LinkReply e = read(in, depth + 1);
                    if (e == null) {
                        return null;
                    }
                    items.add(e);
                }
                return new LinkReply(type, null, 0, null, items);
            }
            default:
                throw new BadReplyException("unexpected reply type byte 0x" + Integer.toHexString(type & 0xff));
        }
    }

    /** A CRLF-terminated line without the CRLF, consumed; null when incomplete. */
    private String line(ByteBuf in) {
        int from = in.readerIndex();
        int lf = in.indexOf(from, Math.min(in.writerIndex(), from + maxBytes + 2), (byte) '\n');
        if (lf < 0) {
            if (in.readableBytes() > maxBytes + 2) {
                throw new BadReplyException("reply line longer than " + maxBytes + " bytes");
            }
            return null;
        }
        int end = lf > from && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
        String s = in.toString(from, end - from, StandardCharsets.ISO_8859_1);
        in.readerIndex(lf + 1);
        return s;
    }

    private static long number(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new BadReplyException("bad number in reply: " + s);
        }
    }
}
