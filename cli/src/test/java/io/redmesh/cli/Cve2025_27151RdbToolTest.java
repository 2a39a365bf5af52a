package io.redmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.SeededRandom;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CVE-2025-27151 (Redis 7.2.9, Debian deb12u5): redis-check-aof copied its path argument into a
 * fixed stack buffer, so a long path overflowed the stack. {@code redmesh rdb} is RedMesh's file
 * tool; fed paths too long for the file system and sealed files damaged at random (header fields,
 * segment lengths, truncation), it must answer each with a message naming the file, exit 1 or 2,
 * never a stack trace, in bounded time and memory.
 */
class Cve2025_27151RdbToolTest {
    @TempDir
    Path dir;

    private Path keyFile() throws Exception {
        Path k = dir.resolve("keys");
        Files.writeString(k, "k1 " + "cd".repeat(32) + "\n");
        Files.setPosixFilePermissions(k, PosixFilePermissions.fromString("rw-------"));
        return k;
    }

    private static void noStackTrace(RdbCommandTest.Run r) {
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception in"), r.err());
    }

    @Test
    void pathsTooLongForTheFileSystem() throws Exception {
        String key = keyFile().toString();
        String longName = dir.resolve("a".repeat(300)).toString();                     // a component over NAME_MAX
        String longPath = dir.resolve(String.join("/", java.util.Collections.nCopies(1200, "dd"))).toString(); // over PATH_MAX
        for (String p : new String[] {longName, longPath}) {
            RdbCommandTest.Run verify = RdbCommandTest.redmesh("rdb", "verify", "-k", key, p);
            assertTrue(verify.code() == 1 || verify.code() == 2, verify.toString());
            assertTrue(verify.err().contains("File name too long") || verify.err().contains("No such file"), verify.err());
            noStackTrace(verify);
            RdbCommandTest.Run decrypt = RdbCommandTest.redmesh("rdb", "decrypt", "-k", key, p, "-o", p + ".out");
            assertTrue(decrypt.code() == 1 || decrypt.code() == 2, decrypt.toString());
            noStackTrace(decrypt);
            RdbCommandTest.Run encrypt = RdbCommandTest.redmesh("rdb", "encrypt", "-k", key, key, "-o", p);
            assertTrue(encrypt.code() == 1 || encrypt.code() == 2, encrypt.toString());
            noStackTrace(encrypt);
        }
    }

    /** Each damaged file: FAILED and its name, exit 1, within 10 s, under 64 MB allocated. */
    @Test
    void damagedSealedFilesAreReportedByName() throws Exception {
        Path key = keyFile();
        Path plain = dir.resolve("plain.rdb");
        byte[] data = new byte[100_000];
        new java.util.Random(7).nextBytes(data);
        Files.write(plain, data);
        Path sealed = dir.resolve("sealed.rdb");
        assertEquals(0, RdbCommandTest.redmesh("rdb", "encrypt", "-k", key.toString(), plain.toString(), "-o",
                sealed.toString(), "--segment-size", "4096").code());
        byte[] good = Files.readAllBytes(sealed);
        SeededRandom fuzz = SeededRandom.create();
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        fuzz.repeat(60, i -> {
            byte[] bad = damage(good, fuzz);
            Path f = dir.resolve("damaged-" + i + ".rdb");
            try {
                Files.write(f, bad);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
            RdbCommandTest.Run r = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> RdbCommandTest.redmesh("rdb", "verify", "-k", key.toString(), f.toString()));
            long allocated = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
            if (Arrays.equals(bad, good)) {
                return;
            }
            assertEquals(1, r.code(), r.toString());
            assertTrue(r.err().contains("FAILED " + f), r.err());
            noStackTrace(r);
            assertTrue(allocated < 64L << 20, "verify allocated " + (allocated >> 20) + " MB");
        });
    }

    /**
     * Damage of the kinds a hostile file carries: random bytes in the header (segment size, key
     * id length, wrapped key length), a segment length word set to a huge value, a cut anywhere.
     */
    private static byte[] damage(byte[] good, SeededRandom fuzz) {
        java.util.Random r = fuzz.random();
        byte[] b = good.clone();
        switch (r.nextInt(4)) {
            case 0 -> {
                for (int k = 1 + r.nextInt(3); k > 0; k--) {
                    b[8 + r.nextInt(Math.min(120, b.length - 8))] = (byte) r.nextInt(256);
                }
            }
            case 1 -> {
                int at = 100 + r.nextInt(b.length - 104);
                b[at] = (byte) 0x7f;
                b[at + 1] = (byte) 0xff;
                b[at + 2] = (byte) 0xff;
                b[at + 3] = (byte) 0xff;
            }
            case 2 -> b = Arrays.copyOf(b, r.nextInt(b.length));
            default -> b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
        }
        return b;
    }
}
