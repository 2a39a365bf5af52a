package io.redmesh.node.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** tcp-keepalive arms the kernel's keepalive timer on accepted sockets with the configured idle time. */
class TcpKeepaliveTest {
    private static String sockets(int port) throws Exception {
        Process p = new ProcessBuilder("ss", "-tnoH", "state", "established", "( sport = :" + port + " )")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(5, TimeUnit.SECONDS);
        return out;
    }

    @Test
    void keepaliveTimerUsesTheConfiguredIdleTime() throws Exception {
        Assumptions.assumeTrue(new java.io.File("/usr/bin/ss").canExecute() || new java.io.File("/bin/ss").canExecute());
        try (ServerFixture s = ServerFixture.start("--tcp-keepalive", "77"); RespClient c = s.client()) {
            c.callString("PING");
            String out = sockets(s.port());
            assertTrue(out.contains("timer:(keepalive,1min"), out); // 77 s idle before the first probe
        }
        try (ServerFixture s = ServerFixture.start("--tcp-keepalive", "0"); RespClient c = s.client()) {
            c.callString("PING");
            String out = sockets(s.port());
            assertTrue(!out.contains("keepalive"), out);
        }
    }
}
