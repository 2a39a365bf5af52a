package io.redmesh.node.spi;

/**
 * Judges ACL rules against a command table without touching any user: the agent's mesh policy
 * (which records only an operator may sign). {@link NodeControl#aclRules()} and {@code
 * io.redmesh.node.Node.declaredAclRules()} (a sidecar's) judge against every command a RedMesh
 * role declares (Redis 7.0's and SENTINEL), so every member of a mesh judges a record alike.
 */
public interface AclRules {
    /**
     * Whether a user with these rules (an ACL LIST line without {@code "user <name> "}) could run
     * an {@code @admin} or {@code @dangerous} command in any selector; conservative.
     *
     * @throws RequestRefusedException when the rules do not parse
     */
    boolean privileged(String rules) throws RequestRefusedException;

    /** Whether Redis accepts {@code name} as a user name (not empty, no spaces or control blanks). */
    boolean validUserName(String name);

    /**
     * The rules as ACL SETUSER takes them one by one (ACLMergeSelectorArguments): the words, a
     * selector's words merged into one {@code (...)} rule; null when a selector is not closed.
     */
    static java.util.List<String> ruleTokens(String rules) {
        java.util.List<String> words = new java.util.ArrayList<>();
        if (!rules.isBlank()) {
            words.addAll(java.util.Arrays.asList(rules.trim().split(" +")));
        }
        return mergeSelectorArguments(words, new int[1]);
    }

    /**
     * ACLMergeSelectorArguments: words between one starting with '(' and one ending with ')'
     * become one selector rule; null (and the opening word's index in {@code invalidIdx[0]})
     * when a selector is not closed. Here so that the agent, which reaches node only through
     * spi, splits rules as ACL SETUSER does.
     */
    public static java.util.List<String> mergeSelectorArguments(java.util.List<String> args, int[] invalidIdx) {
        java.util.List<String> out = new java.util.ArrayList<>();
        int openStart = -1;
        StringBuilder selector = null;
        for (int j = 0; j < args.size(); j++) {
            String op = args.get(j);
            if (!op.isEmpty() && op.charAt(0) == '(' && op.charAt(op.length() - 1) != ')') {
                selector = new StringBuilder(op);
                openStart = j;
                continue;
            }
            if (openStart != -1) {
                selector.append(' ').append(op);
                if (!op.isEmpty() && op.charAt(op.length() - 1) == ')') {
                    openStart = -1;
                    out.add(selector.toString());
                }
                continue;
            }
            out.add(op);
        }
        if (openStart != -1) {
            if (invalidIdx != null) {
                invalidIdx[0] = openStart;
            }
            return null;
        }
        return out;
    }
}
