package io.redmesh.agent.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.redmesh.node.spi.NodeLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A node's append-only audit log of security events (who did what to which user or
 * certificate, where, when, at which version): JSON lines chained by SHA-256 so that an edited,
 * removed, inserted or reordered line is found by {@link AuditVerifier} ({@code redmesh audit
 * verify FILE}). The line format is {@link AuditLine}'s.
 *
 * <pre>
 * try (AuditLog audit = AuditLog.open(dir.resolve("audit.jsonl"), "node-1")) {
 *     audit.append("operator:alice", AuditLog.ACL_SETUSER, "bob", "1795824000123-0@node-1",
 *             Map.of("rules", AuditLog.redactAclRules(rules)));
 * }
 * </pre>
 *
 * <p><b>Durability.</b> Every event is written and fsync'd before {@link #append} returns
 * (security events are rare: ACL changes, certificate issuance and rotation), so an event whose
 * append returned survives a crash.
 *
 * <p><b>Restart.</b> {@link #open} checks the last line (its JSON and its own hash) and
 * continues the chain from its seq and hash; a whole-file check is the verifier's job. A
 * last line without its newline is a write a crash cut short (its append never returned): its
 * bytes are moved to {@code FILE.torn-<millis>} for inspection, the file is truncated after the
 * last complete line, a warning is logged, and an {@code audit.torn-tail} event recording that
 * is the first event appended. A damaged last <i>complete</i> line is not a crash: open refuses
 * (AuditException) rather than chain onto it; move the file aside to start a new log.
 *
 * <p><b>Limits.</b> The chain shows edits, removals, insertions and reordering anywhere but at
 * the end: lines cut from the end, or a whole file rewritten with recomputed hashes, look
 * valid. Compare the last hash with one kept elsewhere ({@link #lastHash()}) to catch those.
 * One writer per file: open takes an exclusive lock. Details must carry no secrets (see
 * {@link #redactAclRules}). Thread-safe.
 */
public final class AuditLog implements AutoCloseable {
    // ------------------------------------------------------------------ actions
    public static final String ACL_SETUSER = "acl.setuser";
    public static final String ACL_DELUSER = "acl.deluser";
    /** A user change received from another node and applied here. */
    public static final String ACL_REMOTE_APPLY = "acl.remote-apply";
    public static final String CERT_ISSUED = "cert.issued";
    public static final String CERT_RENEWED = "cert.renewed";
    public static final String CERT_REVOKED = "cert.revoked";
    public static final String CA_ROTATED = "ca.rotated";
    /** A gossiped record dropped (bad signature, policy). */
    public static final String RECORD_REJECTED = "record.rejected";
    /** Written by the log itself after it cut a torn last line at open. */
    public static final String AUDIT_TORN_TAIL = "audit.torn-tail";

    /** One appended event: its seq, timestamp and hash (the next line's prev). */
    public record Entry(long seq, String ts, String hash) {}

    private final Path file;
    private final String node;
    private final Clock clock;
    private final FileChannel channel;
    private final FileLock lock;
    private long size;
    private long lastSeq;
    private String lastHash;
    private boolean closed;
    /** Set when a failed write could not be undone: the file's tail is unknown, appends refuse. */
    private IOException failed;

    private AuditLog(Path file, String node, Clock clock, FileChannel channel, FileLock lock) {
        this.file = file;
        this.node = node;
        this.clock = clock;
        this.channel = channel;
        this.lock = lock;
    }

    /** Opens (creating, mode 0640) the log of node {@code node}, continuing its chain. */
    public static AuditLog open(Path file, String node) throws IOException {
        return open(file, node, Clock.systemUTC());
    }

    /** As {@link #open(Path, String)} with the clock the timestamps come from (tests). */
    public static AuditLog open(Path file, String node, Clock clock) throws IOException {
        Objects.requireNonNull(node, "node");
        Path abs = file.toAbsolutePath();
        if (abs.getParent() != null) {
            Files.createDirectories(abs.getParent());
        }
        boolean created = true;
        try {
            Files.createFile(abs, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")));
        } catch (FileAlreadyExistsException e) {
            created = false; // an existing log: continue it
        } catch (UnsupportedOperationException e) {
            Files.createFile(abs); // not a POSIX file system
        }
        if (created && abs.getParent() != null) {
            syncDirectory(abs.getParent()); // the new file's name survives a crash too
        }
        FileChannel ch = FileChannel.open(abs, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            ch.close();
            throw new AuditException("audit log " + abs + " is already open (by this or another process)");
        }
        AuditLog log = new AuditLog(abs, node, clock, ch, lock);
        try {
            log.recover();
        } catch (IOException | RuntimeException e) {
            log.close();
            throw e;
        }
        return log;
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some file systems cannot sync a directory; the file's own fsyncs still hold
        }
    }

    /** Reads the tail: cuts a torn last line, checks the last complete one, takes seq and hash from it. */
    private void recover() throws IOException {
        size = channel.size();
        long end = lastNewline(size);
        if (end + 1 < size) {
            long torn = size - (end + 1);
            Path aside = file.resolveSibling(file.getFileName() + ".torn-" + clock.millis());
            try (FileChannel out = FileChannel.open(aside, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                long done = 0;
                while (done < torn) {
                    done += channel.transferTo(end + 1 + done, torn - done, out);
                }
                out.force(true);
            }
            channel.truncate(end + 1);
            channel.force(true);
            size = end + 1;
            NodeLog.warning("Audit log " + file + ": the last line was incomplete (" + torn + " bytes, a write cut "
                    + "short by a crash); moved them to " + aside + " and continued the chain");
            readLastLine(end);
            append("audit", AUDIT_TORN_TAIL, file.getFileName().toString(), null,
                    Map.of("bytes", torn, "movedTo", aside.getFileName().toString()));
            return;
        }
        readLastLine(end);
    }

    /** Sets lastSeq/lastHash from the complete line ending at {@code end} (its newline), or genesis. */
    private void readLastLine(long end) throws IOException {
        if (end < 0) {
            lastSeq = 0;
            lastHash = AuditLine.GENESIS;
            return;
        }
        long start = lastNewline(end) + 1;
        long len = end - start;
        if (len > AuditLine.MAX_LINE) {
            throw new AuditException("audit log " + file + ": the last line is damaged (longer than "
                    + AuditLine.MAX_LINE + " bytes); check it with `redmesh audit verify`, move it aside to start a new log");
        }
        ByteBuffer b = ByteBuffer.allocate((int) len);
        while (b.hasRemaining()) {
            if (channel.read(b, start + b.position()) < 0) {
                throw new IOException("audit log " + file + " shrank while being read");
            }
        }
        try {
            AuditLine.Parsed p = AuditLine.check(b.array(), (int) len);
            lastSeq = p.seq();
            lastHash = p.hash();
        } catch (AuditLine.Bad e) {
            throw new AuditException("audit log " + file + ": the last line is damaged (" + e.getMessage()
                    + "); check it with `redmesh audit verify`, move it aside to start a new log");
        }
    }

    /** The position of the last '\n' before {@code limit}, or -1. */
    private long lastNewline(long limit) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8192);
        long pos = limit;
        while (pos > 0) {
            int n = (int) Math.min(b.capacity(), pos);
            b.clear().limit(n);
            long from = pos - n;
            while (b.hasRemaining()) {
                if (channel.read(b, from + b.position()) < 0) {
                    throw new IOException("audit log " + file + " shrank while being read");
                }
            }
            for (int i = n - 1; i >= 0; i--) {
                if (b.get(i) == '\n') {
                    return from + i;
                }
            }
            pos = from;
        }
        return -1;
    }

    // ------------------------------------------------------------------ appending

    /**
     * Appends one event and fsyncs it.
     *
     * @param actor   who: "operator:alice", "node:n2", "agent", "client:id=7 addr=..."
     * @param action  what: one of the constants above (other names are allowed: "area.verb")
     * @param subject which user, certificate serial, CA
     * @param version the record version (hybrid logical clock and origin), or null
     * @param details more facts (strings, numbers, booleans, lists, maps); never secrets
     * @return the event's seq, timestamp and hash
     * @throws IOException when it could not be written (the file is then as before, or appends
     *                     refuse from then on if even that could not be ensured)
     */
    public synchronized Entry append(String actor, String action, String subject, String version,
                                     Map<String, ?> details) throws IOException {
        if (closed) {
            throw new AuditException("audit log " + file + " is closed");
        }
        if (failed != null) {
            throw new AuditException("audit log " + file + " is unusable after a failed write: " + failed.getMessage());
        }
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(subject, "subject");
        if (action == null || action.isEmpty()) {
            throw new IllegalArgumentException("an audit event needs an action");
        }
        long seq = lastSeq + 1;
        String ts = AuditLine.timestamp(clock.instant());
        ObjectNode body = AuditLine.MAPPER.createObjectNode();
        body.put("ts", ts);
        body.put("seq", seq);
        body.put("node", node);
        body.put("actor", actor);
        body.put("action", action);
        body.put("subject", subject);
        body.put("version", version);
        body.set("details", details == null ? AuditLine.MAPPER.createObjectNode()
                : AuditLine.MAPPER.valueToTree(details));
        body.put("prev", lastHash);
        byte[] line = AuditLine.seal(body);
        if (line.length > AuditLine.MAX_LINE) {
            throw new IllegalArgumentException("audit event too large (" + line.length + " bytes, at most "
                    + AuditLine.MAX_LINE + ")");
        }
        ByteBuffer buf = ByteBuffer.allocate(line.length + 1).put(line).put((byte) '\n').flip();
        long at = size;
        try {
            while (buf.hasRemaining()) {
                channel.write(buf, at + buf.position());
            }
            channel.force(false);
        } catch (IOException e) {
            undo(at, e);
            throw e;
        }
        size = at + line.length + 1;
        lastSeq = seq;
        lastHash = AuditLine.sha256(withoutHash(line), line.length - AuditLine.HASH_SUFFIX + 1);
        return new Entry(seq, ts, lastHash);
    }

    /** Cuts a partly written line so the next append does not chain onto garbage. */
    private void undo(long at, IOException cause) {
        try {
            channel.truncate(at);
            channel.force(true);
        } catch (IOException e) {
            cause.addSuppressed(e);
            failed = cause;
        }
    }

    private static byte[] withoutHash(byte[] line) {
        int cut = line.length - AuditLine.HASH_SUFFIX;
        byte[] body = java.util.Arrays.copyOf(line, cut + 1);
        body[cut] = '}';
        return body;
    }

    /** The seq of the last event (0: none yet). */
    public synchronized long lastSeq() {
        return lastSeq;
    }

    /** The hash of the last event (64 zeros: none yet); keep it elsewhere to detect a cut tail. */
    public synchronized String lastHash() {
        return lastHash;
    }

    public Path file() {
        return file;
    }

    public String node() {
        return node;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel releases it too
        }
        try {
            channel.close();
        } catch (IOException e) {
            NodeLog.warning("Audit log " + file + ": close failed: " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------ helpers for callers

    private static final Set<Character> SECRET_RULE_PREFIXES = Set.of('>', '<', '#', '!');

    /**
     * ACL rules fit for the audit log: passwords and password hashes ({@code >pw <pw #hash
     * !hash}) become {@code >(redacted)} etc.; everything else is kept.
     */
    public static String redactAclRules(String rules) {
        StringBuilder out = new StringBuilder();
        for (String word : rules.trim().split("\\s+")) {
            if (word.isEmpty()) {
                continue;
            }
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append(SECRET_RULE_PREFIXES.contains(word.charAt(0)) ? word.charAt(0) + "(redacted)" : word);
        }
        return out.toString();
    }
}
