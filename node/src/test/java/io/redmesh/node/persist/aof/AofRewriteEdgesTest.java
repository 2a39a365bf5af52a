package io.redmesh.node.persist.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * BGREWRITEAOF edges: the incr file a rewrite opens must start with a SELECT (each file is
 * replayed from db 0).
 */
class AofRewriteEdgesTest {
    private Path dir;
    private Path aofDir;

    @BeforeEach
    void setUp() throws Exception {
        dir = AofTestSupport.tempDir("aof-rewrite-edges");
        aofDir = dir.resolve("appendonlydir");
    }

    @AfterEach
    void tearDown() {
        AofTestSupport.deleteTree(dir);
    }

    private ServerFixture start() {
        return ServerFixture.start("--dir", dir.toString(), "--appendonly", "yes");
    }

    @Test
    void writesAfterARewriteInAnotherDatabaseReplayIntoThatDatabase() throws Exception {
        try (ServerFixture node = start(); RespClient c = node.client()) {
            assertEquals("+OK\r\n", c.callString("SELECT", "3"));
            assertEquals("+OK\r\n", c.callString("SET", "before", "1"));
            assertEquals("+Background append only file rewriting started\r\n", c.callString("BGREWRITEAOF"));
            AofInteropTest.waitRewrite(c);
            assertEquals("+OK\r\n", c.callString("SET", "after", "2")); // still db 3, into the new incr
        }
        String incr = new String(Files.readAllBytes(aofDir.resolve("appendonly.aof.2.incr.aof")),
                StandardCharsets.ISO_8859_1);
        assertTrue(incr.startsWith("*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n"), incr);
        try (ServerFixture node = start(); RespClient c = node.client()) {
            assertEquals(":0\r\n", c.callString("EXISTS", "after"));
            assertEquals("+OK\r\n", c.callString("SELECT", "3"));
            assertEquals("$1\r\n1\r\n", c.callString("GET", "before"));
            assertEquals("$1\r\n2\r\n", c.callString("GET", "after"));
        }
    }
}
