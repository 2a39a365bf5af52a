package io.redmesh.node.command.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import io.redmesh.node.testing.StartedNode;
import io.redmesh.node.testing.StartedRedis;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * ACL against a real redis-server 7.0.15, byte for byte: SETUSER / GETUSER / LIST over many rule
 * combinations, rule errors, CAT, DRYRUN, AUTH / HELLO, NOPERM replies, ACL LOG (age and client
 * info masked) and EXEC re-checks. Redis orders single-command rules ("+get +set") by its
 * randomly seeded command dict, so runs of such rules are compared sorted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AclDifferentialTest {
    @StartedRedis
    private static RedisProcess redis;
    @StartedNode
    private static ServerFixture node;
    private RespClient real;
    private RespClient ours;
    private final List<RespClient> extra = new ArrayList<>();

    @BeforeEach
    void connect() {
        real = redis.client();
        ours = node.client();
        for (String[] c : List.of(new String[] {"FLUSHALL"}, new String[] {"ACL", "LOG", "RESET"})) {
            real.call(c);
            ours.call(c);
        }
        String users = DiffHarness.text(real.call("ACL", "USERS"));
        for (String line : users.split("\r\n")) {
            if (!line.startsWith("*") && !line.startsWith("$") && !line.equals("default")) {
                real.call("ACL", "DELUSER", line);
            }
        }
        String mine = DiffHarness.text(ours.call("ACL", "USERS"));
        for (String line : mine.split("\r\n")) {
            if (!line.startsWith("*") && !line.startsWith("$") && !line.equals("default")) {
                ours.call("ACL", "DELUSER", line);
            }
        }
    }

    @AfterEach
    void closeClients() {
        real.close();
        ours.close();
        extra.forEach(RespClient::close);
        extra.clear();
    }

    /** Sorts each run of single-command rules (+cmd / -cmd, not categories) in every line. */
    static String normalize(String reply) {
        StringBuilder out = new StringBuilder();
        for (String line : reply.split("\r\n", -1)) {
            if (out.length() > 0) {
                out.append("\r\n");
            }
            String spaced = line.replace("(", "( ").replace(")", " )");
            List<String> tokens = new ArrayList<>(Arrays.asList(spaced.split(" ", -1)));
            int i = 0;
            while (i < tokens.size()) {
                int j = i;
                while (j < tokens.size() && single(tokens.get(j))) {
                    j++;
                }
                if (j > i) {
                    Collections.sort(tokens.subList(i, j));
                    i = j;
                } else {
                    i++;
                }
            }
            out.append(String.join(" ", tokens));
        }
        return out.toString();
    }

    private static boolean single(String t) {
        return (t.startsWith("+") || t.startsWith("-")) && !t.startsWith("+@") && !t.startsWith("-@");
    }

    /** ACL LOG with age-seconds and client-info values blanked. */
    static String maskLog(String reply) {
        String[] lines = reply.split("\r\n", -1);
        for (int i = 0; i + 2 < lines.length; i++) {
            if (lines[i].equals("age-seconds") || lines[i].equals("client-info")) {
                lines[i + 1] = "$?";
                lines[i + 2] = "?";
            }
        }
        return String.join("\r\n", lines);
    }

    private String same(RespClient r, RespClient o, String... cmd) {
        String a = normalize(DiffHarness.text(r.call(cmd)));
        String b = normalize(DiffHarness.text(o.call(cmd)));
        assertEquals(a, b, () -> "reply to " + Arrays.toString(cmd));
        return b;
    }

    private String same(String... cmd) {
        return same(real, ours, cmd);
    }

    private void sameLog(RespClient r, RespClient o, String... cmd) {
        String a = maskLog(DiffHarness.text(r.call(cmd)));
        String b = maskLog(DiffHarness.text(o.call(cmd)));
        assertEquals(a, b, () -> "reply to " + Arrays.toString(cmd));
    }

    private RespClient[] pair() {
        RespClient a = RespClient.connect(redis.port());
        RespClient b = RespClient.connect(node.port());
        extra.add(a);
        extra.add(b);
        return new RespClient[] {a, b};
    }

    static final List<String> RULE_SETS = List.of(
            "on >p1 ~k* +get",
            "+@all -@dangerous",
            "-@all +@read -get",
            "+@hash +@string -hset",
            "allcommands -client|kill",
            "-@all +client|list +client|info +config|get",
            "-@all +select|0 +select|1",
            "+@all -select +select|0",
            "+@all -select +select|0 +select",
            "%R~r* %W~w* %RW~rw* ~a ~b &c1 &c2",
            "%R~x %W~x",
            "%R %W~",
            "(+get ~x*) (+set ~y* &z)",
            "( +get ~x* )",
            "(+get ~x*) clearselectors",
            "on >a >b <a nopass",
            "on #5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8",
            "on >a >b !ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb",
            "on >a resetpass",
            "+@all -@slow +@admin",
            "+@geo +@stream +@bitmap +@hyperloglog",
            "-@all +acl",
            "+@all -acl +acl|whoami",
            "+@pubsub +@fast",
            "allkeys resetkeys ~x",
            "allchannels resetchannels &y",
            "skip-sanitize-payload",
            "sanitize-payload",
            "on ~* &* +@all reset",
            "+@all -@read +get",
            "-@all +@write +@read -@dangerous +info",
            "nocommands +debug|object +debug|digest",
            "+@keyspace -del -unlink",
            "+@transaction +@connection +@scripting",
            "+@sortedset +@list +@set -@blocking",
            "ON OFF ON ALLKEYS ALLCHANNELS ALLCOMMANDS",
            "+GET +Set -@ALL +@Hash",
            "~k1 ~k1 &c &c >x >x",
            "-config|set +config",
            "+@all -config +config|get");

    @Test
    void setuserGetuserListOverRuleSets() {
        int n = 0;
        for (String rules : RULE_SETS) {
            String name = "u" + n++;
            List<String> cmd = new ArrayList<>(List.of("ACL", "SETUSER", name));
            cmd.addAll(Arrays.asList(rules.split(" ")));
            same(cmd.toArray(String[]::new));
            same("ACL", "GETUSER", name);
        }
        same("ACL", "LIST");
        same("ACL", "USERS");
        // the same rules applied again to existing users
        n = 0;
        for (String rules : RULE_SETS) {
            List<String> cmd = new ArrayList<>(List.of("ACL", "SETUSER", "u" + n++));
            cmd.addAll(Arrays.asList(rules.split(" ")));
            same(cmd.toArray(String[]::new));
        }
        same("ACL", "LIST");
    }

    @Test
    void ruleErrors() {
        for (String r : List.of("%", "%R", "%RR~x", "%~x", "%X~a", "~", "&", "+", "-", "-@", "+@", "+@nope", "-@nope",
                "+nosuch", "-nosuch", "+config|get|x", "-select|0", "+select|", "+client|nosuch", "#abc",
                "#5E884898DA28047151D0E56F8DC6292773603D0D6AABBDD62A11EF721D1542D8", "!abc", "<nope", "foo", "()",
                "( )", "(foo)", "(on)", "~a b", "(~a ~b)", "~a\tb", "", "+@all", "allkeys", "~x", "allchannels", "&y",
                "+select|0|1", "+get|x", "-get|x", "+|", "ON")) {
            same("ACL", "SETUSER", "e", r);
        }
        same("ACL", "SETUSER", "e", "+get", "(");
        same("ACL", "SETUSER", "e", "a", "(", "b");
        same("ACL", "SETUSER", "e", "(+get", "~x", "&y)", "(~z");
        same("ACL", "SETUSER", "e", "(+get", "~x", "&y)", "(+set", "~z)");
        same("ACL", "SETUSER", "e", "on", "bogus", ">pw");
        same("ACL", "SETUSER", "a b");
        same("ACL", "SETUSER", "a\0b");
        same("ACL", "GETUSER", "e");
        same("ACL", "LIST");
        same("ACL", "GETUSER", "nosuch");
        same("ACL", "DELUSER", "default");
        same("ACL", "DELUSER", "e", "default");
        same("ACL", "DELUSER", "e", "nosuch", "e");
        same("ACL", "FOO");
        same("ACL");
        same("ACL", "GETUSER");
        same("ACL", "SETUSER");
        same("ACL", "LOG", "2", "3");
        same("ACL", "LOG", "x");
        same("ACL", "LOG", "-1");
        same("ACL", "CAT", "a", "b");
        same("ACL", "GENPASS", "0");
        same("ACL", "GENPASS", "4097");
        same("ACL", "GENPASS", "x");
        same("ACL", "GENPASS", "1", "2");
        same("ACL", "SAVE");
        same("ACL", "LOAD");
        same("ACL", "LIST", "x");
        same("ACL", "WHOAMI", "x");
        same("ACL", "HELP");
        same("ACL", "HELP", "x");
        same("ACL", "DRYRUN", "nosuch", "get", "x");
        same("ACL", "DRYRUN", "default", "nocmd");
        same("ACL", "DRYRUN", "default", "client", "nosuch");
        same("ACL", "DRYRUN", "default");
        same("PING");
    }

    @Test
    void catAndGenpass() {
        same("ACL", "CAT");
        for (String c : DiffHarness.text(real.call("ACL", "CAT")).split("\r\n")) {
            if (c.isEmpty() || c.startsWith("*") || c.startsWith("$")) {
                continue;
            }
            // client|setinfo (Redis 7.2, declared in commands-extra.json) is ours alone
            assertEquals(DiffHarness.Node.parse(real.call("ACL", "CAT", c)).canon(true, false),
                    DiffHarness.Node.parse(withoutSetinfo(ours.call("ACL", "CAT", c.toUpperCase()))).canon(true, false),
                    "ACL CAT " + c);
        }
        same("ACL", "CAT", "nocat");
        for (String bits : List.of("1", "4", "5", "255", "256", "4096")) {
            new DiffHarness(real, ours).sameShape("ACL", "GENPASS", bits);
        }
        new DiffHarness(real, ours).sameShape("ACL", "GENPASS");
        same("ACL", "WHOAMI");
    }

    @Test
    void dryrun() {
        same("ACL", "SETUSER", "d", "on", "nopass", "-@all", "+get", "+set", "+publish", "+subscribe", "+psubscribe",
                "+client|list", "+mget", "+select|1", "%R~r*", "%W~w*", "~k*", "&c*", "(+hget ~h*)");
        for (String cmd : List.of("get k1", "get r1", "get w1", "get x", "set k1 v", "set w1 v", "set r1 v", "set x v",
                "set w1 v GET", "mget k1 r1 x", "mget k1 r1", "publish c1 m", "publish d1 m", "subscribe c1 c2",
                "subscribe c1 d1", "psubscribe c*", "psubscribe c1", "psubscribe c", "client list", "client kill x",
                "client", "del k1", "select 1", "select 2", "SELECT 1", "hget h1 f", "hget k1 f", "hset h1 f v",
                "ping", "auth x y", "exists r1", "exists w1", "copy k1 w2", "copy r1 w2", "copy w1 r2",
                "lmove r1 w1 left right")) {
            List<String> c = new ArrayList<>(List.of("ACL", "DRYRUN", "d"));
            c.addAll(Arrays.asList(cmd.split(" ")));
            same(c.toArray(String[]::new));
        }
    }

    @Test
    void authHelloAndNoperm() {
        same("AUTH", "x");
        same("AUTH", "a", "b", "c");
        same("ACL", "SETUSER", "u", "on", ">p1", "~k*", "&c*", "+get", "+set", "+publish", "+subscribe", "+acl|whoami",
                "-@all", "+get", "+multi", "+exec", "+acl|log");
        same("ACL", "SETUSER", "off1", "off", ">p");
        same("ACL", "SETUSER", "np", "on", "nopass", "+@all", "~*");
        RespClient[] p = pair();
        same(p[0], p[1], "AUTH", "u", "wrong");
        same(p[0], p[1], "AUTH", "nosuch", "p1");
        same(p[0], p[1], "AUTH", "off1", "p");
        same(p[0], p[1], "auth", "u", "wrong");
        same(p[0], p[1], "HELLO", "3", "AUTH", "u", "wrong");
        same(p[0], p[1], "HELLO", "2", "AUTH", "u");
        same(p[0], p[1], "AUTH", "np", "anything");
        same(p[0], p[1], "ACL", "WHOAMI");
        same(p[0], p[1], "AUTH", "u", "p1");
        same(p[0], p[1], "ACL", "WHOAMI");
        same(p[0], p[1], "GET", "k1");
        same(p[0], p[1], "GET", "x1");
        same(p[0], p[1], "SET", "k1", "v");
        same(p[0], p[1], "DEL", "k1");
        same(p[0], p[1], "PUBLISH", "c1", "m");
        same(p[0], p[1], "PUBLISH", "d1", "m");
        same(p[0], p[1], "CLIENT", "LIST");
        same(p[0], p[1], "MULTI");
        same(p[0], p[1], "GET", "k1");
        same(p[0], p[1], "GET", "nok");
        same(p[0], p[1], "EXEC");
        same(p[0], p[1], "DEL", "k1");
        same(p[0], p[1], "DEL", "k1");
        sameLog(real, ours, "ACL", "LOG");
        sameLog(real, ours, "ACL", "LOG", "2");
        sameLog(real, ours, "ACL", "LOG", "0");
        same("ACL", "LOG", "RESET");
        same("ACL", "LOG");
        same(p[0], p[1], "SUBSCRIBE", "c1", "d1");
        same(p[0], p[1], "SUBSCRIBE", "c1", "c2");
        sameLog(real, ours, "ACL", "LOG");
    }

    @Test
    void resp3RepliesAndAuthInsideMulti() {
        same("ACL", "SETUSER", "r3", "on", ">pw", "%R~r*", "&c", "-@all", "+get", "(+set ~w*)");
        RespClient[] p = pair();
        same(p[0], p[1], "HELLO", "3", "AUTH", "r3", "bad");
        p[0].call("HELLO", "3");
        p[1].call("HELLO", "3");
        same(p[0], p[1], "ACL", "GETUSER", "r3");
        same(p[0], p[1], "ACL", "GETUSER", "nosuch");
        same(p[0], p[1], "MULTI");
        same(p[0], p[1], "AUTH", "r3", "wrong");
        same(p[0], p[1], "EXEC");
        sameLog(p[0], p[1], "ACL", "LOG");
        same(p[0], p[1], "ACL", "CAT");
        same(p[0], p[1], "ACL", "DRYRUN", "r3", "set", "r1", "v");
        same(p[0], p[1], "ACL", "DRYRUN", "r3", "set", "w1", "v");
    }

    @Test
    void aclChangesDuringMultiAreCheckedAtExec() {
        same("ACL", "SETUSER", "m", "on", ">pw", "~*", "&*", "+@all");
        RespClient[] p = pair();
        same(p[0], p[1], "AUTH", "m", "pw");
        same(p[0], p[1], "MULTI");
        same(p[0], p[1], "SET", "a", "1");
        same(p[0], p[1], "GET", "b");
        same(p[0], p[1], "PUBLISH", "ch", "x");
        same(p[0], p[1], "GET", "a");
        same("ACL", "SETUSER", "m", "-set", "resetkeys", "~a", "resetchannels");
        same(p[0], p[1], "EXEC");
        sameLog(real, ours, "ACL", "LOG");
    }

    @Test
    void deletingAUserDisconnectsItsClients() {
        same("ACL", "SETUSER", "gone", "on", ">pw", "~*", "&*", "+@all");
        RespClient[] p = pair();
        same(p[0], p[1], "AUTH", "gone", "pw");
        same("ACL", "DELUSER", "gone");
        assertTrue(p[0].closedByServer(2000), "redis closes the client");
        assertTrue(p[1].closedByServer(2000), "we close the client");
        same("ACL", "SETUSER", "self", "on", ">pw", "~*", "&*", "+@all");
        RespClient[] q = pair();
        same(q[0], q[1], "AUTH", "self", "pw");
        same(q[0], q[1], "ACL", "DELUSER", "self");
        assertTrue(q[1].closedByServer(2000), "a user deleting itself is closed after the reply");
    }

    @Test
    void revokedChannelsKillSubscribers() {
        same("ACL", "SETUSER", "s", "on", ">pw", "~*", "resetchannels", "&news.*", "&other", "+@all");
        RespClient[] p = pair();
        same(p[0], p[1], "AUTH", "s", "pw");
        same(p[0], p[1], "SUBSCRIBE", "news.a");
        RespClient[] q = pair();
        same(q[0], q[1], "AUTH", "s", "pw");
        same(q[0], q[1], "SUBSCRIBE", "other");
        same("ACL", "SETUSER", "s", "resetchannels", "&other");
        assertTrue(p[0].closedByServer(2000));
        assertTrue(p[1].closedByServer(2000), "subscriber to a revoked channel is closed");
        same(q[0], q[1], "PING");
    }

    @Test
    void requirepassIsTheDefaultUsersPassword() {
        try {
            same("CONFIG", "SET", "requirepass", "secret");
            same("ACL", "GETUSER", "default");
            RespClient[] p = pair();
            same(p[0], p[1], "GET", "x");
            same(p[0], p[1], "AUTH", "wrong");
            same(p[0], p[1], "HELLO", "3");
            same(p[0], p[1], "AUTH", "secret");
            same(p[0], p[1], "GET", "x");
            same("ACL", "SETUSER", "default", "nopass");
            RespClient[] q = pair();
            same(q[0], q[1], "GET", "x");
        } finally {
            real.call("CONFIG", "SET", "requirepass", "");
            ours.call("CONFIG", "SET", "requirepass", "");
        }
        same("ACL", "LIST");
        same("CONFIG", "SET", "acllog-max-len", "2");
        same("ACL", "SETUSER", "z", "on", ">pw");
        RespClient[] p = pair();
        for (String u : List.of("a", "b", "c", "a")) {
            same(p[0], p[1], "AUTH", u, "x");
        }
        sameLog(real, ours, "ACL", "LOG");
        same("CONFIG", "SET", "acllog-max-len", "128");
        same("CONFIG", "SET", "acl-pubsub-default", "allchannels");
        same("ACL", "SETUSER", "pd");
        same("ACL", "SETUSER", "pd2", "reset", "(+get)");
        same("ACL", "GETUSER", "pd2");
        same("CONFIG", "SET", "acl-pubsub-default", "resetchannels");
        same("ACL", "LIST");
    }

    private static byte[] withoutSetinfo(byte[] reply) {
        String t = DiffHarness.text(reply);
        if (!t.contains("client|setinfo")) {
            return reply;
        }
        int n = Integer.parseInt(t.substring(1, t.indexOf("\r\n")));
        t = "*" + (n - 1) + t.substring(t.indexOf("\r\n")).replace("$14\r\nclient|setinfo\r\n", "");
        return t.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
