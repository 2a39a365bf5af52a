package io.redmesh.node.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.DumpPayloads;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.SeededRandom;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * CVE-2026-25243 (Redis 8.6.3, 7.4.9, Debian deb12u8: RESTORE did not validate serialized values:
 * a zipmap double free, stream NACK double free, sds length overflow, zipmap lengths) and
 * CVE-2026-66373 (Redis 8.8.0, Debian deb12u9: its incomplete fix, a stream payload in which two
 * consumers share one pending entry, freed twice by XGROUP DELCONSUMER).
 *
 * <p>RedMesh decodes a payload into Java objects, bounds-checked, so none of these can corrupt
 * memory; what it must show is Redis's verdict: the same payloads refused with the same
 * "Bad data format", the same accepted, the node serving afterwards. The replay goes to Debian's
 * redis-server 7.0.15 with its backports and to RedMesh, byte for byte. Streams are read as
 * 7.0 writes them (see
 * docs/SECURITY.md); the CVE-2026-66373 payload itself is refused by both (a consumer's pending
 * entry must be the group's, owned by no other consumer), and the valid stream restored by both.
 */
class Cve2026_25243And66373RestorePayloadTest {
    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] payload(byte[] body) {
        return DumpPayloads.withFooter(body);
    }

    /** Type byte + an RDB string of {@code blob} (6-bit length). */
    private static byte[] typed(int type, String blobHex) {
        byte[] blob = hex(blobHex);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(type);
        out.write(blob.length);
        out.writeBytes(blob);
        return out.toByteArray();
    }

    private static final Object[][] CRAFTED = {
        // zipmaps (RDB type 9): the CVE-2026-25243 zipmap fixes
        {"zipmap, valid", typed(9, "0201610100780162010079ff")},
        {"zipmap, repeated field (the double free)", typed(9, "0201610100780161010079ff")},
        {"zipmap, entry past the end", typed(9, "010561ff")},
        {"zipmap, 2 GB entry length", typed(9, "01feffffff7f61ff")},
        {"zipmap, free bytes past the end", typed(9, "01016101ff78ff")},
        {"zipmap, count larger than entries", typed(9, "050161010078ff")},
        {"zipmap, no end marker", typed(9, "0101610100")},
        {"zipmap, empty", typed(9, "00ff")},
        // string lengths: the sds size overflow
        {"string, 2^64-1 length", hex("0081ffffffffffffffff")},
        {"string, 2 GB length, no data", hex("00807ffffff0")},
        {"string, LZF claiming 2 GB from 5 bytes", hex("00c305807ffffff00161620163")},
        // counts and compact encodings
        {"set, 2^64-1 members", hex("0281ffffffffffffffff")},
        {"quicklist, 4 billion nodes", hex("1280ffffffff")},
        {"intset, count past the blob", typed(11, "02000000050000000100")},
        {"listpack hash, valid", typed(16, "0d00000002008161028162 02ff".replace(" ", ""))},
        {"listpack hash, odd entry count", typed(16, "0a0000000100816102ff")},
        {"listpack, total bytes wrong", typed(16, "0e00000002008161028162 02ff".replace(" ", ""))},
        {"listpack, entry without its back length", typed(16, "0b000000020081618162ff")},
        {"listpack, count wrong", typed(16, "0d00000003008161028162 02ff".replace(" ", ""))},
        {"unknown type", hex("63616263")},
        {"module value", hex("0701")},
    };

    /**
     * Against a Redis that validates payloads deeply (sanitize-dump-payload yes), as RedMesh
     * always does: with the default "no", Redis 7.0 accepts a listpack whose entries it has not
     * looked at (the entry without its back length below) and RedMesh refuses it (see
     * docs/SECURITY.md). Zipmaps Redis always validates deeply.
     */
    @Test
    void craftedPayloadsGetRedisVerdict() {
        try (Peers p = Peers.start("--sanitize-dump-payload", "yes")) {
            for (Object[] c : CRAFTED) {
                String name = (String) c[0];
                byte[] pl = payload((byte[]) c[1]);
                String reply;
                try {
                    reply = p.same(b("RESTORE"), b("k"), b("0"), pl, b("REPLACE"));
                } catch (AssertionError e) {
                    throw new AssertionError(name + ": " + e.getMessage(), e);
                }
                if (reply.equals("+OK\r\n")) {
                    sameValue(p, "k");
                } else {
                    assertEquals("-ERR Bad data format\r\n", reply, name);
                }
            }
            p.bothAlive();
        }
    }

    /**
     * CVE-2026-66373's payload: a stream whose consumers c1 and c2 each have one pending entry,
     * c2's rewritten to reference c1's (ids are stored raw, 16 bytes, in the group PEL and in each
     * consumer's PEL). The patched Redis refuses it; RedMesh, without streams, refuses every stream.
     */
    @Test
    void streamWithASharedPendingEntryIsRefusedByBoth() {
        try (Peers p = Peers.start()) {
            RespClient r = p.redis;
            r.call("XADD", "s", "1-1", "f", "v");
            r.call("XADD", "s", "2-1", "f", "v");
            r.call("XGROUP", "CREATE", "s", "g", "0");
            r.call("XREADGROUP", "GROUP", "g", "c1", "COUNT", "1", "STREAMS", "s", ">");
            r.call("XREADGROUP", "GROUP", "g", "c2", "COUNT", "1", "STREAMS", "s", ">");
            byte[] dump = bulk(r.call("DUMP", "s"));
            byte[] body = Arrays.copyOf(dump, dump.length - 10);
            byte[] id1 = ByteBuffer.allocate(16).putLong(1).putLong(1).array();
            byte[] id2 = ByteBuffer.allocate(16).putLong(2).putLong(1).array();
            int at = lastIndexOf(body, id2);
            assertTrue(at > 0, "c2's pending entry is in the payload");
            byte[] shared = body.clone();
            System.arraycopy(id1, 0, shared, at, 16);
            assertEquals("-ERR Bad data format\r\n", p.same(b("RESTORE"), b("poc"), b("0"), payload(shared)));
            p.same("EXISTS", "poc");
            // the valid stream: both restore it, and describe it alike
            assertEquals("+OK\r\n", p.same(b("RESTORE"), b("copy"), b("0"), dump));
            p.same("XPENDING", "copy", "g");
            p.same("XINFO", "GROUPS", "copy");
            p.same("XRANGE", "copy", "-", "+");
            p.bothAlive();
        }
    }

    /**
     * Mutated payloads of strings, lists, sets and hashes, judged against redis-server with
     * sanitize-dump-payload yes (deep validation, which RedMesh always does): the same verdict
     * for each, and an accepted value the same on both afterwards. Sorted sets are left out:
     * Redis checks a sorted set listpack's structure only (see the next test); RestoreFuzzTest
     * mutates them against RedMesh alone.
     */
    @Test
    void mutatedPayloadsGetTheVerdictOfADeepSanitizingRedis() {
        try (Peers p = Peers.start("--sanitize-dump-payload", "yes")) {
            String[][] values = {
                {"SET", "v", "x".repeat(100)},
                {"SET", "v", "12345"},
                {"RPUSH", "v", "a", "1", "bbbbbbbbbbbbbbbbbbbbbbbbbbbb", "300000", "-7"},
                {"SADD", "v", "1", "2", "70000"},
                {"SADD", "v", "a", "b", "c"},
                {"HSET", "v", "f", "v", "g", "12"},
            };
            SeededRandom fuzz = SeededRandom.create();
            for (String[] v : values) {
                p.same("DEL", "v");
                p.same(v);
                byte[] dump = bulk(p.redis.call("DUMP", "v"));
                byte[] body = Arrays.copyOf(dump, dump.length - 10);
                fuzz.repeat(300, i -> {
                    byte[] m = mutate(body, fuzz);
                    if (SORTED_SET_TYPES.contains(m[0] & 0xff)) {
                        return; // a type byte mutated into a sorted set's: the departure below
                    }
                    try {
                        String reply = p.same(b("RESTORE"), b("m"), b("0"), payload(m), b("REPLACE"));
                        if (reply.equals("+OK\r\n")) {
                            sameValue(p, "m");
                            p.same("DEL", "m");
                        }
                    } catch (AssertionError e) {
                        throw new AssertionError("payload body " + HexFormat.of().formatHex(m) + " (mutated from "
                                + HexFormat.of().formatHex(body) + "): " + e.getMessage(), e);
                    }
                });
            }
            p.bothAlive();
        }
    }

    /** RDB types of sorted sets (ZSET, ZSET_2, ZSET_ZIPLIST, ZSET_LISTPACK): not fuzzed here. */
    private static final java.util.Set<Integer> SORTED_SET_TYPES = java.util.Set.of(3, 5, 12, 17);

    /**
     * The restored value is the same on both: type, encoding and contents (members of sets and
     * hashes compared as sorted lines: hash tables list them in each server's hash order).
     */
    private static void sameValue(Peers p, String key) {
        String type = p.same("TYPE", key);
        p.same("OBJECT", "ENCODING", key);
        switch (type) {
            case "+string\r\n" -> p.same("GET", key);
            case "+list\r\n" -> p.same("LRANGE", key, "0", "-1");
            case "+zset\r\n" -> p.same("ZRANGE", key, "0", "-1", "WITHSCORES");
            case "+set\r\n" -> assertEquals(sortedLines(p.redis.call("SMEMBERS", key)), sortedLines(p.node.call("SMEMBERS", key)));
            case "+hash\r\n" -> {
                assertEquals(sortedLines(p.redis.call("HKEYS", key)), sortedLines(p.node.call("HKEYS", key)));
                assertEquals(sortedLines(p.redis.call("HVALS", key)), sortedLines(p.node.call("HVALS", key)));
            }
            default -> throw new AssertionError("unexpected type " + type);
        }
    }

    /** The bulk strings of an array reply, sorted. */
    private static java.util.List<String> sortedLines(byte[] reply) {
        String r = new String(reply, StandardCharsets.ISO_8859_1);
        java.util.List<String> items = new java.util.ArrayList<>();
        int pos = r.indexOf("\r\n") + 2;
        while (pos < r.length()) {
            int nl = r.indexOf("\r\n", pos);
            int len = Integer.parseInt(r.substring(pos + 1, nl));
            items.add(r.substring(nl + 2, nl + 2 + len));
            pos = nl + 2 + len + 2;
        }
        java.util.Collections.sort(items);
        return items;
    }

    /**
     * Where RedMesh departs (docs/SECURITY.md): Redis 7.0 stores a sorted set listpack without
     * reading its scores or their order, so a score that is no number ("abc") is restored and
     * reads as 0; RedMesh decodes every payload and refuses it.
     */
    @Test
    void aSortedSetListpackWithAScoreThatIsNoNumberIsRefused() {
        try (Peers p = Peers.start("--sanitize-dump-payload", "yes")) {
            byte[] pl = payload(typed(17, "0f0000000200816102836162630" + "4ff"));
            assertEquals("+OK\r\n", new String(p.redis.call(b("RESTORE"), b("z"), b("0"), pl), StandardCharsets.ISO_8859_1));
            assertEquals("-ERR Bad data format\r\n", new String(p.node.call(b("RESTORE"), b("z"), b("0"), pl),
                    StandardCharsets.ISO_8859_1));
            p.bothAlive();
        }
    }

    private static byte[] mutate(byte[] body, SeededRandom fuzz) {
        byte[] m = body.clone();
        java.util.Random r = fuzz.random();
        for (int f = 1 + r.nextInt(3); f > 0; f--) {
            m[r.nextInt(m.length)] = (byte) r.nextInt(256);
        }
        if (r.nextInt(5) == 0) {
            m = Arrays.copyOf(m, 1 + r.nextInt(m.length));
        }
        return m;
    }

    private static int lastIndexOf(byte[] hay, byte[] needle) {
        for (int i = hay.length - needle.length; i >= 0; i--) {
            if (Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    static byte[] bulk(byte[] reply) {
        String s = new String(reply, StandardCharsets.ISO_8859_1);
        assertTrue(s.startsWith("$"), s);
        int nl = s.indexOf("\r\n");
        int len = Integer.parseInt(s.substring(1, nl));
        return Arrays.copyOfRange(reply, nl + 2, nl + 2 + len);
    }
}
