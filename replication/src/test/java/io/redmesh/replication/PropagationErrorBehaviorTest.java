package io.redmesh.replication;

import static io.redmesh.replication.testing.FakeMaster.REPLID;
import static io.redmesh.replication.testing.FakeMaster.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.replication.testing.Await;
import io.redmesh.replication.testing.FakeMaster;
import io.redmesh.replication.testing.Info;
import io.redmesh.replication.testing.ReplicatedNodeProcess;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * propagation-error-behavior as in 7.0: a command of the master's stream that fails on a
 * read-only replica (here LPUSH on a key its RDB made a string) is logged as "== CRITICAL ==" and
 * counted; with {@code ignore} the replica goes on, with {@code panic-on-replicas} it stops.
 */
class PropagationErrorBehaviorTest {
    private static FakeMaster diverging() throws Exception {
        return FakeMaster.start((out, in) -> {
            out.write(ascii("+FULLRESYNC " + REPLID + " 0\r\n"));
            byte[] rdb = FakeMaster.rdbWithString("k", "v");
            out.write(ascii("$" + rdb.length + "\r\n"));
            out.write(rdb);
            out.flush();
            Thread.sleep(500);
            out.write(ascii("*3\r\n$5\r\nLPUSH\r\n$1\r\nk\r\n$1\r\nx\r\n"));
        });
    }

    @Test
    void ignoreLogsTheDivergenceAndGoesOn() throws Exception {
        try (FakeMaster master = diverging();
             ReplicatedNodeProcess replica = ReplicatedNodeProcess.start("replica", Files.createTempDirectory("peb"), 0,
                     "--replicaof", "127.0.0.1", Integer.toString(master.port()))) {
            Await.until(replica + " logs the error it sent its master", 20_000, () -> replica.logText().contains(
                    "== CRITICAL == This replica is sending an error to its master: 'WRONGTYPE Operation against a key "
                            + "holding the wrong kind of value' after processing the command 'lpush'"), replica::logText);
            try (Jedis j = new Jedis("127.0.0.1", replica.port())) {
                assertEquals("v", j.get("k"));
                assertEquals("1", Info.field(replica.port(), "stats", "unexpected_error_replies"));
            }
            assertTrue(replica.alive());
        }
    }

    @Test
    void panicOnReplicasStopsTheReplica() throws Exception {
        try (FakeMaster master = diverging();
             ReplicatedNodeProcess replica = ReplicatedNodeProcess.start("replica", Files.createTempDirectory("peb"), 0,
                     "--replicaof", "127.0.0.1", Integer.toString(master.port()),
                     "--propagation-error-behavior", "panic-on-replicas")) {
            Await.until(replica + " stops", 20_000, () -> !replica.alive(), replica::logText);
            assertTrue(replica.logText().contains("panicked sending an error to its master after processing the command "
                    + "'lpush'"), replica.logText());
        }
    }
}
