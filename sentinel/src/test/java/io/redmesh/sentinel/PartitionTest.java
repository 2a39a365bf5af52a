package io.redmesh.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RespClient;
import io.redmesh.replication.testing.Await;
import io.redmesh.sentinel.testing.ServerProcess;
import io.redmesh.sentinel.testing.Sentinels;
import io.redmesh.sentinel.testing.Topology;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A partition as its peers see it: the master is stopped (SIGSTOP, not killed) past
 * down-after-milliseconds, the sentinels fail over, then it continues (SIGCONT) still believing
 * it is the master, until the sentinels turn it into a replica of the new one and it resyncs.
 * Meanwhile a client with a stale view keeps writing to it. Run twice on one topology: without
 * min-replicas-to-write the old master acknowledges writes after it continues that the resync
 * then throws away (counted, and printed for docs/SENTINEL.md); with min-replicas-to-write 1
 * (max lag 1 s) it acknowledges none: its replicas left it, so every write is refused.
 */
class PartitionTest {
    static Topology topology;

    @BeforeAll
    static void start() throws IOException {
        topology = Topology.create().downAfter(1000).start();
    }

    @AfterAll
    static void stop() {
        if (topology != null) {
            topology.close();
        }
    }

    @Test
    void theOldMasterIsDemotedAndOnlyMinReplicasToWriteKeepsItFromLosingWrites() throws Exception {
        ServerProcess first = topology.master();
        Outcome without = partition(first, "without");
        System.out.println("PartitionTest without min-replicas-to-write: " + without);
        for (ServerProcess d : topology.dataNodes()) {
            assertEquals("+OK\r\n", d.call("CONFIG", "SET", "min-replicas-to-write", "1", "min-replicas-max-lag", "1"));
        }
        ServerProcess second = without.newMaster;
        Outcome with = partition(second, "with");
        System.out.println("PartitionTest with min-replicas-to-write 1: " + with);
        assertEquals(0, with.acknowledgedByOld, "with min-replicas-to-write 1 the isolated master acknowledged no write: "
                + with);
        assertTrue(with.refused > 0, "its writes were refused (-NOREPLICAS) once it continued: " + with);
        assertEquals(0, with.lost, with.toString());
        assertTrue(without.lost <= without.acknowledgedByOld);
    }

    record Outcome(ServerProcess newMaster, int acknowledgedByOld, int lost, int refused, long demotedAfterMillis) {
        @Override
        public String toString() {
            return acknowledgedByOld + " writes acknowledged by the old master after it was stopped, " + lost
                    + " of them lost after its resync, " + refused + " refused; demoted " + demotedAfterMillis
                    + " ms after SIGCONT";
        }
    }

    /** Stops {@code old}, waits for the failover, continues it, waits for its demotion; counts. */
    private Outcome partition(ServerProcess old, String tag) throws Exception {
        try (StaleWriter stale = new StaleWriter(old.servingPort(), tag)) {
            Await.until("the stale writer writing to " + old, 20_000, () -> stale.acknowledged.size() >= 10,
                    stale::toString);
            old.signal("STOP");
            long stopped = System.currentTimeMillis();
            stale.markStopped(stopped);
            Await.until("the sentinels to fail " + old + " over", 30_000, () -> {
                for (ServerProcess s : topology.sentinels()) {
                    int p = Sentinels.masterPort(s);
                    if (p <= 0 || p == old.servingPort()) {
                        return false;
                    }
                }
                return true;
            }, topology::logs);
            ServerProcess promoted = topology.dataNode(Sentinels.masterPort(topology.sentinels().get(0)));
            Thread.sleep(2000); // a partition that lasts
            old.signal("CONT");
            long continued = System.currentTimeMillis();
            Await.until(old + " demoted to a replica of " + promoted + " and in sync", 60_000, () -> {
                Map<String, String> r = topology.info(old, "replication");
                return "slave".equals(r.get("role")) && Integer.toString(promoted.servingPort()).equals(r.get("master_port"))
                        && "up".equals(r.get("master_link_status"));
            }, () -> topology.info(old, "replication") + "\n" + topology.logs());
            long demoted = System.currentTimeMillis() - continued;
            stale.stop();
            List<String> afterStop = stale.acknowledgedAfterStop();
            int lost = 0;
            try (RespClient c = promoted.client()) {
                for (String k : afterStop) {
                    if (c.callString("EXISTS", k).equals(":0\r\n")) {
                        lost++;
                    }
                }
            }
            topology.awaitSettled(promoted);
            return new Outcome(promoted, afterStop.size(), lost, stale.refused.get(), demoted);
        }
    }

    /**
     * A client that keeps the old master's address (no sentinel): a new connection per write,
     * short timeouts, so the frozen master costs it a timeout and a resumed one gets its writes.
     */
    static final class StaleWriter implements AutoCloseable {
        final int port;
        final String tag;
        final List<String> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<Long> ackTimes = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger refused = new AtomicInteger();
        volatile long stoppedAt = Long.MAX_VALUE;
        volatile boolean running = true;
        final Thread thread;

        StaleWriter(int port, String tag) {
            this.port = port;
            this.tag = tag;
            this.thread = new Thread(this::loop, "stale-writer");
            thread.setDaemon(true);
            thread.start();
        }

        void markStopped(long t) {
            stoppedAt = t;
        }

        private void loop() {
            long n = 0;
            while (running) {
                String key = "stale:" + tag + ":" + n++;
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                    s.setSoTimeout(500);
                    OutputStream out = s.getOutputStream();
                    out.write(RespClient.encode(RespClient.args("SET", key, "v")));
                    out.flush();
                    String line = readLine(s.getInputStream());
                    if (line.equals("+OK")) {
                        acknowledged.add(key);
                        ackTimes.add(System.currentTimeMillis());
                    } else if (line.startsWith("-NOREPLICAS") || line.startsWith("-READONLY")) {
                        refused.incrementAndGet();
                    }
                } catch (IOException e) {
                    // frozen or refusing: not acknowledged
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private static String readLine(InputStream in) throws IOException {
            StringBuilder b = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                if (c != '\r') {
                    b.append((char) c);
                }
                if (b.length() > 512) {
                    break;
                }
            }
            return b.toString();
        }

        List<String> acknowledgedAfterStop() {
            List<String> out = new ArrayList<>();
            synchronized (acknowledged) {
                for (int i = 0; i < acknowledged.size(); i++) {
                    if (ackTimes.get(i) >= stoppedAt) {
                        out.add(acknowledged.get(i));
                    }
                }
            }
            return out;
        }

        void stop() {
            running = false;
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public String toString() {
            return "stale writer to :" + port + ": " + acknowledged.size() + " acknowledged, " + refused.get() + " refused";
        }

        @Override
        public void close() {
            stop();
        }
    }
}
