package io.redmesh.node.persist.rdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.util.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The byte-level codecs: CRC-64, LZF, listpack, intset, ziplist, zipmap, RDB lengths/strings. */
class RdbCodecTest {
    @Test
    void crc64MatchesRedisTestVector() {
        byte[] b = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xe9c6d914c4b8d9caL, Crc64.of(b, 0, b.length));
        // Incremental = whole, across the slice-by-8 boundary.
        byte[] big = new byte[1000];
        new Random(1).nextBytes(big);
        long whole = Crc64.of(big, 0, big.length);
        long part = Crc64.update(Crc64.update(0, big, 0, 13), big, 13, big.length - 13);
        assertEquals(whole, part);
    }

    @Test
    void lzfRoundTripsAndRefusesWhatDoesNotShrink() {
        Random r = new Random(7);
        for (int n = 0; n < 300; n++) {
            int len = 21 + r.nextInt(5000);
            byte[] in = new byte[len];
            int alphabet = 1 + r.nextInt(20);
            for (int i = 0; i < len; i++) {
                in[i] = (byte) ('a' + r.nextInt(alphabet));
            }
            byte[] out = new byte[len - 4];
            int c = Lzf.compress(in, len, out, out.length);
            if (c > 0) {
                assertArrayEquals(in, Lzf.decompress(out, 0, c, len));
            }
        }
        byte[] random = new byte[100];
        r.nextBytes(random);
        assertEquals(0, Lzf.compress(random, 100, new byte[96], 96));
        assertThrows(IllegalArgumentException.class, () -> Lzf.decompress(new byte[] {(byte) 0xE0, 5}, 0, 2, 10));
    }

    @Test
    void lzfOfARepeatedStringIsRedissOutput() {
        // redis-cli SET k aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa (30 a); DUMP k (Redis 7.0.15):
        // 00 c3 09 1e 01 61 61 e0 11 00 01 61 61 0a 00 ...
        byte[] in = "a".repeat(30).getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[26];
        int c = Lzf.compress(in, 30, out, 26);
        assertEquals("016161e011000161 61", hex(out, c, false).substring(0, 16) + " " + hex(out, c, false).substring(16));
    }

    @Test
    void listpackEncodesIntegersAndStringsLikeRedis() {
        Listpack lp = new Listpack();
        String[] items = {"0", "127", "128", "-1", "-4096", "4095", "4096", "32767", "-32768", "8388607",
            "2147483647", "9223372036854775807", "-9223372036854775808", "01", "+1", "-0", "", "x".repeat(63),
            "y".repeat(64), "z".repeat(4095), "w".repeat(4096), "1 ", "18446744073709551616"};
        for (String s : items) {
            lp.append(Bytes.of(s));
        }
        lp.finish();
        byte[] blob = java.util.Arrays.copyOf(lp.buf(), lp.size());
        List<byte[]> back = CompactDecoder.listpack(blob);
        assertEquals(items.length, back.size());
        for (int i = 0; i < items.length; i++) {
            assertEquals(items[i], new String(back.get(i), StandardCharsets.ISO_8859_1));
        }
        // Known encodings: 7-bit uint, 13-bit int, 6-bit string.
        lp.reset();
        lp.append(Bytes.of("5")).append(Bytes.of("-1")).append(Bytes.of("ab")).finish();
        assertEquals("1000 0000 0300 0501 dfff 0282 6162 03ff", hex(lp.buf(), lp.size(), true).trim());
        // Corrupt: bad total length, truncated entry.
        byte[] bad = java.util.Arrays.copyOf(blob, blob.length);
        bad[0]++;
        assertThrows(RdbFormatException.class, () -> CompactDecoder.listpack(bad));
        byte[] cut = java.util.Arrays.copyOf(blob, 40);
        cut[0] = 40;
        cut[1] = 0;
        cut[2] = 0;
        cut[3] = 0;
        assertThrows(RdbFormatException.class, () -> CompactDecoder.listpack(cut));
    }

    @Test
    void intsetPicksTheNarrowestWidth() {
        byte[] b = CompactDecoder.encodeIntset(new long[] {1, 2, 3}, 3);
        assertEquals("0200 0000 0300 0000 0100 0200 0300", hex(b, b.length, true).trim());
        b = CompactDecoder.encodeIntset(new long[] {-1, 70000}, 2);
        assertEquals(4, b[0]);
        assertArrayEquals(new long[] {-1, 70000}, CompactDecoder.intset(b));
        b = CompactDecoder.encodeIntset(new long[] {Long.MIN_VALUE, 0}, 2);
        assertEquals(8, b[0]);
        assertArrayEquals(new long[] {Long.MIN_VALUE, 0}, CompactDecoder.intset(b));
        byte[] unsorted = CompactDecoder.encodeIntset(new long[] {2, 1}, 2);
        assertThrows(RdbFormatException.class, () -> CompactDecoder.intset(unsorted));
    }

    @Test
    void ziplistAndZipmapDecode() {
        // A ziplist of "ab", 7 (immediate), 300 (int16), "x"*70 (14-bit length).
        List<Byte> z = new ArrayList<>();
        byte[] x70 = "x".repeat(70).getBytes(StandardCharsets.US_ASCII);
        List<byte[]> entries = new ArrayList<>();
        entries.add(new byte[] {0x02, 'a', 'b'});
        entries.add(new byte[] {(byte) 0xF8});
        entries.add(new byte[] {(byte) 0xC0, 0x2C, 0x01});
        byte[] s = new byte[2 + 70];
        s[0] = 0x40;
        s[1] = 70;
        System.arraycopy(x70, 0, s, 2, 70);
        entries.add(s);
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        int prev = 0;
        for (byte[] e : entries) {
            body.write(prev);
            body.writeBytes(e);
            prev = 1 + e.length;
        }
        byte[] content = body.toByteArray();
        int total = 10 + content.length + 1;
        byte[] zl = new byte[total];
        zl[0] = (byte) total;
        zl[4] = (byte) (total - 1 - (1 + s.length)); // zltail: where the last entry starts
        zl[8] = 4;
        System.arraycopy(content, 0, zl, 10, content.length);
        zl[total - 1] = (byte) 0xFF;
        List<byte[]> back = CompactDecoder.ziplist(zl);
        assertEquals(List.of("ab", "7", "300", "x".repeat(70)),
                back.stream().map(b -> new String(b, StandardCharsets.ISO_8859_1)).toList());
        // zipmap {"f" => "v"}
        byte[] zm = {1, 1, 'f', 1, 0, 'v', (byte) 0xFF};
        assertEquals(List.of("f", "v"),
                CompactDecoder.zipmap(zm).stream().map(b -> new String(b, StandardCharsets.ISO_8859_1)).toList());
        assertThrows(RdbFormatException.class, () -> CompactDecoder.zipmap(new byte[] {1, 5, 'f'}));
    }

    @Test
    void stringsLengthsRoundTripThroughOutputAndInput() throws Exception {
        RdbOutput o = new RdbOutput(true);
        String[] values = {"", "0", "-128", "127", "32767", "-2147483648", "2147483648", "12345678901", "007",
            "a".repeat(100), "hello", "x".repeat(20000)};
        for (String v : values) {
            o.writeString(Bytes.of(v));
        }
        long[] lens = {0, 63, 64, 16383, 16384, 0xFFFFFFFFL, 0x100000000L};
        for (long l : lens) {
            o.writeLen(l);
        }
        byte[] all = o.toByteArray();
        RdbInput in = new RdbInput(all, all.length);
        for (String v : values) {
            assertEquals(v, new String(in.readString(), StandardCharsets.ISO_8859_1));
        }
        for (long l : lens) {
            assertEquals(l, in.readLen());
        }
        assertTrue(in.atEnd());
        // "1" is int-encoded as C0 01; "a"*100 LZF-compressed (C3 ...).
        RdbOutput one = new RdbOutput(true);
        one.writeString(Bytes.of("1"));
        assertEquals("c001", hex(one.toByteArray(), 2, false));
    }

    static String hex(byte[] b, int n, boolean grouped) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(String.format("%02x", b[i]));
            if (grouped && i % 2 == 1) {
                sb.append(' ');
            }
        }
        return sb.toString();
    }
}
