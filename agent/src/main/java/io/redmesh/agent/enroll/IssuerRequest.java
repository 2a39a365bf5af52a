package io.redmesh.agent.enroll;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What can be asked of an issuer over its enrollment endpoint, as a bounded binary frame:
 * {@code "RMIR" version type count (length bytes)*}.
 *
 * <ul>
 * <li>{@link Type#ISSUE}: an IssueRequest (first certificate with a join token, or a renewal).
 * <li>{@link Type#TRUST}: a signed trust bundle to publish (it carries its own root
 *     signatures), optionally with a new issuing CA for this issuer (chain PEM, key PEM) and a
 *     signature over both by a root in that bundle: the operator's CA rotation.
 * <li>{@link Type#REVOKE}: a revocation list, signed by a currently trusted root.
 * </ul>
 * The answer is UTF-8 text: "OK ..." or "ERR reason" (ISSUE answers an IssueResponse).
 */
public record IssuerRequest(Type type, List<byte[]> fields) {
    public enum Type { ISSUE, TRUST, REVOKE }

    private static final byte[] MAGIC = {'R', 'M', 'I', 'R'};
    private static final int VERSION = 1;
    private static final int MAX_FIELDS = 8;

    public static IssuerRequest of(Type type, byte[]... fields) {
        return new IssuerRequest(type, List.of(fields));
    }

    public byte[] field(int i) {
        return i < fields.size() ? fields.get(i) : new byte[0];
    }

    public String text(int i) {
        return new String(field(i), StandardCharsets.UTF_8);
    }

    public byte[] encode() {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(b);
            out.write(MAGIC);
            out.writeByte(VERSION);
            out.writeByte(type.ordinal());
            out.writeByte(fields.size());
            for (byte[] f : fields) {
                out.writeInt(f.length);
                out.write(f);
            }
            return b.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses a frame; garbage is an IOException with the reason, never anything else. */
    public static IssuerRequest decode(byte[] bytes) throws IOException {
        try {
            DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes));
            byte[] magic = in.readNBytes(4);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new IOException("not an issuer request");
            }
            if (in.readUnsignedByte() != VERSION) {
                throw new IOException("unsupported issuer request version");
            }
            int t = in.readUnsignedByte();
            if (t >= Type.values().length) {
                throw new IOException("unknown issuer request type " + t);
            }
            int n = in.readUnsignedByte();
            if (n > MAX_FIELDS) {
                throw new IOException("too many fields");
            }
            List<byte[]> fields = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int len = in.readInt();
                if (len < 0 || len > in.available()) {
                    throw new IOException("field length out of bounds");
                }
                fields.add(in.readNBytes(len));
            }
            if (in.available() != 0) {
                throw new IOException("trailing bytes");
            }
            return new IssuerRequest(Type.values()[t], fields);
        } catch (java.io.EOFException e) {
            throw new IOException("truncated issuer request");
        }
    }

    /** The bytes a TRUST or REVOKE signature covers: every field but the last, length-prefixed. */
    public static byte[] signedPart(List<byte[]> fields) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("redmesh-issuer-request\n".getBytes(StandardCharsets.US_ASCII));
        for (byte[] f : fields) {
            b.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(f.length).array());
            b.writeBytes(f);
        }
        return b.toByteArray();
    }
}
