package io.redmesh.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.replication.testing.Await;
import io.redmesh.replication.testing.DatasetDump;
import io.redmesh.replication.testing.Info;
import io.redmesh.replication.testing.MixedWrites;
import io.redmesh.replication.testing.ReplicatedNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * A replica with encryption-at-rest keeps its files sealed: the RDB received in a disk-backed
 * sync (repl-diskless-load disabled) is written sealed, its own AOF and RDB are sealed with its
 * own keys, and restarted with them from its RDB it reads it back and continues partially.
 */
class SealedReplicaTest {
    static final int DBS = 2;
    static final String MARKER = "plaintext-marker-value-that-must-not-reach-the-disk";

    @TempDir
    Path dir;

    /** Whether any file under {@code d} holds {@code text} in the clear. */
    static boolean anyFileHolds(Path d, String text) throws Exception {
        byte[] needle = text.getBytes(StandardCharsets.ISO_8859_1);
        try (Stream<Path> s = Files.walk(d)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                byte[] b = Files.readAllBytes(p);
                outer:
                for (int i = 0; i + needle.length <= b.length; i++) {
                    for (int j = 0; j < needle.length; j++) {
                        if (b[i + j] != needle[j]) {
                            continue outer;
                        }
                    }
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void theReplicasFilesAreSealedWithItsOwnKeys() throws Exception {
        Path key = dir.resolve("replica.keys");
        Files.writeString(key, "replica-key " + "5a".repeat(32) + "\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Path data = Files.createDirectories(dir.resolve("data"));
        try (ReplicatedNode master = ReplicatedNode.start("master", "--repl-diskless-sync", "no");
             Jedis m = master.jedis()) {
            m.set("secret", MARKER);
            MixedWrites.run(m, 81, 1000, DBS);
            List<String> replicaArgs = List.of("--replicaof", "127.0.0.1", Integer.toString(master.port()),
                    "--dir", data.toString(), "--repl-diskless-load", "disabled", "--appendonly", "yes",
                    "--encryption-at-rest", "yes", "--encryption-key-file", key.toString());
            try (ReplicatedNode replica = ReplicatedNode.start("sealed replica", replicaArgs.toArray(new String[0]))) {
                Await.until(replica + " synced", 20_000, () -> Info.linkUp(replica.port())
                        && Info.offset(replica.port()) == Info.offset(master.port()));
                m.set("after-sync", MARKER); // reaches the replica's AOF
                Await.until(replica + " caught up", 10_000, () -> Info.offset(replica.port()) == Info.offset(master.port()));
                try (Jedis r = replica.jedis()) {
                    assertEquals(MARKER, r.get("secret"));
                    assertEquals("OK", r.save());
                }
                Path rdb = data.resolve("dump.rdb");
                assertTrue(Files.size(rdb) > 0);
                byte[] head = Files.readAllBytes(rdb);
                assertFalse(new String(head, 0, 5, StandardCharsets.ISO_8859_1).equals("REDIS"), "dump.rdb is sealed");
                assertFalse(anyFileHolds(data, MARKER), "no file of the replica holds the value in the clear");
            }
            m.set("while-down", "x");
            long full = Long.parseLong(Info.field(master.port(), "stats", "sync_full"));
            // restarted from its RDB (with the AOF on, the AOF wins and records no replication
            // position, so 7.0 does a full sync: as here)
            List<String> fromRdb = new java.util.ArrayList<>(replicaArgs);
            fromRdb.set(fromRdb.indexOf("--appendonly") + 1, "no");
            try (ReplicatedNode again = ReplicatedNode.start("sealed replica again", fromRdb.toArray(new String[0]))) {
                Await.until(again + " continues", 20_000, () -> Info.linkUp(again.port())
                        && Info.offset(again.port()) == Info.offset(master.port()));
                assertEquals(DatasetDump.of(master.port(), DBS), DatasetDump.of(again.port(), DBS));
                assertEquals(full, Long.parseLong(Info.field(master.port(), "stats", "sync_full")),
                        "read its sealed RDB back and continued partially");
            }
        }
    }
}
