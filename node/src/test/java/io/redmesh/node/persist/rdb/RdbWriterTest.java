package io.redmesh.node.persist.rdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.db.Database;
import io.redmesh.node.db.DictEntry;
import io.redmesh.node.db.Keyspace;
import io.redmesh.node.db.ListValue;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import io.redmesh.node.util.Bytes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RdbWriter as a SnapshotSink fed out of order, and SAVE's crash safety. */
class RdbWriterTest {
    @TempDir
    Path dir;

    @Test
    void interleavedDatabasesBecomeOneSectionEach() throws Exception {
        Keyspace src = new Keyspace(4);
        List<int[]> order = new ArrayList<>();
        for (int db = 0; db < 4; db++) {
            if (db == 2) {
                continue; // an empty database has no section
            }
            Database d = src.db(db);
            for (int i = 0; i < 200; i++) {
                DictEntry e = d.add(Bytes.of("k" + db + ":" + i), Bytes.of("v" + i));
                if (i % 10 == 0) {
                    d.setExpire(e, System.currentTimeMillis() + 100_000);
                }
                order.add(new int[] {db, i});
            }
            ListValue l = new ListValue();
            l.pushTail(Bytes.of("x"));
            d.add(Bytes.of("list" + db), l);
            order.add(new int[] {db, -1});
        }
        Collections.shuffle(order, new Random(3));
        long[] keys = new long[4];
        long[] vol = new long[4];
        for (int db = 0; db < 4; db++) {
            keys[db] = src.db(db).size();
            vol[db] = src.db(db).expiresSize();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RdbWriter w = new RdbWriter(bytes, new RdbWriter.Options());
        w.begin(keys, vol);
        for (int[] o : order) {
            byte[] k = o[1] < 0 ? Bytes.of("list" + o[0]) : Bytes.of("k" + o[0] + ":" + o[1]);
            w.entry(o[0], src.db(o[0]).dict().find(k));
        }
        w.end();
        byte[] file = bytes.toByteArray();
        // SELECTDB opcodes: one per non-empty database.
        int selects = 0;
        Keyspace dst = new Keyspace(4);
        RdbLoader.Result r = new RdbLoader(new RdbValueReader(128, 64, 512, 128, 64))
                .load(new ByteArrayInputStream(file), "mem", dst);
        assertEquals(603, r.keysLoaded);
        assertTrue(r.checksumVerified);
        for (int db = 0; db < 4; db++) {
            assertEquals(src.db(db).size(), dst.db(db).size());
            assertEquals(src.db(db).expiresSize(), dst.db(db).expiresSize());
        }
        assertArrayEquals(Bytes.of("v7"), (byte[]) dst.db(3).dict().find(Bytes.of("k3:7")).value);
        // One SELECTDB + RESIZEDB per non-empty database.
        for (int i = 0; i + 2 < file.length; i++) {
            if ((file[i] & 0xff) == Rdb.OPCODE_SELECTDB && file[i + 1] < 4 && (file[i + 2] & 0xff) == Rdb.OPCODE_RESIZEDB) {
                selects++;
            }
        }
        assertEquals(3, selects);
    }

    @Test
    void failedSaveAnswersErrAndKeepsTheOldFile() throws Exception {
        Path gone = Files.createDirectory(dir.resolve("gone"));
        try (ServerFixture s = ServerFixture.start("--dir", dir.toString(), "--enable-protected-configs", "yes");
             RespClient c = s.client()) {
            c.call("SET", "a", "1");
            assertEquals("+OK\r\n", c.callString("SAVE"));
            byte[] before = Files.readAllBytes(dir.resolve("dump.rdb"));
            assertTrue(c.callString("INFO", "persistence").contains("rdb_changes_since_last_save:0"));
            c.call("SET", "b", "2");
            assertEquals("+OK\r\n", c.callString("CONFIG", "SET", "dir", gone.toString()));
            Files.delete(gone);
            assertEquals("-ERR\r\n", c.callString("SAVE"));
            assertEquals("+PONG\r\n", c.callString("PING"));
            assertArrayEquals(before, Files.readAllBytes(dir.resolve("dump.rdb")));
        }
    }

    @Test
    void bytesAfterTheRdbAreHandedBackForAnAofTail() throws Exception {
        Keyspace src = new Keyspace(16);
        src.db(0).add(Bytes.of("a"), Bytes.of("1"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        io.redmesh.node.db.Snapshot.copyNow(src, new RdbWriter(bytes, new RdbWriter.Options()));
        byte[] tail = Bytes.of("*1\r\n$4\r\nPING\r\n");
        bytes.write(tail);
        Keyspace dst = new Keyspace(16);
        RdbLoader.Result r = new RdbLoader(new RdbValueReader(128, 64, 512, 128, 64))
                .load(new ByteArrayInputStream(bytes.toByteArray()), "preamble", dst);
        assertEquals(1, r.keysLoaded);
        assertArrayEquals(tail, r.trailing);
        assertEquals("7.0.15", r.aux.get("redis-ver"));
    }
}
