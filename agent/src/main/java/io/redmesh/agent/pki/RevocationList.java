package io.redmesh.agent.pki;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The value of a REVOCATION record: revoked certificate serials with a reason and time, one per
 * line ({@code <hex serial> <ISO-8601 time> <reason>}) after a header line. Reasons are short
 * free text (no line breaks). The record itself is signed by the mesh; this is only its payload.
 */
public record RevocationList(List<Entry> entries) {
    public static final int MAX_ENTRIES = 10_000;
    public static final int MAX_REASON = 200;
    private static final String MAGIC = "redmesh-revocations 1";

    public record Entry(BigInteger serial, Instant revokedAt, String reason) {}

    public RevocationList {
        entries = List.copyOf(entries);
    }

    public static RevocationList of(Entry... entries) {
        return new RevocationList(List.of(entries));
    }

    /** This list plus one entry (an existing serial is replaced). */
    public RevocationList with(BigInteger serial, Instant at, String reason) throws PkiException {
        checkReason(reason);
        Map<BigInteger, Entry> m = new LinkedHashMap<>();
        for (Entry e : entries) {
            m.put(e.serial, e);
        }
        m.put(serial, new Entry(serial, Instant.ofEpochSecond(at.getEpochSecond()), reason));
        if (m.size() > MAX_ENTRIES) {
            throw new PkiException("revocation list: more than " + MAX_ENTRIES + " entries");
        }
        return new RevocationList(new ArrayList<>(m.values()));
    }

    public boolean contains(BigInteger serial) {
        for (Entry e : entries) {
            if (e.serial.equals(serial)) {
                return true;
            }
        }
        return false;
    }

    public Set<BigInteger> serials() {
        Set<BigInteger> s = new java.util.LinkedHashSet<>();
        for (Entry e : entries) {
            s.add(e.serial);
        }
        return s;
    }

    public byte[] encode() {
        StringBuilder sb = new StringBuilder(MAGIC).append('\n');
        for (Entry e : entries) {
            sb.append(e.serial.toString(16)).append(' ').append(e.revokedAt).append(' ').append(e.reason).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static RevocationList decode(byte[] value) throws PkiException {
        if (value == null || value.length > MAX_ENTRIES * (64 + MAX_REASON)) {
            throw new PkiException("revocation list: missing or too large");
        }
        String[] lines = new String(value, StandardCharsets.UTF_8).split("\n", -1);
        if (!lines[0].equals(MAGIC)) {
            throw new PkiException("revocation list: not a RedMesh revocation list");
        }
        List<Entry> out = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isEmpty() && i == lines.length - 1) {
                break;
            }
            String[] f = lines[i].split(" ", 3);
            try {
                if (f.length != 3 || !f[0].matches("[0-9a-f]{1,40}")) {
                    throw new IllegalArgumentException("bad fields");
                }
                checkReason(f[2]);
                out.add(new Entry(new BigInteger(f[0], 16), Instant.parse(f[1]), f[2]));
            } catch (RuntimeException | PkiException e) {
                throw new PkiException("revocation list: malformed line " + i + ": " + e.getMessage());
            }
        }
        if (out.size() > MAX_ENTRIES) {
            throw new PkiException("revocation list: more than " + MAX_ENTRIES + " entries");
        }
        return new RevocationList(out);
    }

    private static void checkReason(String reason) throws PkiException {
        if (reason == null || reason.isEmpty() || reason.length() > MAX_REASON
                || reason.indexOf('\n') >= 0 || reason.indexOf('\r') >= 0) {
            throw new PkiException("revocation reason must be 1-" + MAX_REASON + " characters on one line");
        }
    }
}
