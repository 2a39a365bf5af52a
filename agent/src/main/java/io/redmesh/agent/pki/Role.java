package io.redmesh.agent.pki;

import java.util.Locale;

/**
 * What a leaf certificate's holder is, carried in the subject's OU. Operators may sign records
 * other nodes accept as admin changes (the mesh's policy); nodes only run a server and an agent.
 */
public enum Role {
    OPERATOR, NODE;

    /** The OU value: "operator" or "node". */
    public String ou() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses "operator" or "node" (case-insensitive). */
    public static Role parse(String s) throws PkiException {
        if (s != null) {
            for (Role r : values()) {
                if (r.ou().equalsIgnoreCase(s)) {
                    return r;
                }
            }
        }
        throw new PkiException("unknown role '" + s + "' (expected operator or node)");
    }
}
