package io.redmesh.node.command.family;

/** Lets tests in other packages use the ACL differential tests' normalisation. */
public final class AclDifferentialTestAccess {
    private AclDifferentialTestAccess() {}

    /** Sorts runs of single-command rules, whose order Redis takes from a randomly seeded dict. */
    public static String normalize(String reply) {
        return AclDifferentialTest.normalize(reply);
    }
}
