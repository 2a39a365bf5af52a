package io.redmesh.node.persist.seal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The stream envelope: round trips, and every way a sealed file can be cut, altered or mis-keyed. */
class SealedStreamTest {
    static final int SEG = 64;
    static final KeyFileProvider KEY = new KeyFileProvider("k1", filled(32, 7));
    static final Keyring KEYS = Keyring.of(KEY);

    static byte[] filled(int n, int v) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) v);
        return b;
    }

    static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    static byte[] seal(byte[] plain, MasterKeyProvider key, int seg) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (SealedOutputStream s = new SealedOutputStream(out, key, seg)) {
            // odd write sizes cross segment boundaries in every way
            int off = 0;
            int step = 1;
            while (off < plain.length) {
                int n = Math.min(step, plain.length - off);
                s.write(plain, off, n);
                off += n;
                step = step * 3 % 97 + 1;
            }
        }
        return out.toByteArray();
    }

    static byte[] open(byte[] sealed, Keyring keys) throws IOException {
        try (SealedInputStream in = new SealedInputStream(new ByteArrayInputStream(sealed), keys, "f", false)) {
            return in.readAllBytes();
        }
    }

    static SealException fails(byte[] sealed, Keyring keys) {
        return assertThrows(SealException.class, () -> open(sealed, keys));
    }

    static int headerLen(byte[] sealed) throws IOException {
        return SealHeader.read(new ByteArrayInputStream(sealed), false).length();
    }

    @Test
    void roundTripsEverySizeAroundSegmentBoundaries() throws IOException {
        for (int n : new int[] {0, 1, SEG - 1, SEG, SEG + 1, 2 * SEG, 10 * SEG + 17, 100 * SEG}) {
            byte[] p = random(n);
            byte[] s = seal(p, KEY, SEG);
            assertArrayEquals(p, open(s, KEYS), "size " + n);
            int segments = n == 0 ? 1 : (n + SEG - 1) / SEG;
            assertEquals(headerLen(s) + n + segments * 20L, s.length, "size " + n + ": no empty extra segment");
        }
    }

    @Test
    void sealedFilesStartWithTheMagicAndHideThePlaintext() throws IOException {
        byte[] p = "REDIS0010 secret-value-123".getBytes();
        byte[] s = seal(p, KEY, SEG);
        assertTrue(SealHeader.isMagic(s, s.length));
        assertEquals(-1, new String(s, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("secret"));
    }

    @Test
    void truncationAtEverySegmentBoundaryAndInsideSegmentsIsDetected() throws IOException {
        byte[] p = random(5 * SEG + 10);
        byte[] s = seal(p, KEY, SEG);
        int h = headerLen(s);
        for (int cut = 0; cut < s.length; cut++) {
            SealException e = fails(Arrays.copyOf(s, cut), KEYS);
            boolean boundary = cut >= h && (cut - h) % (SEG + 20) == 0;
            if (cut < h) {
                assertEquals(SealException.Reason.TRUNCATED, e.reason(), "cut " + cut);
            } else {
                assertEquals(boundary ? SealException.Reason.TRUNCATED : SealException.Reason.TRUNCATED_SEGMENT,
                        e.reason(), "cut " + cut + ": " + e.getMessage());
            }
            assertTrue(e.getMessage().startsWith("f: truncated"), e.getMessage());
        }
    }

    @Test
    void everyFlippedBitInHeaderBodyOrTagIsDetected() throws IOException {
        byte[] p = random(3 * SEG + 5);
        byte[] s = seal(p, KEY, SEG);
        int h = headerLen(s);
        for (int i = 0; i < s.length; i++) {
            byte[] t = s.clone();
            t[i] ^= (byte) (1 << (i % 8));
            SealException e = fails(t, KEYS);
            if (i >= h) {
                int inRecord = (i - h) % (SEG + 20);
                if (inRecord >= 4) {
                    assertEquals(SealException.Reason.TAMPERED, e.reason(), "byte " + i + ": " + e.getMessage());
                }
            }
        }
    }

    @Test
    void swappedSegmentsAreReportedAsReordered() throws IOException {
        byte[] p = random(4 * SEG + 3);
        byte[] s = seal(p, KEY, SEG);
        int h = headerLen(s);
        int r = SEG + 20;
        byte[] t = s.clone();
        System.arraycopy(s, h + r, t, h + 2 * r, r);
        System.arraycopy(s, h + 2 * r, t, h + r, r);
        SealException e = fails(t, KEYS);
        assertEquals(SealException.Reason.REORDERED, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("segment at position 1") && e.getMessage().contains("is segment 2"),
                e.getMessage());
    }

    @Test
    void aFinalFlagSetOnAnEarlierSegmentIsDetected() throws IOException {
        byte[] s = seal(random(3 * SEG), KEY, SEG);
        int h = headerLen(s);
        byte[] t = Arrays.copyOf(s, h + SEG + 20);
        t[h] |= (byte) 0x80; // claim segment 0 is the last: a truncation disguised as a clean end
        assertEquals(SealException.Reason.TAMPERED, fails(t, KEYS).reason());
    }

    @Test
    void segmentsFromAnotherFileDoNotAuthenticate() throws IOException {
        byte[] a = seal(random(2 * SEG), KEY, SEG);
        byte[] b = seal(random(2 * SEG), KEY, SEG);
        int h = headerLen(a);
        byte[] t = a.clone();
        System.arraycopy(b, h, t, h, SEG + 20);
        assertEquals(SealException.Reason.TAMPERED, fails(t, KEYS).reason());
    }

    @Test
    void trailingBytesAfterTheFinalSegmentAreRefused() throws IOException {
        byte[] s = seal(random(SEG), KEY, SEG);
        byte[] t = Arrays.copyOf(s, s.length + 3);
        assertEquals(SealException.Reason.TRAILING_DATA, fails(t, KEYS).reason());
    }

    @Test
    void wrongMasterKeysAreToldApart() throws IOException {
        byte[] s = seal(random(100), KEY, SEG);
        SealException unknown = fails(s, Keyring.of(new KeyFileProvider("k2", filled(32, 7))));
        assertEquals(SealException.Reason.UNKNOWN_KEY, unknown.reason());
        assertTrue(unknown.getMessage().contains("'k1'") && unknown.getMessage().contains("'k2'"), unknown.getMessage());
        SealException wrong = fails(s, Keyring.of(new KeyFileProvider("k1", filled(32, 8))));
        assertEquals(SealException.Reason.WRONG_KEY, wrong.reason(), wrong.getMessage());
        // the key id in the header altered to another configured id: the wrap's associated data
        byte[] t = s.clone();
        t[SealHeader.STABLE_LEN + 2] = '9'; // "k1" -> "k9"
        SealException moved = fails(t, Keyring.of(KEY, new KeyFileProvider("k9", filled(32, 7))));
        assertEquals(SealException.Reason.HEADER_TAMPERED, moved.reason(), moved.getMessage());
    }

    @Test
    void aForgedSegmentSizeCannotMakeTheReaderAllocateGigabytes() throws IOException {
        byte[] s = seal(random(10), KEY, SEG);
        s[10] = 0x7f;
        assertEquals(SealException.Reason.BAD_HEADER, fails(s, KEYS).reason());
    }

    @Test
    void plaintextIsNotSealed() {
        SealException e = fails("REDIS0010...".getBytes(), KEYS);
        assertEquals(SealException.Reason.NOT_SEALED, e.reason());
    }
}
