package io.redmesh.node.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.epoll.Epoll;
import io.redmesh.node.testing.ServerFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * CVE-2023-45145 (7.0.14): Redis listened on its unix socket before applying unixsocketperm, so
 * under a permissive umask another local user could connect in between. RedMesh had the same
 * order (bind, then chmod); it now binds in a private directory and renames the socket into
 * place. The test watches the path in a tight loop while the node starts and sees it only ever
 * with the configured mode.
 */
class Cve2023_45145UnixSocketPermissionTest {
    @Test
    void theSocketNeverAppearsWithAnotherMode() throws Exception {
        Assumptions.assumeTrue(Epoll.isAvailable(), "unix sockets need epoll");
        Path dir = Files.createTempDirectory("sockperm");
        Path sock = dir.resolve("redmesh.sock");
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        Thread watcher = new Thread(() -> {
            while (!stop.get()) {
                try {
                    seen.add(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
                } catch (java.io.IOException e) {
                    // not there yet
                }
            }
        });
        watcher.start();
        try (ServerFixture ours = ServerFixture.start("--unixsocket", sock.toString(), "--unixsocketperm", "700")) {
            long deadline = System.currentTimeMillis() + 2000;
            while (seen.isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            stop.set(true);
            watcher.join(5000);
            assertEquals(Set.of("rwx------"), seen, "modes the socket was seen with");
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(sock);
            assertEquals(PosixFilePermissions.fromString("rwx------"), perms);
            try (var ch = java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(sock))) {
                ch.write(java.nio.ByteBuffer.wrap("PING\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
                java.nio.ByteBuffer in = java.nio.ByteBuffer.allocate(7);
                while (in.hasRemaining() && ch.read(in) >= 0) {
                    // read +PONG
                }
                assertEquals("+PONG\r\n", new String(in.array(), java.nio.charset.StandardCharsets.US_ASCII));
            }
            try (var dirs = Files.list(dir)) {
                assertTrue(dirs.allMatch(p -> p.equals(sock)), "no staging directory is left behind");
            }
        } finally {
            stop.set(true);
        }
    }
}
