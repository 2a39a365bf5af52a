package io.redmesh.node.persist.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Loading at start: aof-load-truncated yes/no on a short last command, an incomplete MULTI,
 * format errors naming file and offset, manifest errors with Redis's texts, AOF over RDB.
 */
class AofLoadTest {
    private Path dir;
    private Path aofDir;

    @BeforeEach
    void setUp() throws Exception {
        dir = AofTestSupport.tempDir("aof-load");
        aofDir = dir.resolve("appendonlydir");
    }

    @AfterEach
    void tearDown() {
        AofTestSupport.deleteTree(dir);
    }

    private void writeSome() {
        try (ServerFixture node = ServerFixture.start("--dir", dir.toString(), "--appendonly", "yes");
             RespClient c = node.client()) {
            c.callString("SET", "k1", "v1");
            c.callString("SET", "k2", "v2");
        }
    }

    private Path incr() {
        return aofDir.resolve("appendonly.aof.1.incr.aof");
    }

    private ServerFixture start(String... extra) {
        String[] args = new String[4 + extra.length];
        args[0] = "--dir";
        args[1] = dir.toString();
        args[2] = "--appendonly";
        args[3] = "yes";
        System.arraycopy(extra, 0, args, 4, extra.length);
        return ServerFixture.start(args);
    }

    @Test
    void truncatedLastCommandIsCutWithAofLoadTruncatedYes() throws Exception {
        writeSome();
        long good = Files.size(incr());
        Files.writeString(incr(), "*3\r\n$3\r\nSET\r\n$2\r\nk3\r\n$5\r\nval", StandardOpenOption.APPEND);
        try (ServerFixture node = start("--aof-load-truncated", "yes"); RespClient c = node.client()) {
            assertEquals("$2\r\nv2\r\n", c.callString("GET", "k2"));
            assertEquals("$-1\r\n", c.callString("GET", "k3"));
            // and the server appends after the cut, so the next start loads cleanly
            c.callString("SET", "k4", "v4");
        }
        assertTrue(Files.size(incr()) > good);
        try (ServerFixture node = start("--aof-load-truncated", "no"); RespClient c = node.client()) {
            assertEquals("$2\r\nv4\r\n", c.callString("GET", "k4"));
        }
    }

    @Test
    void truncatedLastCommandRefusesStartWithAofLoadTruncatedNo() throws Exception {
        writeSome();
        Files.writeString(incr(), "*3\r\n$3\r\nSET\r\n$2\r\nk3", StandardOpenOption.APPEND);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> start("--aof-load-truncated", "no"));
        assertTrue(e.getMessage().contains("appendonly.aof.1.incr.aof"), e.getMessage());
        assertTrue(e.getMessage().contains("Unexpected end of file"), e.getMessage());
    }

    @Test
    void incompleteTransactionIsReverted() throws Exception {
        writeSome();
        Files.writeString(incr(), "*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$2\r\nk9\r\n$1\r\nx\r\n",
                StandardOpenOption.APPEND);
        try (ServerFixture node = start(); RespClient c = node.client()) {
            assertEquals("$-1\r\n", c.callString("GET", "k9"));
            assertEquals("$2\r\nv1\r\n", c.callString("GET", "k1"));
        }
    }

    @Test
    void formatErrorNamesFileAndOffset() throws Exception {
        writeSome();
        long at = Files.size(incr());
        Files.writeString(incr(), "garbage\r\n", StandardOpenOption.APPEND);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> start());
        assertTrue(e.getMessage().contains("Bad file format reading the append only file appendonly.aof.1.incr.aof at offset " + at),
                e.getMessage());
    }

    @Test
    void unknownCommandRefusesStart() throws Exception {
        writeSome();
        Files.writeString(incr(), "*1\r\n$7\r\nNOSUCHX\r\n", StandardOpenOption.APPEND);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> start());
        assertTrue(e.getMessage().contains("Unknown command 'NOSUCHX'"), e.getMessage());
    }

    @Test
    void manifestErrors() throws Exception {
        writeSome();
        Path m = aofDir.resolve("appendonly.aof.manifest");
        String[][] cases = {
            {"", "Found an empty AOF manifest"},
            {"file a seq 1\n", "Invalid AOF manifest file format"},
            {"\n", "Invalid AOF manifest file format"},
            {"file a seq 1 type b", "The AOF manifest file contains too long line"},
            {"file x/y seq 1 type b\n", "File can't be a path, just a filename"},
            {"file a seq 0 type b\n", "Invalid AOF manifest file format"},
            {"file a seq 1 type b\nfile b seq 2 type b\n", "Found duplicate base file information"},
            {"file a seq 2 type i\nfile b seq 1 type i\n", "Found a non-monotonic sequence number"},
            {"file a seq 1 type z\n", "Unknown AOF file type"},
            {"file \"a seq 1 type b\n", "Invalid AOF manifest file format"},
        };
        for (String[] c : cases) {
            Files.writeString(m, c[0], StandardCharsets.ISO_8859_1);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> start(), c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
        }
        // a missing file named by the manifest
        Files.writeString(m, "file appendonly.aof.9.base.aof seq 9 type b\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> start());
        assertTrue(e.getMessage().contains("appendonly.aof.9.base.aof"), e.getMessage());
    }

    @Test
    void manifestQuotingRoundTrips() throws Exception {
        AofManifest am = new AofManifest();
        am.base = new AofManifest.Info("odd name\"\t\u00e9.aof", 1, AofManifest.BASE);
        am.incr.add(new AofManifest.Info("plain.aof", 2, AofManifest.INCR));
        String text = am.format();
        assertEquals("file \"odd name\\\"\\t\\xe9.aof\" seq 1 type b\nfile plain.aof seq 2 type i\n", text);
        AofManifest back = AofManifest.parse(text.getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(am.base, back.base);
        assertEquals(am.incr, back.incr);
        // comments and keys of later versions are skipped, as Redis does
        AofManifest c = AofManifest.parse("# hi\nfile a seq 1 type b extra 1\n".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("a", c.base.fileName());
    }

    @Test
    void oldStyleAppendOnlyFileIsMigrated() throws Exception {
        Files.writeString(dir.resolve("appendonly.aof"),
                "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$3\r\nold\r\n$5\r\nstyle\r\n");
        try (ServerFixture node = start(); RespClient c = node.client()) {
            assertEquals("$5\r\nstyle\r\n", c.callString("GET", "old"));
            c.callString("SET", "new", "1");
        }
        assertTrue(Files.notExists(dir.resolve("appendonly.aof")));
        assertEquals("file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n",
                Files.readString(aofDir.resolve("appendonly.aof.manifest")));
        try (ServerFixture node = start(); RespClient c = node.client()) {
            assertEquals("$5\r\nstyle\r\n", c.callString("GET", "old"));
            assertEquals("$1\r\n1\r\n", c.callString("GET", "new"));
        }
    }

    @Test
    void oldStyleRdbPreambleWithCommandTail() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(AofInteropTest.rdbAvailable());
        // an RDB base (the preamble) + commands after it, as Redis 4-6 wrote appendonly.aof
        try (ServerFixture node = start("--aof-use-rdb-preamble", "yes"); RespClient c = node.client()) {
            c.callString("SET", "inrdb", "1");
            c.callString("RPUSH", "list", "a", "b");
            c.callString("BGREWRITEAOF");
            AofInteropTest.waitRewrite(c);
        }
        java.io.ByteArrayOutputStream old = new java.io.ByteArrayOutputStream();
        old.writeBytes(Files.readAllBytes(aofDir.resolve("appendonly.aof.2.base.rdb")));
        old.writeBytes("*3\r\n$3\r\nSET\r\n$6\r\nintail\r\n$1\r\n2\r\n*3\r\n$5\r\nRPUSH\r\n$4\r\nlist\r\n$1\r\nc\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        AofTestSupport.deleteTree(aofDir);
        Files.write(dir.resolve("appendonly.aof"), old.toByteArray());
        try (ServerFixture node = start(); RespClient c = node.client()) {
            assertEquals("$1\r\n1\r\n", c.callString("GET", "inrdb"));
            assertEquals("$1\r\n2\r\n", c.callString("GET", "intail"));
            assertEquals(":3\r\n", c.callString("LLEN", "list"));
        }
    }

    @Test
    void aofTakesPrecedenceOverRdbFile() throws Exception {
        writeSome();
        // An RDB file that is not even valid: with appendonly yes it is never read.
        Files.writeString(dir.resolve("dump.rdb"), "not an rdb");
        try (ServerFixture node = start(); RespClient c = node.client()) {
            assertEquals("$2\r\nv1\r\n", c.callString("GET", "k1"));
        }
    }
}
