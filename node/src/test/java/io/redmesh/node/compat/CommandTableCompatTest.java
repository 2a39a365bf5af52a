package io.redmesh.node.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * COMMAND INFO / DOCS / LIST / GETKEYS / GETKEYSANDFLAGS byte-exact with Redis 7.0 for every
 * command the node implements, in RESP2 and RESP3. Redis lists a container's subcommands in its
 * dict's (seeded) order, and the node only lists the subcommands it implements, so subcommand
 * lists are compared restricted to ours and sorted by name; everything else is byte for byte.
 */
class CommandTableCompatTest {
    private static Diff diff;
    /** Declared in commands-extra.json: newer than 7.0, so Redis 7.0 does not know them. */
    private static final Set<String> EXTRAS = Set.of("client|setinfo");

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

    private static Set<String> bulks(String reply) {
        Set<String> out = new TreeSet<>();
        for (RespTree t : RespTree.parse(reply).children) {
            out.add(t.value);
        }
        return out;
    }

    /** Drops subcommands not in {@code ours} from Redis's lists and sorts both by name. */
    private static RespTree normalize(RespTree t, Set<String> ours) {
        if (!t.isAggregate()) {
            return t;
        }
        List<RespTree> c = new ArrayList<>();
        for (RespTree x : t.children) {
            c.add(normalize(x, ours));
        }
        // a COMMAND INFO entry: 10 elements, the last is the subcommand list
        if (t.type == '*' && c.size() == 10 && c.get(0).type == '$' && c.get(1).type == ':' && c.get(3).type == ':'
                && c.get(4).type == ':' && c.get(5).type == ':' && c.get(9).isAggregate()) {
            List<RespTree> subs = new ArrayList<>();
            for (RespTree s : c.get(9).children) {
                if (ours.contains(s.children.get(0).value)) {
                    subs.add(s);
                }
            }
            subs.sort(Comparator.comparing(s -> s.children.get(0).value));
            c.set(9, c.get(9).withChildren(subs));
        }
        // a COMMAND DOCS map holding "subcommands" -> map of name -> docs
        if ((t.type == '%' || t.type == '*') && c.size() % 2 == 0) {
            for (int i = 0; i + 1 < c.size(); i += 2) {
                if ("subcommands".equals(c.get(i).value) && c.get(i + 1).isAggregate()) {
                    List<RespTree[]> pairs = new ArrayList<>();
                    List<RespTree> kv = c.get(i + 1).children;
                    for (int j = 0; j + 1 < kv.size(); j += 2) {
                        if (ours.contains(kv.get(j).value)) {
                            pairs.add(new RespTree[] {kv.get(j), kv.get(j + 1)});
                        }
                    }
                    pairs.sort(Comparator.comparing(p -> p[0].value));
                    List<RespTree> flat = new ArrayList<>();
                    for (RespTree[] p : pairs) {
                        flat.add(p[0]);
                        flat.add(p[1]);
                    }
                    c.set(i + 1, c.get(i + 1).withChildren(flat));
                }
            }
        }
        return t.withChildren(c);
    }

    @Test
    void infoAndDocsOfEveryCommand() {
        try (Diff.Pair p = diff.pair()) {
            Set<String> ours = bulks(p.ours.callString("COMMAND", "LIST"));
            ours.removeAll(EXTRAS);
            Set<String> redis = bulks(p.real.callString("COMMAND", "LIST"));
            assertTrue(redis.containsAll(ours), "commands Redis 7.0 does not have: " + minus(ours, redis));
            List<String> failures = new ArrayList<>();
            for (String proto : new String[] {"2", "3"}) {
                p.sameNormalized(ConnectionCompatTest.NO_ID, "HELLO", proto);
                for (String name : ours) {
                    for (String what : new String[] {"INFO", "DOCS"}) {
                        String r = normalize(RespTree.parse(p.real.callString("COMMAND", what, name)), ours).toString();
                        String o = normalize(RespTree.parse(p.ours.callString("COMMAND", what, name)), ours).toString();
                        if (!r.equals(o)) {
                            failures.add("RESP" + proto + " COMMAND " + what + " " + name + "\n redis: " + Diff.esc(r)
                                    + "\n ours : " + Diff.esc(o));
                        }
                    }
                }
                // several names at once, unknown ones included
                p.same("COMMAND", "INFO", "get", "nosuch", "config|get", "CONFIG|SET", "config|nosuch", "GET");
                p.same("COMMAND", "DOCS", "get", "nosuch", "config|get", "SET");
            }
            assertEquals("", String.join("\n", failures));
        }
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> r = new TreeSet<>(a);
        r.removeAll(b);
        return r;
    }

    @Test
    void getkeysAndFlags() {
        try (Diff.Pair p = diff.pair()) {
            p.script("COMMAND GETKEYS", "COMMAND GETKEYS foo", "COMMAND GETKEYS get", "COMMAND GETKEYS get a b",
                    "COMMAND GETKEYS get a", "COMMAND GETKEYS ping", "COMMAND GETKEYS ping a b c",
                    "COMMAND GETKEYS set a b EX 10", "COMMAND GETKEYS mset a 1 b 2", "COMMAND GETKEYS mset a 1 b",
                    "COMMAND GETKEYS config get x", "COMMAND GETKEYS config", "COMMAND GETKEYS config nosuch",
                    "COMMAND GETKEYS lcs a b", "COMMAND GETKEYS client foo", "COMMAND GETKEYS del a b c",
                    "COMMAND GETKEYS exists a", "COMMAND GETKEYS exists", "COMMAND GETKEYS copy a b DB 1",
                    "COMMAND GETKEYS rename a b", "COMMAND GETKEYS object encoding k", "COMMAND GETKEYS scan 0",
                    "COMMAND GETKEYS watch a b", "COMMAND GETKEYS publish ch m", "COMMAND GETKEYS msetnx a 1",
                    "COMMAND GETKEYSANDFLAGS set a b", "COMMAND GETKEYSANDFLAGS set a b get",
                    "COMMAND GETKEYSANDFLAGS set a b nx GeT", "COMMAND GETKEYSANDFLAGS mset a 1 b 2",
                    "COMMAND GETKEYSANDFLAGS copy a b", "COMMAND GETKEYSANDFLAGS rename a b",
                    "COMMAND GETKEYSANDFLAGS getex a", "COMMAND GETKEYSANDFLAGS getdel a",
                    "COMMAND GETKEYSANDFLAGS del a b", "COMMAND GETKEYSANDFLAGS lcs a b",
                    "COMMAND GETKEYSANDFLAGS incrbyfloat a 1", "COMMAND GETKEYSANDFLAGS append a b",
                    "COMMAND GETKEYSANDFLAGS ping", "COMMAND COUNT x", "COMMAND LIST x",
                    "COMMAND LIST FILTERBY", "COMMAND LIST FILTERBY foo bar", "COMMAND LIST FILTERBY ACLCAT foo",
                    "COMMAND LIST FILTERBY MODULE foo", "COMMAND LIST FILTERBY PATTERN xyz*");
            p.verify();
            p.sameNormalized(ConnectionCompatTest.NO_ID, "HELLO", "3");
            p.script("COMMAND GETKEYSANDFLAGS set a b", "COMMAND GETKEYSANDFLAGS mset a 1 b 2");
            p.verify();
        }
    }
}
