package io.redmesh.node.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MULTI/EXEC/DISCARD/WATCH/UNWATCH and Pub/Sub against Redis 7.0, including WATCH of keys that
 * expire (7.0's rules), FLUSHALL/FLUSHDB/SWAPDB touching watched keys, and the RESP2 array /
 * RESP3 push forms of subscription replies and messages.
 */
class TransactionPubSubCompatTest {
    private static Diff diff;

    @BeforeAll
    static void start() {
        diff = Diff.start();
    }

    @AfterAll
    static void stop() {
        if (diff != null) {
            diff.close();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void multiExecDiscard() {
        try (Diff.Pair p = diff.pair()) {
            p.script("FLUSHALL", "EXEC", "DISCARD", "EXEC x", "MULTI x", "MULTI", "EXEC x", "EXEC", "MULTI", "MULTI",
                    "SET w 5", "EXEC", "MULTI", "INCR w", "SET w abc", "INCR w", "GET w", "EXEC", "MULTI", "SET w",
                    "GET w", "EXEC", "GET w", "MULTI", "FOO", "EXEC", "MULTI", "GET", "DISCARD", "MULTI", "PING",
                    "DISCARD", "DISCARD", "DISCARD x", "MULTI", "WATCH x", "UNWATCH", "EXEC", "WATCH", "UNWATCH x",
                    "WATCH x y z", "UNWATCH", "EXEC", "MULTI", "SUBSCRIBE ch", "EXEC", "MULTI", "EXEC", "MULTI",
                    "SELECT 2", "SET z 1", "EXEC", "GET z", "SELECT 0", "GET z", "MULTI", "SELECT 99", "EXEC",
                    "MULTI", "CONFIG SET hz abc", "CONFIG GET hz", "EXEC", "MULTI", "DEBUG SLEEP 0", "EXEC",
                    "MULTI", "MULTI", "EXEC", "MULTI", "RESET", "EXEC");
            p.verify();
            p.sameRaw(Diff.bytes("MULTI\r\nPING\r\nQUIT\r\n"), 3);
            p.bothClosed();
        }
    }

    @Test
    void watch() {
        try (Diff.Pair a = diff.pair(); Diff.Pair b = diff.pair()) {
            a.script("FLUSHALL", "SET x 1", "WATCH x");
            b.script("SET x 2");
            a.script("MULTI", "GET x", "EXEC", "WATCH x", "MULTI", "EXEC", "SET w 1", "WATCH w", "SET w 2", "MULTI",
                    "EXEC", "WATCH w", "MULTI", "WATCH w", "SET w 3", "EXEC", "WATCH w", "UNWATCH", "MULTI", "EXEC",
                    "WATCH nokey", "MULTI", "EXEC");
            // a key deleted while watched
            a.script("SET d 1", "WATCH d");
            b.script("DEL d");
            a.script("MULTI", "EXEC");
            // a change in another db is another key
            a.script("WATCH y");
            b.script("SELECT 1", "SET y 1", "SELECT 0");
            a.script("MULTI", "EXEC");
            a.verify();
            b.verify();
        }
    }

    @Test
    void watchExpiringKeys() {
        try (Diff.Pair a = diff.pair(); Diff.Pair b = diff.pair()) {
            // expired before WATCH: EXEC succeeds
            a.script("FLUSHALL", "SET e 1 PX 1");
            sleep(20);
            a.script("WATCH e", "MULTI", "GET e", "EXEC");
            // live at WATCH, expired at EXEC: EXEC fails (7.0)
            a.script("SET e2 1 PX 100", "WATCH e2");
            sleep(200);
            a.script("MULTI", "EXEC");
            // expired at WATCH, then set again: EXEC fails
            a.script("SET e3 1 PX 1");
            sleep(20);
            a.script("WATCH e3");
            b.script("SET e3 2");
            a.script("MULTI", "EXEC");
            // expired at WATCH, then deleted: no logical change
            a.script("SET e4 1 PX 1");
            sleep(20);
            a.script("WATCH e4");
            b.script("DEL e4");
            a.script("MULTI", "EXEC");
            a.verify();
            b.verify();
        }
    }

    @Test
    void flushAndSwapTouchWatchedKeys() {
        try (Diff.Pair a = diff.pair(); Diff.Pair b = diff.pair()) {
            a.script("FLUSHALL", "SET f 1", "WATCH f");
            b.script("FLUSHALL");
            a.script("MULTI", "EXEC", "WATCH nokey");
            b.script("FLUSHALL");
            a.script("MULTI", "EXEC", "WATCH nokey");
            b.script("FLUSHDB");
            a.script("MULTI", "EXEC", "SELECT 1", "SET s1 1", "WATCH s1");
            b.script("SWAPDB 0 1");
            a.script("MULTI", "EXEC", "WATCH nokeyy");
            b.script("SWAPDB 0 1");
            a.script("MULTI", "EXEC", "WATCH s1");
            b.script("SWAPDB 1 1");
            a.script("MULTI", "EXEC", "SELECT 0", "FLUSHALL", "SELECT 5", "SET sw 1 PX 1");
            sleep(20);
            a.script("SELECT 0", "WATCH sw");
            b.script("SWAPDB 0 5"); // a missing key replaced by an expired one
            a.script("MULTI", "EXEC");
            b.script("FLUSHALL");
            a.script("SET sw 1 PX 1");
            sleep(20);
            a.script("WATCH sw");
            b.script("FLUSHALL"); // an expired key flushed
            a.script("MULTI", "EXEC", "SET sw 1 PX 1");
            sleep(20);
            a.script("WATCH sw");
            b.script("SELECT 6", "SET sw 2", "SWAPDB 0 6", "SELECT 0"); // expired replaced by a live key
            a.script("MULTI", "EXEC");
            a.verify();
            b.verify();
        }
    }

    @Test
    void pubsubResp2() {
        try (Diff.Pair s = diff.pair(); Diff.Pair t = diff.pair(); Diff.Pair p = diff.pair()) {
            p.script("PUBSUB CHANNELS", "PUBSUB NUMPAT");
            // one reply per channel: read them all so the connection stays in step
            s.sameRaw(Diff.bytes("SUBSCRIBE a b a\r\n"), 3);
            s.sameRaw(Diff.bytes("PSUBSCRIBE p* q? p*\r\n"), 3);
            t.script("SUBSCRIBE a", "PSUBSCRIBE a*");
            p.script("PUBLISH a hello");
            s.sameNext();
            t.sameNext();
            t.sameNext();
            p.script("PUBLISH pz x");
            s.sameNext();
            p.script("PUBLISH nobody x", "PUBSUB CHANNELS a*", "PUBSUB CHANNELS [a]", "PUBSUB CHANNELS nomatch",
                    "PUBSUB NUMSUB a b a c", "PUBSUB NUMSUB", "PUBSUB NUMPAT", "PUBSUB NUMPAT x",
                    "PUBSUB CHANNELS a b", "PUBSUB HELP", "PUBLISH", "PUBLISH a", "PUBLISH a b c");
            p.sameUnordered("PUBSUB", "CHANNELS");
            s.sameRaw(Diff.bytes("UNSUBSCRIBE a zz\r\n"), 2);
            s.sameRaw(Diff.bytes("PUNSUBSCRIBE q? nope\r\n"), 2);
            s.script("PING", "PING x", "GET k", "SUBSCRIBE");
            p.script("PUBSUB NUMSUB a", "PUBSUB NUMPAT");
            s.script("UNSUBSCRIBE", "PUNSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "PING", "SUBSCRIBE \"\\xff\\x00\"");
            p.script("PUBLISH \"\\xff\\x00\" bin");
            s.sameNext();
            s.script("RESET", "PUBSUB NUMSUB \"\\xff\\x00\"");
            p.verify();
            s.verify();
            t.verify();
        }
    }

    @Test
    void pubsubResp3Pushes() {
        try (Diff.Pair u = diff.pair(); Diff.Pair p = diff.pair()) {
            u.sameNormalized(ConnectionCompatTest.NO_ID, "HELLO", "3");
            u.script("SUBSCRIBE c1", "PSUBSCRIBE x*");
            p.script("PUBLISH c1 m1");
            u.sameNext();
            p.script("PUBLISH xy m2");
            u.sameNext();
            u.script("PING", "GET k", "UNSUBSCRIBE c1", "PUNSUBSCRIBE x*", "PUNSUBSCRIBE", "UNSUBSCRIBE", "PING",
                    "SUBSCRIBE self");
            // a message to oneself arrives after the PUBLISH reply
            u.script("PUBLISH self hi");
            u.sameNext();
            u.verify();
            p.verify();
        }
    }

    /**
     * Sharded pub/sub (7.0) outside cluster mode: shard channels are a namespace apart (PUBLISH
     * and patterns never reach them, SPUBLISH reaches only SSUBSCRIBErs), confirmations count
     * shard subscriptions only, RESP2's subscribed context, PUBSUB SHARDCHANNELS/SHARDNUMSUB,
     * SSUBSCRIBE refused inside MULTI, RESET.
     */
    @Test
    void shardedPubsub() {
        try (Diff.Pair s = diff.pair(); Diff.Pair u = diff.pair(); Diff.Pair p = diff.pair()) {
            p.script("PUBSUB SHARDCHANNELS", "PUBSUB SHARDNUMSUB", "SPUBLISH nobody x");
            s.sameRaw(Diff.bytes("SSUBSCRIBE a b a\r\n"), 3);
            s.sameRaw(Diff.bytes("SUBSCRIBE a\r\n"), 1);
            s.sameRaw(Diff.bytes("PSUBSCRIBE *\r\n"), 1);
            p.script("SPUBLISH a hello");
            s.sameNext();
            p.script("PUBLISH b plain", "SPUBLISH b shard");
            s.sameNext();
            s.sameNext();
            p.script("PUBSUB SHARDCHANNELS a*", "PUBSUB SHARDCHANNELS a b",
                    "PUBSUB SHARDNUMSUB a b c", "PUBSUB CHANNELS", "PUBSUB NUMSUB a", "SPUBLISH", "SPUBLISH a",
                    "SSUBSCRIBE");
            p.sameUnordered("PUBSUB", "SHARDCHANNELS");
            p.sameRaw(Diff.bytes("SUNSUBSCRIBE a b c d\r\n"), 4);
            s.script("PING", "GET k");
            s.sameRaw(Diff.bytes("SUNSUBSCRIBE b nope\r\n"), 2);
            s.script("SUNSUBSCRIBE", "SUNSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "PING");
            u.script("MULTI", "SSUBSCRIBE x", "EXEC", "SSUBSCRIBE self", "RESET", "PUBSUB SHARDNUMSUB self");
            u.sameNormalized(ConnectionCompatTest.NO_ID, "HELLO", "3");
            u.script("SSUBSCRIBE r3", "SPUBLISH r3 hi");
            u.sameNext();
            u.script("SUNSUBSCRIBE r3", "SUNSUBSCRIBE");
            p.verify();
            s.verify();
            u.verify();
        }
    }

    /**
     * CLIENT REPLY OFF/SKIP silence replies but not pub/sub frames (Redis's CLIENT_PUSHING):
     * confirmations, messages, and a message published to oneself still arrive, on RESP3 as
     * pushes. Were they dropped, a client waiting for them would hang (each read is bounded).
     */
    @Test
    void pubsubFramesPassClientReplyOffResp3() {
        try (Diff.Pair u = diff.pair(); Diff.Pair p = diff.pair()) {
            u.sameNormalized(ConnectionCompatTest.NO_ID, "HELLO", "3");
            u.sameRaw(Diff.bytes("CLIENT REPLY OFF\r\nSUBSCRIBE c1 c2\r\nPING\r\nPSUBSCRIBE x*\r\n"), 3);
            p.script("PUBLISH c1 m1", "PUBLISH xy m2");
            u.sameNext();
            u.sameNext();
            // the PUBLISH and GET replies are dropped, the message to itself is not
            u.sameRaw(Diff.bytes("PUBLISH c2 self\r\nGET k\r\nUNSUBSCRIBE c1\r\n"), 2);
            u.sameRaw(Diff.bytes("CLIENT REPLY ON\r\n"), 1);
            u.sameRaw(Diff.bytes("CLIENT REPLY SKIP\r\nSUBSCRIBE c3\r\nPING\r\n"), 2);
            u.sameRaw(Diff.bytes("CLIENT REPLY SKIP\r\nPUBLISH c3 m3\r\nPING\r\n"), 2);
            u.script("PUNSUBSCRIBE", "PING");
            u.verify();
            p.verify();
        }
    }

    @Test
    void pubsubFramesPassClientReplyOffResp2() {
        try (Diff.Pair s = diff.pair(); Diff.Pair p = diff.pair()) {
            s.sameRaw(Diff.bytes("CLIENT REPLY OFF\r\nSUBSCRIBE a\r\nPSUBSCRIBE a*\r\n"), 2);
            p.script("PUBLISH a hello");
            s.sameNext();
            s.sameNext();
            s.sameRaw(Diff.bytes("UNSUBSCRIBE\r\nPUNSUBSCRIBE\r\nGET k\r\nCLIENT REPLY ON\r\n"), 3);
            s.script("PING");
            s.verify();
            p.verify();
        }
    }

    /** UNSUBSCRIBE without arguments answers in the subscription dict's order: compare loosely. */
    @Test
    void unsubscribeAllFromSeveral() {
        try (Diff.Pair s = diff.pair()) {
            s.sameRaw(Diff.bytes("SUBSCRIBE c1 c2 c3\r\n"), 3);
            s.real.send(Diff.bytes("UNSUBSCRIBE\r\n"));
            s.ours.send(Diff.bytes("UNSUBSCRIBE\r\n"));
            List<String> rr = new ArrayList<>();
            List<String> oo = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                rr.add(Diff.show(s.real.readReply()));
                oo.add(Diff.show(s.ours.readReply()));
            }
            assertEquals(shape(rr), shape(oo));
            s.same("PING");
        }
    }

    /** Channel names as a sorted list, then the counts in order. */
    private static List<String> shape(List<String> replies) {
        List<String> names = new ArrayList<>();
        List<String> counts = new ArrayList<>();
        Pattern pat = Pattern.compile("\\*3\r\n\\$11\r\nunsubscribe\r\n\\$\\d+\r\n([^\r]*)\r\n:(\\d+)\r\n");
        for (String r : replies) {
            Matcher m = pat.matcher(r);
            if (m.matches()) {
                names.add(m.group(1));
                counts.add(m.group(2));
            } else {
                names.add("?" + r);
            }
        }
        java.util.Collections.sort(names);
        names.addAll(counts);
        return names;
    }
}
