package io.redmesh.agent.audit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Walks an audit log from its first line and checks every line on its own (JSON, fields, its
 * hash) and against the one before it (seq + 1, prev = that line's hash). The first failure is
 * reported with its line number (1-based) and a reason:
 *
 * <ul>
 * <li>"bad JSON (...)", "missing field ...", "broken seq (...)", ... : the line is malformed;
 * <li>"edited (...)": its content does not match its hash;
 * <li>"seq jumps from A to B: line(s) removed or reordered";
 * <li>"seq B after A: line inserted, duplicated or reordered";
 * <li>"prev does not match the hash of line N: ...": a line was replaced, or edited with its
 *     hash recomputed (the break shows on the line after it);
 * <li>"incomplete last line ...": a write cut short (AuditLog cuts it at its next open).
 * </ul>
 *
 * Lines removed from the end cannot be seen from the file alone: compare {@link Result#lastHash()}
 * with a hash kept elsewhere ({@link AuditLog#lastHash()}).
 */
public final class AuditVerifier {
    private AuditVerifier() {}

    /** The outcome: ok with the number of events, or the first bad line and why. */
    public record Result(boolean ok, long events, long badLine, String reason, String lastHash) {
        static Result good(long events, String lastHash) {
            return new Result(true, events, 0, null, lastHash);
        }

        static Result bad(long line, String reason) {
            return new Result(false, 0, line, reason, null);
        }

        /** "OK 12 events" or "line 7: edited (its hash does not match its content)". */
        public String describe() {
            return ok ? "OK " + events + " events" : "line " + badLine + ": " + reason;
        }
    }

    public static Result verify(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return verify(in);
        }
    }

    public static Result verify(InputStream in) throws IOException {
        Chain chain = new Chain();
        byte[] line = new byte[4096];
        int len = 0;
        boolean overlong = false;
        byte[] buf = new byte[65536];
        int n;
        while ((n = in.read(buf)) > 0) {
            int from = 0;
            for (int i = 0; i < n; i++) {
                if (buf[i] != '\n') {
                    continue;
                }
                int part = i - from;
                if (!overlong && len + part <= AuditLine.MAX_LINE) {
                    line = append(line, len, buf, from, part);
                    len += part;
                } else {
                    overlong = true;
                }
                Result r = overlong ? Result.bad(chain.lineNo + 1, "line too long (over " + AuditLine.MAX_LINE + " bytes)")
                        : chain.next(line, len);
                if (r != null) {
                    return r;
                }
                len = 0;
                from = i + 1;
            }
            int part = n - from;
            if (!overlong && len + part <= AuditLine.MAX_LINE) {
                line = append(line, len, buf, from, part);
                len += part;
            } else {
                overlong = true;
            }
        }
        if (overlong) {
            return Result.bad(chain.lineNo + 1, "line too long (over " + AuditLine.MAX_LINE + " bytes)");
        }
        if (len > 0) {
            return Result.bad(chain.lineNo + 1, "incomplete last line (no newline: a write cut short by a crash)");
        }
        return Result.good(chain.lineNo, chain.hash);
    }

    private static byte[] append(byte[] line, int len, byte[] src, int from, int n) {
        if (len + n > line.length) {
            line = java.util.Arrays.copyOf(line, Math.max(len + n, line.length * 2));
        }
        System.arraycopy(src, from, line, len, n);
        return line;
    }

    /** The chain state between lines. */
    private static final class Chain {
        long lineNo;
        long seq;
        String hash = AuditLine.GENESIS;

        /** Checks the next line; null when it is good. */
        Result next(byte[] line, int len) {
            lineNo++;
            AuditLine.Parsed p;
            try {
                p = AuditLine.check(line, len);
            } catch (AuditLine.Bad e) {
                return Result.bad(lineNo, e.getMessage());
            }
            if (p.seq() != seq + 1) {
                if (lineNo == 1) {
                    return Result.bad(lineNo, "seq " + p.seq() + " on the first line: line(s) removed from the beginning");
                }
                return Result.bad(lineNo, p.seq() > seq + 1
                        ? "seq jumps from " + seq + " to " + p.seq() + ": line(s) removed or reordered"
                        : "seq " + p.seq() + " after " + seq + ": line inserted, duplicated or reordered");
            }
            if (!p.prev().equals(hash)) {
                return Result.bad(lineNo, lineNo == 1
                        ? "prev of the first line is not the start of a chain: line(s) removed from the beginning"
                        : "prev does not match the hash of line " + (lineNo - 1) + ": that line was replaced, "
                                + "or edited with its hash recomputed");
            }
            seq = p.seq();
            hash = p.hash();
            return null;
        }
    }
}
