package io.redmesh.node.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * CVE-2025-21605: a client that never authenticates and never reads its -NOAUTH replies made the
 * output buffer grow without limit (RedMesh went from 100 MB to 2.1 GB in 15 s). Redis's fix
 * closes an unauthenticated client holding more than 1 KB of replies beyond its 16 KB buffer;
 * the same flood against Debian's redis-server and RedMesh must end the same way: the connection
 * closed after a bounded amount of input, and the node serving everyone else.
 */
class Cve2025_21605UnauthenticatedOutputBufferTest {
    private static final byte[] ECHO = RespClient.encode("ECHO".getBytes(StandardCharsets.US_ASCII),
            "x".repeat(100).getBytes(StandardCharsets.US_ASCII));

    @Test
    void unauthenticatedFloodIsCutOffByBothServers() throws Exception {
        Assumptions.assumeTrue(RedisProcess.available(), "redis-server not installed");
        try (RedisProcess real = RedisProcess.start("--requirepass", "secret");
             ServerFixture ours = ServerFixture.start("--requirepass", "secret")) {
            long realTook = floodUntilClosed(real.port());
            long oursTook = floodUntilClosed(ours.port());
            // Both take roughly what the kernel's socket buffers hold, then close: megabytes,
            // not the gigabytes of the unpatched node.
            assertTrue(oursTook < 64L << 20, "RedMesh took " + oursTook + " bytes before closing (redis: " + realTook + ")");
            try (RespClient c = ours.client()) {
                assertEquals("-NOAUTH Authentication required.\r\n", c.callString("PING"));
                assertEquals("+OK\r\n", c.callString("AUTH", "secret"));
                assertEquals("+PONG\r\n", c.callString("PING"));
                String list = c.callString("CLIENT", "LIST");
                assertFalse(list.contains("cmd=echo"), "the flooding client is gone: " + list);
            }
        }
    }

    private static long floodUntilClosed(int port) throws Exception {
        try (NonReadingClient c = NonReadingClient.start(port, new byte[0], ECHO, 20_000)) {
            assertTrue(c.awaitClosedByServer(25_000), "server on " + port + " kept an unauthenticated flood open after "
                    + c.bytesWritten() + " bytes");
            return c.bytesWritten();
        }
    }

    @Test
    void authenticatedClientIsNotCutOffByTheUnauthenticatedLimit() throws Exception {
        try (ServerFixture ours = ServerFixture.start("--requirepass", "secret")) {
            byte[] auth = RespClient.encode("AUTH".getBytes(StandardCharsets.US_ASCII), "secret".getBytes(StandardCharsets.US_ASCII));
            try (NonReadingClient c = NonReadingClient.start(ours.port(), auth, ECHO, 3_000)) {
                assertFalse(c.awaitClosedByServer(6_000), "an authenticated slow reader is throttled, not closed");
            }
        }
    }
}
