package io.redmesh.node.persist.seal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Append files (AOF incr): short segments at every flush, crashes, reopening, re-keying. */
class SealedAppendFileTest {
    static final int SEG = 64;
    static final Keyring KEYS = SealedStreamTest.KEYS;

    @TempDir
    Path dir;

    static byte[] cmd(int i) {
        return ("*3\r\n$3\r\nSET\r\n$4\r\nk" + (1000 + i) + "\r\n$5\r\nv" + (1000 + i) + "\r\n").getBytes();
    }

    static byte[] read(Path p, Keyring keys, boolean lenient) throws IOException {
        try (SealedInputStream in = new SealedInputStream(Files.newInputStream(p), keys, p.toString(), lenient)) {
            return in.readAllBytes();
        }
    }

    @Test
    void flushesMakeShortSegmentsAndCloseMakesTheFinalOne() throws IOException {
        Path p = dir.resolve("a.aof");
        ByteArrayOutputStream expect = new ByteArrayOutputStream();
        try (SealedAppendFile f = SealedAppendFile.open(p, KEYS, SEG)) {
            for (int i = 0; i < 50; i++) {
                f.write(cmd(i));
                expect.writeBytes(cmd(i));
                if (i % 3 == 0) {
                    f.flush();
                }
                if (i % 7 == 0) {
                    f.sync();
                }
            }
        }
        assertArrayEquals(expect.toByteArray(), read(p, KEYS, false));
    }

    @Test
    void aCrashLosesNothingFlushedAndReopeningChainsANewRun() throws IOException {
        Path p = dir.resolve("b.aof");
        ByteArrayOutputStream expect = new ByteArrayOutputStream();
        for (int round = 0; round < 4; round++) {
            SealedAppendFile f = SealedAppendFile.open(p, KEYS, SEG);
            for (int i = 0; i < 10; i++) {
                f.write(cmd(round * 10 + i));
                expect.writeBytes(cmd(round * 10 + i));
                f.flush();
            }
            f.write("*1\r\n$4\r\nPING".getBytes()); // written but never flushed: lost in the crash
            f.abandon(); // kill -9: no final segment
            // strict reading refuses the crashed file, lenient reading stops at the last flush
            SealException e = assertThrows(SealException.class, () -> read(p, KEYS, false));
            assertEquals(SealException.Reason.TRUNCATED, e.reason());
            assertArrayEquals(expect.toByteArray(), read(p, KEYS, true));
        }
        try (SealedAppendFile f = SealedAppendFile.open(p, KEYS, SEG)) {
            f.write(cmd(99));
            expect.writeBytes(cmd(99));
        }
        try (SealedInputStream in = new SealedInputStream(Files.newInputStream(p), KEYS, "b", false)) {
            assertArrayEquals(expect.toByteArray(), in.readAllBytes());
            assertEquals(5, in.runs());
            assertNull(in.truncatedTail());
        }
    }

    @Test
    void aTornSegmentIsCutOnReopenAndItsNonceIsNeverReused() throws IOException {
        Path p = dir.resolve("c.aof");
        SealedAppendFile f = SealedAppendFile.open(p, KEYS, SEG);
        f.write(cmd(1));
        f.flush();
        long whole = f.size();
        f.write(cmd(2));
        f.flush();
        f.abandon();
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.truncate(whole + 7); // the second segment torn by the crash
        }
        try (SealedInputStream in = new SealedInputStream(Files.newInputStream(p), KEYS, "c", true)) {
            assertArrayEquals(cmd(1), in.readAllBytes());
            assertNotNull(in.truncatedTail());
        }
        try (SealedAppendFile g = SealedAppendFile.open(p, KEYS, SEG)) {
            assertNotNull(g.repaired());
            g.write(cmd(3));
        }
        byte[] all = read(p, KEYS, false);
        ByteArrayOutputStream expect = new ByteArrayOutputStream();
        expect.writeBytes(cmd(1));
        expect.writeBytes(cmd(3));
        assertArrayEquals(expect.toByteArray(), all);
    }

    @Test
    void droppingAMiddleRunIsDetected() throws IOException {
        Path p = dir.resolve("d.aof");
        long[] ends = new long[3];
        for (int r = 0; r < 3; r++) {
            try (SealedAppendFile f = SealedAppendFile.open(p, KEYS, SEG)) {
                f.write(cmd(r));
            }
            ends[r] = Files.size(p);
        }
        byte[] b = Files.readAllBytes(p);
        ByteArrayOutputStream cut = new ByteArrayOutputStream();
        cut.write(b, 0, (int) ends[0]);
        cut.write(b, (int) ends[1], (int) (ends[2] - ends[1]));
        Path q = dir.resolve("d2.aof");
        Files.write(q, cut.toByteArray());
        SealException e = assertThrows(SealException.class, () -> read(q, KEYS, true));
        assertEquals(SealException.Reason.TAMPERED, e.reason(), e.getMessage());
    }

    @Test
    void rekeyOfAnOpenFileKeepsItReadableWithTheNewKeyOnly() throws IOException {
        Path p = dir.resolve("e.aof");
        KeyFileProvider k2 = new KeyFileProvider("k2", SealedStreamTest.filled(32, 9));
        SealedAppendFile f = SealedAppendFile.open(p, KEYS, SEG);
        f.write(cmd(1));
        f.sync();
        f.rekey(Keyring.of(k2).plus(KEYS));
        f.write(cmd(2));
        f.close();
        ByteArrayOutputStream expect = new ByteArrayOutputStream();
        expect.writeBytes(cmd(1));
        expect.writeBytes(cmd(2));
        assertArrayEquals(expect.toByteArray(), read(p, Keyring.of(k2), false));
        assertEquals(SealException.Reason.UNKNOWN_KEY,
                assertThrows(SealException.class, () -> read(p, KEYS, false)).reason());
    }

    @Test
    void rewrapOfAClosedFileChangesOnlyTheHeader() throws IOException {
        Path p = dir.resolve("dump.rdb");
        byte[] plain = SealedStreamTest.random(10 * SEG + 3);
        try (var out = new SealedOutputStream(Files.newOutputStream(p), SealedStreamTest.KEY, SEG)) {
            out.write(plain);
        }
        long before = Files.size(p);
        KeyFileProvider k2 = new KeyFileProvider("k2", SealedStreamTest.filled(32, 9));
        assertEquals(true, SealedFiles.rewrap(p, Keyring.of(k2).plus(KEYS)));
        assertEquals(false, SealedFiles.rewrap(p, Keyring.of(k2)));
        assertEquals(before, Files.size(p));
        assertEquals("k2", SealedFiles.header(p).keyId());
        assertArrayEquals(plain, read(p, Keyring.of(k2), false));
        try (InputStream in = Files.newInputStream(p)) {
            assertEquals(SealHeader.MAGIC[1], in.readNBytes(2)[1]);
        }
    }
}
