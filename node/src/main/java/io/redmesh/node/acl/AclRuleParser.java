package io.redmesh.node.acl;

import io.redmesh.node.acl.AclRuleException.Kind;
import io.redmesh.node.command.AclCategory;
import io.redmesh.node.command.CommandSpec;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.util.ArgSplitter;
import io.redmesh.node.util.ServerLog;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * Applies ACL rules to users and selectors: Redis 7.0's ACLSetUser() and ACLSetSelector(), and
 * ACLMergeSelectorArguments() for selectors spread over several arguments. Rules are Latin-1
 * strings (one char per byte) so binary passwords survive. Commands and categories are looked
 * up in the declared command table, never in a second list.
 */
public final class AclRuleParser {
    private final CommandTable table;
    /** acl-pubsub-default as selector flags: ALLCHANNELS or 0. */
    private final IntSupplier pubsubDefault;

    public AclRuleParser(CommandTable table, IntSupplier pubsubDefault) {
        this.table = table;
        this.pubsubDefault = pubsubDefault;
    }

    /** A new user as ACLCreateUser() makes it: off, no passwords, -@all, no keys. */
    public AclUser newUser(String name) {
        return new AclUser(name, table.aclIdCount(), pubsubDefault.getAsInt());
    }

    /** ACLCreateDefaultUser(): on nopass ~* &* +@all. */
    public AclUser newDefaultUser() {
        AclUser u = newUser("default");
        for (String r : List.of("+@all", "~*", "&*", "on", "nopass")) {
            applyUnchecked(u, r);
        }
        return u;
    }

    void applyUnchecked(AclUser u, String rule) {
        try {
            apply(u, rule);
        } catch (AclRuleException e) {
            throw new IllegalStateException("built-in rule " + rule + " failed", e);
        }
    }

    /** ACLSetUser(): applies one rule to {@code u}; on error {@code u} may be half-changed. */
    public void apply(AclUser u, String op) throws AclRuleException {
        int len = op.length();
        if (len == 0) {
            return; // an empty rule does nothing, as in Redis
        }
        if (op.equalsIgnoreCase("on")) {
            u.flags = (u.flags | AclUser.ENABLED) & ~AclUser.DISABLED;
        } else if (op.equalsIgnoreCase("off")) {
            u.flags = (u.flags | AclUser.DISABLED) & ~AclUser.ENABLED;
        } else if (op.equalsIgnoreCase("certonly")) {
            u.flags |= AclUser.CERTONLY;
        } else if (op.equalsIgnoreCase("nocertonly")) {
            u.flags &= ~AclUser.CERTONLY;
        } else if (op.equalsIgnoreCase("skip-sanitize-payload")) {
            u.flags = (u.flags | AclUser.SANITIZE_PAYLOAD_SKIP) & ~AclUser.SANITIZE_PAYLOAD;
        } else if (op.equalsIgnoreCase("sanitize-payload")) {
            u.flags = (u.flags | AclUser.SANITIZE_PAYLOAD) & ~AclUser.SANITIZE_PAYLOAD_SKIP;
        } else if (op.equalsIgnoreCase("nopass")) {
            u.flags |= AclUser.NOPASS;
            u.passwords.clear();
        } else if (op.equalsIgnoreCase("resetpass")) {
            u.flags &= ~AclUser.NOPASS;
            u.passwords.clear();
        } else if (op.charAt(0) == '>' || op.charAt(0) == '#') {
            String h = op.charAt(0) == '>' ? AclUser.hash(op.substring(1).getBytes(StandardCharsets.ISO_8859_1))
                    : checkedHash(op.substring(1));
            if (!u.passwords.contains(h)) {
                u.passwords.add(h);
            }
            u.flags &= ~AclUser.NOPASS;
        } else if (op.charAt(0) == '<' || op.charAt(0) == '!') {
            String h = op.charAt(0) == '<' ? AclUser.hash(op.substring(1).getBytes(StandardCharsets.ISO_8859_1))
                    : checkedHash(op.substring(1));
            if (!u.passwords.remove(h)) {
                throw new AclRuleException(Kind.NO_SUCH_PASSWORD);
            }
        } else if (op.charAt(0) == '(' && op.charAt(len - 1) == ')') {
            u.selectors.add(selectorFromOpSet(op));
        } else if (op.equalsIgnoreCase("clearselectors")) {
            AclSelector root = u.root();
            u.selectors.clear();
            u.selectors.add(root);
        } else if (op.equalsIgnoreCase("reset")) {
            applyUnchecked(u, "resetpass");
            applyUnchecked(u, "resetkeys");
            applyUnchecked(u, "resetchannels");
            if ((pubsubDefault.getAsInt() & AclSelector.FLAG_ALLCHANNELS) != 0) {
                applyUnchecked(u, "allchannels");
            }
            applyUnchecked(u, "off");
            applyUnchecked(u, "nocertonly");
            applyUnchecked(u, "sanitize-payload");
            applyUnchecked(u, "clearselectors");
            applyUnchecked(u, "-@all");
        } else {
            applySelector(u.root(), op);
        }
    }

    private static String checkedHash(String h) throws AclRuleException {
        if (h.length() != 64) {
            throw new AclRuleException(Kind.BAD_HASH);
        }
        for (int i = 0; i < 64; i++) {
            char c = h.charAt(i);
            if ((c < 'a' || c > 'f') && (c < '0' || c > '9')) {
                throw new AclRuleException(Kind.BAD_HASH);
            }
        }
        return h;
    }

    /** aclCreateSelectorFromOpSet(): "(rule rule ...)", split as sdssplitargs() splits. */
    private AclSelector selectorFromOpSet(String opset) throws AclRuleException {
        AclSelector s = new AclSelector(table.aclIdCount(), pubsubDefault.getAsInt());
        byte[] inner = opset.substring(1, opset.length() - 1).getBytes(StandardCharsets.ISO_8859_1);
        List<byte[]> args = ArgSplitter.split(inner, 0, inner.length);
        if (args != null) {
            for (byte[] a : args) {
                applySelector(s, new String(a, StandardCharsets.ISO_8859_1));
            }
        }
        return s;
    }

    /** ACLSetSelector(): key, channel and command rules. */
    public void applySelector(AclSelector s, String op) throws AclRuleException {
        int len = op.length();
        if (op.equalsIgnoreCase("allkeys") || op.equalsIgnoreCase("~*")) {
            s.flags |= AclSelector.FLAG_ALLKEYS;
            s.patterns.clear();
        } else if (op.equalsIgnoreCase("resetkeys")) {
            s.flags &= ~AclSelector.FLAG_ALLKEYS;
            s.patterns.clear();
        } else if (op.equalsIgnoreCase("allchannels") || op.equalsIgnoreCase("&*")) {
            s.flags |= AclSelector.FLAG_ALLCHANNELS;
            s.channels.clear();
        } else if (op.equalsIgnoreCase("resetchannels")) {
            s.flags &= ~AclSelector.FLAG_ALLCHANNELS;
            s.channels.clear();
        } else if (op.equalsIgnoreCase("allcommands") || op.equalsIgnoreCase("+@all")) {
            s.setAll(true);
        } else if (op.equalsIgnoreCase("nocommands") || op.equalsIgnoreCase("-@all")) {
            s.setAll(false);
        } else if (len > 0 && (op.charAt(0) == '~' || op.charAt(0) == '%')) {
            keyPattern(s, op);
        } else if (len > 0 && op.charAt(0) == '&') {
            if (s.allChannels()) {
                throw new AclRuleException(Kind.CHANNEL_AFTER_ALLCHANNELS);
            }
            String pat = op.substring(1);
            if (hasSpaces(pat)) {
                throw new AclRuleException(Kind.SYNTAX);
            }
            if (!s.channels.contains(pat)) {
                s.channels.add(pat);
            }
            s.flags &= ~AclSelector.FLAG_ALLCHANNELS;
        } else if (len > 0 && op.charAt(0) == '+' && (len < 2 || op.charAt(1) != '@')) {
            allowCommand(s, op.substring(1));
        } else if (len > 0 && op.charAt(0) == '-' && (len < 2 || op.charAt(1) != '@')) {
            CommandSpec cmd = table.aclLookup(op.substring(1));
            if (cmd == null) {
                throw new AclRuleException(Kind.UNKNOWN_COMMAND);
            }
            s.changePerm(cmd, false);
        } else if (len > 1 && (op.charAt(0) == '+' || op.charAt(0) == '-') && op.charAt(1) == '@') {
            AclCategory cat = AclCategory.fromWire(op.substring(2));
            if (cat == null) {
                throw new AclRuleException(Kind.UNKNOWN_COMMAND);
            }
            s.changeCategory(table.aclCommands(), cat.bit, op.charAt(0) == '+');
        } else {
            throw new AclRuleException(Kind.SYNTAX);
        }
    }

    private void keyPattern(AclSelector s, String op) throws AclRuleException {
        if (s.allKeys()) {
            throw new AclRuleException(Kind.KEY_AFTER_ALLKEYS);
        }
        int perms = 0;
        int offset = 1;
        if (op.charAt(0) == '%') {
            for (; offset < op.length(); offset++) {
                char c = Character.toUpperCase(op.charAt(offset));
                if (c == 'R' && (perms & AclSelector.READ) == 0) {
                    perms |= AclSelector.READ;
                } else if (c == 'W' && (perms & AclSelector.WRITE) == 0) {
                    perms |= AclSelector.WRITE;
                } else if (op.charAt(offset) == '~') {
                    offset++;
                    break;
                } else {
                    throw new AclRuleException(Kind.SYNTAX);
                }
            }
            if (perms == 0) {
                throw new AclRuleException(Kind.SYNTAX);
            }
        } else {
            perms = AclSelector.ALL;
        }
        String pat = op.substring(Math.min(offset, op.length()));
        if (hasSpaces(pat)) {
            throw new AclRuleException(Kind.SYNTAX);
        }
        AclSelector.KeyPattern existing = null;
        for (AclSelector.KeyPattern p : s.patterns) {
            if (p.pattern.equals(pat)) {
                existing = p;
                break;
            }
        }
        if (existing == null) {
            existing = new AclSelector.KeyPattern(pat, perms);
            s.patterns.add(existing);
        } else {
            existing.perms |= perms;
        }
        s.flags &= ~AclSelector.FLAG_ALLKEYS;
        if (pat.equals("*") && existing.perms == AclSelector.ALL) {
            // "%RW~*" (or %R~* then %W~*) is allkeys. Redis 7.0 keeps it as a pattern and prints
            // "~*", which re-loads as allkeys and then refuses any further pattern on the same
            // line; becoming allkeys here keeps every ACL LIST line loadable.
            s.flags |= AclSelector.FLAG_ALLKEYS;
            s.patterns.clear();
        }
    }

    /** "+cmd", "+container|sub" or "+cmd|firstarg" (deprecated in Redis 7.0, still accepted). */
    private void allowCommand(AclSelector s, String name) throws AclRuleException {
        int bar = name.lastIndexOf('|');
        if (bar < 0) {
            CommandSpec cmd = table.aclLookup(name);
            if (cmd == null) {
                throw new AclRuleException(Kind.UNKNOWN_COMMAND);
            }
            s.changePerm(cmd, true);
            return;
        }
        CommandSpec cmd = table.aclLookup(name.substring(0, bar));
        String sub = name.substring(bar + 1);
        if (cmd == null) {
            throw new AclRuleException(Kind.UNKNOWN_COMMAND);
        }
        if (cmd.parent != null) {
            throw new AclRuleException(Kind.SUBCOMMAND_FIRST_ARG);
        }
        if (sub.isEmpty()) {
            throw new AclRuleException(Kind.SYNTAX);
        }
        if (!cmd.declaredSubcommands().isEmpty()) {
            CommandSpec subcmd = table.aclLookup(name);
            if (subcmd == null) {
                throw new AclRuleException(Kind.UNKNOWN_COMMAND);
            }
            s.changePerm(subcmd, true);
        } else {
            ServerLog.warning("Deprecation warning: Allowing a first arg of an otherwise blocked command is a misuse "
                    + "of ACL and may get disabled in the future (offender: +" + name + ")");
            s.addFirstArg(cmd.aclId(), sub);
        }
    }

    /** ACLStringHasSpaces(): C isspace() characters or NUL. */
    public static boolean hasSpaces(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r' || c == 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * ACLMergeSelectorArguments(): joins a selector spread over several arguments ("(+get",
     * "~k)") into one. Returns null on an unmatched parenthesis, with the index of the argument
     * that opened it in {@code invalidIdx[0]}.
     */
    public static List<String> mergeSelectorArguments(List<String> args, int[] invalidIdx) {
        return io.redmesh.node.spi.AclRules.mergeSelectorArguments(args, invalidIdx);
    }
}
