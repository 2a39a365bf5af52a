package io.redmesh.node.persist.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.command.ServerContext;
import io.redmesh.node.db.DictEntry;
import io.redmesh.node.db.SnapshotSink;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * BGREWRITEAOF edges: the incr file a rewrite opens must start with a SELECT (each file is
 * replayed from db 0), and a rewrite killed after its walk (SHUTDOWN, appendonly no) must not
 * install its base and delete the incr files that hold the writes made since its instant.
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

    @Test
    void aRewriteKilledAfterItsWalkDoesNotDropTheIncrFiles() throws Exception {
        try (ServerFixture node = start(); RespClient c = node.client()) {
            ServerContext ctx = node.context();
            AppendOnlyFile aof = (AppendOnlyFile) ctx.durability();
            AppendOnlyFile.RdbFormat real = aof.rdbFormat();
            CountDownLatch atEnd = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            // The walk is over (the snapshot detached) but the rewrite has not reported back yet.
            aof.rdbFormat(new AppendOnlyFile.RdbFormat() {
                @Override
                public SnapshotSink writer(OutputStream out) {
                    SnapshotSink s = real.writer(out);
                    return new SnapshotSink() {
                        @Override
                        public void begin(long[] keys, long[] volatileKeys) throws IOException {
                            s.begin(keys, volatileKeys);
                        }

                        @Override
                        public void entry(int db, DictEntry e) throws IOException {
                            s.entry(db, e);
                        }

                        @Override
                        public void end() throws IOException {
                            atEnd.countDown();
                            try {
                                release.await(20, TimeUnit.SECONDS);
                            } catch (InterruptedException ex) {
                                Thread.currentThread().interrupt();
                            }
                            s.end();
                        }
                    };
                }

                @Override
                public byte[] load(InputStream in, String name, ServerContext server) throws IOException {
                    return real.load(in, name, server);
                }
            });
            assertEquals("+OK\r\n", c.callString("SET", "k1", "v1"));
            assertEquals("+Background append only file rewriting started\r\n", c.callString("BGREWRITEAOF"));
            assertEquals("+OK\r\n", c.callString("SET", "k2", "v2")); // after the instant: only in the new incr
            assertTrue(atEnd.await(20, TimeUnit.SECONDS));
            aof.shutdown(); // what SHUTDOWN does: kills the rewrite, closes the incr file
            release.countDown();
            long deadline = System.currentTimeMillis() + 20_000;
            while (aof.rewriter().inProgress()) {
                assertTrue(System.currentTimeMillis() < deadline, "the rewrite did not end");
                Thread.sleep(10);
            }
        }
        try (ServerFixture node = start(); RespClient c = node.client()) {
            assertEquals("$2\r\nv1\r\n", c.callString("GET", "k1"));
            assertEquals("$2\r\nv2\r\n", c.callString("GET", "k2"));
        }
    }
}
