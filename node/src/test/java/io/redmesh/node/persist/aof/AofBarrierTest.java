package io.redmesh.node.persist.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.command.DurabilityBarrier;
import io.redmesh.node.command.ServerContext;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The reply barrier: with always, a reply means fsynced; off, no barrier at all. */
class AofBarrierTest {
    private Path dir;

    @BeforeEach
    void setUp() throws Exception {
        dir = AofTestSupport.tempDir("aof-barrier");
    }

    @AfterEach
    void tearDown() {
        AofTestSupport.deleteTree(dir);
    }

    @Test
    void noBarrierWithoutAof() {
        try (ServerFixture node = ServerFixture.start("--dir", dir.toString())) {
            assertNull(node.context().durability());
            assertFalse(node.context().hasWriteListeners());
        }
    }

    @Test
    void alwaysHoldsRepliesUntilFsynced() {
        try (ServerFixture node = ServerFixture.start("--dir", dir.toString(), "--appendonly", "yes",
                "--appendfsync", "always");
             RespClient c = node.client()) {
            ServerContext ctx = node.context();
            DurabilityBarrier b = ctx.durability();
            assertEquals("+OK\r\n", c.callString("SET", "k", "v"));
            ctx.lock.lock();
            long ticket;
            try {
                // the reply came back: everything it acknowledged is fsynced
                assertEquals(-1, b.pending());
                ctx.propagate(0, new byte[][] {"SET".getBytes(StandardCharsets.US_ASCII),
                    "x".getBytes(StandardCharsets.US_ASCII), "y".getBytes(StandardCharsets.US_ASCII)});
                ticket = b.pending();
                assertTrue(ticket > 0, "a write not yet fsynced holds replies back");
            } finally {
                ctx.lock.unlock();
            }
            b.await(ticket);
            ctx.lock.lock();
            try {
                assertEquals(-1, b.pending());
            } finally {
                ctx.lock.unlock();
            }
        }
    }

    @Test
    void configSetAppendfsyncAndAppendonlyNoAtRuntime() {
        try (ServerFixture node = ServerFixture.start("--dir", dir.toString(), "--appendonly", "yes");
             RespClient c = node.client()) {
            assertEquals("+OK\r\n", c.callString("CONFIG", "SET", "appendfsync", "always"));
            assertEquals("+OK\r\n", c.callString("SET", "k", "v"));
            assertEquals("+OK\r\n", c.callString("CONFIG", "SET", "appendonly", "no"));
            assertNull(node.context().durability());
            assertTrue(c.callString("INFO", "persistence").contains("aof_enabled:0"));
            assertEquals("+OK\r\n", c.callString("SET", "k2", "v"));
        }
        // what was written while on is there; what came after is not (the AOF was off)
        try (ServerFixture node = ServerFixture.start("--dir", dir.toString(), "--appendonly", "yes");
             RespClient c = node.client()) {
            assertEquals("$1\r\nv\r\n", c.callString("GET", "k"));
            assertEquals("$-1\r\n", c.callString("GET", "k2"));
        }
    }
}
