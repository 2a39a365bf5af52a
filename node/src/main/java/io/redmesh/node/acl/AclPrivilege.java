package io.redmesh.node.acl;

import io.redmesh.node.command.AclCategory;
import io.redmesh.node.command.CommandSpec;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.spi.AclRules;
import io.redmesh.node.spi.RequestRefusedException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Whether ACL rules make an administrator: a user who could run any @admin or @dangerous
 * command (ACL, CONFIG, SHUTDOWN, FLUSHALL, DEBUG ...) in any selector, directly or through
 * an allowed first argument. The mesh uses it to decide which records only an operator may
 * sign; it is deliberately conservative (allowing one first argument of CONFIG counts).
 */
public final class AclPrivilege implements AclRules {
    private static final long PRIVILEGED = AclCategory.ADMIN.bit | AclCategory.DANGEROUS.bit;

    private final CommandTable table;

    /** Judges rules against {@code table} (a node's, or the declared one). */
    public AclPrivilege(CommandTable table) {
        this.table = table;
    }

    @Override
    public boolean privileged(String rules) throws RequestRefusedException {
        try {
            return privileged(table, rules);
        } catch (AclRuleException e) {
            throw new RequestRefusedException(e.getMessage(), e);
        }
    }

    @Override
    public boolean validUserName(String name) {
        return !name.isEmpty() && !AclRuleParser.hasSpaces(name);
    }

    /**
     * @param rules an ACL LIST line without "user <name> "
     * @throws AclRuleException when the rules do not parse (callers treat that as a refusal)
     */
    public static boolean privileged(CommandTable table, String rules) throws AclRuleException {
        AclRuleParser parser = new AclRuleParser(table, () -> 0);
        AclUser u = parser.newUser("probe");
        List<String> args = new ArrayList<>();
        if (!rules.isBlank()) {
            args.addAll(Arrays.asList(rules.trim().split(" +")));
        }
        List<String> merged = AclRuleParser.mergeSelectorArguments(args, new int[1]);
        if (merged == null) {
            throw new AclRuleException(AclRuleException.Kind.SYNTAX);
        }
        for (String r : merged) {
            parser.apply(u, r);
        }
        if (!u.enabled()) {
            return false; // an "off" user cannot log in: whatever it may run, nobody runs it
        }
        for (AclSelector s : u.selectors()) {
            if (s.allCommands() || s.canRunFutureCommands()) {
                return true;
            }
            for (CommandSpec cmd : table.aclCommands()) {
                if (allowed(s, cmd)) {
                    return true;
                }
                for (CommandSpec sub : cmd.declaredSubcommands()) {
                    if (allowed(s, sub)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean allowed(AclSelector s, CommandSpec cmd) {
        return (cmd.aclCategories & PRIVILEGED) != 0
                && (s.bit(cmd.aclId()) || (s.firstArgs != null && s.firstArgs.containsKey(cmd.aclId())));
    }
}
