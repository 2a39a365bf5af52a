package io.redmesh.node.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redmesh.node.command.AclCategory;
import io.redmesh.node.command.CommandSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property: for any user built from random rules, its ACL LIST line parsed again gives the same
 * user (flags, password hashes, key/channel patterns, command bitmaps, effective first-args)
 * and the same line. Seeded, so a failure names the seed that reproduces it.
 */
class AclRoundTripTest {
    final AclRuleParser parser = new AclRuleParser(AclModelTest.TABLE, () -> 0);
    final AclDescriber describer = new AclDescriber(AclModelTest.TABLE);
    final List<CommandSpec> commands = new ArrayList<>();

    AclRoundTripTest() {
        for (CommandSpec c : AclModelTest.TABLE.aclCommands()) {
            commands.add(c);
            commands.addAll(c.declaredSubcommands());
        }
    }

    @Test
    void listLineRecreatesTheUser() {
        for (long seed = 1; seed <= 1500; seed++) {
            Random rnd = new Random(seed);
            AclUser u = parser.newUser("r");
            List<String> applied = new ArrayList<>();
            int n = 1 + rnd.nextInt(14);
            for (int i = 0; i < n; i++) {
                String rule = randomRule(rnd, true);
                try {
                    parser.apply(u, rule);
                    applied.add(rule);
                } catch (AclRuleException e) {
                    // e.g. a pattern after allkeys: refused, as Redis does; the user may be half-changed
                }
            }
            String line = describer.describeUser(u);
            AclUser again = parser.newUser("r");
            List<String> rules = AclRuleParser.mergeSelectorArguments(Arrays.asList(line.split(" ")), null);
            for (String r : rules) {
                try {
                    parser.apply(again, r);
                } catch (AclRuleException e) {
                    throw new AssertionError("seed " + seed + ": rule '" + r + "' of '" + line + "' refused", e);
                }
            }
            long s = seed;
            assertEquals(line, describer.describeUser(again), () -> "seed " + s + " rules " + applied);
            assertEquals(fingerprint(u), fingerprint(again), () -> "seed " + s + " rules " + applied);
        }
    }

    /** Everything that decides behaviour, in a comparable form. */
    String fingerprint(AclUser u) {
        StringBuilder sb = new StringBuilder();
        sb.append(u.flags).append(u.passwords);
        for (AclSelector s : u.selectors) {
            sb.append('|').append(s.flags & ~AclSelector.FLAG_ALLCOMMANDS).append(Arrays.toString(s.allowed));
            for (AclSelector.KeyPattern p : s.patterns) {
                sb.append(' ').append(p.render());
            }
            sb.append(s.channels);
            for (CommandSpec c : commands) {
                List<String> f = s.firstArgs(c.aclId());
                if (f != null && !f.isEmpty() && !s.bit(c.aclId())) {
                    sb.append(c.fullName).append(f); // first-args only matter while the command is denied
                }
            }
        }
        return sb.toString();
    }

    private static final String[] PATTERNS = {"*", "a*", "b?", "k:[0-9]*", "x", "user:*", "", "a*b"};

    String randomRule(Random rnd, boolean root) {
        switch (rnd.nextInt(root ? 26 : 19)) {
            case 0: return "~" + pick(rnd, PATTERNS);
            case 1: return "%R~" + pick(rnd, PATTERNS);
            case 2: return "%W~" + pick(rnd, PATTERNS);
            case 3: return "%RW~" + pick(rnd, PATTERNS);
            case 4: return rnd.nextBoolean() ? "allkeys" : "resetkeys";
            case 5: return "&" + pick(rnd, PATTERNS);
            case 6: return rnd.nextBoolean() ? "allchannels" : "resetchannels";
            case 7: case 8: return (rnd.nextBoolean() ? "+" : "-") + command(rnd).fullName;
            case 9: case 10: return (rnd.nextBoolean() ? "+@" : "-@") + pick(rnd, AclCategory.values()).wireName();
            case 11: return rnd.nextBoolean() ? "allcommands" : "nocommands";
            case 12: return "+select|" + rnd.nextInt(3);
            case 13: return "+debug|" + pick(rnd, new String[] {"object", "digest", "sleep"});
            case 14: return "+@all";
            case 15: return "-@all";
            case 16: {
                CommandSpec c = command(rnd);
                CommandSpec top = c.parent == null ? c : c.parent;
                return "-" + top.fullName;
            }
            case 17: case 18: return "+" + command(rnd).fullName;
            case 19: return rnd.nextBoolean() ? "on" : "off";
            case 20: return ">" + "pw" + rnd.nextInt(4);
            case 21: return rnd.nextBoolean() ? "nopass" : "resetpass";
            case 22: return rnd.nextBoolean() ? "certonly" : "nocertonly";
            case 23: return rnd.nextBoolean() ? "skip-sanitize-payload" : "sanitize-payload";
            case 24: {
                StringBuilder sb = new StringBuilder("(");
                int k = rnd.nextInt(4);
                for (int i = 0; i < k; i++) {
                    sb.append(i == 0 ? "" : " ").append(randomRule(rnd, false));
                }
                return sb.append(')').toString();
            }
            default: return rnd.nextInt(4) == 0 ? "reset" : "clearselectors";
        }
    }

    CommandSpec command(Random rnd) {
        return commands.get(rnd.nextInt(commands.size()));
    }

    static <T> T pick(Random rnd, T[] a) {
        return a[rnd.nextInt(a.length)];
    }
}
