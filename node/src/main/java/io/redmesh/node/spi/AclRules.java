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
        return io.redmesh.node.acl.AclRuleParser.mergeSelectorArguments(words, new int[1]);
    }
}
