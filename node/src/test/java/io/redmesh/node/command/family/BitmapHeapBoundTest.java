package io.redmesh.node.command.family;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redmesh.node.testing.NodeProcess;
import io.redmesh.node.testing.RespClient;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * SETBIT at offset 2^32-1 asks for a 512 MB string, as in Redis (proto-max-bulk-len allows it).
 * A node whose heap cannot hold that answers -OOM and keeps serving with its data intact. The
 * node runs in its own JVM (256 MB heap) so that the test JVM never makes such an array.
 */
class BitmapHeapBoundTest {
    @Test
    void aStringLargerThanTheHeapIsRefusedNotFatal() throws Exception {
        Path dir = Files.createTempDirectory("bitmap-heap");
        try (NodeProcess n = NodeProcess.start(dir.resolve("node.log"));
             RespClient c = RespClient.connect(n.port())) {
            assertEquals(":0\r\n", c.callString("SETBIT", "small", "100", "1"));
            String oom = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";
            assertEquals(oom, c.callString("SETBIT", "huge", "4294967295", "1"));
            assertEquals(oom, c.callString("BITFIELD", "small", "SET", "u8", "#536870911", "1"));
            assertEquals(":0\r\n", c.callString("EXISTS", "huge"));
            assertEquals(":13\r\n", c.callString("STRLEN", "small"));
            assertEquals(":1\r\n", c.callString("GETBIT", "small", "100"));
            // what fits still works
            assertEquals(":0\r\n", c.callString("SETBIT", "mid", Long.toString(8L * 16 * 1024 * 1024), "1"));
            assertEquals(":1\r\n", c.callString("BITCOUNT", "mid"));
            assertEquals("+PONG\r\n", c.callString("PING"));
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
