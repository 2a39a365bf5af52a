package io.redmesh.node.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.command.ServerContext;
import io.redmesh.node.db.DictEntry;
import io.redmesh.node.db.Snapshot;
import io.redmesh.node.db.SnapshotSink;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "child" bookkeeping of background saves: a killed BGSAVE is a child until its thread has
 * ended (it still writes and then deletes temp-bg-&lt;pid&gt;.rdb, which a new save would reuse),
 * and FLUSHALL with save points saves the empty dataset while another snapshot walk (an AOF
 * rewrite) runs, as Redis's rdbSave does whatever child is active.
 */
class BgsaveChildEdgesTest {
    @TempDir
    Path dir;

    private static String hex(String s) {
        return HexFormat.of().formatHex(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aKilledBgsaveIsStillAChildUntilItsThreadEnds() throws Exception {
        try (ServerFixture s = ServerFixture.start("--dir", dir.toString()); RespClient c = s.client()) {
            BackgroundSaver saver = s.server().saver();
            saver.format(new TextFormat());
            ServerContext ctx = s.context();
            assertEquals("+OK\r\n", c.callString("SET", "a", "1"));
            ctx.lock.lock();
            try {
                assertTrue(saver.startBackground());
                saver.kill(); // as FLUSHALL does
                // Its thread needs the lock we hold to notice: it has not ended, its temp file is live.
                assertTrue(saver.childActive());
                assertFalse(saver.startBackground());
            } finally {
                ctx.lock.unlock();
            }
            BackgroundSaveTest.await(() -> {
                ctx.lock.lock();
                try {
                    return !saver.childActive();
                } finally {
                    ctx.lock.unlock();
                }
            }, "the killed save to end");
            assertEquals("+Background saving started\r\n", c.callString("BGSAVE"));
            BackgroundSaveTest.await(() -> BackgroundSaveTest.info(c, "rdb_bgsave_in_progress").equals("0"), "the save");
            assertEquals("ok", BackgroundSaveTest.info(c, "rdb_last_bgsave_status"));
            assertEquals(Map.of("0 " + hex("a"), hex("1") + " 0"), TextFormat.read(dir.resolve("dump.rdb")));
        }
    }

    @Test
    void flushallSavesWithSavePointsWhileAnotherSnapshotWalks() throws Exception {
        try (ServerFixture s = ServerFixture.start("--dir", dir.toString(), "--save", "3600 1");
                RespClient c = s.client()) {
            BackgroundSaver saver = s.server().saver();
            saver.format(new TextFormat());
            ServerContext ctx = s.context();
            assertEquals("+OK\r\n", c.callString("SET", "a", "1"));
            Snapshot other;
            ctx.lock.lock();
            try {
                // Stands for a BGREWRITEAOF walking the keyspace (nobody walks this one: it stays).
                other = Snapshot.begin(ctx.keyspace, ctx.lock, new SnapshotSink() {
                    @Override
                    public void begin(long[] keys, long[] volatileKeys) {}

                    @Override
                    public void entry(int db, DictEntry e) {}

                    @Override
                    public void end() {}
                });
            } finally {
                ctx.lock.unlock();
            }
            try {
                assertEquals("+OK\r\n", c.callString("FLUSHALL"));
                // flushAllDataAndResetRDB: the empty dataset is on disk, or a restart brings "a" back
                assertEquals(Map.of(), TextFormat.read(dir.resolve("dump.rdb")));
                assertEquals("+OK\r\n", c.callString("SET", "b", "2"));
                ctx.lock.lock();
                try {
                    assertTrue(saver.prepareForShutdown(false, false, false)); // SHUTDOWN's save too
                } finally {
                    ctx.lock.unlock();
                }
                assertEquals(Map.of("0 " + hex("b"), hex("2") + " 0"), TextFormat.read(dir.resolve("dump.rdb")));
            } finally {
                ctx.lock.lock();
                try {
                    other.abort();
                } finally {
                    ctx.lock.unlock();
                }
            }
        }
    }
}
