package io.redmesh.node.command.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Set commands against Debian's redis-server 7.0.15, reply for reply. */
class SetCommandsDiffTest extends DiffTestBase {
    @Override
    protected String[] resetCommands() {
        return new String[] {"CONFIG SET set-max-intset-entries 512"};
    }

    @Test
    void singleSetCommands() {
        d.sameAll(
                // intsets answer in ascending order whatever the insertion order
                "SADD s 5 3 -1 3 100 0", "SADD s 5", "SMEMBERS s", "SCARD s", "SCARD nokey", "SMEMBERS nokey",
                "SISMEMBER s 3", "SISMEMBER s 4", "SISMEMBER s abc", "SISMEMBER nokey 1",
                "SMISMEMBER s 3 4 abc -1", "SMISMEMBER nokey a b",
                "SREM s 3 4 abc", "SMEMBERS s", "SREM nokey a", "SREM s 5 -1 100 0 7", "EXISTS s",
                "SADD n 9223372036854775807 -9223372036854775808 01 +1 1.0 1", "OBJECT ENCODING n", "SCARD n",
                "SISMEMBER n 01", "SISMEMBER n 1", "SREM n 01", "SISMEMBER n 01", "SISMEMBER n 1",
                "SADD i 9223372036854775807 -9223372036854775808 0", "SMEMBERS i", "SISMEMBER i 9223372036854775808",
                "SADD e 1", "EXPIRE e 100", "SREM e 1", "EXISTS e", "SADD e 2", "TTL e", "TYPE e");
        d.same("SADD", "bin", "", "a\r\n", "\0");
        d.same("SCARD", "bin");
        d.same("SISMEMBER", "bin", "");
        d.same("SREM", "bin", "", "a\r\n");
        d.same("SMEMBERS", "bin");
    }

    @Test
    void wrongTypeAndArity() {
        d.sameAll("SET str x", "SADD s 1", "HSET h a 1",
                "SADD str a", "SREM str a", "SMEMBERS str", "SISMEMBER str a", "SMISMEMBER str a", "SCARD str",
                "SPOP str", "SPOP str 2", "SRANDMEMBER str", "SRANDMEMBER str 2", "SMOVE str s a", "SMOVE s str 1",
                "SMOVE s h 1", "SMEMBERS s", "SMOVE nokey str a", "SINTER s str", "SINTER nokey str", "SINTER str nokey",
                "SINTERSTORE d s str", "SINTERCARD 2 s str", "SINTERCARD 2 nokey str",
                "SUNION s str", "SUNIONSTORE d s str", "SDIFF s str", "SDIFF nokey str", "SDIFFSTORE d s h",
                "SSCAN str 0", "SSCAN str 0 COUNT 0", "EXISTS d", "GET s",
                "SADD s", "SREM s", "SMEMBERS", "SMEMBERS s x", "SISMEMBER s", "SISMEMBER s a b", "SMISMEMBER s",
                "SCARD", "SCARD s x", "SPOP", "SPOP s 1 2", "SRANDMEMBER", "SRANDMEMBER s 1 2", "SMOVE s d",
                "SMOVE s d a b", "SINTER", "SINTERSTORE d", "SINTERCARD", "SINTERCARD 1", "SUNION",
                "SUNIONSTORE d", "SDIFF", "SDIFFSTORE d", "SSCAN s", "SMEMBERS s", "PING");
    }

    @Test
    void smove() {
        d.sameAll("SADD a 1 2 3", "SADD b x y",
                "SMOVE a b 1", "SMEMBERS a", "SISMEMBER b 1", "SCARD b", "OBJECT ENCODING b",
                "SMOVE a b 9", "SMOVE a a 2", "SMOVE a a 9", "SMOVE nokey b x", "SMOVE a c 2", "OBJECT ENCODING c",
                "SMOVE b d x", "OBJECT ENCODING d", "SMOVE a b 3", "EXISTS a", "SCARD b",
                "SADD e 1", "SMOVE b e 3", "SMOVE e b 3", "SMEMBERS e", "SADD f 5", "SADD g 5",
                "SMOVE f g 5", "EXISTS f", "SMEMBERS g");
        d.sameUnordered("SMEMBERS", "b");
    }

    @Test
    void intersections() {
        d.sameAll("SADD a 1 2 3 4 5", "SADD b 2 3 4 9", "SADD c 4 3 x", "SADD big 1 2 3 4 5 6 7 8 9 10",
                "SINTER a b", "SINTER b a", "SINTER a nokey", "SINTER nokey a", "SINTER a a",
                "SINTER a", "SINTER big a b", "SINTER a big",
                "SINTERSTORE dst a b", "SMEMBERS dst", "OBJECT ENCODING dst",
                "SET dst2 str", "EXPIRE dst2 100", "SINTERSTORE dst2 a b c", "TTL dst2", "TYPE dst2", "SMEMBERS dst2",
                "SINTERSTORE dst a nokey", "EXISTS dst", "SINTERSTORE dst a c b", "SINTERSTORE nothing a nokey",
                "SADD dst 1", "SINTERSTORE dst dst a", "SMEMBERS dst", "SINTERSTORE dst a x9", "EXISTS dst",
                "SINTERCARD 1 a", "SINTERCARD 2 a b", "SINTERCARD 3 a b c", "SINTERCARD 2 a nokey",
                "SINTERCARD 2 a b LIMIT 1", "SINTERCARD 2 a b LIMIT 0", "SINTERCARD 2 a b LIMIT 100",
                "SINTERCARD 1 big limit 3", "SINTERCARD 2 a b LIMIT -1", "SINTERCARD 2 a b LIMIT x",
                "SINTERCARD 2 a b LIMIT", "SINTERCARD 2 a b FOO 1", "SINTERCARD 0 a", "SINTERCARD -1 a",
                "SINTERCARD x a", "SINTERCARD 3 a b", "SINTERCARD 1 a b", "SINTERCARD 2 a b LIMIT 1 LIMIT 2",
                "SINTERCARD 99999999999999999999 a", "PING");
        // a hashtable smallest set: order is hash-dependent
        d.sameUnordered("SINTER", "c", "a", "b");
        d.sameUnordered("SINTER", "a", "b", "c");
        d.same("SADD", "h1", "a", "b", "c", "d");
        d.same("SADD", "h2", "c", "d", "e");
        d.sameUnordered("SINTER", "h1", "h2");
        d.sameAll("SINTERSTORE hd h1 h2", "SCARD hd", "OBJECT ENCODING hd", "SINTERCARD 2 h1 h2");
    }

    @Test
    void unionsAndDifferences() {
        d.sameAll("SADD a 1 2 3 4 5", "SADD b 2 3 4 9", "SADD c 4 3 x", "SADD w x y",
                // all-integer results are intsets: sorted
                "SUNION a b", "SUNION a nokey", "SUNION nokey", "SUNION a a", "SUNION nokey nokey2",
                "SDIFF a b", "SDIFF b a", "SDIFF a nokey", "SDIFF nokey a", "SDIFF a a", "SDIFF a b a",
                "SDIFF a c", "SDIFF a b c",
                "SUNIONSTORE u a b", "SMEMBERS u", "OBJECT ENCODING u", "SUNIONSTORE u nokey", "EXISTS u",
                "SDIFFSTORE df a b", "SMEMBERS df", "SDIFFSTORE df a a", "EXISTS df",
                "SET s str", "SUNIONSTORE s a", "TYPE s", "SDIFFSTORE s nokey a", "EXISTS s",
                "SUNIONSTORE a a b", "SMEMBERS a", "SDIFFSTORE b b a", "EXISTS b",
                "SDIFF c w", "SDIFFSTORE cw c w", "OBJECT ENCODING cw", "SMEMBERS cw");
        d.sameUnordered("SDIFF", "w", "x");
        d.sameUnordered("SUNION", "a", "c");
        d.sameUnordered("SUNION", "w", "c", "a");
        d.sameAll("SUNIONSTORE m a c", "OBJECT ENCODING m", "SCARD m");
        // SDIFF's two algorithms leave different encodings: algorithm 1 (a big set to subtract)
        // adds only the survivors, an intset here; algorithm 2 (many small sets to subtract)
        // copies the first set whole, string member included, so the result stays a hashtable.
        d.sameAll("DEL a b", "SADD a 1 2 3 4 5 6 7 8 9 zz", "SADD b zz 100 101 102 103 104 105 106 107 108 109",
                "SDIFF a b", "SDIFFSTORE r1 a b", "OBJECT ENCODING r1", "SADD z1 zz", "SADD z2 100", "SADD z3 101",
                "SDIFFSTORE r2 a z1 z2 z3", "OBJECT ENCODING r2", "SCARD r2");
        d.sameUnordered("SDIFF", "a", "z1", "z2", "z3");
    }

    @Test
    void spop() {
        d.sameAll("SADD s 1 2 3", "SPOP nokey", "SPOP nokey 3", "SPOP nokey 0", "SPOP s 0", "SPOP s -1",
                "SPOP s x", "SPOP s 1.5", "SPOP s 1 2", "SPOP s 9223372036854775807", "EXISTS s",
                "SADD s 1 2 3", "SPOP s 3", "EXISTS s", "SADD s a b");
        d.sameUnordered("SPOP", "s", "2");
        d.sameAll("EXISTS s");
        d.same("SADD", "s", "10", "20", "30", "40", "50");
        Set<String> members = Set.of("10", "20", "30", "40", "50");
        Set<String> popped = new HashSet<>();
        for (String cmd : new String[] {"SPOP s", "SPOP s 2"}) {
            DiffHarness.Node n = d.sameShape(cmd.split(" "));
            List<DiffHarness.Node> items = n.type == '$' ? List.of(n) : n.children;
            for (DiffHarness.Node i : items) {
                assertTrue(members.contains(i.string()), cmd + " popped " + i.string());
                assertTrue(popped.add(i.string()), cmd + " popped " + i.string() + " twice");
            }
        }
        // the servers popped different members; both have two left
        d.sameAll("SCARD s");
        d.sameShape("SPOP", "s", "5");
        d.sameAll("EXISTS s");
        d.sameAll("SADD t a b c d e f g h", "OBJECT ENCODING t");
        d.sameShape("SPOP", "t", "7");
        d.sameAll("SCARD t", "OBJECT ENCODING t");
        realClient.call("HELLO", "3");
        ourClient.call("HELLO", "3");
        d.sameAll("SADD r 3 1 2", "SPOP r 10", "SPOP nokey 2", "SPOP nokey", "SADD r 3 1 2", "SPOP r 0");
        d.sameShape("SPOP", "r", "2");
    }

    @Test
    void srandmember() {
        d.sameAll("SADD s 5 1 4 2 3", "SRANDMEMBER nokey", "SRANDMEMBER nokey 3", "SRANDMEMBER nokey -3",
                "SRANDMEMBER nokey 0", "SRANDMEMBER s 0", "SRANDMEMBER s 5", "SRANDMEMBER s 100",
                "SRANDMEMBER s x", "SRANDMEMBER s -9223372036854775808", "SRANDMEMBER s 1 2",
                "SRANDMEMBER nokey x", "SCARD s");
        Set<String> members = Set.of("1", "2", "3", "4", "5");
        for (String cmd : new String[] {"SRANDMEMBER s", "SRANDMEMBER s 1", "SRANDMEMBER s 3", "SRANDMEMBER s 4",
                "SRANDMEMBER s -3", "SRANDMEMBER s -20"}) {
            checkRandomMembers(d.sameShape(cmd.split(" ")), members, cmd);
        }
        d.sameAll("SADD t a b c d e f g h i j k l", "OBJECT ENCODING t");
        d.sameUnordered("SRANDMEMBER", "t", "12");
        Set<String> letters = Set.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l");
        for (String cmd : new String[] {"SRANDMEMBER t", "SRANDMEMBER t 2", "SRANDMEMBER t 5", "SRANDMEMBER t 11",
                "SRANDMEMBER t -30"}) {
            checkRandomMembers(d.sameShape(cmd.split(" ")), letters, cmd);
        }
        realClient.call("HELLO", "3");
        ourClient.call("HELLO", "3");
        d.sameAll("SRANDMEMBER s 10", "SRANDMEMBER nokey", "SRANDMEMBER nokey 2", "SMEMBERS s", "SMEMBERS nokey",
                "SINTER s nokey", "SUNION s", "SDIFF s s", "SINTERCARD 1 s", "SISMEMBER s 1", "SMISMEMBER s 1 9",
                "SSCAN s 0");
        d.sameShape("SRANDMEMBER", "s", "2");
        d.sameShape("SRANDMEMBER", "s", "-2");
    }

    private static void checkRandomMembers(DiffHarness.Node n, Set<String> members, String cmd) {
        List<DiffHarness.Node> items = n.type == '$' ? List.of(n) : n.children;
        List<String> got = new ArrayList<>();
        for (DiffHarness.Node i : items) {
            assertTrue(members.contains(i.string()), cmd + " returned " + i.string());
            got.add(i.string());
        }
        if (!cmd.contains("-")) {
            assertEquals(got.size(), new HashSet<>(got).size(), cmd + " repeated a member");
        }
    }

    @Test
    void sscan() {
        d.sameAll("SADD s 3 1 2 10 20", "SSCAN s 0", "SSCAN s 0 COUNT 1", "SSCAN s 0 MATCH 1*", "SSCAN s 7",
                "SSCAN s -1", "SSCAN s abc", "SSCAN s 0 COUNT 0", "SSCAN s 0 COUNT x", "SSCAN s 0 MATCH",
                "SSCAN s 0 TYPE set", "SSCAN s 0 foo", "SSCAN nokey 0", "SSCAN nokey 0 COUNT -5", "SSCAN nokey x",
                "PING");
        List<String> args = new ArrayList<>(List.of("SADD", "big"));
        for (int i = 0; i < 1000; i++) {
            args.add("m" + i);
        }
        d.same(args.toArray(String[]::new));
        d.sameAll("OBJECT ENCODING big", "SCARD big", "SSCAN big 0 COUNT 0", "SSCAN big abc");
        assertEquals(DiffHarness.scanAll(realClient, "SSCAN", "big", false),
                DiffHarness.scanAll(ourClient, "SSCAN", "big", false));
        assertEquals(DiffHarness.scanAll(realClient, "SSCAN", "big", false, "MATCH", "m9?", "COUNT", "3"),
                DiffHarness.scanAll(ourClient, "SSCAN", "big", false, "MATCH", "m9?", "COUNT", "3"));
        d.sameUnordered("SMEMBERS", "big");
    }

    @Test
    void encodingTransitions() {
        d.sameAll("SADD s 1 2 3", "OBJECT ENCODING s", "SADD s a", "OBJECT ENCODING s", "SREM s a",
                "OBJECT ENCODING s", "SADD t abc", "OBJECT ENCODING t", "SADD u 01", "OBJECT ENCODING u",
                "SADD v 1.0", "OBJECT ENCODING v", "SADD w -0", "OBJECT ENCODING w",
                "SADD x 9223372036854775808", "OBJECT ENCODING x",
                "CONFIG SET set-max-intset-entries 3", "SADD y 1 2 3", "OBJECT ENCODING y", "SADD y 4",
                "OBJECT ENCODING y", "SREM y 4 3", "OBJECT ENCODING y", "SADD y2 1 2 3 4", "OBJECT ENCODING y2",
                "SUNIONSTORE z y", "OBJECT ENCODING z", "SMEMBERS z", "SINTERSTORE z2 y y", "OBJECT ENCODING z2",
                "CONFIG SET set-max-intset-entries 0", "SADD q 1", "OBJECT ENCODING q",
                "CONFIG SET set-max-intset-entries 512", "SADD q2 1", "OBJECT ENCODING q2",
                "COPY s s2", "OBJECT ENCODING s2", "SCARD s2", "SMOVE s new 1", "OBJECT ENCODING new",
                "SMOVE t new2 abc", "OBJECT ENCODING new2");
        // defaults: 512 integers stay an intset, the 513th converts
        List<String> args = new ArrayList<>(List.of("SADD", "d"));
        for (int i = 0; i < 512; i++) {
            args.add(Integer.toString(i * 7 - 1000));
        }
        d.same(args.toArray(String[]::new));
        d.sameAll("OBJECT ENCODING d", "SMEMBERS d", "SADD d 100000", "OBJECT ENCODING d", "SREM d 100000",
                "OBJECT ENCODING d", "SCARD d");
        d.sameUnordered("SMEMBERS", "d");
    }

    @Test
    void serverStaysHealthyAfterBadInput() {
        d.sameAll("SADD s 1", "SPOP s x", "SRANDMEMBER s y", "SINTERCARD z s", "SSCAN s q", "SMEMBERS s", "PING");
    }
}
