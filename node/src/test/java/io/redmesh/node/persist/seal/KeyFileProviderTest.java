package io.redmesh.node.persist.seal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** encryption-key-file parsing: formats, comments, several keys, and every refusal. */
class KeyFileProviderTest {
    @TempDir
    Path dir;

    Path file(String text) throws IOException {
        Path p = dir.resolve("keys-" + Math.abs(text.hashCode()));
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("r--------"));
        return p;
    }

    String refusal(String text) throws IOException {
        SealException e = assertThrows(SealException.class, () -> KeyFileProvider.load(file(text)));
        assertEquals(SealException.Reason.KEY_FILE, e.reason());
        return e.getMessage();
    }

    @Test
    void hexBase64CommentsAndSeveralKeys() throws IOException {
        byte[] k2 = new byte[32];
        k2[0] = 9;
        List<KeyFileProvider> keys = KeyFileProvider.load(file("# master keys\n\n  new " + "0f".repeat(32)
                + "  \nold " + Base64.getEncoder().encodeToString(k2) + "\n" + "ab".repeat(32) + "\n"));
        assertEquals(3, keys.size());
        assertEquals("new", keys.get(0).keyId());
        assertEquals("old", keys.get(1).keyId());
        assertTrue(keys.get(2).keyId().matches("key-[0-9a-f]{8}"), keys.get(2).keyId());
        // every key opens what it wrapped, and only that
        byte[] dek = new byte[32];
        dek[5] = 1;
        byte[] w = keys.get(1).wrap(dek, new byte[] {1, 2});
        assertArrayEquals(dek, keys.get(1).unwrap(w, new byte[] {1, 2}));
        assertEquals(SealException.Reason.HEADER_TAMPERED,
                assertThrows(SealException.class, () -> keys.get(1).unwrap(w, new byte[] {1, 3})).reason());
        assertEquals(SealException.Reason.WRONG_KEY,
                assertThrows(SealException.class, () -> keys.get(0).unwrap(w, new byte[] {1, 2})).reason());
    }

    @Test
    void refusals() throws IOException {
        assertTrue(refusal("").contains("holds no key"));
        assertTrue(refusal("# only a comment\n").contains("holds no key"));
        assertTrue(refusal("k1 " + "0f".repeat(31) + "\n").contains("line 1: the key is not 64 hex digits"));
        assertTrue(refusal("k1 " + "0f".repeat(32) + " extra\n").contains("expected '<key-id> <key>'"));
        assertTrue(refusal("k1 " + "0f".repeat(32) + "\nk1 " + "1f".repeat(32) + "\n").contains("line 2: key id 'k1'"
                + " appears twice"));
        assertTrue(refusal("k1 " + Base64.getEncoder().encodeToString(new byte[31]) + "\n").contains("line 1"));
        String missing = assertThrows(SealException.class, () -> KeyFileProvider.load(dir.resolve("nope")))
                .getMessage();
        assertTrue(missing.contains("cannot read encryption-key-file " + dir.resolve("nope")), missing);
        Path open = file("k1 " + "0f".repeat(32) + "\n");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r-----"));
        String perm = assertThrows(SealException.class, () -> KeyFileProvider.load(open)).getMessage();
        assertTrue(perm.contains("accessible by group or others") && perm.contains("chmod 600"), perm);
    }
}
