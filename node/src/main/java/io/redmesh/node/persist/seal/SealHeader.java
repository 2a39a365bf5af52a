package io.redmesh.node.persist.seal;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The envelope header of a sealed file (see docs/ENCRYPTION.md for the byte layout):
 *
 * <pre>
 * magic(8) version(1) flags(1) segment-size(4) nonce-base(7) chain(16)   -- the "stable" part
 * key-id-len(1) key-id wrapped-len(2) wrapped-data-key
 * </pre>
 *
 * The stable part is the associated data of every segment; the key id and the wrapped data key
 * are authenticated by the wrap itself (its associated data is the stable part plus the key id).
 * A re-key rewrites only the key id and wrapped key, so the segments stay valid.
 */
public final class SealHeader {
    /** "\x89RMSEAL\n": high bit set and a newline, so no text file (RDB "REDIS", AOF "*") starts so. */
    public static final byte[] MAGIC = {(byte) 0x89, 'R', 'M', 'S', 'E', 'A', 'L', '\n'};
    public static final int VERSION = 1;
    /** Segments end at syncs (an append file); a missing final segment may be a crash. */
    public static final int FLAG_APPEND = 1;
    /** This run continues an earlier run of the same file; chain is its final segment's tag. */
    public static final int FLAG_CONTINUATION = 2;
    public static final int STABLE_LEN = 8 + 1 + 1 + 4 + 7 + 16;
    public static final int NONCE_BASE_LEN = 7;
    public static final int CHAIN_LEN = 16;
    /** Segment sizes a reader accepts: bounded so a forged header cannot make it allocate gigabytes. */
    public static final int MIN_SEGMENT = 16;
    public static final int MAX_SEGMENT = 8 << 20;
    public static final int DEFAULT_SEGMENT = 64 * 1024;

    private static final SecureRandom RANDOM = new SecureRandom();

    final int flags;
    final int segmentSize;
    final byte[] nonceBase;
    final byte[] chain;
    final String keyId;
    final byte[] wrapped;

    private SealHeader(int flags, int segmentSize, byte[] nonceBase, byte[] chain, String keyId, byte[] wrapped) {
        this.flags = flags;
        this.segmentSize = segmentSize;
        this.nonceBase = nonceBase;
        this.chain = chain;
        this.keyId = keyId;
        this.wrapped = wrapped;
    }

    /** A header for a new run with a fresh data key (returned in {@code dataKeyOut}, 32 bytes). */
    static SealHeader create(int flags, int segmentSize, byte[] chain, MasterKeyProvider key, byte[] dataKeyOut)
            throws SealException {
        if (segmentSize < MIN_SEGMENT || segmentSize > MAX_SEGMENT) {
            throw new IllegalArgumentException("segment size out of range: " + segmentSize);
        }
        byte[] nonceBase = new byte[NONCE_BASE_LEN];
        RANDOM.nextBytes(nonceBase);
        RANDOM.nextBytes(dataKeyOut);
        SealHeader unwrapped = new SealHeader(flags, segmentSize, nonceBase,
                chain == null ? new byte[CHAIN_LEN] : chain.clone(), key.keyId(), new byte[0]);
        return unwrapped.rewrapped(key, dataKeyOut);
    }

    /** The same header with the data key wrapped by another master key (re-key). */
    SealHeader rewrapped(MasterKeyProvider key, byte[] dataKey) throws SealException {
        SealHeader h = new SealHeader(flags, segmentSize, nonceBase, chain, key.keyId(), new byte[0]);
        byte[] w = key.wrap(dataKey, h.wrapAad());
        if (w.length > 0xFFFF) {
            throw new IllegalStateException("wrapped key too long");
        }
        return new SealHeader(flags, segmentSize, nonceBase, chain, key.keyId(), w);
    }

    /** Unwraps the data key with the keyring's key of this header's id. */
    byte[] unwrap(Keyring keys) throws SealException {
        MasterKeyProvider k = keys.find(keyId);
        if (k == null) {
            throw new SealException(SealException.Reason.UNKNOWN_KEY, "sealed with master key id '" + keyId
                    + "', which is not configured (configured: " + keys.ids() + ")");
        }
        byte[] dek = k.unwrap(wrapped, wrapAad());
        if (dek.length != 32) {
            throw new SealException(SealException.Reason.HEADER_TAMPERED, "the data key is not 32 bytes");
        }
        return dek;
    }

    public String keyId() {
        return keyId;
    }

    public boolean append() {
        return (flags & FLAG_APPEND) != 0;
    }

    public boolean continuation() {
        return (flags & FLAG_CONTINUATION) != 0;
    }

    public int segmentSize() {
        return segmentSize;
    }

    /** magic .. chain: the associated data of every segment. */
    byte[] stable() {
        byte[] b = new byte[STABLE_LEN];
        System.arraycopy(MAGIC, 0, b, 0, 8);
        b[8] = VERSION;
        b[9] = (byte) flags;
        b[10] = (byte) (segmentSize >>> 24);
        b[11] = (byte) (segmentSize >>> 16);
        b[12] = (byte) (segmentSize >>> 8);
        b[13] = (byte) segmentSize;
        System.arraycopy(nonceBase, 0, b, 14, NONCE_BASE_LEN);
        System.arraycopy(chain, 0, b, 21, CHAIN_LEN);
        return b;
    }

    private byte[] wrapAad() {
        byte[] id = keyId.getBytes(StandardCharsets.UTF_8);
        byte[] s = stable();
        byte[] aad = Arrays.copyOf(s, s.length + 1 + id.length);
        aad[s.length] = (byte) id.length;
        System.arraycopy(id, 0, aad, s.length + 1, id.length);
        return aad;
    }

    public byte[] encode() {
        byte[] id = keyId.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(STABLE_LEN + 3 + id.length + wrapped.length);
        out.writeBytes(stable());
        out.write(id.length);
        out.writeBytes(id);
        out.write(wrapped.length >>> 8);
        out.write(wrapped.length & 0xFF);
        out.writeBytes(wrapped);
        return out.toByteArray();
    }

    public int length() {
        return STABLE_LEN + 3 + keyId.getBytes(StandardCharsets.UTF_8).length + wrapped.length;
    }

    /** Whether {@code b} (at least 8 bytes read from a file's start) is a sealed file's magic. */
    public static boolean isMagic(byte[] b, int len) {
        return len >= MAGIC.length && Arrays.equals(b, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /**
     * Reads a header. {@code magicRead} is true when the caller already consumed (and checked)
     * the 8 magic bytes. EOFException when the stream ends inside the header.
     */
    static SealHeader read(InputStream in, boolean magicRead) throws IOException {
        if (!magicRead) {
            byte[] m = readFully(in, 8);
            if (!isMagic(m, 8)) {
                throw new SealException(SealException.Reason.NOT_SEALED, "not a sealed file (no RedMesh seal magic)");
            }
        }
        byte[] rest = readFully(in, STABLE_LEN - 8);
        int version = rest[0] & 0xFF;
        if (version != VERSION) {
            throw new SealException(SealException.Reason.NOT_SEALED, "sealed format version " + version
                    + " is not supported (this server reads version " + VERSION + ")");
        }
        int flags = rest[1] & 0xFF;
        if ((flags & ~(FLAG_APPEND | FLAG_CONTINUATION)) != 0) {
            throw new SealException(SealException.Reason.BAD_HEADER, "unknown header flags 0x"
                    + Integer.toHexString(flags));
        }
        int seg = ((rest[2] & 0xFF) << 24) | ((rest[3] & 0xFF) << 16) | ((rest[4] & 0xFF) << 8) | (rest[5] & 0xFF);
        if (seg < MIN_SEGMENT || seg > MAX_SEGMENT) {
            throw new SealException(SealException.Reason.BAD_HEADER, "segment size " + Integer.toUnsignedString(seg)
                    + " out of range");
        }
        byte[] nonceBase = Arrays.copyOfRange(rest, 6, 6 + NONCE_BASE_LEN);
        byte[] chain = Arrays.copyOfRange(rest, 6 + NONCE_BASE_LEN, 6 + NONCE_BASE_LEN + CHAIN_LEN);
        int idLen = readFully(in, 1)[0] & 0xFF;
        if (idLen == 0) {
            throw new SealException(SealException.Reason.BAD_HEADER, "empty master key id");
        }
        String keyId = new String(readFully(in, idLen), StandardCharsets.UTF_8);
        byte[] wl = readFully(in, 2);
        int wLen = ((wl[0] & 0xFF) << 8) | (wl[1] & 0xFF);
        byte[] wrapped = readFully(in, wLen);
        return new SealHeader(flags, seg, nonceBase, chain, keyId, wrapped);
    }

    static byte[] readFully(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new EOFException("ends inside the header");
        }
        return b;
    }
}
