package io.redmesh.sentinel.bench;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.redmesh.node.testing.RespClient;
import io.redmesh.sentinel.testing.ServerProcess;
import io.redmesh.sentinel.testing.ServerProcess.Kind;
import io.redmesh.sentinel.testing.Sentinels;
import io.redmesh.sentinel.testing.Topology;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Failover time (opt-in, not in the suite; tools/bench/sentinel-failover.sh runs it): from kill -9
 * of the master to the first write acknowledged by the new master, found as a client finds it
 * (SENTINEL GET-MASTER-ADDR-BY-NAME on one sentinel, then SET there, retried every 10 ms), with
 * down-after-milliseconds 1000: 3 RedMesh sentinels, then 3 redis-sentinels 7.0.15, each over the
 * same topology (a RedMesh master and 2 replicas, plaintext), {@code bench.rounds} failovers each
 * (default 10; the killed master is restarted and rejoins as a replica between rounds). Prints
 * one "RESULT ..." line per round and the median and max per kind. Every wait is bounded.
 */
class FailoverBench {
    static final int ROUNDS = Integer.getInteger("bench.rounds", 10);
    static final long DOWN_AFTER = 1000;
    static final long ROUND_TIMEOUT = 30_000;

    static void result(String line) {
        System.out.println("RESULT " + line);
        System.out.flush();
    }

    @Test
    void failoverTimeRedMeshAgainstRedisSentinels() throws Exception {
        assumeTrue(ServerProcess.redisAvailable());
        List<Long> ours = run(Kind.REDMESH_SENTINEL);
        List<Long> theirs = run(Kind.REDIS_SENTINEL);
        result(summary("redmesh-sentinel", ours));
        result(summary("redis-sentinel", theirs));
    }

    static String summary(String who, List<Long> ms) {
        List<Long> sorted = new ArrayList<>(ms);
        Collections.sort(sorted);
        long median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
        return who + " failovers=" + sorted.size() + " median_ms=" + median + " max_ms=" + sorted.get(sorted.size() - 1)
                + " min_ms=" + sorted.get(0) + " down_after_ms=" + DOWN_AFTER;
    }

    private static List<Long> run(Kind sentinels) throws IOException, InterruptedException {
        List<Long> times = new ArrayList<>();
        try (Topology t = Topology.create().data(Kind.REDMESH_NODE).sentinels(sentinels, sentinels, sentinels)
                .downAfter(DOWN_AFTER).failoverTimeout(10_000).start()) {
            ServerProcess master = t.master();
            t.awaitSettled(master);
            for (int round = 1; round <= ROUNDS; round++) {
                ServerProcess client = t.sentinels().get(0);
                long killed = System.nanoTime();
                master.kill9();
                ServerProcess promoted = firstWrite(t, client, master, killed);
                long ms = (System.nanoTime() - killed) / 1_000_000;
                times.add(ms);
                master.restart(); // rejoins as a replica once a sentinel converts it
                ServerProcess settled = agreedMaster(t);
                t.awaitSettled(settled);
                awaitReplicating(t, settled);
                // a second failover right after the first (the new master seen down before its
                // fresh link answered) is counted: Redis's sentinels can do the same under load
                result(sentinels + " round=" + round + " failover_ms=" + ms + " new_master=" + promoted.name()
                        + (settled == promoted ? "" : " then_failed_over_again_to=" + settled.name()));
                master = settled;
            }
        }
        return times;
    }

    /** The master every sentinel names, once they agree (bounded). */
    private static ServerProcess agreedMaster(Topology t) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            Thread.sleep(2000); // a second failover, if any, starts within a couple of seconds
            int port = Sentinels.masterPort(t.sentinels().get(0));
            if (port > 0 && t.sentinels().stream().allMatch(s -> Sentinels.masterPort(s) == port)) {
                return t.dataNode(port);
            }
        }
        throw new AssertionError("the sentinels did not agree on a master\n" + t.logs());
    }

    /** Retries, as a client would, until a SET is acknowledged by a master other than {@code old}. */
    private static ServerProcess firstWrite(Topology t, ServerProcess sentinel, ServerProcess old, long since)
            throws InterruptedException {
        long deadline = since + ROUND_TIMEOUT * 1_000_000L;
        while (System.nanoTime() < deadline) {
            int port = Sentinels.masterPort(sentinel);
            if (port > 0 && port != old.servingPort()) {
                try (RespClient c = RespClient.connect(port)) {
                    if (c.callString("SET", "failover:probe", Long.toString(System.nanoTime())).equals("+OK\r\n")) {
                        return t.dataNode(port);
                    }
                } catch (RuntimeException refusedOrReadOnly) {
                    // not promoted yet, or not listening: try again
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no write acknowledged by a new master within " + ROUND_TIMEOUT + " ms after kill -9 of "
                + old + "\n" + t.logs());
    }

    /** Every live data node but the master replicates from it, link up (bounded). */
    private static void awaitReplicating(Topology t, ServerProcess master) {
        io.redmesh.sentinel.testing.Failovers.awaitFollowers(t, master, 60_000);
    }
}
