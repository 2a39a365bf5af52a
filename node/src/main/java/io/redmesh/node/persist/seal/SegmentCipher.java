package io.redmesh.node.persist.seal;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM over one run's segments, the STREAM construction (Hoang, Reyhanitabar, Rogaway,
 * Vizár 2015; Tink's AES-GCM-HKDF streaming): segment i is sealed with the nonce
 * {@code nonce-base(7) || i (4, big-endian) || final (1)} and the header's stable part as
 * associated data, so a segment moved to another position, a non-final segment presented as the
 * last one, or a segment of another file never authenticates.
 */
final class SegmentCipher {
    static final int TAG_LEN = 16;
    /** Final-segment bit of a record's length word. */
    static final int FINAL_BIT = 0x8000_0000;

    private final SecretKeySpec key;
    private final byte[] aad;
    private final byte[] nonceBase;
    private final Cipher cipher;

    SegmentCipher(byte[] dataKey, SealHeader h) {
        this.key = new SecretKeySpec(dataKey, "AES");
        this.aad = h.stable();
        this.nonceBase = h.nonceBase;
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    private GCMParameterSpec nonce(long index, boolean last) {
        if (index < 0 || index > 0xFFFF_FFFFL) {
            throw new IllegalStateException("more than 2^32 segments in one run");
        }
        byte[] n = new byte[12];
        System.arraycopy(nonceBase, 0, n, 0, 7);
        n[7] = (byte) (index >>> 24);
        n[8] = (byte) (index >>> 16);
        n[9] = (byte) (index >>> 8);
        n[10] = (byte) index;
        n[11] = (byte) (last ? 1 : 0);
        return new GCMParameterSpec(TAG_LEN * 8, n);
    }

    /**
     * Seals {@code len} bytes into {@code out} as a record: the length word (final bit and
     * ciphertext length) then ciphertext and tag. Returns the record's length.
     */
    int seal(long index, boolean last, byte[] plain, int off, int len, byte[] out) {
        int ctLen = len + TAG_LEN;
        int word = ctLen | (last ? FINAL_BIT : 0);
        out[0] = (byte) (word >>> 24);
        out[1] = (byte) (word >>> 16);
        out[2] = (byte) (word >>> 8);
        out[3] = (byte) word;
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, nonce(index, last));
            cipher.updateAAD(aad);
            return 4 + cipher.doFinal(plain, off, len, out, 4);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }

    /** Opens a segment's ciphertext+tag into {@code out}; returns the plaintext length. */
    int open(long index, boolean last, byte[] ct, int off, int len, byte[] out) throws AEADBadTagException {
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, nonce(index, last));
            cipher.updateAAD(aad);
            return cipher.doFinal(ct, off, len, out, 0);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }

    /** Whether the segment authenticates at {@code index}/{@code last} (diagnosis after a failure). */
    boolean authenticates(long index, boolean last, byte[] ct, int off, int len, byte[] scratch) {
        try {
            open(index, last, ct, off, len, scratch);
            return true;
        } catch (AEADBadTagException e) {
            return false;
        }
    }
}
