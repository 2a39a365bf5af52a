package io.redmesh.node.resp;

import io.netty.buffer.ByteBuf;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.Doubles;
import java.nio.charset.StandardCharsets;

/**
 * Writes RESP2 or RESP3 replies into a ByteBuf, choosing the encoding Redis 7 uses for the
 * connection's protocol version: maps are flat arrays in RESP2, doubles are bulk strings, nulls
 * are {@code $-1}/{@code *-1}, and so on. Command code says what it means (map, set, double, null)
 * and never writes protocol bytes itself.
 *
 * <p>Strings are written as ISO-8859-1: throughout the node a Java String holding protocol
 * text is a byte string widened one byte per char (see {@code Bytes.latin1}), so user bytes in
 * an error message or a config value go back on the wire unchanged, as Redis sends them.
 *
 * <p>Ownership: the buffer belongs to the connection that created this writer; {@link #target}
 * may be swapped between command batches, never during a command.
 */
public final class Reply {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_BULK = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_ARRAY = "*-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL3 = "_\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY_ARRAY = "*0\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[][] INT_REPLIES = new byte[256][];

    static {
        for (int i = 0; i < INT_REPLIES.length; i++) {
            INT_REPLIES[i] = (":" + i + "\r\n").getBytes(StandardCharsets.US_ASCII);
        }
    }

    private ByteBuf out;
    private int protocol = 2;
    private java.util.function.Consumer<String> errorListener = e -> {};
    private long errorsWritten;

    /** Called with every error line written (INFO errorstats, failed_calls). */
    public void errorListener(java.util.function.Consumer<String> l) {
        errorListener = l;
    }

    /** Number of error replies written so far (lets the dispatcher see a command failed). */
    public long errorsWritten() {
        return errorsWritten;
    }

    public Reply(ByteBuf out) {
        this.out = out;
    }

    public ByteBuf target() {
        return out;
    }

    public void target(ByteBuf out) {
        this.out = out;
    }

    public int protocol() {
        return protocol;
    }

    public void protocol(int protocol) {
        this.protocol = protocol;
    }

    public boolean resp3() {
        return protocol == 3;
    }

    // ----------------------------------------------------------------- simple types

    public void ok() {
        out.writeBytes(OK);
    }

    /** A status reply: {@code +text}. */
    public void simple(String text) {
        out.writeByte('+');
        writeAscii(text);
        out.writeBytes(CRLF);
    }

    /** An error reply; {@code line} is "CODE message" without '-'. Newlines are replaced by spaces. */
    public void error(String line) {
        errorsWritten++;
        errorListener.accept(line);
        out.writeByte('-');
        writeAscii(line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0
                ? line.replace('\r', ' ').replace('\n', ' ') : line);
        out.writeBytes(CRLF);
    }

    public void integer(long v) {
        if (v >= 0 && v < INT_REPLIES.length) {
            out.writeBytes(INT_REPLIES[(int) v]);
            return;
        }
        out.writeByte(':');
        writeLong(v);
        out.writeBytes(CRLF);
    }

    public void bulk(byte[] b) {
        if (b == null) {
            nullBulk();
            return;
        }
        out.writeByte('$');
        writeLong(b.length);
        out.writeBytes(CRLF);
        out.writeBytes(b);
        out.writeBytes(CRLF);
    }

    public void bulk(byte[] b, int off, int len) {
        out.writeByte('$');
        writeLong(len);
        out.writeBytes(CRLF);
        out.writeBytes(b, off, len);
        out.writeBytes(CRLF);
    }

    public void bulk(String s) {
        if (s == null) {
            nullBulk();
            return;
        }
        bulk(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    public void bulkLong(long v) {
        bulk(Bytes.fromLong(v));
    }

    /** The null bulk string: {@code $-1} in RESP2, {@code _} in RESP3. */
    public void nullBulk() {
        out.writeBytes(protocol == 3 ? NULL3 : NULL_BULK);
    }

    /** The null array: {@code *-1} in RESP2, {@code _} in RESP3. */
    public void nullArray() {
        out.writeBytes(protocol == 3 ? NULL3 : NULL_ARRAY);
    }

    /** A double: {@code ,d} in RESP3, a bulk string in RESP2; formatted as Redis 7.0 does (%.17g). */
    public void dbl(double d) {
        String s = Doubles.formatG17(d);
        if (protocol == 3) {
            out.writeByte(',');
            writeAscii(s);
            out.writeBytes(CRLF);
        } else {
            bulk(s.getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** A double already formatted (e.g. a stored score string). */
    public void dblFormatted(byte[] s) {
        if (protocol == 3) {
            out.writeByte(',');
            out.writeBytes(s);
            out.writeBytes(CRLF);
        } else {
            bulk(s);
        }
    }

    /** RESP3 boolean; RESP2 integer 1/0. */
    public void bool(boolean b) {
        if (protocol == 3) {
            out.writeBytes(b ? "#t\r\n".getBytes(StandardCharsets.US_ASCII) : "#f\r\n".getBytes(StandardCharsets.US_ASCII));
        } else {
            integer(b ? 1 : 0);
        }
    }

    /** RESP3 verbatim string ({@code =len\r\ntxt:...}); a bulk string in RESP2. */
    public void verbatim(String text) {
        byte[] body = text.getBytes(StandardCharsets.ISO_8859_1);
        if (protocol == 3) {
            out.writeByte('=');
            writeLong(body.length + 4);
            out.writeBytes(CRLF);
            writeAscii("txt:");
            out.writeBytes(body);
            out.writeBytes(CRLF);
        } else {
            bulk(body);
        }
    }

    // ----------------------------------------------------------------- aggregates

    public void array(long n) {
        if (n == 0) {
            out.writeBytes(EMPTY_ARRAY);
            return;
        }
        aggregate('*', n);
    }

    /** A map of n pairs: {@code %n} in RESP3, an array of 2n in RESP2. */
    public void map(long n) {
        if (protocol == 3) {
            aggregate('%', n);
        } else {
            array(2 * n);
        }
    }

    /** A set: {@code ~n} in RESP3, an array in RESP2. */
    public void set(long n) {
        if (protocol == 3) {
            aggregate('~', n);
        } else {
            array(n);
        }
    }

    /** An out-of-band push ({@code >n}) in RESP3; an array in RESP2 (pub/sub messages). */
    public void push(long n) {
        if (protocol == 3) {
            aggregate('>', n);
        } else {
            array(n);
        }
    }

    /** An attribute-free empty array that RESP3 also writes as an array. */
    public void emptyArray() {
        out.writeBytes(EMPTY_ARRAY);
    }

    public void bulkArray(byte[]... items) {
        array(items.length);
        for (byte[] b : items) {
            bulk(b);
        }
    }

    /** Writes bytes that are already a complete RESP reply. */
    public void raw(byte[] resp) {
        out.writeBytes(resp);
    }

    private void aggregate(char type, long n) {
        out.writeByte(type);
        writeLong(n);
        out.writeBytes(CRLF);
    }

    private void writeAscii(String s) {
        out.writeCharSequence(s, StandardCharsets.ISO_8859_1);
    }

    private void writeLong(long v) {
        if (v >= 0 && v < 10) {
            out.writeByte('0' + (int) v);
            return;
        }
        out.writeBytes(Bytes.fromLong(v));
    }
}
