package io.redmesh.node.persist.aof;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A growable byte buffer that writes commands in the AOF's format, RESP multibulk (Redis's
 * catAppendOnlyGenericCommand / rioWriteBulk*): {@code *<argc>\r\n} then {@code $<len>\r\n<arg>\r\n}.
 */
final class AofBuffer {
    private byte[] buf;
    private int len;

    AofBuffer(int capacity) {
        buf = new byte[capacity];
    }

    int length() {
        return len;
    }

    void clear() {
        len = 0;
    }

    ByteBuffer view() {
        return ByteBuffer.wrap(buf, 0, len);
    }

    void command(byte[][] argv) {
        count('*', argv.length);
        for (byte[] a : argv) {
            bulk(a);
        }
    }

    /** An annotation line, "#<text>\r\n" (skipped by loaders). */
    void annotation(String text) {
        bulkless('#' + text);
    }

    private void bulkless(String line) {
        ensure(line.length() + 2);
        for (int i = 0; i < line.length(); i++) {
            buf[len++] = (byte) line.charAt(i);
        }
        buf[len++] = '\r';
        buf[len++] = '\n';
    }

    void count(char prefix, long n) {
        ensure(24);
        buf[len++] = (byte) prefix;
        digits(n);
        buf[len++] = '\r';
        buf[len++] = '\n';
    }

    void bulk(byte[] a) {
        count('$', a.length);
        ensure(a.length + 2);
        System.arraycopy(a, 0, buf, len, a.length);
        len += a.length;
        buf[len++] = '\r';
        buf[len++] = '\n';
    }

    void bulk(String s) {
        bulk(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    void bulk(long v) {
        bulk(Long.toString(v));
    }

    private void digits(long n) {
        String s = Long.toString(n);
        for (int i = 0; i < s.length(); i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            byte[] n = new byte[Math.max(buf.length * 2, len + more)];
            System.arraycopy(buf, 0, n, 0, len);
            buf = n;
        }
    }
}
