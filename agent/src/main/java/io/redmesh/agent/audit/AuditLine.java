package io.redmesh.agent.audit;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The format of one audit line, written once for the log and the verifier:
 *
 * <pre>
 * {"ts":"2026-11-28T00:10:00.123Z","seq":1,"node":"n1","actor":"operator:alice","action":"acl.setuser",
 *  "subject":"bob","version":"1795824000123-0@n1","details":{...},"prev":"000...000","hash":"9f2c..."}
 * </pre>
 *
 * one JSON object per line, the ten fields in this order and no others. {@code hash} is the
 * lower-case hex SHA-256 of the line's UTF-8 bytes with the {@code ,"hash":"..."} member taken
 * out (that is, of everything before it, followed by "}"); {@code prev} is the previous line's
 * hash, 64 zeros on the first line; {@code seq} counts from 1 without gaps. Hashing the bytes as
 * written, not a re-serialisation, means no JSON canonicalisation can disagree.
 */
final class AuditLine {
    static final List<String> FIELDS = List.of("ts", "seq", "node", "actor", "action", "subject", "version",
            "details", "prev", "hash");
    /** The prev of a chain's first line. */
    static final String GENESIS = "0".repeat(64);
    /** Lines longer than this are refused by the writer and reported by the verifier. */
    static final int MAX_LINE = 1 << 20;
    /** {@code ,"hash":"} + 64 hex + {@code "}}. */
    static final int HASH_SUFFIX = 9 + 64 + 2;

    static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Pattern TS_SHAPE = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private AuditLine() {}

    /** What the chain checks need from a line that is sound on its own. */
    record Parsed(long seq, String prev, String hash, JsonNode json) {}

    /** A line that is not sound on its own; the message is the reason the verifier reports. */
    static final class Bad extends Exception {
        private static final long serialVersionUID = 1L;

        Bad(String reason) {
            super(reason, null, false, false);
        }
    }

    // ------------------------------------------------------------------ writing

    /** The line (no newline) for these fields, {@code body} holding ts..prev in order. */
    static byte[] seal(ObjectNode body) throws JsonProcessingException {
        byte[] withoutHash = MAPPER.writeValueAsBytes(body);
        String hash = sha256(withoutHash, withoutHash.length);
        byte[] tail = (",\"hash\":\"" + hash + "\"}").getBytes(StandardCharsets.US_ASCII);
        byte[] line = new byte[withoutHash.length - 1 + tail.length];
        System.arraycopy(withoutHash, 0, line, 0, withoutHash.length - 1);
        System.arraycopy(tail, 0, line, withoutHash.length - 1, tail.length);
        return line;
    }

    static String timestamp(Instant t) {
        return TS.format(t);
    }

    // ------------------------------------------------------------------ checking

    /**
     * Checks that a line (without its newline) is one well-formed event whose hash matches its
     * content. The chain (seq, prev) is the caller's to check.
     *
     * @throws Bad with the reason: bad JSON, a missing/extra/mistyped field, or "edited"
     */
    static Parsed check(byte[] line, int length) throws Bad {
        if (length == 0) {
            throw new Bad("empty line");
        }
        JsonNode j;
        try {
            j = MAPPER.readTree(line, 0, length);
        } catch (IOException e) {
            throw new Bad("bad JSON (" + firstLine(e.getMessage()) + ")");
        }
        if (j == null || !j.isObject()) {
            throw new Bad("bad JSON (not an object)");
        }
        for (Iterator<String> names = j.fieldNames(); names.hasNext(); ) {
            String n = names.next();
            if (!FIELDS.contains(n)) {
                throw new Bad("unexpected field \"" + n + "\"");
            }
        }
        for (String f : FIELDS) {
            if (!j.has(f)) {
                throw new Bad("missing field \"" + f + "\"");
            }
        }
        Iterator<String> names = j.fieldNames();
        for (String f : FIELDS) {
            String n = names.next();
            if (!n.equals(f)) {
                throw new Bad("fields out of order (\"" + n + "\" where \"" + f + "\" belongs)");
            }
        }
        JsonNode seq = j.get("seq");
        if (!seq.isIntegralNumber() || !seq.canConvertToLong() || seq.asLong() < 1) {
            throw new Bad("broken seq (" + seq + " is not a positive integer)");
        }
        String ts = j.get("ts").isTextual() ? j.get("ts").asText() : "";
        if (!TS_SHAPE.matcher(ts).matches()) {
            throw new Bad("bad ts (not an ISO-8601 UTC time with milliseconds)");
        }
        try {
            TS.parse(ts);
        } catch (java.time.format.DateTimeParseException e) {
            throw new Bad("bad ts (" + ts + " is no valid time)");
        }
        for (String f : List.of("node", "actor", "action", "subject")) {
            if (!j.get(f).isTextual()) {
                throw new Bad("field \"" + f + "\" is not a string");
            }
        }
        if (!j.get("version").isTextual() && !j.get("version").isNull()) {
            throw new Bad("field \"version\" is neither a string nor null");
        }
        if (!j.get("details").isObject()) {
            throw new Bad("field \"details\" is not an object");
        }
        String prev = j.get("prev").isTextual() ? j.get("prev").asText() : "";
        String hash = j.get("hash").isTextual() ? j.get("hash").asText() : "";
        if (!HEX64.matcher(prev).matches()) {
            throw new Bad("field \"prev\" is not 64 lower-case hex digits");
        }
        if (!HEX64.matcher(hash).matches()) {
            throw new Bad("field \"hash\" is not 64 lower-case hex digits");
        }
        // the hash member must be the literal end of the line, as the writer puts it
        int cut = length - HASH_SUFFIX;
        byte[] expectedTail = (",\"hash\":\"" + hash + "\"}").getBytes(StandardCharsets.US_ASCII);
        if (cut <= 0 || !java.util.Arrays.equals(line, cut, length, expectedTail, 0, expectedTail.length)) {
            throw new Bad("edited (the line is not as the log writes it)");
        }
        byte[] body = java.util.Arrays.copyOf(line, cut + 1);
        body[cut] = '}';
        if (!sha256(body, body.length).equals(hash)) {
            throw new Bad("edited (its hash does not match its content)");
        }
        return new Parsed(seq.asLong(), prev, hash, j);
    }

    static String sha256(byte[] b, int len) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(b, 0, len);
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JRE has SHA-256
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
