package io.redmesh.node.tls;

import io.redmesh.node.spi.tls.TlsMaterialException;
import io.redmesh.node.spi.tls.TrustAnchors;
import java.math.BigInteger;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * PKIX validation against the trust bundle, then a refusal of any certificate in the chain whose
 * serial was revoked. The revoked set is read at every handshake, so a revocation the agent
 * learns of applies to the next handshake without rebuilding the TLS context.
 */
final class RevocationCheckingTrustManager extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager pkix;
    private final Supplier<Set<BigInteger>> revoked;
    /** A refused peer retries every second or so: its identity is logged once a minute, not each time. */
    private final io.redmesh.node.util.LogLimiter refusals = new io.redmesh.node.util.LogLimiter(60_000, 1024);

    private RevocationCheckingTrustManager(X509ExtendedTrustManager pkix, Supplier<Set<BigInteger>> revoked) {
        this.pkix = pkix;
        this.revoked = revoked;
    }

    static RevocationCheckingTrustManager over(List<X509Certificate> anchors, Supplier<Set<BigInteger>> revoked)
            throws TlsMaterialException {
        return new RevocationCheckingTrustManager(TrustAnchors.pkix(anchors), revoked);
    }

    /** Whether any certificate of {@code chain} has a revoked serial. */
    static boolean anyRevoked(java.security.cert.Certificate[] chain, Set<BigInteger> revoked) {
        if (chain == null || revoked.isEmpty()) {
            return false;
        }
        for (java.security.cert.Certificate c : chain) {
            if (c instanceof X509Certificate x && revoked.contains(x.getSerialNumber())) {
                return true;
            }
        }
        return false;
    }

    private void refuseRevoked(X509Certificate[] chain) throws CertificateException {
        if (anyRevoked(chain, revoked.get())) {
            throw new CertificateException("certificate revoked");
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        pkix.checkClientTrusted(chain, authType, socket);
        refuseRevoked(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        pkix.checkServerTrusted(chain, authType, socket);
        refuseRevoked(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        try {
            pkix.checkClientTrusted(chain, authType, engine);
            refuseRevoked(chain);
        } catch (CertificateException e) {
            logRefused(chain, engine == null || engine.getPeerHost() == null ? null
                    : engine.getPeerHost() + ":" + engine.getPeerPort(), e);
            throw e;
        }
    }

    /**
     * A peer (a client, a replica) presented a certificate the node refuses: who it claims to be
     * goes to the log, so an operator sees which identity was turned away, not only that one was
     * (once per subject and issuer per minute: the log says how many attempts it left out).
     */
    private void logRefused(X509Certificate[] chain, String peer, CertificateException e) {
        if (chain == null || chain.length == 0) {
            return;
        }
        String who = "subject '" + chain[0].getSubjectX500Principal().getName() + "', issuer '"
                + chain[0].getIssuerX500Principal().getName() + "'";
        String more = refusals.admit(who, System.currentTimeMillis());
        if (more == null) {
            return;
        }
        io.redmesh.node.util.ServerLog.notice("TLS client certificate refused: " + who
                + (peer == null ? "" : " (addr=" + peer + ")") + ": " + e.getMessage() + more);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        pkix.checkServerTrusted(chain, authType, engine);
        refuseRevoked(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        pkix.checkClientTrusted(chain, authType);
        refuseRevoked(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        pkix.checkServerTrusted(chain, authType);
        refuseRevoked(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
    }
}
