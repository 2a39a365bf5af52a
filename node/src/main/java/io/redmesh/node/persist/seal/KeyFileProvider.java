package io.redmesh.node.persist.seal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A master key read from {@code encryption-key-file}. The file is text, one key per line, the
 * first line being the key that seals new files and any further lines older keys kept for
 * reading (so a rotation can keep the previous key readable until every file is re-wrapped):
 *
 * <pre>
 * # id      key (64 hex digits, or base64 of 32 bytes)
 * k2026-11  8c1f...e0
 * k2026-10  3Q2x...=
 * </pre>
 *
 * A line holding only a key gets the id {@code key-} + the first 8 hex digits of its check value.
 * The file must not be readable by group or others (as ssh insists for private keys).
 *
 * <p>Wrapping: AES-256-GCM under the master key with a random 96-bit nonce, the header as
 * associated data. The blob is {@code 01 | kcv(4) | nonce(12) | ciphertext(32) | tag(16)}; the key
 * check value (4 bytes of HMAC-SHA256(master, "RedMesh key check value")) tells "wrong key
 * material for this id" apart from "tampered header" without revealing anything usable.
 */
public final class KeyFileProvider implements MasterKeyProvider {
    private static final byte BLOB_VERSION = 1;
    private static final int KCV_LEN = 4;
    private static final int NONCE_LEN = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String keyId;
    private final SecretKeySpec key;
    private final byte[] kcv;

    public KeyFileProvider(String keyId, byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("a master key is 32 bytes");
        }
        if (keyId.isEmpty() || keyId.getBytes(StandardCharsets.UTF_8).length > 255 || !keyId.chars()
                .allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("a key id is 1 to 255 printable characters without spaces");
        }
        this.keyId = keyId;
        this.key = new SecretKeySpec(key.clone(), "AES");
        this.kcv = checkValue(key);
    }

    @Override
    public String keyId() {
        return keyId;
    }

    /** The key check value (hex): safe to log, identifies the key material. */
    public String checkValueHex() {
        return HexFormat.of().formatHex(kcv);
    }

    // ------------------------------------------------------------------ the file

    /**
     * Reads a key file: the first key seals, every key reads. Throws SealException(KEY_FILE) with
     * a message naming the file for a missing, unreadable, too open or malformed file.
     */
    public static List<KeyFileProvider> load(Path file) throws SealException {
        String text;
        try {
            checkPermissions(file);
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (SealException e) {
            throw e;
        } catch (IOException e) {
            throw new SealException(SealException.Reason.KEY_FILE, "cannot read encryption-key-file " + file + ": "
                    + e.getMessage(), e);
        }
        List<KeyFileProvider> keys = new ArrayList<>();
        int lineNo = 0;
        for (String raw : text.split("\n", -1)) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.split("\\s+");
            if (words.length > 2) {
                throw bad(file, lineNo, "expected '<key-id> <key>'");
            }
            byte[] k = decodeKey(words[words.length - 1]);
            if (k == null) {
                throw bad(file, lineNo, "the key is not 64 hex digits or base64 of 32 bytes");
            }
            String id = words.length == 2 ? words[0] : "key-" + HexFormat.of().formatHex(checkValue(k));
            try {
                KeyFileProvider p = new KeyFileProvider(id, k);
                for (KeyFileProvider q : keys) {
                    if (q.keyId.equals(id)) {
                        throw bad(file, lineNo, "key id '" + id + "' appears twice");
                    }
                }
                keys.add(p);
            } catch (IllegalArgumentException e) {
                throw bad(file, lineNo, e.getMessage());
            } finally {
                Arrays.fill(k, (byte) 0);
            }
        }
        if (keys.isEmpty()) {
            throw new SealException(SealException.Reason.KEY_FILE, "encryption-key-file " + file + " holds no key");
        }
        return keys;
    }

    private static SealException bad(Path file, int line, String why) {
        return new SealException(SealException.Reason.KEY_FILE, "encryption-key-file " + file + " line " + line
                + ": " + why);
    }

    private static void checkPermissions(Path file) throws IOException {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            return; // not a POSIX file system: nothing to check against
        }
        for (PosixFilePermission p : perms) {
            if (p.name().startsWith("GROUP") || p.name().startsWith("OTHERS")) {
                throw new SealException(SealException.Reason.KEY_FILE, "encryption-key-file " + file
                        + " is accessible by group or others; it must be readable by its owner only (chmod 600)");
            }
        }
    }

    static byte[] decodeKey(String s) {
        if (s.length() == 64 && s.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return HexFormat.of().parseHex(s);
        }
        try {
            byte[] b = Base64.getDecoder().decode(s);
            return b.length == 32 ? b : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static byte[] checkValue(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Arrays.copyOf(mac.doFinal("RedMesh key check value".getBytes(StandardCharsets.US_ASCII)), KCV_LEN);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ wrap / unwrap

    @Override
    public byte[] wrap(byte[] dataKey, byte[] aad) throws SealException {
        byte[] nonce = new byte[NONCE_LEN];
        RANDOM.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            c.updateAAD(aad);
            byte[] ct = c.doFinal(dataKey);
            byte[] out = new byte[1 + KCV_LEN + NONCE_LEN + ct.length];
            out[0] = BLOB_VERSION;
            System.arraycopy(kcv, 0, out, 1, KCV_LEN);
            System.arraycopy(nonce, 0, out, 1 + KCV_LEN, NONCE_LEN);
            System.arraycopy(ct, 0, out, 1 + KCV_LEN + NONCE_LEN, ct.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    @Override
    public byte[] unwrap(byte[] wrapped, byte[] aad) throws SealException {
        if (wrapped.length != 1 + KCV_LEN + NONCE_LEN + 32 + 16 || wrapped[0] != BLOB_VERSION) {
            throw new SealException(SealException.Reason.HEADER_TAMPERED, "the wrapped data key is malformed");
        }
        if (!MessageDigest.isEqual(kcv, Arrays.copyOfRange(wrapped, 1, 1 + KCV_LEN))) {
            throw new SealException(SealException.Reason.WRONG_KEY, "wrong master key: the file was sealed under key id '"
                    + keyId + "' with other key material (key check value " + HexFormat.of().formatHex(wrapped, 1,
                    1 + KCV_LEN) + ", configured key has " + checkValueHex() + ")");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, wrapped, 1 + KCV_LEN, NONCE_LEN));
            c.updateAAD(aad);
            return c.doFinal(wrapped, 1 + KCV_LEN + NONCE_LEN, wrapped.length - 1 - KCV_LEN - NONCE_LEN);
        } catch (AEADBadTagException e) {
            throw new SealException(SealException.Reason.HEADER_TAMPERED,
                    "the header does not authenticate: its wrapped data key, key id or parameters were altered");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }
}
