package io.redmesh.node.persist.seal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.persist.io.DiskFiles;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sealing in a running server: directives, DiskFiles by kind, start-up refusals, re-key, INFO. */
class SealingServerTest {
    static final String KEY1 = "11".repeat(32);
    static final String KEY2 = "22".repeat(32);
    /** A valid empty RDB v10 (EOF opcode, checksum 0 = unchecked), as Latin-1 text. */
    static final String EMPTY_RDB = "REDIS0010\u00ff\0\0\0\0\0\0\0\0";

    @TempDir
    Path dir;

    Path keyFile(String name, String content) throws IOException {
        Path k = dir.getParent().resolve(dir.getFileName() + "-" + name);
        Files.writeString(k, content);
        Files.setPosixFilePermissions(k, PosixFilePermissions.fromString("rw-------"));
        return k;
    }

    /** The files of the server the test started last (their sealing is that server's). */
    private DiskFiles files = DiskFiles.plain();

    ServerFixture start(Path key, String... more) {
        String[] base = {"--dir", dir.toString(), "--encryption-at-rest", "yes", "--encryption-key-file",
            key.toString()};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return using(ServerFixture.start(all));
    }

    /** Reads and writes of the test go through {@code s}'s files from now on. */
    ServerFixture using(ServerFixture s) {
        files = s.server().persistence().files();
        return s;
    }

    void write(Path p, FileKind kind, String text) throws IOException {
        try (OutputStream out = files.create(p, kind)) {
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    String read(Path p, FileKind kind) throws IOException {
        try (InputStream in = files.open(p, kind)) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    static boolean containsBytes(Path p, String needle) throws IOException {
        return new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1).contains(needle);
    }

    @Test
    void filesUnderTheServersDirAreSealedByKindAndReadBack() throws IOException {
        Path key = keyFile("k", "k1 " + KEY1 + "\n");
        try (ServerFixture s = start(key, "--encryption-seal", "rdb aof")) {
            Path rdb = dir.resolve("dump.rdb");
            write(rdb, FileKind.RDB, "REDIS0010 secret-rdb-value");
            assertTrue(DiskFiles.isSealed(rdb));
            assertFalse(containsBytes(rdb, "secret"));
            assertEquals("REDIS0010 secret-rdb-value", read(rdb, FileKind.RDB));
            Path tmp = dir.resolve("temp-1.rdb");
            write(tmp, FileKind.TEMP, "plain temp");
            assertFalse(DiskFiles.isSealed(tmp), "temp is not in encryption-seal");

            Files.createDirectories(dir.resolve("appendonlydir"));
            Path incr = dir.resolve("appendonlydir/appendonly.aof.1.incr.aof");
            try (DiskFiles.AppendChannel ch = files.openAppend(incr, FileKind.AOF, false)) {
                ch.write(ByteBuffer.wrap("*1\r\n$4\r\nPING\r\n".getBytes()));
                ch.sync();
            }
            try (DiskFiles.AppendChannel ch = files.openAppend(incr, FileKind.AOF, false)) {
                ch.write(ByteBuffer.wrap("*2\r\n$3\r\nGET\r\n$6\r\nsecret\r\n".getBytes()));
            }
            assertFalse(containsBytes(incr, "secret"));
            assertEquals("*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$6\r\nsecret\r\n", read(incr, FileKind.AOF));
            files.truncate(incr, 14);
            assertEquals("*1\r\n$4\r\nPING\r\n", read(incr, FileKind.AOF));

            Path manifest = dir.resolve("appendonlydir/appendonly.aof.manifest");
            write(manifest, FileKind.AOF, "file appendonly.aof.1.incr.aof seq 1 type i\n");
            assertFalse(DiskFiles.isSealed(manifest), "manifests hold names, not data");

            try (RespClient c = s.client()) {
                String info = c.callString("INFO", "persistence");
                assertTrue(info.contains("encryption_at_rest:1\r\n"), info);
                assertTrue(info.contains("encryption_key_id:k1\r\n"), info);
                assertTrue(c.callString("CONFIG", "GET", "encryption-seal").contains("rdb aof"));
                assertTrue(c.callString("CONFIG", "SET", "encryption-seal", "rdb nope").startsWith("-ERR CONFIG SET "
                        + "failed (possibly related to argument 'encryption-seal') - Invalid file kind 'nope'"));
                assertEquals("+PONG\r\n", c.callString("PING"));
            }
        }
    }

    @Test
    void startUpRefusesAWrongKeyAPlaintextFileAndAnOpenKeyFile() throws IOException {
        Path key = keyFile("k", "k1 " + KEY1 + "\n");
        Path rdb = dir.resolve("dump.rdb");
        try (ServerFixture s = start(key)) {
            write(rdb, FileKind.RDB, EMPTY_RDB);
        }
        Path other = keyFile("other", "k1 " + KEY2 + "\n");
        String e = assertThrows(IllegalStateException.class, () -> start(other)).getMessage();
        assertTrue(e.contains(rdb.toString()) && e.contains("wrong master key"), e);
        Path unknown = keyFile("unknown", "k7 " + KEY2 + "\n");
        e = assertThrows(IllegalStateException.class, () -> start(unknown)).getMessage();
        assertTrue(e.contains("'k1', which is not configured"), e);
        assertEquals(EMPTY_RDB, new String(readWith(rdb, key), StandardCharsets.ISO_8859_1), "the sealed file is untouched");

        Files.write(rdb, EMPTY_RDB.getBytes(StandardCharsets.ISO_8859_1));
        e = assertThrows(IllegalStateException.class, () -> start(key)).getMessage();
        assertTrue(e.contains("is not sealed") && e.contains("encryption-load-plaintext"), e);
        try (ServerFixture s = start(key, "--encryption-load-plaintext", "yes")) {
            assertEquals(EMPTY_RDB, read(rdb, FileKind.RDB));
        }

        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        e = assertThrows(IllegalStateException.class, () -> start(key)).getMessage();
        assertTrue(e.contains("accessible by group or others"), e);
    }

    static byte[] readWith(Path p, Path key) throws IOException {
        return new SealedInputStream(Files.newInputStream(p), new Keyring(KeyFileProvider.load(key)), p.toString(),
                false).readAllBytes();
    }

    @Test
    void configSetOfANewKeyFileRewrapsEveryFileOnline() throws Exception {
        Path key = keyFile("k", "k1 " + KEY1 + "\n");
        try (ServerFixture s = start(key)) {
            Path rdb = dir.resolve("dump.rdb");
            write(rdb, FileKind.RDB, "REDIS0010 before-rekey");
            Files.createDirectories(dir.resolve("appendonlydir"));
            Path incr = dir.resolve("appendonlydir/a.incr.aof");
            DiskFiles.AppendChannel open = files.openAppend(incr, FileKind.AOF, false);
            open.write(ByteBuffer.wrap("one ".getBytes()));
            Path key2 = keyFile("k2", "k2 " + KEY2 + "\n");
            try (RespClient c = s.client()) {
                assertEquals("+OK\r\n", c.callString("CONFIG", "SET", "encryption-key-file", key2.toString()));
                s.server().persistence().sealing().awaitRekey();
                String info = c.callString("INFO", "persistence");
                assertTrue(info.contains("encryption_key_id:k2\r\n") && info.contains("encryption_rekey_in_progress:0")
                        && info.contains("encryption_last_rekey_status:ok"), info);
                Path bad = keyFile("bad", "k3 nothex\n");
                assertTrue(c.callString("CONFIG", "SET", "encryption-key-file", bad.toString()).contains("line 1"));
            }
            open.write(ByteBuffer.wrap("two".getBytes()));
            open.close();
            assertEquals("k2", SealedFiles.header(rdb).keyId());
            assertEquals("REDIS0010 before-rekey", new String(readWith(rdb, key2)));
            assertEquals("one two", new String(readWith(incr, key2)));
            write(dir.resolve("new.rdb"), FileKind.RDB, "x");
            assertEquals("k2", SealedFiles.header(dir.resolve("new.rdb")).keyId());
        }
    }

    @Test
    void aSealedFileNeedsAKeyEvenWithSealingOff() throws IOException {
        Path key = keyFile("k", "k1 " + KEY1 + "\n");
        Path rdb = dir.resolve("dump.rdb");
        try (ServerFixture s = start(key)) {
            write(rdb, FileKind.RDB, EMPTY_RDB);
        }
        String e = assertThrows(IllegalStateException.class, () -> ServerFixture.start("--dir", dir.toString()))
                .getMessage();
        assertTrue(e.contains("is sealed but no encryption-key-file"), e);
        // going back to plaintext: sealing off, the key kept to read what is sealed
        try (ServerFixture s = using(ServerFixture.start("--dir", dir.toString(), "--encryption-key-file", key.toString()))) {
            assertEquals(EMPTY_RDB, read(rdb, FileKind.RDB));
            write(dir.resolve("plain.rdb"), FileKind.RDB, "p");
            assertFalse(DiskFiles.isSealed(dir.resolve("plain.rdb")));
        }
        assertArrayEquals(EMPTY_RDB.getBytes(StandardCharsets.ISO_8859_1), readWith(rdb, key));
        assertEquals(64, HexFormat.of().parseHex(KEY1).length * 2);
    }

    @Test
    void aCrashCutAppendFileLoadsOnlyWithAofLoadTruncated() throws IOException {
        Path key = keyFile("k", "k1 " + KEY1 + "\n");
        try (ServerFixture s = start(key); RespClient c = s.client()) {
            Path incr = Files.createDirectories(dir.resolve("appendonlydir")).resolve("x.incr.aof");
            SealedAppendFile f = SealedAppendFile.open(incr, new Keyring(KeyFileProvider.load(key)), 64);
            f.write("*1\r\n$4\r\nPING\r\n".getBytes());
            f.flush();
            f.write("lost".getBytes());
            f.abandon(); // kill -9
            assertEquals("*1\r\n$4\r\nPING\r\n", read(incr, FileKind.AOF));
            assertEquals("+OK\r\n", c.callString("CONFIG", "SET", "aof-load-truncated", "no"));
            SealException e = assertThrows(SealException.class, () -> read(incr, FileKind.AOF));
            assertEquals(SealException.Reason.TRUNCATED, e.reason());
            assertTrue(e.getMessage().startsWith(incr.toString()), e.getMessage());
        }
    }

    @Test
    void configRewriteKeepsTheEncryptionDirectives() throws IOException {
        Path key = keyFile("k", "k1 " + KEY1 + "\n");
        Path conf = dir.resolve("redis.conf");
        Files.writeString(conf, "encryption-at-rest yes\nencryption-key-file " + key + "\n");
        try (ServerFixture s = ServerFixture.startWithConfig(conf, "--dir", dir.toString());
             RespClient c = s.client()) {
            assertEquals("+OK\r\n", c.callString("CONFIG", "SET", "encryption-seal", "aof rdb"));
            assertEquals("*2\r\n$15\r\nencryption-seal\r\n$7\r\nrdb aof\r\n",
                    c.callString("CONFIG", "GET", "encryption-seal"));
            assertEquals("+OK\r\n", c.callString("CONFIG", "REWRITE"));
        }
        String text = Files.readString(conf);
        assertTrue(text.contains("encryption-at-rest yes") && text.contains("encryption-key-file \"" + key + "\"")
                && text.contains("encryption-seal rdb aof"), text);
    }

    @Test
    void aSnapshotStartedBeforeARotationIsRewrappedWhenCommitted() throws Exception {
        Path key = keyFile("k", "k1 " + KEY1 + "\n");
        try (ServerFixture s = start(key); RespClient c = s.client()) {
            Path rdb = dir.resolve("dump.rdb");
            DiskFiles.AtomicFile f = files.createAtomic(dir.resolve("temp-bg.rdb"), rdb, FileKind.RDB);
            f.stream().write(EMPTY_RDB.getBytes(StandardCharsets.ISO_8859_1));
            Path key2 = keyFile("k2", "k2 " + KEY2 + "\n"); // the old key is not in the new file
            assertEquals("+OK\r\n", c.callString("CONFIG", "SET", "encryption-key-file", key2.toString()));
            s.server().persistence().sealing().awaitRekey();
            f.commit(); // the BGSAVE that began under k1 ends now
            assertEquals("k2", SealedFiles.header(rdb).keyId());
            assertEquals(EMPTY_RDB, new String(readWith(rdb, key2), StandardCharsets.ISO_8859_1));
        }
    }
}
