package io.redmesh.node.acl;

import io.redmesh.node.command.AclCategory;
import io.redmesh.node.command.CommandSpec;
import io.redmesh.node.command.CommandTable;
import java.util.List;

/**
 * Renders users as rules that re-create them: Redis 7.0's ACLDescribeUser(),
 * ACLDescribeSelector() and ACLDescribeSelectorCommandRules(). The command rules start from
 * +@all or -@all (whether the selector may run future commands), then greedily apply the
 * categories that best fit the bitmap, then fix single commands, so the output is what
 * redis-server prints for the same user (up to the order of single commands, which Redis takes
 * from its randomly seeded command dict and we take from the table).
 */
public final class AclDescriber {
    private final CommandTable table;

    public AclDescriber(CommandTable table) {
        this.table = table;
    }

    /** ACLDescribeUser(): flags, password hashes, root selector, then " (selector)" each. */
    public String describeUser(AclUser u) {
        StringBuilder sb = new StringBuilder();
        for (String f : u.flagNames()) {
            sb.append(f).append(' ');
        }
        for (String h : u.passwords) {
            sb.append('#').append(h).append(' ');
        }
        for (AclSelector s : u.selectors) {
            if (s.isRoot()) {
                sb.append(describeSelector(s));
            } else {
                sb.append(" (").append(describeSelector(s)).append(')');
            }
        }
        return sb.toString();
    }

    /** The "user name rules..." line of ACL LIST, ACL SAVE and CONFIG REWRITE. */
    public String userLine(AclUser u) {
        return "user " + u.name + " " + describeUser(u);
    }

    /** ACLDescribeSelector(): keys, channels, command rules. */
    public String describeSelector(AclSelector s) {
        StringBuilder sb = new StringBuilder();
        if (s.allKeys()) {
            sb.append("~* ");
        } else {
            for (AclSelector.KeyPattern p : s.patterns) {
                sb.append(p.render()).append(' ');
            }
        }
        if (s.allChannels()) {
            sb.append("&* ");
        } else {
            sb.append("resetchannels ");
            for (String c : s.channels) {
                sb.append('&').append(c).append(' ');
            }
        }
        sb.append(describeCommandRules(s));
        return sb.toString();
    }

    /** The "keys" field of ACL GETUSER: "~*" or the patterns joined by spaces. */
    public static String keysField(AclSelector s) {
        if (s.allKeys()) {
            return "~*";
        }
        StringBuilder sb = new StringBuilder();
        for (AclSelector.KeyPattern p : s.patterns) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(p.render());
        }
        return sb.toString();
    }

    /** The "channels" field of ACL GETUSER: "&*" or "&pattern" joined by spaces. */
    public static String channelsField(AclSelector s) {
        if (s.allChannels()) {
            return "&*";
        }
        StringBuilder sb = new StringBuilder();
        for (String c : s.channels) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append('&').append(c);
        }
        return sb.toString();
    }

    /** ACLDescribeSelectorCommandRules(). */
    public String describeCommandRules(AclSelector s) {
        int n = table.aclIdCount();
        StringBuilder rules = new StringBuilder();
        // Rules are applied to a fake selector as they are emitted, so at each step we know
        // which bits still differ from the user's.
        AclSelector fake = new AclSelector(n, 0);
        boolean additive;
        if (s.canRunFutureCommands()) {
            additive = false;
            rules.append("+@all ");
            fake.setAll(true);
        } else {
            additive = true;
            rules.append("-@all ");
            fake.setAll(false);
        }
        AclSelector temp = new AclSelector(n, 0);
        System.arraycopy(s.allowed, 0, temp.allowed, 0, s.allowed.length);
        AclCategory[] cats = AclCategory.values();
        boolean[] applied = new boolean[cats.length];
        List<CommandSpec> commands = table.aclCommands();
        while (true) {
            int best = -1;
            long mindiff = Integer.MAX_VALUE;
            long maxsame = 0;
            for (int j = 0; j < cats.length; j++) {
                if (applied[j]) {
                    continue;
                }
                long[] onOff = new long[2];
                count(commands, temp, cats[j].bit, onOff);
                long diff = additive ? onOff[1] : onOff[0];
                long same = additive ? onOff[0] : onOff[1];
                if (same > diff && (diff < mindiff || (diff == mindiff && same > maxsame))) {
                    best = j;
                    mindiff = diff;
                    maxsame = same;
                }
            }
            if (best == -1) {
                break;
            }
            fake.changeCategory(commands, cats[best].bit, additive);
            temp.changeCategory(commands, cats[best].bit, !additive);
            rules.append(additive ? "+@" : "-@").append(cats[best].wireName()).append(' ');
            applied[best] = true;
        }
        singleCommands(s, fake, rules, commands);
        rules.setLength(rules.length() - 1);
        if (!fake.sameCommands(s)) {
            // Redis panics here rather than print rules that would not re-create the user.
            throw new IllegalStateException("ACL description does not re-create the command bitmap: " + rules);
        }
        return rules.toString();
    }

    private static void count(List<CommandSpec> commands, AclSelector s, long cat, long[] onOff) {
        for (CommandSpec cmd : commands) {
            if ((cmd.aclCategories & cat) != 0) {
                onOff[s.bit(cmd.aclId()) ? 0 : 1]++;
            }
            if (!cmd.declaredSubcommands().isEmpty()) {
                count(cmd.declaredSubcommands(), s, cat, onOff);
            }
        }
    }

    private static void singleCommands(AclSelector s, AclSelector fake, StringBuilder rules, List<CommandSpec> commands) {
        for (CommandSpec cmd : commands) {
            boolean userbit = s.bit(cmd.aclId());
            boolean fakebit = fake.bit(cmd.aclId());
            if (userbit != fakebit) {
                rules.append(userbit ? '+' : '-').append(cmd.fullName).append(' ');
                fake.changePerm(cmd, userbit);
            }
            if (!cmd.declaredSubcommands().isEmpty()) {
                singleCommands(s, fake, rules, cmd.declaredSubcommands());
            }
            List<String> first = s.firstArgs(cmd.aclId());
            if (!userbit && first != null) {
                for (String a : first) {
                    rules.append('+').append(cmd.fullName).append('|').append(a).append(' ');
                }
            }
        }
    }
}
