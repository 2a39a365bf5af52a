package io.redmesh.node.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.command.CommandSpec;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.command.family.Families;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ACL model on its own: rules, checks, descriptions, log grouping; no sockets. */
class AclModelTest {
    static final CommandTable TABLE = CommandTable.load(Families.all(() -> {}, new io.redmesh.node.command.family.AclCommands()));
    final AclRuleParser parser = new AclRuleParser(TABLE, () -> 0);
    final AclDescriber describer = new AclDescriber(TABLE);

    AclUser user(String rules) throws AclRuleException {
        AclUser u = parser.newUser("u");
        List<String> merged = AclRuleParser.mergeSelectorArguments(Arrays.asList(rules.split(" ")), null);
        for (String r : merged) {
            parser.apply(u, r);
        }
        return u;
    }

    static byte[][] argv(String cmd) {
        String[] p = cmd.split(" ");
        byte[][] out = new byte[p.length][];
        for (int i = 0; i < p.length; i++) {
            out[i] = p[i].getBytes(StandardCharsets.ISO_8859_1);
        }
        return out;
    }

    static CommandSpec spec(String cmd) {
        String[] p = cmd.split(" ");
        CommandSpec s = TABLE.get(p[0].toLowerCase());
        if (s.isContainer()) {
            s = s.subcommand(p[1].toLowerCase());
        }
        return s;
    }

    int check(AclUser u, String cmd) {
        return AclPermissions.check(u, spec(cmd), argv(cmd)).code();
    }

    @Test
    void newUserIsOffWithNothingAllowed() throws Exception {
        AclUser u = parser.newUser("x");
        assertEquals("off resetchannels -@all", describer.describeUser(u));
        assertFalse(u.enabled());
        assertEquals(AclPermissions.DENIED_CMD, check(u, "get k"));
    }

    @Test
    void defaultUserDescription() {
        assertEquals("on nopass ~* &* +@all", describer.describeUser(parser.newDefaultUser()));
        assertTrue(parser.newDefaultUser().unrestricted());
    }

    @Test
    void keyPermissionsFollowKeySpecFlags() throws Exception {
        AclUser u = user("on +@all %R~r* %W~w* ~k*");
        assertEquals(AclPermissions.OK, check(u, "get r1"));
        assertEquals(AclPermissions.DENIED_KEY, check(u, "set r1 v"));
        assertEquals(AclPermissions.OK, check(u, "set w1 v"));
        assertEquals(AclPermissions.DENIED_KEY, check(u, "get w1"));
        assertEquals(AclPermissions.OK, check(u, "set k1 v"));
        // SET ... GET reads the key too (variable flags via the command's key finder)
        assertEquals(AclPermissions.DENIED_KEY, check(u, "set w1 v GET"));
        assertEquals(AclPermissions.OK, check(u, "copy r1 w2"));
        assertEquals(AclPermissions.DENIED_KEY, check(u, "copy w1 w2"));
        // EXISTS needs neither read nor write: any pattern that matches will do
        assertEquals(AclPermissions.OK, check(u, "exists w1"));
        AclPermissions.Result r = AclPermissions.check(u, spec("mget r1 k2 x"), argv("mget r1 k2 x"));
        assertEquals(3, r.argIndex());
    }

    @Test
    void channelsAreGlobMatchedAndPsubscribeLiterally() throws Exception {
        AclUser u = user("on +@all ~* resetchannels &news.* &lit");
        assertEquals(AclPermissions.OK, check(u, "publish news.a m"));
        assertEquals(AclPermissions.DENIED_CHANNEL, check(u, "publish other m"));
        assertEquals(AclPermissions.OK, check(u, "subscribe news.a lit"));
        assertEquals(AclPermissions.DENIED_CHANNEL, check(u, "psubscribe news.a"));
        assertEquals(AclPermissions.OK, check(u, "psubscribe news.*"));
        assertEquals(AclPermissions.OK, check(u, "unsubscribe anything"));
    }

    @Test
    void selectorsAreTriedAfterTheRoot() throws Exception {
        AclUser u = user("on -@all +get ~a* (+set ~b*) (+get ~c*)");
        assertEquals(AclPermissions.OK, check(u, "get a1"));
        assertEquals(AclPermissions.OK, check(u, "set b1 v"));
        assertEquals(AclPermissions.OK, check(u, "get c1"));
        assertEquals(AclPermissions.DENIED_KEY, check(u, "get b1"));
        assertEquals(AclPermissions.DENIED_CMD, check(u, "del a1"));
        assertEquals("on ~a* resetchannels -@all +get (~b* resetchannels -@all +set) (~c* resetchannels -@all +get)",
                describer.describeUser(u));
    }

    @Test
    void subcommandsAndFirstArgs() throws Exception {
        AclUser u = user("on ~* -@all +client|list +select|0 +config -config|set");
        assertEquals(AclPermissions.OK, check(u, "client list"));
        assertEquals(AclPermissions.DENIED_CMD, check(u, "client kill x"));
        assertEquals(AclPermissions.OK, check(u, "select 0"));
        assertEquals(AclPermissions.DENIED_CMD, check(u, "select 1"));
        assertEquals(AclPermissions.OK, check(u, "config get x"));
        assertEquals(AclPermissions.DENIED_CMD, check(u, "config set x y"));
        assertEquals(AclPermissions.OK, check(u, "auth x y"), "no-auth commands need no permission");
        String line = describer.describeUser(u);
        assertTrue(line.contains("+select|0"), line);
        assertTrue(line.contains("-config|set"), line);
    }

    @Test
    void ruleErrorsCarryRedisMessages() {
        assertEquals("Syntax error", err("foo"));
        assertEquals("Syntax error", err("%X~a"));
        assertEquals("Syntax error", err("~a b"));
        assertEquals("Unknown command or category name in ACL", err("+nosuch"));
        assertEquals("Unknown command or category name in ACL", err("-@nosuch"));
        assertEquals("Allowing first-arg of a subcommand is not supported", err("+config|get|x"));
        assertEquals(AclRuleException.Kind.BAD_HASH.message, err("#abc"));
        assertEquals(AclRuleException.Kind.NO_SUCH_PASSWORD.message, err("<nope"));
        assertThrows(AclRuleException.class, () -> user("allkeys ~x"));
        assertThrows(AclRuleException.class, () -> user("allchannels &x"));
        assertNull(AclRuleParser.mergeSelectorArguments(List.of("(+get", "~x"), null));
    }

    private String err(String rule) {
        return assertThrows(AclRuleException.class, () -> user(rule)).getMessage();
    }

    @Test
    void passwordsAreHashedAndCompared() throws Exception {
        AclUser u = user("on >secret >other <other");
        assertEquals(1, u.passwordHashes().size());
        assertEquals("2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b", u.passwordHashes().get(0));
        assertTrue(u.passwordMatches("secret".getBytes()));
        assertFalse(u.passwordMatches("other".getBytes()));
        assertFalse(describer.describeUser(u).contains("secret"));
        assertFalse(u.toString().contains("2bb80d"));
        AclUser np = user("on nopass");
        assertTrue(np.passwordMatches("anything".getBytes()));
        assertTrue(user("on >x nopass").passwordHashes().isEmpty());
        assertFalse(user("on nopass resetpass").nopass());
    }

    @Test
    void certonlyRendersAfterOnOffAndResetClearsIt() throws Exception {
        AclUser u = user("on certonly nopass ~* +@all");
        assertTrue(u.certOnly());
        assertEquals("on certonly nopass ~* resetchannels +@all", describer.describeUser(u));
        assertFalse(user("certonly nocertonly").certOnly());
        assertFalse(user("on certonly reset").certOnly());
        AclUser again = user(describer.describeUser(u));
        assertEquals(describer.describeUser(u), describer.describeUser(again));
    }

    @Test
    void commandRulesPickBestFittingCategories() throws Exception {
        assertEquals("-@all +@hash", describer.describeCommandRules(user("+@hash").root()));
        assertEquals("+@all -@dangerous", describer.describeCommandRules(user("+@all -@dangerous").root()));
        String r = describer.describeCommandRules(user("-@all +@read -get").root());
        assertTrue(r.startsWith("-@all +@read"), r);
        assertTrue(r.endsWith("-get"), r);
    }

    @Test
    void logGroupsSimilarEntries() {
        AclLog log = new AclLog();
        log.add("auth", "toplevel", "AUTH", "bob", "id=1", 1000, 128);
        log.add("auth", "toplevel", "AUTH", "bob", "id=2", 2000, 128);
        log.add("auth", "toplevel", "AUTH", "eve", "id=3", 2000, 128);
        assertEquals(2, log.size());
        assertEquals("eve", log.newest(1).get(0).username);
        log.add("auth", "toplevel", "AUTH", "bob", "id=4", 3000, 128);
        AclLog.Entry first = log.newest(1).get(0);
        assertEquals(3, first.count);
        assertEquals("id=4", first.clientInfo);
        log.add("auth", "toplevel", "AUTH", "bob", "id=5", 3000 + 60_001, 128);
        assertEquals(3, log.size(), "older than 60s: a new entry");
        log.trim(1);
        assertEquals(1, log.size());
    }

    @Test
    void copiesAreIndependent() throws Exception {
        AclUser u = user("on ~a (+get ~b)");
        AclUser c = u.copyNamed("c");
        parser.apply(c, "~z");
        parser.apply(c, "clearselectors");
        assertEquals("on ~a resetchannels -@all (~b resetchannels -@all +get)", describer.describeUser(u));
    }

    static List<String> tokens(String line) {
        return new ArrayList<>(Arrays.asList(line.split(" ")));
    }
}
