package io.redmesh.replication;

import static io.redmesh.replication.testing.FakeMaster.REPLID;
import static io.redmesh.replication.testing.FakeMaster.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.replication.testing.Await;
import io.redmesh.replication.testing.FakeMaster;
import io.redmesh.replication.testing.Info;
import io.redmesh.replication.testing.ReplicatedNodeProcess;
import java.io.OutputStream;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A RedMesh replica against a malicious or broken master (a scripted one, {@link FakeMaster}):
 * absurd payload lengths, EOF-mark games, garbage and truncated RDBs, a forged replication id or
 * stream database, garbage in the stream, a master that never answers or goes silent after
 * +FULLRESYNC. Each time the replica logs why, drops the link, tries again, keeps serving its
 * data, and never installs what it was sent.
 */
class MaliciousMasterTest {
    private static final String MARK = "abcdefghijabcdefghijabcdefghijabcdefghij";
    private static ReplicatedNodeProcess replica;

    @BeforeAll
    static void start() throws Exception {
        replica = ReplicatedNodeProcess.start("replica", Files.createTempDirectory("malicious-master"), 0,
                "--repl-timeout", "2", "--repl-diskless-load", "swapdb");
        try (Jedis j = new Jedis("127.0.0.1", replica.port())) {
            j.set("own-key", "kept");
        }
    }

    @AfterAll
    static void stop() {
        if (replica != null) {
            replica.close();
        }
    }

    /**
     * Points the replica at a master running {@code script}; waits until the replica logged
     * {@code expected} (after this scenario began) and connected again (it retries), then
     * checks it still serves its own data and installed nothing.
     */
    private static void against(FakeMaster.Script script, String expected) throws Exception {
        try (FakeMaster master = FakeMaster.start(script)) {
            against(master, expected, true);
        }
    }

    private static void against(FakeMaster master, String expected, boolean nothingInstalled) throws Exception {
        int from = replica.logText().length();
        try (Jedis j = new Jedis("127.0.0.1", replica.port(), 10_000)) {
            j.replicaof("127.0.0.1", master.port());
            Await.until(replica + " logs '" + expected + "'", 20_000,
                    () -> replica.logText().substring(from).contains(expected), () -> replica.logText().substring(from));
            Await.until(replica + " tries again", 20_000, () -> master.connections.get() >= 2);
            // The retry may be loading the script's payload again right now (a diskless swapdb
            // load of another history answers -LOADING, as 7.0's does): end the master, so the
            // replica's attempts stop reaching it, and judge the replica once it is not loading.
            master.close();
            Await.until(replica + " not loading", 20_000,
                    () -> "0".equals(Info.field(replica.port(), "persistence", "loading")));
            // a retry that reached the master just before it closed may start one more load: the
            // replica answers -LOADING for it (as 7.0 does), then PONG
            Await.until(replica + " answers PING", 20_000, () -> {
                try {
                    return "PONG".equals(j.ping());
                } catch (redis.clients.jedis.exceptions.JedisDataException loading) {
                    if (!String.valueOf(loading.getMessage()).startsWith("LOADING")) {
                        throw loading;
                    }
                    return false;
                }
            });
            if (nothingInstalled) {
                assertEquals("kept", j.get("own-key"), "the replica keeps serving its data");
                assertEquals(1L, j.dbSize(), "nothing the master sent was installed");
            }
            assertTrue(!"up".equals(Info.field(replica.port(), "replication", "master_link_status")));
            // The replica keeps retrying: it may be loading the script's next payload right now,
            // and answers -LOADING then, as 7.0 does during a load (REPLICAOF has no loading flag).
            Await.until(replica + " accepts REPLICAOF NO ONE", 20_000, () -> {
                try {
                    j.replicaofNoOne();
                    return true;
                } catch (redis.clients.jedis.exceptions.JedisDataException loading) {
                    if (!String.valueOf(loading.getMessage()).startsWith("LOADING")) {
                        throw loading;
                    }
                    return false;
                }
            });
            j.set("own-key", "kept");
        }
    }

    private static void fullResync(OutputStream out) throws Exception {
        out.write(ascii("+FULLRESYNC " + REPLID + " 0\r\n"));
    }

    @Test
    void aNegativePayloadLength() throws Exception {
        against((out, in) -> {
            fullResync(out);
            out.write(ascii("$-5\r\n"));
        }, "bad payload length from MASTER: $-5");
    }

    @Test
    void aPayloadLengthPastLong() throws Exception {
        against((out, in) -> {
            fullResync(out);
            out.write(ascii("$99999999999999999999999\r\n"));
        }, "bad payload length from MASTER: $99999999999999999999999");
    }

    @Test
    void aForgedReplicationIdOrOffset() throws Exception {
        against((out, in) -> out.write(ascii("+FULLRESYNC short 0\r\n")),
                "Master replied with wrong +FULLRESYNC syntax");
        against((out, in) -> out.write(ascii("+FULLRESYNC " + REPLID + " -7\r\n")),
                "Master replied with wrong +FULLRESYNC syntax");
    }

    @Test
    void anEofMarkOfTheWrongLength() throws Exception {
        against((out, in) -> {
            fullResync(out);
            out.write(ascii("$EOF:tooshort\r\n"));
        }, "bad EOF mark from MASTER");
    }

    @Test
    void aGarbageRdb() throws Exception {
        against((out, in) -> {
            fullResync(out);
            out.write(ascii("$20\r\nNOT-AN-RDB-AT-ALL!!!"));
        }, "Failed trying to load the MASTER synchronization DB");
    }

    @Test
    void aTruncatedRdb() throws Exception {
        against((out, in) -> {
            fullResync(out);
            out.write(ascii("$5000\r\nREDIS0010"));
            out.flush();
            throw new java.io.IOException("the master dies mid-payload");
        }, "Lost the link to the MASTER during the sync");
    }

    @Test
    void anRdbFollowedByMoreThanItsEofMark() throws Exception {
        // the RDB ends, then bytes that are not the mark: 7.0's "EOF marker is broken"
        against((out, in) -> {
            fullResync(out);
            out.write(ascii("$EOF:" + MARK + "\r\n"));
            out.write(FakeMaster.rdb());
            out.write(ascii("*3\r\n$3\r\nSET\r\n$6\r\nforged\r\n$1\r\nx\r\n"));
            out.write(ascii(MARK));
        }, "goes on past the end of its RDB");
    }

    @Test
    void anEofMarkThatNeverComes() throws Exception {
        against((out, in) -> {
            fullResync(out);
            out.write(ascii("$EOF:" + MARK + "\r\n"));
            out.write(FakeMaster.rdb());
        }, "Timeout receiving bulk data from MASTER");
    }

    @Test
    void aStreamDatabaseOutOfRange() throws Exception {
        against((out, in) -> {
            fullResync(out);
            byte[] rdb = FakeMaster.rdb("repl-stream-db", "99999");
            out.write(ascii("$" + rdb.length + "\r\n"));
            out.write(rdb);
        }, "its repl-stream-db '99999' is not a database of mine");
    }

    @Test
    void garbageInTheStream() throws Exception {
        try (FakeMaster master = FakeMaster.start((out, in) -> {
            fullResync(out);
            byte[] rdb = FakeMaster.rdb();
            out.write(ascii("$" + rdb.length + "\r\n"));
            out.write(rdb);
            out.flush();
            Thread.sleep(500); // loaded and online: now the stream
            out.write(ascii("*2\r\n$-77\r\nxx\r\n"));
        })) {
            against(master, "Protocol error from master", false); // the empty RDB was a valid sync
        }
    }

    /**
     * DEBUG and MODULE are gated for the master's stream too, as 7.0's processCommand gates
     * them for its master client: a master cannot make its replica sleep under its lock (or
     * turn off its checksum checks); the stream goes on after the refusal.
     */
    @Test
    void aMasterCannotRunDebugOnItsReplica() throws Exception {
        int from = replica.logText().length();
        try (FakeMaster master = FakeMaster.start((out, in) -> {
            fullResync(out);
            byte[] rdb = FakeMaster.rdb();
            out.write(ascii("$" + rdb.length + "\r\n"));
            out.write(rdb);
            out.flush();
            Thread.sleep(500); // loaded and online: now the stream
            out.write(ascii("*3\r\n$5\r\nDEBUG\r\n$5\r\nSLEEP\r\n$3\r\n600\r\n"));
            out.write(ascii("*3\r\n$3\r\nSET\r\n$11\r\nafter-debug\r\n$1\r\n1\r\n"));
            out.flush();
        }); Jedis j = new Jedis("127.0.0.1", replica.port(), 5_000)) {
            j.replicaof("127.0.0.1", master.port());
            Await.until("the write after DEBUG applied", 20_000, () -> "1".equals(j.get("after-debug")),
                    () -> replica.logText().substring(from));
            assertEquals("PONG", j.ping(), "the replica did not sleep");
            assertTrue(replica.logText().substring(from).contains("'ERR DEBUG command not allowed."),
                    replica.logText().substring(from));
            j.replicaofNoOne();
            j.flushAll();
            j.set("own-key", "kept");
        }
    }

    @Test
    void aMasterSilentAfterFullResync() throws Exception {
        against((out, in) -> fullResync(out), "Timeout receiving bulk data from MASTER");
    }

    @Test
    void aMasterThatNeverAnswers() throws Exception {
        try (FakeMaster master = FakeMaster.silent()) {
            against(master, "Timeout connecting to the MASTER", true);
        }
    }
}
