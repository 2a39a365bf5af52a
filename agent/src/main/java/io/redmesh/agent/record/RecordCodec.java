package io.redmesh.agent.record;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary form of records, bounded so that a peer cannot make us allocate much or loop long:
 *
 * <pre>
 * signed record = u8 FORMAT(1) | record fields | u16 sigLen | sig | u8 chainLen(1..4) | (u16 derLen | der)*
 * record fields = u8 kind | u16 keyLen | key (UTF-8) | i64 hlc | u8 originLen | origin (UTF-8)
 *                 | i32 valueLen (-1 = tombstone) | value
 * signed bytes  = "redmesh-record-v1\0" | record fields
 * batch         = u8 BATCH_FORMAT(1) | u32 count | (u32 len | signed record)*
 * </pre>
 *
 * Big-endian throughout. Every length is checked against its maximum before anything is
 * allocated, trailing bytes are an error, and all failures are {@link RecordFormatException}.
 */
public final class RecordCodec {
    public static final int FORMAT = 1;
    public static final int BATCH_FORMAT = 1;
    public static final int MAX_KEY_BYTES = 1024;
    public static final int MAX_ORIGIN_BYTES = 255;
    public static final int MAX_VALUE_BYTES = 1 << 20;
    public static final int MAX_SIGNATURE_BYTES = 1024;
    public static final int MAX_CHAIN = 4;
    public static final int MAX_CERT_BYTES = 16 * 1024;
    public static final int MAX_BATCH = 100_000;
    private static final byte[] DOMAIN = "redmesh-record-v1\0".getBytes(StandardCharsets.US_ASCII);

    private RecordCodec() {}

    /** The bytes a signature covers: a domain prefix, then the record's fields. */
    public static byte[] signedBytes(Record r) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64 + (r.value() == null ? 0 : r.value().length));
        b.writeBytes(DOMAIN);
        writeFields(new DataOutputStream(b), r);
        return b.toByteArray();
    }

    public static byte[] encode(SignedRecord s) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream(1024);
            DataOutputStream o = new DataOutputStream(b);
            o.writeByte(FORMAT);
            writeFields(o, s.record());
            checkMax("signature", s.signature().length, MAX_SIGNATURE_BYTES);
            o.writeShort(s.signature().length);
            o.write(s.signature());
            checkMax("chain", s.chain().size(), MAX_CHAIN);
            o.writeByte(s.chain().size());
            for (X509Certificate c : s.chain()) {
                byte[] der = c.getEncoded();
                checkMax("certificate", der.length, MAX_CERT_BYTES);
                o.writeShort(der.length);
                o.write(der);
            }
            return b.toByteArray();
        } catch (IOException | CertificateException e) {
            throw new IllegalStateException("cannot encode " + s, e);
        }
    }

    public static SignedRecord decode(byte[] bytes) throws RecordFormatException {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            int format = in.get() & 0xff;
            if (format != FORMAT) {
                throw new RecordFormatException("unknown record format " + format);
            }
            Record r = readFields(in);
            byte[] sig = bytes(in, in.getShort() & 0xffff, MAX_SIGNATURE_BYTES, "signature");
            int n = in.get() & 0xff;
            if (n < 1 || n > MAX_CHAIN) {
                throw new RecordFormatException("bad chain length " + n);
            }
            List<X509Certificate> chain = new ArrayList<>(n);
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (int i = 0; i < n; i++) {
                byte[] der = bytes(in, in.getShort() & 0xffff, MAX_CERT_BYTES, "certificate");
                chain.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der)));
            }
            if (in.hasRemaining()) {
                throw new RecordFormatException("trailing bytes after record");
            }
            return new SignedRecord(r, sig, chain);
        } catch (BufferUnderflowException e) {
            throw new RecordFormatException("truncated record");
        } catch (CertificateException | RuntimeException e) {
            throw new RecordFormatException("bad record: " + e.getClass().getSimpleName());
        }
    }

    /** Several encoded records in one message (pushes and anti-entropy answers). */
    public static byte[] encodeBatch(List<byte[]> encoded) {
        int size = 5;
        for (byte[] e : encoded) {
            size += 4 + e.length;
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put((byte) BATCH_FORMAT).putInt(encoded.size());
        for (byte[] e : encoded) {
            b.putInt(e.length).put(e);
        }
        return b.array();
    }

    /** The record byte arrays of a batch (each still to be decoded, so one bad record spoils only itself). */
    public static List<byte[]> decodeBatch(byte[] bytes) throws RecordFormatException {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            int format = in.get() & 0xff;
            if (format != BATCH_FORMAT) {
                throw new RecordFormatException("unknown batch format " + format);
            }
            int n = in.getInt();
            if (n < 0 || n > MAX_BATCH) {
                throw new RecordFormatException("bad batch size " + n);
            }
            List<byte[]> out = new ArrayList<>(Math.min(n, 1024));
            for (int i = 0; i < n; i++) {
                int len = in.getInt();
                if (len < 0 || len > in.remaining()) {
                    throw new RecordFormatException("truncated batch");
                }
                byte[] e = new byte[len];
                in.get(e);
                out.add(e);
            }
            if (in.hasRemaining()) {
                throw new RecordFormatException("trailing bytes after batch");
            }
            return out;
        } catch (BufferUnderflowException e) {
            throw new RecordFormatException("truncated batch");
        }
    }

    // ------------------------------------------------------------------ fields

    private static void writeFields(DataOutputStream o, Record r) {
        try {
            byte[] key = r.key().getBytes(StandardCharsets.UTF_8);
            byte[] origin = r.version().origin().getBytes(StandardCharsets.UTF_8);
            checkMax("key", key.length, MAX_KEY_BYTES);
            checkMax("origin", origin.length, MAX_ORIGIN_BYTES);
            o.writeByte(r.kind().code());
            o.writeShort(key.length);
            o.write(key);
            o.writeLong(r.version().hlc());
            o.writeByte(origin.length);
            o.write(origin);
            if (r.value() == null) {
                o.writeInt(-1);
            } else {
                checkMax("value", r.value().length, MAX_VALUE_BYTES);
                o.writeInt(r.value().length);
                o.write(r.value());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Record readFields(ByteBuffer in) throws RecordFormatException {
        int code = in.get() & 0xff;
        RecordKind kind = RecordKind.ofCode(code);
        if (kind == null) {
            throw new RecordFormatException("unknown record kind " + code);
        }
        String key = utf8(bytes(in, in.getShort() & 0xffff, MAX_KEY_BYTES, "key"));
        long hlc = in.getLong();
        String origin = utf8(bytes(in, in.get() & 0xff, MAX_ORIGIN_BYTES, "origin"));
        if (origin.isEmpty()) {
            throw new RecordFormatException("empty origin");
        }
        int vlen = in.getInt();
        byte[] value = vlen == -1 ? null : bytes(in, vlen, MAX_VALUE_BYTES, "value");
        return new Record(kind, key, new Version(hlc, origin), value);
    }

    private static byte[] bytes(ByteBuffer in, int len, int max, String what) throws RecordFormatException {
        if (len < 0 || len > max) {
            throw new RecordFormatException(what + " length " + len + " out of range");
        }
        if (len > in.remaining()) {
            throw new RecordFormatException("truncated " + what);
        }
        byte[] b = new byte[len];
        in.get(b);
        return b;
    }

    private static String utf8(byte[] b) throws RecordFormatException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new RecordFormatException("invalid UTF-8");
        }
    }

    private static void checkMax(String what, int len, int max) {
        if (len > max) {
            throw new IllegalArgumentException(what + " too large: " + len + " > " + max);
        }
    }
}
