package io.redmesh.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.redmesh.node.testing.RedisProcess;
import io.redmesh.replication.testing.Await;
import io.redmesh.replication.testing.DatasetDump;
import io.redmesh.replication.testing.Info;
import io.redmesh.replication.testing.ReplicatedNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A script's writes reach replicas as its effects (7.0 replicates commands, not the script):
 * a RedMesh replica and a real redis-server replica of a RedMesh master end with the master's
 * dataset, including writes of a script that failed half-way and of one run inside MULTI.
 */
class ScriptReplicationTest {
    @Test
    void scriptEffectsReachBothReplicas() {
        assumeTrue(RedisProcess.available(), "redis-server is not installed");
        try (ReplicatedNode master = ReplicatedNode.start("master", "--repl-diskless-sync-delay", "0");
             Jedis m = master.jedis();
             ReplicatedNode ours = ReplicatedNode.start("replica", TopologyTest.replicaOf(master));
             RedisProcess real = RedisProcess.start("--replicaof", "127.0.0.1", Integer.toString(master.port()))) {
            TopologyTest.awaitLinked(ours);
            Await.until("redis replica link up with " + master, 20_000, () -> Info.linkUp(real.port()));
            String rateLimiter = "local n = redis.call('incr', KEYS[1]) "
                    + "if n == 1 then redis.call('expire', KEYS[1], ARGV[1]) end return n";
            String sha = m.scriptLoad(rateLimiter);
            for (int i = 0; i < 50; i++) {
                m.evalsha(sha, List.of("rate:" + (i % 5)), List.of("100"));
            }
            m.eval("redis.call('select', 3) redis.call('hset', 'h', 'f', 'v') redis.call('select', 0) "
                    + "redis.call('rpush', 'l', 'a', 'b')", 0);
            try {
                m.eval("redis.call('set', 'half', '1') redis.call('incr', 'l')", 0); // fails after one write
            } catch (redis.clients.jedis.exceptions.JedisDataException expected) {
                // WRONGTYPE: the SET stays, as in Redis
            }
            try (redis.clients.jedis.Transaction tx = m.multi()) {
                tx.set("in-multi", "x");
                tx.eval("return redis.call('append', 'in-multi', 'y')", 0);
                tx.exec();
            }
            assertEquals("1", m.get("half"));
            assertEquals("xy", m.get("in-multi"));
            TopologyTest.awaitSameOffset(master, ours);
            Await.until("redis replica at the offset of " + master, 20_000,
                    () -> Info.offset(real.port()) == Info.offset(master.port()));
            Object expected = DatasetDump.of(master.port(), 4);
            assertEquals(expected, DatasetDump.of(ours.port(), 4));
            assertEquals(expected, DatasetDump.of(real.port(), 4));
        }
    }
}
