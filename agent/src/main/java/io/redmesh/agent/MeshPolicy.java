package io.redmesh.agent;

import io.redmesh.agent.pki.Names;
import io.redmesh.agent.pki.Role;
import io.redmesh.agent.record.Record;
import io.redmesh.agent.record.RecordKind;
import io.redmesh.agent.record.RecordPolicy;
import io.redmesh.node.spi.AclRules;
import io.redmesh.node.spi.RequestRefusedException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;

/**
 * Who may publish what, beyond "signed by a member of this mesh" (which the verifier checks).
 * The rule, so that one compromised node cannot take over the others:
 * <ul>
 * <li>an ACL record whose user would be an administrator (a user who may run any
 *     {@code @admin} or {@code @dangerous} command: {@link AclRules#privileged}) must be signed by a
 *     node whose certificate carries the operator role (subject OU=operator, granted by the
 *     join token an operator minted); so must any record for the {@code default} user, whatever
 *     its rules: it is the user every unauthenticated connection runs as, so a node-role member
 *     that could re-enable it (an operator's {@code user default off} is not an administrator)
 *     would open every node's data to anyone who can connect; other users may be managed from
 *     any node;
 * <li>nothing signed with a client's certificate ({@link Role#CLIENT}) is taken;
 * <li>revocations and trust bundles must come from an operator node (trust bundles are
 *     additionally signed by a root key, checked when they are applied);
 * <li>rules that do not parse are refused, so a bad record cannot half-apply anywhere;
 * <li>user names ACL SETUSER refuses (empty, spaces, line breaks, NUL) are refused from anyone:
 *     the name is written verbatim into ACL LIST and the aclfile ACL SAVE writes, so a line
 *     break in it would let a node-role member plant lines of its choosing (an administrator)
 *     in every node's aclfile.
 * </ul>
 */
final class MeshPolicy implements RecordPolicy {
    static final String OPERATOR_ONLY = "operator-only";
    static final String BAD_RULES = "bad-acl-rules";
    static final String BAD_USER_NAME = "bad-user-name";
    static final String CLIENT_SIGNER = "client-signer";

    private final AclRules rules;

    MeshPolicy(AclRules rules) {
        this.rules = rules;
    }

    @Override
    public String check(Record record, X509Certificate signer) {
        Role role = Names.role(signer);
        if (role != Role.NODE && role != Role.OPERATOR) {
            return CLIENT_SIGNER; // a client's certificate of the same CA, or one without a RedMesh role, is no member
        }
        boolean operator = role == Role.OPERATOR;
        if (record.kind() != RecordKind.ACL_USER) {
            return operator ? null : OPERATOR_ONLY;
        }
        if (!rules.validUserName(record.key())) {
            return BAD_USER_NAME;
        }
        if (operator) {
            return record.tombstone() || parses(record.value()) ? null : BAD_RULES;
        }
        if (record.key().equals("default")) {
            return OPERATOR_ONLY;
        }
        try {
            // Judged on the record alone, never on what this node holds now: a rule that depended
            // on local state would accept a record on one node and refuse it on another, and
            // the mesh would never converge. The price: a node-role member may delete or
            // weaken (never create or take over) an administrator; an operator restores it.
            return !record.tombstone() && privileged(record.value()) ? OPERATOR_ONLY : null;
        } catch (RequestRefusedException e) {
            return BAD_RULES;
        }
    }

    /** Whether a user with these rules would be an administrator. */
    boolean privileged(byte[] value) throws RequestRefusedException {
        return rules.privileged(new String(value, StandardCharsets.UTF_8));
    }

    private boolean parses(byte[] value) {
        try {
            privileged(value);
            return true;
        } catch (RequestRefusedException e) {
            return false;
        }
    }
}
