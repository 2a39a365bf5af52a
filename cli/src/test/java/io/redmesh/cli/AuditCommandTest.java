package io.redmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.agent.audit.AuditLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** redmesh audit verify: exit 0 "OK N events", exit 1 "line N: reason", exit 2 unreadable. */
class AuditCommandTest {
    @TempDir
    Path dir;

    @Test
    void verifiesAGoodLogAndNamesTheFirstBadLine() throws Exception {
        Path f = dir.resolve("audit.jsonl");
        String last;
        try (AuditLog log = AuditLog.open(f, "n1")) {
            log.append("operator:alice", AuditLog.ACL_SETUSER, "bob", "1-0@n1", Map.of());
            log.append("agent", AuditLog.CERT_RENEWED, "serial:0b", null, Map.of());
            log.append("operator:alice", AuditLog.ACL_DELUSER, "bob", "2-0@n1", Map.of());
            last = log.lastHash();
        }
        RdbCommandTest.Run ok = RdbCommandTest.redmesh("audit", "verify", f.toString());
        assertEquals(0, ok.code());
        assertEquals("OK 3 events\n", ok.out());
        assertEquals(0, RdbCommandTest.redmesh("audit", "verify", "--last-hash", last, f.toString()).code());

        String other = (last.charAt(0) == '0' ? "1" : "0") + last.substring(1);
        RdbCommandTest.Run cut = RdbCommandTest.redmesh("audit", "verify", "--last-hash", other, f.toString());
        assertEquals(1, cut.code());
        assertTrue(cut.err().startsWith("end: the last event's hash is " + last), cut.err());

        List<String> lines = Files.readAllLines(f);
        Files.write(f, List.of(lines.get(0), lines.get(1).replace("serial:0b", "serial:ff"), lines.get(2)));
        RdbCommandTest.Run bad = RdbCommandTest.redmesh("audit", "verify", f.toString());
        assertEquals(1, bad.code());
        assertEquals("line 2: edited (its hash does not match its content)\n", bad.err());

        Files.write(f, List.of(lines.get(0), lines.get(2)));
        bad = RdbCommandTest.redmesh("audit", "verify", f.toString());
        assertEquals(1, bad.code());
        assertEquals("line 2: seq jumps from 1 to 3: line(s) removed or reordered\n", bad.err());

        Files.writeString(f, "garbage\n");
        bad = RdbCommandTest.redmesh("audit", "verify", f.toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().startsWith("line 1: bad JSON ("), bad.err());
    }

    @Test
    void aMissingFileOrNoArgumentIsAUsageError() {
        RdbCommandTest.Run missing = RdbCommandTest.redmesh("audit", "verify", dir.resolve("nope.jsonl").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().startsWith("error: cannot read ") && missing.err().contains("No such file"),
                missing.err());
        assertEquals(2, RdbCommandTest.redmesh("audit", "verify").code());
        RdbCommandTest.Run dirArg = RdbCommandTest.redmesh("audit", "verify", dir.toString());
        assertEquals(2, dirArg.code(), dirArg.err());
    }
}
