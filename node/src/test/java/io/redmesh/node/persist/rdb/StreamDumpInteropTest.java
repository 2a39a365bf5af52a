package io.redmesh.node.persist.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redmesh.node.testing.RespClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Streams between a real redis-server 7.0.15 and RedMesh as DUMP payloads
 * (RDB_TYPE_STREAM_LISTPACKS_2): built by the same commands, the payloads are byte-identical
 * (node splits, master entries, tombstones, counters); with consumer groups, whose times differ
 * between the two servers, each side restores the other's payload and describes it exactly as
 * the other does (XINFO STREAM FULL).
 */
class StreamDumpInteropTest extends BothServers {
    @BeforeEach
    void flush() {
        both("FLUSHALL");
        both("CONFIG", "SET", "rdbcompression", "yes");
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private void sameDump(String what) {
        String r = DumpDifferentialTest.hex(DumpDifferentialTest.bulk(real.call("DUMP", "k")));
        String o = DumpDifferentialTest.hex(DumpDifferentialTest.bulk(ours.call("DUMP", "k")));
        int i = 0;
        while (i < Math.min(r.length(), o.length()) && r.charAt(i) == o.charAt(i)) {
            i++;
        }
        assertEquals(r, o, what + ": DUMP differs at hex offset " + i);
        crossRestore(what);
    }

    /** Each side restores the other's payload; the copy reads as the original does. */
    private void crossRestore(String what) {
        byte[] r = DumpDifferentialTest.bulk(real.call("DUMP", "k"));
        byte[] o = DumpDifferentialTest.bulk(ours.call("DUMP", "k"));
        assertEquals("+OK\r\n", new String(ours.call(b("RESTORE"), b("k2"), b("0"), r), StandardCharsets.ISO_8859_1), what);
        assertEquals("+OK\r\n", new String(real.call(b("RESTORE"), b("k2"), b("0"), o), StandardCharsets.ISO_8859_1), what);
        assertEquals(full(real, "k"), full(ours, "k2"), what + ": we restored real's payload differently");
        assertEquals(full(ours, "k"), full(real, "k2"), what + ": real restored our payload differently");
        assertEquals(real.callString("XRANGE", "k", "-", "+"), ours.callString("XRANGE", "k2", "-", "+"), what);
        both("DEL", "k2");
    }

    /** XINFO STREAM FULL, radix-tree-nodes masked (an estimate in RedMesh, see StreamInfoCommands). */
    private static String full(RespClient c, String key) {
        return c.callString("XINFO", "STREAM", key, "FULL", "COUNT", "0")
                .replaceAll("radix-tree-nodes\r\n:\\d+", "radix-tree-nodes\r\n:N");
    }

    @Test
    void entriesNodesAndEncodings() {
        both("XADD", "k", "1-1", "a", "1", "b", "two");
        both("XADD", "k", "1-2", "a", "-17", "b", "x".repeat(70));
        both("XADD", "k", "1-3", "c", "3");
        both("XADD", "k", "5-0", "a", "123456789012", "b", "");
        both("XADD", "k", "5-1", "01", "-0", "1.5", "9223372036854775807");
        sameDump("one node, same and different fields");
        for (int i = 0; i < 250; i++) {
            both("XADD", "k", (10 + i) + "-" + (i % 3), "f" + (i % 4), "v" + i, "g", Integer.toString(i * 37));
        }
        sameDump("three nodes of 100 entries");
        both("XADD", "k", "1000-0", "big", "y".repeat(5000));
        both("XADD", "k", "1000-1", "big", "z".repeat(300));
        both("XADD", "k", "1000-2", "a", "1");
        sameDump("node split by stream-node-max-bytes");
    }

    @Test
    void tombstonesTrimsAndCounters() {
        for (int i = 1; i <= 320; i++) {
            both("XADD", "k", i + "-0", "f", "v" + i);
        }
        both("XDEL", "k", "1-0", "50-0", "150-0", "319-0");
        both("XTRIM", "k", "MAXLEN", "~", "200");
        sameDump("deleted entries and approximate trim");
        both("XTRIM", "k", "MINID", "255");
        both("XSETID", "k", "9999-3", "ENTRIESADDED", "5000", "MAXDELETEDID", "400-0");
        sameDump("exact trim inside a node, XSETID counters");
        both("XTRIM", "k", "MAXLEN", "0");
        sameDump("empty stream that keeps its counters");
    }

    @Test
    void consumerGroups() {
        for (int i = 1; i <= 120; i++) {
            both("XADD", "k", i + "-0", "f", "v" + i);
        }
        both("XGROUP", "CREATE", "k", "g1", "0");
        both("XGROUP", "CREATE", "k", "g2", "$", "ENTRIESREAD", "120");
        both("XGROUP", "CREATE", "k", "g3", "7-0");
        real.call("XREADGROUP", "GROUP", "g1", "alice", "COUNT", "30", "STREAMS", "k", ">");
        ours.call("XREADGROUP", "GROUP", "g1", "alice", "COUNT", "30", "STREAMS", "k", ">");
        real.call("XREADGROUP", "GROUP", "g1", "bob", "COUNT", "5", "STREAMS", "k", ">");
        ours.call("XREADGROUP", "GROUP", "g1", "bob", "COUNT", "5", "STREAMS", "k", ">");
        both("XGROUP", "CREATECONSUMER", "k", "g3", "idle-one");
        both("XACK", "k", "g1", "3-0", "4-0");
        both("XDEL", "k", "10-0");
        crossRestore("groups with pending entries");
        both("XGROUP", "CREATE", "e", "g", "$", "MKSTREAM");
        both("RENAME", "e", "k");
        sameDump("empty stream with a group and no consumer");
    }

    @Test
    void corruptPayloadsAreRefused() {
        both("XADD", "k", "1-1", "a", "1");
        byte[] good = DumpDifferentialTest.bulk(ours.call("DUMP", "k"));
        List<String> replies = new ArrayList<>();
        for (int i = 1; i < good.length - 10; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 0x5a;
            String o = new String(ours.call(b("RESTORE"), b("bad"), b("0"), bad, b("REPLACE")), StandardCharsets.ISO_8859_1);
            replies.add(o);
            ours.call("DEL", "bad");
        }
        // Every flipped byte is caught by the payload's CRC, and the server keeps serving.
        for (String r : replies) {
            assertEquals("-ERR DUMP payload version or checksum are wrong\r\n", r);
        }
        assertEquals("+PONG\r\n", ours.callString("PING"));
    }
}
