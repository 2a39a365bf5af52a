package io.redmesh.agent.node;

import io.redmesh.node.spi.AclRules;
import io.redmesh.node.spi.NodeLog;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Applies a mesh user's rules on a node that may lack some of the commands they name. Mesh users
 * are the same on every member (docs/MESH.md), but members differ: a sentinel peer user names
 * SENTINEL subcommands a data node's table lacks (redis-server refuses {@code +sentinel|...} too),
 * and rules that name 7.2's CLIENT SETINFO reach a Redis 7.0 sidecar. On a node that lacks a
 * command, a rule naming it grants and denies nothing, so the user is applied without those rules:
 * it has there exactly the permissions its rules give there. A selector naming such a command is
 * left out whole (a selector only ever adds permissions). Any other refusal (a category the node
 * does not know, bad syntax) fails as before and changes nothing.
 *
 * <p>Users held without some of their rules are remembered: a change made to one of them on this
 * node would publish the rules without what this node dropped and take those from every member,
 * so {@code AclReplication} undoes it instead.
 */
public final class AbsentCommands {
    /** Redis's reason for a rule naming a command it lacks (ACLSetSelector's ENOENT), ours too. */
    static final String UNKNOWN = "Unknown command or category name in ACL";
    private static final int LOGGED_MAX = 1024;
    /**
     * The most rules left out of one user: each is one more ACL SETUSER attempt, and a record of
     * 1 MB could name tens of thousands; past it the user is refused as before.
     */
    static final int MAX_DROPPED = 64;

    /** Applies one rules string to the node (ACL SETUSER name reset rules...). */
    public interface Apply {
        void apply(String rules) throws NodeAdapter.NodeException;
    }

    /** User name -> the rules left out for it here. */
    private final Map<String, List<String>> partial = new ConcurrentHashMap<>();
    private final Map<String, Boolean> logged = new ConcurrentHashMap<>();

    /**
     * Applies {@code rules} for {@code name}, leaving out the rules that name commands the node
     * lacks; at most one attempt per rule. Logged once per user and rules.
     *
     * @throws NodeAdapter.NodeException a refusal for any other reason (nothing changed)
     */
    public void apply(String name, String rules, String where, Apply apply) throws NodeAdapter.NodeException {
        List<String> tokens = tokens(rules);
        List<String> dropped = new ArrayList<>();
        while (true) {
            try {
                apply.apply(String.join(" ", tokens));
                break;
            } catch (NodeAdapter.NodeException e) {
                String rule = refusedCommandRule(e.getMessage());
                if (rule == null || dropped.size() >= MAX_DROPPED || !knownToRedMesh(rule) || !tokens.removeIf(rule::equals)) {
                    throw e;
                }
                dropped.add(rule);
            }
        }
        if (dropped.isEmpty()) {
            partial.remove(name);
            return;
        }
        partial.put(name, List.copyOf(dropped));
        if (logged.size() >= LOGGED_MAX) {
            logged.clear();
        }
        if (logged.putIfAbsent(name + "\0" + rules.length() + "\0" + rules.hashCode(), Boolean.TRUE) == null) {
            NodeLog.notice("Agent: ACL user '" + name + "' applied to " + where + " without " + dropped
                    + ": commands this node does not have");
        }
    }

    /**
     * Whether some RedMesh role declares the command the rule names (the mesh judges records
     * against the same table): only a command another member has is left out here; a rule naming
     * a command nothing has is a mistake, refused as before.
     */
    private static boolean knownToRedMesh(String rule) {
        try {
            Union.RULES.privileged(rule);
            return true;
        } catch (io.redmesh.node.spi.RequestRefusedException e) {
            return false;
        }
    }

    /** Loaded on first use: most nodes never lack a command. */
    private static final class Union {
        static final AclRules RULES = io.redmesh.node.Node.declaredAclRules();
    }

    /** The node deleted {@code name}, or set it from rules it holds whole. */
    public void forget(String name) {
        partial.remove(name);
    }

    /** The rules left out for {@code name} here; empty when it is held whole. */
    public List<String> droppedFor(String name) {
        return partial.getOrDefault(name, List.of());
    }

    /** The rules as ACL SETUSER takes them: words, a selector's words merged into one. */
    static List<String> tokens(String rules) {
        List<String> merged = AclRules.ruleTokens(rules);
        return new ArrayList<>(merged != null ? merged : Arrays.asList(rules.trim().split(" +")));
    }

    /**
     * The rule a refusal names when it is one naming a command the node lacks: {@code +cmd},
     * {@code -cmd|sub} or a selector; null for anything else (a category, syntax, a key pattern).
     */
    static String refusedCommandRule(String message) {
        if (message == null) {
            return null;
        }
        // "Error in ACL SETUSER modifier '<rule>': Unknown ..." (Redis), "rule '<rule>' refused: Unknown ..." (ours);
        // a text read wrongly only fails to match a rule, which refuses as before
        int reason = message.indexOf(UNKNOWN);
        int end = reason < 0 ? -1 : message.lastIndexOf('\'', reason);
        int start = -1;
        for (String before : new String[] {"modifier '", "rule '"}) {
            int at = message.indexOf(before);
            if (at >= 0 && (start < 0 || at + before.length() < start)) {
                start = at + before.length();
            }
        }
        if (start < 0 || start >= end) {
            return null;
        }
        String rule = message.substring(start, end);
        boolean command = (rule.startsWith("+") || rule.startsWith("-")) && rule.length() > 1 && rule.charAt(1) != '@';
        boolean selector = rule.startsWith("(") && rule.endsWith(")");
        return command || selector ? rule : null;
    }
}
