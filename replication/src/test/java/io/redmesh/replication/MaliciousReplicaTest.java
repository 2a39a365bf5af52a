package io.redmesh.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RespClient;
import io.redmesh.replication.testing.Await;
import io.redmesh.replication.testing.Info;
import io.redmesh.replication.testing.ReplicatedNodeProcess;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * A RedMesh master against malicious or broken replicas and clients: PSYNC, SYNC and REPLCONF
 * unauthenticated, without the permission, inside MULTI, with absurd arguments; REPLCONF ACK
 * offsets beyond the master's (which must not satisfy WAIT); a replica that stops reading in the
 * middle of a full sync (slowloris); many replicas asking at once. The master stays up, answers
 * its clients, logs what it refused, and holds nothing for a replica it dropped.
 */
class MaliciousReplicaTest {
    private static ReplicatedNodeProcess master(String name, String... directives) throws Exception {
        Path dir = Files.createTempDirectory(name);
        return ReplicatedNodeProcess.start(name, dir, 0, directives);
    }

    private static String str(RespClient c, String... args) {
        return c.callString(args);
    }

    @Test
    void replicationCommandsRefusedBeforeTheyStartAnything() throws Exception {
        try (ReplicatedNodeProcess m = master("refusals", "--requirepass", "pw", "--repl-diskless-sync-delay", "0");
             RespClient c = RespClient.connect(m.port())) {
            assertTrue(str(c, "PSYNC", "?", "-1").startsWith("-NOAUTH"), "unauthenticated PSYNC");
            assertTrue(str(c, "SYNC").startsWith("-NOAUTH"), "unauthenticated SYNC");
            assertTrue(str(c, "REPLCONF", "listening-port", "1").startsWith("-NOAUTH"), "unauthenticated REPLCONF");
            assertEquals("+OK\r\n", str(c, "AUTH", "pw"));
            assertEquals("+OK\r\n", str(c, "ACL", "SETUSER", "reader", "on", ">rpw", "~*", "+@all", "-psync", "-sync"));
            try (RespClient r = RespClient.connect(m.port())) {
                assertEquals("+OK\r\n", str(r, "AUTH", "reader", "rpw"));
                assertTrue(str(r, "PSYNC", "?", "-1").startsWith("-NOPERM"), "PSYNC without the permission");
                assertTrue(str(r, "SYNC").startsWith("-NOPERM"), "SYNC without the permission");
            }
            // absurd arguments
            assertTrue(str(c, "PSYNC", "?").startsWith("-ERR wrong number of arguments"));
            assertTrue(str(c, "PSYNC", "?", "not-a-number").startsWith("-ERR value is not an integer"));
            assertTrue(str(c, "PSYNC", "?", "99999999999999999999999").startsWith("-ERR value is not an integer"));
            assertTrue(str(c, "REPLCONF", "listening-port").startsWith("-ERR syntax error"));
            assertTrue(str(c, "REPLCONF", "listening-port", "port").startsWith("-ERR value is not an integer"));
            assertTrue(str(c, "REPLCONF", "ip-address", "x".repeat(100)).startsWith(
                    "-ERR REPLCONF ip-address provided by replica instance is too long: 100 bytes"));
            assertTrue(str(c, "REPLCONF", "no-such-option", "1").startsWith("-ERR Unrecognized REPLCONF option"));
            // inside MULTI, as 7.0: refused when queued, the transaction then fails
            assertEquals("+OK\r\n", str(c, "MULTI"));
            assertTrue(str(c, "PSYNC", "?", "-1").startsWith("-ERR Command not allowed inside a transaction"));
            assertTrue(str(c, "EXEC").startsWith("-EXECABORT"));
            // none of it made a replica; the connection still works
            assertEquals("+PONG\r\n", str(c, "PING"));
            assertEquals("0", info(c, "connected_slaves"));
            assertEquals("0", info(c, "sync_full"));
        }
    }

    private static String info(RespClient c, String field) {
        return Info.parse(c.callString("INFO", "everything")).get(field);
    }

    /** A replica that syncs (diskless), reads and drops everything it is sent, and acks as told. */
    private static final class RawReplica implements AutoCloseable {
        final RespClient c;
        private final Thread drain;
        volatile long received;

        RawReplica(int port, String... auth) {
            c = RespClient.connect(port);
            if (auth.length > 0) {
                c.callString(auth);
            }
            c.callString("REPLCONF", "listening-port", "7");
            c.callString("REPLCONF", "capa", "eof", "capa", "psync2");
            c.send(RespClient.encode(RespClient.args("PSYNC", "?", "-1")));
            drain = new Thread(() -> {
                byte[] buf = new byte[65536];
                try {
                    InputStream in = c.socket().getInputStream();
                    c.socket().setSoTimeout(0);
                    for (int n; (n = in.read(buf)) > 0; ) {
                        received += n;
                    }
                } catch (Exception e) {
                    // closed
                }
            }, "raw-replica");
            drain.setDaemon(true);
            drain.start();
        }

        void ack(String offset) {
            c.send(RespClient.encode(RespClient.args("REPLCONF", "ACK", offset)));
        }

        @Override
        public void close() {
            c.close();
        }
    }

    @Test
    void anAckBeyondTheMastersOffsetDoesNotSatisfyWait() throws Exception {
        try (ReplicatedNodeProcess m = master("ack-beyond", "--repl-diskless-sync-delay", "0");
             Jedis j = new Jedis("127.0.0.1", m.port(), 10_000);
             RawReplica liar = new RawReplica(m.port())) {
            j.set("before", "1");
            Await.until("the RDB reached the raw replica", 10_000, () -> liar.received > 40);
            Thread.sleep(300);
            liar.ack("0"); // loaded: online now
            Await.until("the raw replica is online", 10_000,
                    () -> Info.field(m.port(), "replication", "slave0") != null
                            && Info.field(m.port(), "replication", "slave0").contains("state=online"));
            liar.ack(Long.toString(Long.MAX_VALUE));
            j.set("k", "v");
            assertEquals(0L, j.waitReplicas(1, 500), "WAIT counts no replica that never received the write");
            Await.until(m + " logs the impossible ACK", 10_000, () -> m.logText().contains("beyond mine"), m::logText);
            assertEquals("PONG", j.ping());
        }
    }

    @Test
    void aReplicaThatStopsReadingDuringAFullSyncIsDroppedAndTheOthersGoOn() throws Exception {
        try (ReplicatedNodeProcess m = master("slowloris", "--repl-timeout", "2", "--repl-diskless-sync-delay", "0");
             Jedis j = new Jedis("127.0.0.1", m.port(), 10_000)) {
            // about 24 MB of incompressible values: more than the socket and the master's queue hold
            Random rnd = new Random(12);
            Pipeline p = j.pipelined();
            for (int i = 0; i < 12_000; i++) {
                byte[] v = new byte[2048];
                rnd.nextBytes(v);
                p.set(("key:" + i).getBytes(), v);
            }
            p.sync();
            try (RespClient slow = RespClient.connect(m.port())) {
                slow.socket().setReceiveBufferSize(4096);
                slow.callString("REPLCONF", "capa", "eof", "capa", "psync2");
                slow.send(RespClient.encode(RespClient.args("PSYNC", "?", "-1"))); // and never reads again
                long start = System.currentTimeMillis();
                long worstPing = 0;
                while (System.currentTimeMillis() - start < 15_000 && !m.logText().contains("stalled past repl-timeout")) {
                    long t0 = System.nanoTime();
                    assertEquals("PONG", j.ping());
                    worstPing = Math.max(worstPing, (System.nanoTime() - t0) / 1_000_000);
                    Thread.sleep(50);
                }
                assertTrue(m.logText().contains("stalled past repl-timeout: dropping it"), m.logText());
                assertTrue(worstPing < 2000, "the master kept answering during the stalled sync: worst PING " + worstPing
                        + " ms");
                // a well-behaved replica syncs after it, in full
                try (ReplicatedNodeProcess good = ReplicatedNodeProcess.start("good", Files.createTempDirectory("good"),
                        0, "--replicaof", "127.0.0.1", Integer.toString(m.port()))) {
                    Await.until(good + " holds every key", 60_000, () -> {
                        try (Jedis g = new Jedis("127.0.0.1", good.port(), 5000)) {
                            return Info.linkUp(good.port()) && g.dbSize() == 12_000;
                        }
                    });
                }
            }
            Await.until("no replica is left", 10_000, () -> "0".equals(Info.field(m.port(), "replication",
                    "connected_slaves")));
        }
    }

    @Test
    void manyReplicasAtOnceShareOneSnapshotAndLeaveNothingBehind() throws Exception {
        int n = 40;
        try (ReplicatedNodeProcess m = master("many", "--repl-diskless-sync-delay", "1");
             Jedis j = new Jedis("127.0.0.1", m.port(), 10_000)) {
            for (int i = 0; i < 1000; i++) {
                j.set("k" + i, "v" + i);
            }
            List<RawReplica> all = new ArrayList<>();
            try {
                for (int i = 0; i < n; i++) {
                    all.add(new RawReplica(m.port()));
                }
                Await.until("every raw replica got its RDB", 30_000,
                        () -> all.stream().allMatch(r -> r.received > 1000));
                assertEquals("PONG", j.ping());
                assertEquals(Integer.toString(n), Info.field(m.port(), "stats", "sync_full"));
            } finally {
                all.forEach(RawReplica::close);
            }
            Await.until("no replica is left", 10_000, () -> "0".equals(Info.field(m.port(), "replication",
                    "connected_slaves")));
            assertEquals("v7", j.get("k7"));
        }
    }
}
