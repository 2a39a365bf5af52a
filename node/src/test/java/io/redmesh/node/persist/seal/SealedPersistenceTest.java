package io.redmesh.node.persist.seal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole server with sealing on: SAVE, BGSAVE, BGREWRITEAOF and the AOF's appends leave no
 * stored value anywhere under dir (temp files included), a restart reads everything back, and a
 * wrong key, a tampered or a truncated file refuse start-up naming the file.
 */
class SealedPersistenceTest {
    @TempDir
    Path dir;

    Path key(String name, String hex) throws IOException {
        Path k = dir.getParent().resolve(dir.getFileName() + "-" + name);
        Files.writeString(k, name + " " + hex + "\n");
        Files.setPosixFilePermissions(k, PosixFilePermissions.fromString("rw-------"));
        return k;
    }

    /** Runs once SAVE (persist/rdb) and BGREWRITEAOF (persist/aof) exist on this branch. */
    static void assumePersistence(RespClient c, boolean aof) {
        Assumptions.assumeFalse(c.callString("SAVE").startsWith("-ERR unknown command"), "no SAVE on this branch yet");
        Assumptions.assumeTrue(!aof || c.callString("INFO", "persistence").contains("aof_enabled:1"),
                "no AOF on this branch yet");
    }

    ServerFixture start(Path key, String... more) {
        List<String> a = new ArrayList<>(List.of("--dir", dir.toString(), "--encryption-at-rest", "yes",
                "--encryption-key-file", key.toString()));
        a.addAll(List.of(more));
        return ServerFixture.start(a.toArray(new String[0]));
    }

    static void awaitIdle(RespClient c) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            String info = c.callString("INFO", "persistence");
            if (!info.contains("aof_rewrite_in_progress:1") && !info.contains("rdb_bgsave_in_progress:1")
                    && !info.contains("aof_rewrite_scheduled:1")) {
                return;
            }
            Thread.sleep(50);
        }
        fail("persistence still busy");
    }

    /** Every file under dir that contains {@code needle}. */
    List<Path> filesContaining(String needle) throws IOException {
        List<Path> hits = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p)
                        && new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1).contains(needle)) {
                    hits.add(p);
                }
            }
        }
        return hits;
    }

    static final String BIG = "secret-big-".repeat(20_000); // spans several segments

    void writeKnownValues(RespClient c, int from) {
        for (int i = from; i < from + 200; i++) {
            c.call("SET", "secret-key-" + i, "secret-value-" + i);
        }
        if (from > 0) {
            return;
        }
        c.call("HSET", "secret-hash", "secret-field", "secret-hval");
        c.call("RPUSH", "secret-list", "secret-item-a", "secret-item-b");
        c.call("ZADD", "secret-zset", "1.5", "secret-member");
        c.call("SADD", "secret-set", "secret-smember");
        c.call("SET", "secret-big", BIG);
    }

    void assertKnownValues(RespClient c, int upTo) {
        for (int i = 0; i < upTo; i++) {
            assertEquals("$" + ("secret-value-" + i).length() + "\r\nsecret-value-" + i + "\r\n",
                    c.callString("GET", "secret-key-" + i));
        }
        assertEquals("$11\r\nsecret-hval\r\n", c.callString("HGET", "secret-hash", "secret-field"));
        assertEquals("*2\r\n$13\r\nsecret-item-a\r\n$13\r\nsecret-item-b\r\n", c.callString("LRANGE", "secret-list",
                "0", "-1"));
        assertEquals(":1\r\n", c.callString("SISMEMBER", "secret-set", "secret-smember"));
        assertTrue(c.callString("ZSCORE", "secret-zset", "secret-member").contains("1.5"));
        assertEquals("$" + BIG.length() + "\r\n" + BIG + "\r\n", c.callString("GET", "secret-big"));
    }

    @Test
    void saveAndBgsaveLeaveNoPlaintextAndLoadBack() throws Exception {
        Path k = key("k1", "5a".repeat(32));
        try (ServerFixture s = start(k); RespClient c = s.client()) {
            assumePersistence(c, false);
            writeKnownValues(c, 0);
            assertEquals("+OK\r\n", c.callString("SAVE"));
            c.call("SET", "after-save", "secret-bg");
            assertEquals("+Background saving started\r\n", c.callString("BGSAVE"));
            awaitIdle(c);
            assertEquals(List.of(), filesContaining("secret"), "plaintext on disk");
            assertTrue(SealedFiles.isSealed(dir.resolve("dump.rdb")));
        }
        assertEquals(List.of(), filesContaining("secret"), "plaintext on disk after SHUTDOWN");
        try (ServerFixture s = start(k); RespClient c = s.client()) {
            assertKnownValues(c, 200);
            assertEquals("$9\r\nsecret-bg\r\n", c.callString("GET", "after-save"));
        }
    }

    @Test
    void noPlaintextReachesDiskAndEverythingComesBack() throws Exception {
        Path k = key("k1", "5a".repeat(32));
        try (ServerFixture s = start(k, "--appendonly", "yes", "--appendfsync", "always");
             RespClient c = s.client()) {
            assumePersistence(c, true);
            writeKnownValues(c, 0);
            assertEquals("+OK\r\n", c.callString("SAVE"));
            String bg = c.callString("BGSAVE");
            assertTrue(bg.startsWith("+Background saving started") || bg.startsWith("-ERR unknown command"), bg);
            awaitIdle(c);
            assertTrue(c.callString("BGREWRITEAOF").startsWith("+"));
            awaitIdle(c);
            writeKnownValues(c, 200); // into the new incr file
            c.call("SET", "during-rewrite", "secret-late");
            assertEquals(List.of(), filesContaining("secret"), "plaintext on disk");
            assertTrue(c.callString("INFO", "persistence").contains("encryption_key_id:k1"));
        }
        assertEquals(List.of(), filesContaining("secret"), "plaintext on disk after shutdown");
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(p) && !p.toString().endsWith(".manifest") && Files.size(p) > 0) {
                    assertTrue(SealedFiles.isSealed(p), p + " is not sealed");
                }
            }
        }
        // back from the AOF (base + incr) ...
        try (ServerFixture s = start(k, "--appendonly", "yes"); RespClient c = s.client()) {
            assertKnownValues(c, 400);
            assertEquals("$11\r\nsecret-late\r\n", c.callString("GET", "during-rewrite"));
        }
        // ... and from the RDB
        try (ServerFixture s = start(k); RespClient c = s.client()) {
            assertKnownValues(c, 200);
        }
    }

    @Test
    void aWrongKeyATamperedOrATruncatedFileRefusesStartUp() throws Exception {
        Path k = key("k1", "5a".repeat(32));
        try (ServerFixture s = start(k); RespClient c = s.client()) {
            assumePersistence(c, false);
            writeKnownValues(c, 0);
            assertEquals("+OK\r\n", c.callString("SAVE"));
        }
        Path rdb = dir.resolve("dump.rdb");
        byte[] good = Files.readAllBytes(rdb);

        Path wrong = key("k1-other", "5b".repeat(32));
        Files.writeString(wrong, "k1 " + "5b".repeat(32) + "\n");
        String e = assertThrows(IllegalStateException.class, () -> start(wrong)).getMessage();
        assertTrue(e.contains(rdb.toString()) && e.contains("wrong master key"), e);

        byte[] t = good.clone();
        t[t.length / 2] ^= 0x10;
        Files.write(rdb, t);
        e = assertThrows(IllegalStateException.class, () -> start(k)).getMessage();
        assertTrue(e.contains(rdb.toString()) && e.contains("failed authentication"), e);

        Files.write(rdb, java.util.Arrays.copyOf(good, good.length - 100));
        e = assertThrows(IllegalStateException.class, () -> start(k)).getMessage();
        assertTrue(e.contains(rdb.toString()) && e.contains("truncated"), e);

        Files.write(rdb, good);
        try (ServerFixture s = start(k); RespClient c = s.client()) {
            assertKnownValues(c, 200); // the refusals left the sealed file as it was
        }
    }
}
