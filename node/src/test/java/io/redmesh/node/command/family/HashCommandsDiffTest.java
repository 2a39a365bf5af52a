package io.redmesh.node.command.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Hash commands against Debian's redis-server 7.0.15, reply for reply. */
class HashCommandsDiffTest extends DiffTestBase {
    @Override
    protected String[] resetCommands() {
        return new String[] {"CONFIG SET hash-max-listpack-entries 128", "CONFIG SET hash-max-listpack-value 64"};
    }

    @Test
    void basicReadsAndWrites() {
        d.sameAll(
                "HSET h f1 v1 f2 v2 f3 v3", "HSET h f1 new f4 v4", "HGET h f1", "HGET h nofield", "HGET nokey f",
                "HMGET h f1 nofield f2", "HMGET nokey a b", "HLEN h", "HLEN nokey",
                "HSTRLEN h f1", "HSTRLEN h nofield", "HSTRLEN nokey f",
                "HEXISTS h f1", "HEXISTS h nofield", "HEXISTS nokey f",
                // listpack: insertion order, an updated field keeps its place
                "HGETALL h", "HKEYS h", "HVALS h", "HGETALL nokey", "HKEYS nokey", "HVALS nokey",
                "HSETNX h f1 x", "HSETNX h f5 v5", "HSETNX newh a b", "HGETALL newh",
                "HMSET h a 1 b 2", "HGETALL h",
                // a deleted field closes the gap; the order of the others is kept
                "HDEL h f2 nofield f2", "HGETALL h", "HDEL nokey a",
                "HDEL h f1 f3 f4 f5 a b", "EXISTS h", "HLEN h", "HGETALL h",
                "HSET n 1 100 -5 200", "HGET n 1", "HINCRBY n 1 1", "HGETALL n", "TYPE n", "OBJECT ENCODING n");
        d.same("HSET", "e", "f", "");
        d.same("HSET", "e", "", "v");
        d.sameAll("HGETALL e", "HSTRLEN e f");
        d.same("HSET", "sp", "a field", "a value", "", "");
        d.same("HGETALL", "sp");
        d.same("HSET", "bin", "f\r\n\0", "v\0\r\n");
        d.same("HGETALL", "bin");
        d.same("HSTRLEN", "bin", "f\r\n\0");
    }

    @Test
    void keysThatBecomeEmptyAreDeleted() {
        d.sameAll("HSET h a 1", "EXPIRE h 100", "HDEL h a", "EXISTS h", "TTL h",
                "HSET h a 1", "TTL h", "HSETNX h a 2", "HGET h a");
    }

    @Test
    void wrongTypeAndArity() {
        d.sameAll("SET str x",
                "HSET str a b", "HSETNX str a b", "HMSET str a b", "HGET str a", "HMGET str a", "HDEL str a",
                "HLEN str", "HSTRLEN str a", "HEXISTS str a", "HKEYS str", "HVALS str", "HGETALL str",
                "HINCRBY str a 1", "HINCRBYFLOAT str a 1", "HRANDFIELD str", "HRANDFIELD str 2",
                "HRANDFIELD str 2 WITHVALUES", "HSCAN str 0", "HSCAN str 0 COUNT 0",
                "GET str", "HSET h a 1", "GET h", "APPEND h x", "INCR h",
                "HSET h", "HSET h a", "HSET h a b c", "HMSET h a", "HMSET h a b c", "HSETNX h a",
                "HSETNX h a b c", "HGET h", "HGET h a b", "HMGET h", "HDEL h", "HLEN", "HLEN h x",
                "HSTRLEN h", "HEXISTS h", "HKEYS", "HVALS h x", "HGETALL", "HINCRBY h a",
                "HINCRBY h a 1 2", "HINCRBYFLOAT h a", "HRANDFIELD", "HSCAN h", "HGETALL h", "PING");
    }

    @Test
    void hincrby() {
        d.sameAll("HINCRBY h n 5", "HINCRBY h n -10", "HINCRBY h n 0", "HGET h n",
                "HINCRBY h n abc", "HINCRBY h n 1.5", "HINCRBY h n 99999999999999999999",
                "HINCRBY h n +1", "HINCRBY h n 01", "HINCRBY nokey2 a x", "EXISTS nokey2",
                "HSET h s hello", "HINCRBY h s 1", "HSET h f 1.0", "HINCRBY h f 1",
                "HSET h big 9223372036854775807", "HINCRBY h big 1", "HINCRBY h big -1", "HINCRBY h big 0",
                "HSET h neg -9223372036854775808", "HINCRBY h neg -1", "HINCRBY h neg 1",
                "HINCRBY h new -9223372036854775808", "HINCRBY h new 9223372036854775807",
                "HGETALL h", "PING");
        d.same("HSET", "h", "sp", " 1");
        d.same("HINCRBY", "h", "sp", "1");
        d.same("HINCRBY", "h", "n", "");
        d.same("HINCRBY", "h", "n", " 1");
    }

    @Test
    void hincrbyfloat() {
        d.sameAll("HINCRBYFLOAT h f 10.5", "HINCRBYFLOAT h f 0.1", "HINCRBYFLOAT h f -5.0e3",
                "HINCRBYFLOAT h f 1e-3", "HINCRBYFLOAT h g 3", "HINCRBYFLOAT h g -3", "HGET h g",
                "HINCRBYFLOAT h f abc", "HINCRBYFLOAT h f inf", "HINCRBYFLOAT h f -inf", "HINCRBYFLOAT h f +inf",
                "HINCRBYFLOAT h f nan", "HINCRBYFLOAT h f 1e5000", "HINCRBYFLOAT h f 1.5.5",
                "HINCRBYFLOAT h f 1e4932", "HINCRBYFLOAT h f 1e4932", "HINCRBYFLOAT h f 1",
                "HSET h s hello", "HINCRBYFLOAT h s 1", "HSET h i 17", "HINCRBYFLOAT h i 0.5",
                "HSET h e 1.0e2", "HINCRBYFLOAT h e 0", "HINCRBY h e 1", "HSET h x 5.0000", "HINCRBYFLOAT h x 0",
                "HSET h big 1e5000", "HINCRBYFLOAT h big 1", "HINCRBYFLOAT h neg -0.0", "HINCRBYFLOAT h z 0.0",
                "HINCRBYFLOAT nokey3 a inf", "EXISTS nokey3", "OBJECT ENCODING h", "PING");
        d.sameUnorderedPairs("HGETALL", "h"); // the 4933-byte value made it a hashtable
        // long double rounding shows in the 17 printed decimals
        d.sameAll("HINCRBYFLOAT p x 0.1", "HINCRBYFLOAT p x 0.1", "HINCRBYFLOAT p x 0.1", "HINCRBYFLOAT p x -0.3",
                "HINCRBYFLOAT p y 1e20", "HINCRBYFLOAT p y 0.1", "HINCRBYFLOAT p z 3.0e-20", "HINCRBYFLOAT p w -1e-25",
                "HINCRBYFLOAT p v 123456789.123456789", "HINCRBYFLOAT p v 987654321.987654321",
                "HINCRBYFLOAT p u 1.7976931348623157e308", "HINCRBYFLOAT p u 1.7976931348623157e308",
                "HINCRBYFLOAT p t 1e-4940", "HINCRBYFLOAT p t 1e-4960", "HINCRBYFLOAT p s 1e4932",
                "HINCRBYFLOAT p s -1e4932", "HINCRBYFLOAT p r 0.30000000000000000001", "HINCRBYFLOAT p r 1",
                "HINCRBYFLOAT p q -.5", "HINCRBYFLOAT p q 5.", "HINCRBYFLOAT p q +1E1", "HINCRBYFLOAT p q 1e",
                "HINCRBYFLOAT p q e1", "HINCRBYFLOAT p q .", "HINCRBYFLOAT p q -", "HINCRBYFLOAT p q 1..2",
                "HINCRBYFLOAT p q 1e+", "HINCRBYFLOAT p q --1", "HINCRBYFLOAT p q infinity",
                "HINCRBYFLOAT p q -Infinity", "HINCRBYFLOAT p q NaN", "OBJECT ENCODING p", "HLEN p");
        d.sameUnorderedPairs("HGETALL", "p");
        d.same("HINCRBYFLOAT", "h", "f", " 1");
        d.same("HINCRBYFLOAT", "h", "f", "");
        d.same("HSET", "h", "ws", "1 ");
        d.same("HINCRBYFLOAT", "h", "ws", "1");
    }

    @Test
    void hrandfield() {
        d.sameAll("HSET h a 1 b 2 c 3 d 4 e 5",
                "HRANDFIELD nokey", "HRANDFIELD nokey 5", "HRANDFIELD nokey -5", "HRANDFIELD nokey 5 WITHVALUES",
                "HRANDFIELD nokey 0", "HRANDFIELD h 0", "HRANDFIELD h 0 WITHVALUES", "HRANDFIELD h -0",
                // CASE 2: the whole hash, in listpack order
                "HRANDFIELD h 5", "HRANDFIELD h 100", "HRANDFIELD h 100 WITHVALUES", "HRANDFIELD h 5 withvalues",
                "HRANDFIELD h abc", "HRANDFIELD h 1.5", "HRANDFIELD h 1 WITHVALUE", "HRANDFIELD h 1 WITHVALUES x",
                "HRANDFIELD h -9223372036854775808", "HRANDFIELD h 9223372036854775807 WITHVALUES",
                "HRANDFIELD h -4611686018427387904 WITHVALUES", "HRANDFIELD h 4611686018427387904 WITHVALUES",
                "HRANDFIELD nokey 9223372036854775807 WITHVALUES", "HRANDFIELD nokey abc", "PING");
        Set<String> fields = Set.of("a", "b", "c", "d", "e");
        for (String cmd : new String[] {"HRANDFIELD h", "HRANDFIELD h 1", "HRANDFIELD h 3", "HRANDFIELD h -3",
                "HRANDFIELD h -20", "HRANDFIELD h 2 WITHVALUES", "HRANDFIELD h -7 WITHVALUES", "HRANDFIELD h 4"}) {
            DiffHarness.Node n = d.sameShape(cmd.split(" "));
            checkRandomFields(n, fields, cmd);
        }
        // hashtable encoding: same shapes, plus the whole-hash case by content
        d.same("CONFIG", "SET", "hash-max-listpack-entries", "2");
        d.sameAll("HSET t a 1 b 2 c 3 d 4 e 5", "OBJECT ENCODING t");
        d.sameUnorderedPairs("HRANDFIELD", "t", "10", "WITHVALUES");
        d.sameUnordered("HRANDFIELD", "t", "5");
        for (String cmd : new String[] {"HRANDFIELD t", "HRANDFIELD t 1", "HRANDFIELD t 2", "HRANDFIELD t 4",
                "HRANDFIELD t -10", "HRANDFIELD t 3 WITHVALUES", "HRANDFIELD t -3 WITHVALUES"}) {
            DiffHarness.Node n = d.sameShape(cmd.split(" "));
            checkRandomFields(n, fields, cmd);
        }
    }

    /** Every returned field belongs to the hash, values match, and positive counts are distinct. */
    private static void checkRandomFields(DiffHarness.Node n, Set<String> fields, String cmd) {
        if (n.type == '$') {
            assertTrue(fields.contains(n.string()), cmd);
            return;
        }
        boolean withValues = cmd.contains("WITHVALUES");
        List<String> got = new ArrayList<>();
        for (int i = 0; i < n.children.size(); i += withValues ? 2 : 1) {
            String f = n.children.get(i).string();
            assertTrue(fields.contains(f), cmd + " returned " + f);
            if (withValues) {
                assertEquals(String.valueOf((char) ('1' + f.charAt(0) - 'a')), n.children.get(i + 1).string(), cmd);
            }
            got.add(f);
        }
        if (!cmd.contains("-")) {
            assertEquals(got.size(), new HashSet<>(got).size(), cmd + " repeated a field");
        }
    }

    @Test
    void hrandfieldResp3() {
        d.sameAll("HSET h a 1 b 2 c 3");
        realClient.call("HELLO", "3");
        ourClient.call("HELLO", "3");
        d.sameAll("HRANDFIELD h 3 WITHVALUES", "HRANDFIELD h 10 WITHVALUES", "HRANDFIELD nokey",
                "HRANDFIELD nokey 2", "HRANDFIELD nokey 2 WITHVALUES", "HRANDFIELD h 0 WITHVALUES",
                "HRANDFIELD h 3", "HRANDFIELD h abc WITHVALUES");
        d.sameShape("HRANDFIELD", "h", "-5", "WITHVALUES");
        d.sameShape("HRANDFIELD", "h", "2", "WITHVALUES");
        d.sameShape("HRANDFIELD", "h", "1", "WITHVALUES");
        d.sameShape("HRANDFIELD", "h");
    }

    @Test
    void resp3Shapes() {
        d.sameAll("HSET h a 1 b 2", "HSET num x 1.5");
        realClient.call("HELLO", "3");
        ourClient.call("HELLO", "3");
        d.sameAll("HGETALL h", "HGETALL nokey", "HKEYS h", "HVALS h", "HKEYS nokey", "HGET h a", "HGET h zz",
                "HGET nokey a", "HMGET h a zz b", "HEXISTS h a", "HLEN h", "HINCRBYFLOAT num x 1",
                "HINCRBY h a 1", "HSCAN h 0", "HSCAN nokey 0", "HSETNX h a 1", "HSTRLEN h a", "HSET str",
                "SET str x", "HGETALL str");
    }

    @Test
    void hscan() {
        d.sameAll("HSET h f1 1 f2 2 g1 3 f3 4 x 5",
                "HSCAN h 0", "HSCAN h 0 COUNT 1", "HSCAN h 0 MATCH f*", "HSCAN h 0 match f* count 2",
                "HSCAN h 123", "HSCAN h 18446744073709551615", "HSCAN h 18446744073709551616",
                "HSCAN h abc", "HSCAN h -1", "HSCAN h +1", "HSCAN h 0 COUNT 0", "HSCAN h 0 COUNT -1",
                "HSCAN h 0 COUNT abc", "HSCAN h 0 MATCH", "HSCAN h 0 COUNT", "HSCAN h 0 foo bar",
                "HSCAN h 0 TYPE string", "HSCAN h 0 MATCH * COUNT 100", "HSCAN h 0 MATCH [fg]?",
                "HSCAN nokey 0", "HSCAN nokey 0 COUNT 0", "HSCAN nokey 0 foo", "HSCAN nokey abc", "PING");
        // cursors are read as C's strtoul reads them
        d.sameAll("HSCAN h -18446744073709551615", "HSCAN h -18446744073709551616", "HSCAN h + COUNT 1",
                "HSCAN h - COUNT 1", "HSCAN h -0", "HSCAN h 0x10", "SCAN + COUNT 1", "SCAN 18446744073709551616",
                "SCAN 1x");
        d.same("HSCAN", "h", " 0");
        d.same("HSCAN", "h", "0 ");
        d.same("HSCAN", "h", "");
        d.same("SCAN", "", "COUNT", "1000");
        // hashtable encoding: cursors are our dict's, so compare what a full iteration returns
        d.same("CONFIG", "SET", "hash-max-listpack-entries", "16");
        List<String> args = new ArrayList<>(List.of("HSET", "big"));
        for (int i = 0; i < 500; i++) {
            args.add("field:" + i);
            args.add("v" + i);
        }
        d.same(args.toArray(String[]::new));
        d.same("OBJECT", "ENCODING", "big");
        assertEquals(DiffHarness.scanAll(realClient, "HSCAN", "big", true),
                DiffHarness.scanAll(ourClient, "HSCAN", "big", true));
        TreeSet<String> matched = DiffHarness.scanAll(ourClient, "HSCAN", "big", true, "MATCH", "field:1?", "COUNT", "7");
        assertEquals(DiffHarness.scanAll(realClient, "HSCAN", "big", true, "MATCH", "field:1?", "COUNT", "7"), matched);
        assertEquals(10, matched.size());
        d.sameUnorderedPairs("HGETALL", "big");
        d.sameUnordered("HKEYS", "big");
        d.sameUnordered("HVALS", "big");
        d.sameAll("HSCAN big abc", "HSCAN big 0 COUNT 0", "HSCAN big 0 MATCH");
    }

    @Test
    void encodingTransitions() {
        d.sameAll("CONFIG SET hash-max-listpack-entries 4", "CONFIG SET hash-max-listpack-value 8",
                "HSET e a 1 b 2 c 3 d 4", "OBJECT ENCODING e", "HSET e e 5", "OBJECT ENCODING e",
                "HDEL e a b c d", "OBJECT ENCODING e", "HLEN e",
                // a long value or field converts
                "HSET v a 12345678", "OBJECT ENCODING v", "HSET v b 123456789", "OBJECT ENCODING v",
                "HSET w 123456789 x", "OBJECT ENCODING w",
                // HSETNX of an existing field with a long value changes nothing
                "HSET nx a 1", "HSETNX nx a 123456789abc", "OBJECT ENCODING nx",
                "HSETNX nx b 123456789abc", "OBJECT ENCODING nx",
                // HSET converts for a long argument even when the field was already there
                "HSET up a 1 b 2", "HSET up a 1 a 123456789", "OBJECT ENCODING up", "HGET up a",
                // increments that produce long values convert
                "HINCRBYFLOAT f x 0.123456789", "OBJECT ENCODING f", "HINCRBY g x 123456789012", "OBJECT ENCODING g",
                "HINCRBY g2 x 12345678", "OBJECT ENCODING g2",
                // many repeats of one field stay a listpack: only distinct fields count
                "HSET rep a 1 a 2 a 3 a 4 a 5 a 6", "OBJECT ENCODING rep", "HGETALL rep",
                "CONFIG SET hash-max-listpack-entries 0", "HSET z a 1", "OBJECT ENCODING z",
                "CONFIG SET hash-max-listpack-entries 128", "CONFIG SET hash-max-listpack-value 64",
                "HSET z2 a 1", "OBJECT ENCODING z2", "COPY e e2", "OBJECT ENCODING e2", "HGETALL e2");
        // defaults: 128 fields stay a listpack, the 129th converts; 64-byte values stay, 65 convert
        List<String> args = new ArrayList<>(List.of("HSET", "d"));
        for (int i = 0; i < 128; i++) {
            args.add("f" + i);
            args.add("v" + i);
        }
        d.same(args.toArray(String[]::new));
        d.sameAll("OBJECT ENCODING d", "HGETALL d", "HSET d f0 again", "OBJECT ENCODING d", "HSET d f128 x",
                "OBJECT ENCODING d", "HDEL d f128", "OBJECT ENCODING d");
        d.same("HSET", "l", "a", "x".repeat(64));
        d.same("OBJECT", "ENCODING", "l");
        d.same("HSET", "l", "b", "x".repeat(65));
        d.same("OBJECT", "ENCODING", "l");
        d.same("HSET", "l2", "y".repeat(65), "1");
        d.same("OBJECT", "ENCODING", "l2");
    }

    @Test
    void serverStaysHealthyAfterBadInput() {
        d.sameAll("HSET h a 1", "HINCRBY h a notanumber", "HRANDFIELD h x", "HSCAN h x", "HSET h a",
                "HGET h a", "PING");
    }
}
