package io.redmesh.agent.record;

/**
 * What a record holds. The code is the byte on the wire: never renumber, only add.
 * The value bytes of each kind are defined by whoever publishes it (ACL rules, revoked serials,
 * CA bundles); the mesh treats them as opaque.
 */
public enum RecordKind {
    /** key = user name, value = the user's ACL rules. */
    ACL_USER(1),
    /** key = issuer or list name, value = revoked serials. */
    REVOCATION(2),
    /** key = bundle name, value = the trusted CA certificates. */
    TRUST_BUNDLE(3);

    private final int code;

    RecordKind(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The kind of a wire code, or null for an unknown one. */
    public static RecordKind ofCode(int code) {
        for (RecordKind k : values()) {
            if (k.code == code) {
                return k;
            }
        }
        return null;
    }
}
