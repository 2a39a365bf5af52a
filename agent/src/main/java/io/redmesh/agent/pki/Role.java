package io.redmesh.agent.pki;

import java.util.Locale;

/**
 * What a leaf certificate's holder is, carried in the subject's OU. Operators may sign records
 * other nodes accept as admin changes (the mesh's policy); nodes only run a server and an agent;
 * clients only connect to servers (tls-auth-clients): a client's certificate names it under
 * {@code spiffe://redmesh/client/}, never {@code .../node/}, so no cluster bus, replication link
 * (tls-expected-peer-name) or mesh takes it for a node, and the mesh refuses its records.
 */
public enum Role {
    OPERATOR, NODE, CLIENT;

    /** The OU value: "operator", "node" or "client". */
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
        throw new PkiException("unknown role '" + s + "' (expected operator, node or client)");
    }
}
