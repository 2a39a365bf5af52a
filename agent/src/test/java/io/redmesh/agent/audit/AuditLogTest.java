package io.redmesh.agent.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AuditLog: the line format, the chain across restarts, torn tails, one writer, concurrency. */
class AuditLogTest {
    @TempDir
    Path dir;

    private static final Clock FIXED = Clock.fixed(Instant.parse("2026-11-28T00:10:00.120Z"), ZoneOffset.UTC);

    static List<JsonNode> lines(Path f) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(f, StandardCharsets.UTF_8)) {
            out.add(AuditLine.MAPPER.readTree(l));
        }
        return out;
    }

    @Test
    void writesChainedCanonicalLines() throws IOException {
        Path f = dir.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.open(f, "node-1", FIXED)) {
            assertEquals(0, log.lastSeq());
            assertEquals(AuditLine.GENESIS, log.lastHash());
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("rules", AuditLog.redactAclRules("on >secret ~* +@all"));
            details.put("origin", "node-2");
            details.put("nested", Map.of("ünïcode", List.of(1, 2.5, true)));
            AuditLog.Entry e1 = log.append("operator:alice", AuditLog.ACL_SETUSER, "bob", "1795824000123-0@node-1",
                    details);
            AuditLog.Entry e2 = log.append("agent", AuditLog.CERT_RENEWED, "serial:0a1b", null, null);
            assertEquals(1, e1.seq());
            assertEquals(2, e2.seq());
            assertEquals("2026-11-28T00:10:00.120Z", e1.ts());
            assertEquals(e2.hash(), log.lastHash());
        }
        String first = Files.readAllLines(f, StandardCharsets.UTF_8).get(0);
        assertTrue(first.startsWith("{\"ts\":\"2026-11-28T00:10:00.120Z\",\"seq\":1,\"node\":\"node-1\","
                + "\"actor\":\"operator:alice\",\"action\":\"acl.setuser\",\"subject\":\"bob\","
                + "\"version\":\"1795824000123-0@node-1\",\"details\":{\"rules\":\"on >(redacted) ~* +@all\""), first);
        List<JsonNode> ls = lines(f);
        assertEquals(AuditLine.GENESIS, ls.get(0).get("prev").asText());
        assertEquals(ls.get(0).get("hash").asText(), ls.get(1).get("prev").asText());
        assertTrue(ls.get(1).get("version").isNull());
        assertTrue(ls.get(1).get("details").isObject() && ls.get(1).get("details").isEmpty());
        assertEquals(List.of(1, 2.5, true).toString(), ls.get(0).get("details").get("nested").get("ünïcode").toString()
                .replace(",", ", "));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertEquals("OK 2 events", AuditVerifier.verify(f).describe());
    }

    @Test
    void aRestartContinuesTheChain() throws IOException {
        Path f = dir.resolve("audit.jsonl");
        String hash;
        try (AuditLog log = AuditLog.open(f, "n1")) {
            for (int i = 0; i < 3; i++) {
                log.append("agent", AuditLog.ACL_REMOTE_APPLY, "user" + i, null, Map.of("i", i));
            }
            hash = log.lastHash();
        }
        try (AuditLog log = AuditLog.open(f, "n1")) {
            assertEquals(3, log.lastSeq());
            assertEquals(hash, log.lastHash());
            log.append("agent", AuditLog.ACL_DELUSER, "user0", null, null);
            log.append("agent", AuditLog.CA_ROTATED, "ca", null, null);
            hash = log.lastHash();
        }
        AuditVerifier.Result r = AuditVerifier.verify(f);
        assertEquals("OK 5 events", r.describe());
        assertEquals(hash, r.lastHash());
        assertEquals(lines(f).get(2).get("hash").asText(), lines(f).get(3).get("prev").asText());
    }

    @Test
    void aTornLastLineIsMovedAsideAndRecordedInTheChain() throws IOException {
        Path f = dir.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.open(f, "n1")) {
            log.append("agent", AuditLog.CERT_ISSUED, "serial:01", null, null);
            log.append("agent", AuditLog.CERT_ISSUED, "serial:02", null, null);
        }
        // a crash in the middle of the third write
        byte[] torn = "{\"ts\":\"2026-11-28T00:1".getBytes(StandardCharsets.US_ASCII);
        Files.write(f, torn, StandardOpenOption.APPEND);
        try (AuditLog log = AuditLog.open(f, "n1")) {
            assertEquals(3, log.lastSeq());
            log.append("agent", AuditLog.CERT_ISSUED, "serial:03", null, null);
        }
        assertEquals("OK 4 events", AuditVerifier.verify(f).describe());
        JsonNode recorded = lines(f).get(2);
        assertEquals(AuditLog.AUDIT_TORN_TAIL, recorded.get("action").asText());
        assertEquals(torn.length, recorded.get("details").get("bytes").asInt());
        Path aside = dir.resolve(recorded.get("details").get("movedTo").asText());
        assertArrayEquals(torn, Files.readAllBytes(aside));
    }

    @Test
    void aCompleteLineWithoutItsNewlineIsTornToo() throws IOException {
        Path f = dir.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.open(f, "n1")) {
            log.append("agent", AuditLog.CERT_ISSUED, "serial:01", null, null);
            log.append("agent", AuditLog.CERT_ISSUED, "serial:02", null, null);
        }
        byte[] all = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(all, all.length - 1)); // the newline never made it
        try (AuditLog log = AuditLog.open(f, "n1")) {
            assertEquals(2, log.lastSeq()); // line 2 is gone, the torn-tail event took its seq
        }
        AuditVerifier.Result r = AuditVerifier.verify(f);
        assertEquals("OK 2 events", r.describe());
        assertEquals(AuditLog.AUDIT_TORN_TAIL, lines(f).get(1).get("action").asText());
    }

    @Test
    void aFileOfOnlyATornLineStartsAFreshChain() throws IOException {
        Path f = dir.resolve("audit.jsonl");
        Files.writeString(f, "{\"ts\":");
        try (AuditLog log = AuditLog.open(f, "n1")) {
            assertEquals(1, log.lastSeq());
        }
        assertEquals("OK 1 events", AuditVerifier.verify(f).describe());
    }

    @Test
    void aDamagedLastLineIsRefusedNotChainedOnto() throws IOException {
        Path f = dir.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.open(f, "n1")) {
            log.append("agent", AuditLog.ACL_SETUSER, "bob", null, null);
            log.append("agent", AuditLog.ACL_SETUSER, "eve", null, null);
        }
        String text = Files.readString(f).replace("\"eve\"", "\"mallory\"");
        Files.writeString(f, text);
        AuditException e = assertThrows(AuditException.class, () -> AuditLog.open(f, "n1"));
        assertTrue(e.getMessage().contains("the last line is damaged (edited"), e.getMessage());
        Files.writeString(f, "not json at all\n");
        e = assertThrows(AuditException.class, () -> AuditLog.open(f, "n1"));
        assertTrue(e.getMessage().contains("the last line is damaged (bad JSON"), e.getMessage());
        // refusing released the file: a good log opens afterwards
        Files.delete(f);
        AuditLog.open(f, "n1").close();
    }

    @Test
    void oneWriterPerFile() throws IOException {
        Path f = dir.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.open(f, "n1")) {
            AuditException e = assertThrows(AuditException.class, () -> AuditLog.open(f, "n1"));
            assertTrue(e.getMessage().contains("already open"), e.getMessage());
            log.append("agent", AuditLog.ACL_SETUSER, "bob", null, null);
        }
        try (AuditLog log = AuditLog.open(f, "n1")) {
            assertEquals(1, log.lastSeq());
        }
    }

    @Test
    void concurrentAppendsKeepOneChain() throws Exception {
        Path f = dir.resolve("audit.jsonl");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (AuditLog log = AuditLog.open(f, "n1")) {
            List<Future<List<Long>>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int id = t;
                results.add(pool.submit(() -> {
                    List<Long> seqs = new ArrayList<>();
                    for (int i = 0; i < 25; i++) {
                        seqs.add(log.append("thread-" + id, AuditLog.RECORD_REJECTED, "r" + i, null, Map.of("i", i)).seq());
                    }
                    return seqs;
                }));
            }
            Set<Long> all = new HashSet<>();
            for (Future<List<Long>> r : results) {
                all.addAll(r.get());
            }
            assertEquals(100, all.size());
        } finally {
            pool.shutdownNow();
        }
        assertEquals("OK 100 events", AuditVerifier.verify(f).describe());
    }

    @Test
    void badEventsAreRefusedAndTheLogStaysUsable() throws IOException {
        Path f = dir.resolve("audit.jsonl");
        AuditLog log = AuditLog.open(f, "n1");
        assertThrows(IllegalArgumentException.class, () -> log.append("agent", "", "x", null, null));
        assertThrows(NullPointerException.class, () -> log.append(null, AuditLog.ACL_SETUSER, "x", null, null));
        assertThrows(IllegalArgumentException.class, () -> log.append("agent", AuditLog.ACL_SETUSER, "x", null,
                Map.of("huge", "x".repeat(AuditLine.MAX_LINE))));
        assertThrows(IllegalArgumentException.class, () -> log.append("agent", AuditLog.ACL_SETUSER, "x", null,
                Map.of("unserialisable", new Object())));
        log.append("agent", AuditLog.ACL_SETUSER, "x", null, null);
        log.close();
        assertThrows(AuditException.class, () -> log.append("agent", AuditLog.ACL_SETUSER, "y", null, null));
        assertEquals("OK 1 events", AuditVerifier.verify(f).describe());
    }

    @Test
    void aFailedWriteIsReportedAndNeverChainedOnto() throws IOException {
        Path full = Path.of("/dev/full"); // every write fails with ENOSPC
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isWritable(full));
        try (AuditLog log = AuditLog.open(full, "n1")) {
            IOException e = assertThrows(IOException.class,
                    () -> log.append("agent", AuditLog.ACL_SETUSER, "bob", null, null));
            assertTrue(e.getMessage().contains("No space left"), e.getMessage());
            assertEquals(0, log.lastSeq());
            // the partial write could not be cut off (a device cannot be truncated): appends refuse
            AuditException again = assertThrows(AuditException.class,
                    () -> log.append("agent", AuditLog.ACL_SETUSER, "bob", null, null));
            assertTrue(again.getMessage().contains("unusable after a failed write"), again.getMessage());
        }
    }

    @Test
    void aclRulesLoseTheirSecrets() {
        assertEquals("on >(redacted) <(redacted) #(redacted) !(redacted) ~cache:* &* resetchannels -@all +get",
                AuditLog.redactAclRules("on >pw1 <pw2 #" + "a".repeat(64) + " !" + "b".repeat(64)
                        + "  ~cache:* &* resetchannels -@all +get"));
    }
}
