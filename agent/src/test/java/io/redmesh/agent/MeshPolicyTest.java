package io.redmesh.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.redmesh.agent.pki.CertificateAuthority;
import io.redmesh.agent.pki.CertificateRequests;
import io.redmesh.agent.pki.Role;
import io.redmesh.agent.pki.SanPolicy;
import io.redmesh.agent.record.Record;
import io.redmesh.agent.record.RecordKind;
import io.redmesh.agent.record.Version;
import io.redmesh.node.Node;
import io.redmesh.node.spi.AclRules;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a node-role member may publish. A user name is part of the ACL LIST line and of the
 * aclfile ACL SAVE writes: a name with a space or a line break (which ACL SETUSER refuses with
 * "Usernames can't contain spaces or null characters") would let a node-role member write
 * lines of its choosing, e.g. an administrator, into every node's aclfile.
 */
class MeshPolicyTest {
    private static X509Certificate nodeCert;
    private static X509Certificate operatorCert;
    private static final AclRules TABLE = Node.declaredAclRules();

    @BeforeAll
    static void certs() throws Exception {
        CertificateAuthority root = CertificateAuthority.createRoot("policy-root", Duration.ofDays(1));
        nodeCert = leaf(root, "n1", Role.NODE);
        operatorCert = leaf(root, "op1", Role.OPERATOR);
    }

    private static X509Certificate leaf(CertificateAuthority ca, String name, Role role) throws Exception {
        var csr = CertificateRequests.parse(CertificateRequests.create(CertificateRequests.newKeyPair(), name,
                List.of(), List.of()));
        return ca.signLeaf(csr, name, role, Duration.ofHours(1), SanPolicy.defaults());
    }

    private static Record user(String name, String rules, String origin) {
        return new Record(RecordKind.ACL_USER, name, new Version(1L << 16, origin),
                rules == null ? null : rules.getBytes(StandardCharsets.UTF_8));
    }

    /** A client's certificate of the same CA signs nothing the mesh takes, not even a plain user. */
    @Test
    void nothingSignedByAClient() throws Exception {
        CertificateAuthority root = CertificateAuthority.createRoot("policy-root-2", Duration.ofDays(1));
        X509Certificate client = leaf(root, "app", Role.CLIENT);
        MeshPolicy p = new MeshPolicy(TABLE);
        assertEquals(MeshPolicy.CLIENT_SIGNER, p.check(user("alice", "on nopass ~a:* resetchannels -@all +get", "app"), client));
        assertEquals(MeshPolicy.CLIENT_SIGNER, p.check(user("alice", null, "app"), client));
        assertEquals(MeshPolicy.CLIENT_SIGNER, p.check(new Record(RecordKind.REVOCATION, "1", new Version(1L << 16, "app"),
                new byte[] {1}), client));
        assertEquals(java.util.List.of("spiffe://redmesh/client/app"), client.getSubjectAlternativeNames().stream()
                .filter(san -> (Integer) san.get(0) == 6).map(san -> (String) san.get(1)).toList());
    }

    @Test
    void plainUsersFromAnyNode() {
        MeshPolicy p = new MeshPolicy(TABLE);
        assertNull(p.check(user("alice", "on #" + "a".repeat(64) + " ~app:* resetchannels -@all +get", "n1"), nodeCert));
        assertNull(p.check(user("alice", null, "n1"), nodeCert));
    }

    /**
     * A sentinel peer user names SENTINEL subcommands, which only a sentinel's table serves: every
     * member judges it alike (the union table), or data nodes refused the record sentinels took
     * and the mesh never converged. SENTINEL is @admin: an operator's record, as on a sentinel.
     */
    @Test
    void sentinelRulesAreJudgedAlikeOnEveryMember() {
        MeshPolicy p = new MeshPolicy(TABLE);
        String peer = "on #" + "b".repeat(64) + " resetchannels &__sentinel__:hello -@all +auth +ping +publish"
                + " +sentinel|is-master-down-by-addr +sentinel|myid";
        assertNull(p.check(user("sentinel-peer", peer, "op1"), operatorCert));
        assertEquals(MeshPolicy.OPERATOR_ONLY, p.check(user("sentinel-peer", peer, "n1"), nodeCert));
        assertEquals(MeshPolicy.BAD_RULES, p.check(user("bob", "on nopass +nosuchcommand", "op1"), operatorCert));
    }

    @Test
    void userNamesThatAclSetuserRefusesAreRefused() {
        MeshPolicy p = new MeshPolicy(TABLE);
        String rules = "on nopass ~* resetchannels -@all";
        for (String bad : List.of("x\nuser evil on nopass (~* &* +@all)", "two words", "tab\tname", "nul\0",
                "cr\r", "")) {
            assertEquals(MeshPolicy.BAD_USER_NAME, p.check(user(bad, rules, "n1"), nodeCert), bad);
            assertEquals(MeshPolicy.BAD_USER_NAME, p.check(user(bad, rules, "op1"), operatorCert), bad);
            assertEquals(MeshPolicy.BAD_USER_NAME, p.check(user(bad, null, "n1"), nodeCert), bad);
        }
    }

    /**
     * "user default off" is not an administrator, yet re-enabling it ("on nopass ~* +@read")
     * opens every node to unauthenticated clients: only an operator may change it.
     */
    @Test
    void theDefaultUserIsOperatorOnly() {
        MeshPolicy p = new MeshPolicy(TABLE);
        assertEquals(MeshPolicy.OPERATOR_ONLY, p.check(user("default", "on nopass ~* resetchannels -@all +get",
                "n1"), nodeCert));
        assertEquals(MeshPolicy.OPERATOR_ONLY, p.check(user("default", "off", "n1"), nodeCert));
        assertEquals(MeshPolicy.OPERATOR_ONLY, p.check(user("default", null, "n1"), nodeCert));
        assertNull(p.check(user("default", "off resetchannels -@all", "op1"), operatorCert));
    }
}
