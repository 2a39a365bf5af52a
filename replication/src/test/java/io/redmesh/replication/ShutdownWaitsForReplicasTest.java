package io.redmesh.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RespClient;
import io.redmesh.replication.testing.Await;
import io.redmesh.replication.testing.Info;
import io.redmesh.replication.testing.ReplicatedNodeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * SHUTDOWN and SIGTERM wait for lagging replicas as Redis 7.0 does (shutdown-timeout): writes
 * pause, the SHUTDOWN client gets no reply, and the master exits once every replica acknowledged
 * its offset or the timeout passed (logging the laggards); SHUTDOWN ABORT cancels (the waiting
 * client gets "Errors trying to SHUTDOWN", writes resume); SHUTDOWN NOW does not wait. Replies
 * and log lines are redis-server 7.0.15's.
 */
class ShutdownWaitsForReplicasTest {
    private static ReplicatedNodeProcess[] pair(String name, String... masterDirectives) throws Exception {
        Path dir = Files.createTempDirectory(name);
        ReplicatedNodeProcess m = ReplicatedNodeProcess.start("master", dir.resolve("m"), 0, masterDirectives);
        ReplicatedNodeProcess r = ReplicatedNodeProcess.start("replica", dir.resolve("r"), 0, "--replicaof", "127.0.0.1",
                Integer.toString(m.port()));
        try (Jedis j = new Jedis("127.0.0.1", m.port())) {
            j.set("k", "0");
        }
        Await.until("the replica follows", 20_000, () -> Info.linkUp(r.port()) && Info.offset(r.port()) == Info.offset(m.port()));
        return new ReplicatedNodeProcess[] {m, r};
    }

    /** SHUTDOWN on its own connection: the future completes with its reply, or null when the server closed it. */
    private static CompletableFuture<String> shutdown(int port, String... args) {
        return CompletableFuture.supplyAsync(() -> {
            try (RespClient c = RespClient.connect(port)) {
                c.socket().setSoTimeout(30_000);
                String[] cmd = new String[args.length + 1];
                cmd[0] = "SHUTDOWN";
                System.arraycopy(args, 0, cmd, 1, args.length);
                try {
                    return c.callString(cmd);
                } catch (IllegalStateException e) {
                    return null; // the connection closed: the server went away
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void aLaggingReplicaIsWaitedForUntilTheTimeoutThenTheMasterExits() throws Exception {
        ReplicatedNodeProcess[] p = pair("sd-timeout", "--shutdown-timeout", "3");
        try (ReplicatedNodeProcess m = p[0]; ReplicatedNodeProcess r = p[1]) {
            r.signal("STOP"); // it cannot acknowledge anything now
            try (Jedis j = new Jedis("127.0.0.1", m.port())) {
                j.set("k", "1");
            }
            long t0 = System.currentTimeMillis();
            CompletableFuture<String> sd = shutdown(m.port());
            Await.until(m + " waits", 5_000, () -> m.logText().contains("Waiting for replicas before shutting down."),
                    m::logText);
            // writes wait meanwhile (a write pause), reads go on
            try (RespClient c = RespClient.connect(m.port())) {
                assertEquals("$1\r\n1\r\n", c.callString("GET", "k"));
                c.send(RespClient.encode(RespClient.args("SET", "k", "2")));
                Thread.sleep(300);
                assertEquals(0, c.socket().getInputStream().available(), "the write waits");
            }
            assertEquals(null, sd.get(20, TimeUnit.SECONDS), "no reply: the master exited");
            long took = System.currentTimeMillis() - t0;
            assertTrue(took >= 2500, "waited for shutdown-timeout: " + took + " ms");
            Await.until(m + " exits", 10_000, () -> !m.alive());
            String log = m.logText();
            assertTrue(log.contains("Lagging replica 127.0.0.1:" + r.port() + " reported offset"), log);
            assertTrue(log.contains("0 of 1 replicas are in sync when shutting down."), log);
        }
    }

    @Test
    void shutdownAbortCancelsTheWaitAndWritesResume() throws Exception {
        ReplicatedNodeProcess[] p = pair("sd-abort", "--shutdown-timeout", "60");
        try (ReplicatedNodeProcess m = p[0]; ReplicatedNodeProcess r = p[1]; Jedis j = new Jedis("127.0.0.1", m.port())) {
            r.signal("STOP");
            j.set("k", "1");
            CompletableFuture<String> sd = shutdown(m.port());
            Await.until(m + " waits", 5_000, () -> m.logText().contains("Waiting for replicas before shutting down."));
            CompletableFuture<String> second = shutdown(m.port()); // joins the pending shutdown
            Thread.sleep(300);
            assertFalse(second.isDone());
            try (RespClient c = RespClient.connect(m.port())) {
                assertEquals("+OK\r\n", c.callString("SHUTDOWN", "ABORT"));
                assertEquals("-ERR No shutdown in progress.\r\n", c.callString("SHUTDOWN", "ABORT"));
            }
            assertEquals("-ERR Errors trying to SHUTDOWN. Check logs.\r\n", sd.get(10, TimeUnit.SECONDS));
            assertEquals("-ERR Errors trying to SHUTDOWN. Check logs.\r\n", second.get(10, TimeUnit.SECONDS));
            assertEquals("OK", j.set("k", "after-abort"), "writes resumed");
            assertTrue(m.logText().contains("Shutdown manually aborted."));
            assertTrue(m.alive());
            r.signal("CONT");
            Await.until("the replica catches up", 20_000, () -> Info.offset(r.port()) == Info.offset(m.port()));
        }
    }

    @Test
    void shutdownNowDoesNotWait() throws Exception {
        ReplicatedNodeProcess[] p = pair("sd-now", "--shutdown-timeout", "60");
        try (ReplicatedNodeProcess m = p[0]; ReplicatedNodeProcess r = p[1]) {
            r.signal("STOP");
            try (Jedis j = new Jedis("127.0.0.1", m.port())) {
                j.set("k", "1");
            }
            assertEquals(null, shutdown(m.port(), "NOW").get(10, TimeUnit.SECONDS));
            Await.until(m + " exits", 10_000, () -> !m.alive());
            assertFalse(m.logText().contains("Waiting for replicas"));
        }
    }

    @Test
    void sigtermWaitsUntilTheReplicaHasEveryWrite() throws Exception {
        ReplicatedNodeProcess[] p = pair("sd-sigterm", "--shutdown-timeout", "30");
        try (ReplicatedNodeProcess m = p[0]; ReplicatedNodeProcess r = p[1]) {
            r.signal("STOP");
            try (Jedis j = new Jedis("127.0.0.1", m.port())) {
                for (int i = 0; i < 100; i++) {
                    j.set("last-writes:" + i, "v" + i); // the replica has none of these yet
                }
            }
            m.signal("TERM");
            Await.until(m + " waits", 5_000, () -> m.logText().contains("Waiting for replicas before shutting down."),
                    m::logText);
            Thread.sleep(1000);
            assertTrue(m.alive(), "SIGTERM waits for the lagging replica");
            r.signal("CONT");
            Await.until(m + " exits once the replica caught up", 20_000, () -> !m.alive(), m::logText);
            assertTrue(m.logText().contains("1 of 1 replicas are in sync when shutting down."), m.logText());
            try (Jedis j = new Jedis("127.0.0.1", r.port())) {
                assertEquals("v99", j.get("last-writes:99"), "the replica got every write before its master left");
            }
        }
    }
}
