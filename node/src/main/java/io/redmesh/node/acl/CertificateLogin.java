package io.redmesh.node.acl;

import io.redmesh.node.command.ServerContext;
import io.redmesh.node.command.Session;
import io.redmesh.node.tls.CertificateIdentity;
import io.redmesh.node.util.ServerLog;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

/**
 * {@code tls-auth-clients-user cn|uri}: after a TLS handshake in which the client presented a
 * certificate the server verified, the connection runs as the ACL user the certificate names
 * (tls/CertificateIdentity decides which name, and refuses ambiguous certificates). When no
 * enabled user has that name, or the certificate names nobody, the connection stays on the
 * default user and an ACL LOG entry with reason "tls-cert" records it (object: the
 * certificate's subject, username: the name it gave, or "" when it gave none).
 *
 * <p>The user becomes the connection's own identity: RESET returns to it (as RESET returns a
 * plain connection to the default user), and deleting the user disconnects it.
 */
public final class CertificateLogin {
    /** The reason written in ACL LOG entries about certificates. */
    public static final String REASON = "tls-cert";

    private CertificateLogin() {}

    /**
     * Called once per connection when its TLS handshake succeeded. {@code peerChain} is the
     * verified chain, leaf first, or null when the client sent no certificate.
     */
    static void handshakeDone(Acl acl, Session s, Certificate[] peerChain) {
        ServerContext server = acl.server;
        CertificateIdentity.Mode mode = CertificateIdentity.Mode.of(server.config.getString("tls-auth-clients-user"));
        if (mode == CertificateIdentity.Mode.OFF || peerChain == null || peerChain.length == 0
                || !(peerChain[0] instanceof X509Certificate leaf)) {
            return;
        }
        CertificateIdentity.Result id = CertificateIdentity.of(leaf, mode);
        String subject = leaf.getSubjectX500Principal().getName();
        server.lock.lock();
        try {
            if (id.mapped() && acl.loginWithoutPassword(s, id.user())) {
                s.certificateUser = id.user();
                return;
            }
            String why = id.mapped() ? "no enabled user named '" + id.user() + "'" : id.refusal();
            acl.deniedTlsCert++;
            acl.logCustom(s, REASON, subject, id.mapped() ? id.user() : "");
            ServerLog.verbose("Client certificate not mapped to a user: " + why + " (subject " + subject
                    + ", addr=" + s.transport().remoteAddress() + ")");
        } finally {
            server.lock.unlock();
        }
    }
}
