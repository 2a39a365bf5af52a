package io.redmesh.agent.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way a log can be tampered with or broken is found, at the right line, with its reason:
 * edited (with and without recomputing the hash), removed, reordered, inserted, duplicated,
 * bad JSON in its many forms, broken seq, empty and overlong lines, a torn end.
 */
class AuditVerifierTest {
    @TempDir
    Path dir;

    /** Six good lines, without newlines. */
    private List<String> good;

    @BeforeEach
    void writeLog() throws IOException {
        Path f = dir.resolve("good.jsonl");
        try (AuditLog log = AuditLog.open(f, "n1")) {
            log.append("operator:alice", AuditLog.ACL_SETUSER, "bob", "1-0@n1", Map.of("rules", "on ~* +@read"));
            log.append("node:n2", AuditLog.ACL_REMOTE_APPLY, "carol", "2-0@n2", Map.of());
            log.append("agent", AuditLog.CERT_ISSUED, "serial:0a", null, Map.of("notAfter", "2026-11-29T00:00:00Z"));
            log.append("agent", AuditLog.CERT_RENEWED, "serial:0b", null, Map.of());
            log.append("operator:alice", AuditLog.ACL_DELUSER, "bob", "3-0@n1", Map.of());
            log.append("node:n3", AuditLog.RECORD_REJECTED, "acl:eve", "4-0@n3", Map.of("why", "bad signature"));
        }
        good = Files.readAllLines(f, StandardCharsets.UTF_8);
        assertEquals(6, good.size());
    }

    private static AuditVerifier.Result verify(List<String> lines) throws IOException {
        return verify(String.join("\n", lines) + (lines.isEmpty() ? "" : "\n"));
    }

    private static AuditVerifier.Result verify(String text) throws IOException {
        return AuditVerifier.verify(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static void assertBad(AuditVerifier.Result r, long line, String reasonStart) {
        assertFalse(r.ok(), r.describe());
        assertEquals(line, r.badLine(), r.describe());
        assertTrue(r.reason().startsWith(reasonStart), r.describe());
    }

    private List<String> copy() {
        return new ArrayList<>(good);
    }

    /** Re-seals a line with changed fields: what a forger who knows the format does. */
    private static String forge(String line, Map<String, Object> changes) throws IOException {
        ObjectNode o = (ObjectNode) AuditLine.MAPPER.readTree(line);
        o.remove("hash");
        for (Map.Entry<String, Object> e : changes.entrySet()) {
            o.set(e.getKey(), AuditLine.MAPPER.valueToTree(e.getValue()));
        }
        return new String(AuditLine.seal(o), StandardCharsets.UTF_8);
    }

    private String hashOf(int index) throws IOException {
        return AuditLine.MAPPER.readTree(good.get(index)).get("hash").asText();
    }

    @Test
    void aGoodLogAndAnEmptyOnePass() throws IOException {
        AuditVerifier.Result r = verify(good);
        assertEquals("OK 6 events", r.describe());
        assertEquals(hashOf(5), r.lastHash());
        assertEquals("OK 0 events", verify("").describe());
    }

    @Test
    void anEditedLine() throws IOException {
        List<String> l = copy();
        l.set(2, l.get(2).replace("serial:0a", "serial:ff"));
        assertBad(verify(l), 3, "edited (its hash does not match its content)");
    }

    @Test
    void anEditedLineWithItsHashRecomputedBreaksTheNextLink() throws IOException {
        List<String> l = copy();
        l.set(2, forge(l.get(2), Map.of("subject", "serial:ff")));
        assertBad(verify(l), 4, "prev does not match the hash of line 3");
        // editing the last line that way is not visible in the file: --last-hash catches it
        List<String> end = copy();
        end.set(5, forge(end.get(5), Map.of("subject", "acl:root")));
        AuditVerifier.Result r = verify(end);
        assertTrue(r.ok());
        assertFalse(r.lastHash().equals(hashOf(5)));
    }

    @Test
    void aRemovedLine() throws IOException {
        List<String> l = copy();
        l.remove(3);
        assertBad(verify(l), 4, "seq jumps from 3 to 5: line(s) removed or reordered");
        List<String> head = copy();
        head.remove(0);
        assertBad(verify(head), 1, "seq 2 on the first line: line(s) removed from the beginning");
    }

    @Test
    void reorderedLines() throws IOException {
        List<String> l = copy();
        String third = l.get(2);
        l.set(2, l.get(3));
        l.set(3, third);
        assertBad(verify(l), 3, "seq jumps from 2 to 4: line(s) removed or reordered");
        List<String> back = copy();
        back.add(back.remove(0)); // the first line moved to the end
        assertBad(verify(back), 1, "seq 2 on the first line");
    }

    @Test
    void insertedLines() throws IOException {
        List<String> dup = copy();
        dup.add(2, dup.get(1));
        assertBad(verify(dup), 3, "seq 2 after 2: line inserted, duplicated or reordered");

        // a well-formed forgery with the right seq and prev: the original line after it breaks
        List<String> l = copy();
        l.add(2, forge(l.get(1), Map.of("seq", 3, "subject", "mallory", "prev", hashOf(1))));
        assertBad(verify(l), 4, "seq 3 after 3: line inserted, duplicated or reordered");

        // a forgery that renumbers everything after it still breaks the prev chain
        List<String> renumbered = copy();
        renumbered.add(2, forge(good.get(1), Map.of("seq", 3, "subject", "mallory", "prev", hashOf(1))));
        for (int i = 3; i < renumbered.size(); i++) {
            renumbered.set(i, forge(renumbered.get(i), Map.of("seq", i + 1)));
        }
        assertBad(verify(renumbered), 4, "prev does not match the hash of line 3");

        // a line replaced by a forged one with a good self-hash but a prev of its own
        List<String> replaced = copy();
        replaced.set(1, forge(replaced.get(1), Map.of("prev", "ab".repeat(32))));
        assertBad(verify(replaced), 2, "prev does not match the hash of line 1");
        List<String> first = copy();
        first.set(0, forge(first.get(0), Map.of("prev", "ab".repeat(32))));
        assertBad(verify(first), 1, "prev of the first line is not the start of a chain");
    }

    @Test
    void badJsonInItsManyForms() throws IOException {
        String[][] cases = {
            {"{not json", "bad JSON ("},
            {"[1,2,3]", "bad JSON (not an object)"},
            {"\"a string\"", "bad JSON (not an object)"},
            {good.get(1) + " {}", "bad JSON ("},
            {good.get(1).replace("{\"ts\"", "{\"seq\":2,\"ts\""), "bad JSON ("}, // duplicate key
            {good.get(1).substring(0, 40), "bad JSON ("},
            {"{}", "missing field \"ts\""},
        };
        for (String[] c : cases) {
            List<String> l = copy();
            l.set(1, c[0]);
            assertBad(verify(l), 2, c[1]);
        }
        byte[] latin1 = (good.get(0) + "\n" + "{\"ts\":\"caf\u00e9\"}\n").getBytes(StandardCharsets.ISO_8859_1);
        assertBad(AuditVerifier.verify(new ByteArrayInputStream(latin1)), 2, "bad JSON (");
    }

    @Test
    void malformedFields() throws IOException {
        Object[][] cases = {
            {Map.of("seq", "2"), "broken seq (\"2\" is not a positive integer)"},
            {Map.of("seq", 0), "broken seq (0 is not a positive integer)"},
            {Map.of("seq", -2), "broken seq"},
            {Map.of("seq", 2.5), "broken seq"},
            {Map.of("ts", "yesterday"), "bad ts"},
            {Map.of("ts", "2026-13-40T00:00:00.000Z"), "bad ts (2026-13-40"},
            {Map.of("actor", 7), "field \"actor\" is not a string"},
            {Map.of("version", 7), "field \"version\" is neither a string nor null"},
            {Map.of("details", "x"), "field \"details\" is not an object"},
            {Map.of("prev", "XYZ"), "field \"prev\" is not 64 lower-case hex digits"},
        };
        for (Object[] c : cases) {
            @SuppressWarnings("unchecked")
            Map<String, Object> change = (Map<String, Object>) c[0];
            List<String> l = copy();
            l.set(1, forge(l.get(1), change));
            assertBad(verify(l), 2, (String) c[1]);
        }
        // an extra field, and fields out of order, even when correctly hashed
        ObjectNode extra = (ObjectNode) AuditLine.MAPPER.readTree(good.get(1));
        extra.remove("hash");
        extra.put("note", "x");
        List<String> l = copy();
        l.set(1, new String(AuditLine.seal(extra), StandardCharsets.UTF_8));
        assertBad(verify(l), 2, "unexpected field \"note\"");
        ObjectNode moved = (ObjectNode) AuditLine.MAPPER.readTree(good.get(1));
        moved.remove("hash");
        String node = moved.remove("node").asText();
        moved.put("node", node);
        l.set(1, new String(AuditLine.seal(moved), StandardCharsets.UTF_8));
        assertBad(verify(l), 2, "fields out of order");
        // the hash member must be the literal end of the line
        l.set(1, good.get(1).replace(",\"hash\":", ", \"hash\": "));
        assertBad(verify(l), 2, "edited (the line is not as the log writes it)");
        l.set(1, good.get(1).replace("{\"ts\":", "{ \"ts\":"));
        assertBad(verify(l), 2, "edited (its hash does not match its content)");
    }

    @Test
    void emptyOverlongAndTornLines() throws IOException {
        List<String> l = copy();
        l.add(3, "");
        assertBad(verify(l), 4, "empty line");
        assertBad(verify(String.join("\n", good) + "\n\n"), 7, "empty line");
        assertBad(verify(String.join("\n", good)), 6, "incomplete last line");
        assertBad(verify(String.join("\n", good) + "\n{\"ts\":\"20"), 7, "incomplete last line");
        ByteArrayOutputStream big = new ByteArrayOutputStream();
        big.write((good.get(0) + "\n").getBytes(StandardCharsets.UTF_8));
        big.write(new byte[AuditLine.MAX_LINE + 10]);
        big.write('\n');
        big.write((good.get(1) + "\n").getBytes(StandardCharsets.UTF_8));
        assertBad(AuditVerifier.verify(new ByteArrayInputStream(big.toByteArray())), 2, "line too long");
    }

    @Test
    void linesCrossingReadBuffersVerify() throws IOException {
        Path f = dir.resolve("long.jsonl");
        try (AuditLog log = AuditLog.open(f, "n1")) {
            for (int i = 0; i < 40; i++) {
                log.append("agent", AuditLog.ACL_SETUSER, "u" + i, null, Map.of("pad", "p".repeat(5000 + i * 37)));
            }
        }
        assertEquals("OK 40 events", AuditVerifier.verify(f).describe());
    }
}
