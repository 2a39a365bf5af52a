package io.redmesh.agent.cert;

import io.redmesh.agent.pki.CertificateAuthority;
import io.redmesh.agent.pki.CertificateRequests;
import io.redmesh.agent.pki.JoinToken;
import io.redmesh.agent.pki.Keys;
import io.redmesh.agent.pki.Names;
import io.redmesh.agent.pki.Pem;
import io.redmesh.agent.pki.PkiException;
import io.redmesh.agent.pki.Role;
import io.redmesh.agent.pki.SanPolicy;
import io.redmesh.agent.pki.TrustBundle;
import io.redmesh.node.spi.NodeLog;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * An issuer agent's certificate service, transport-free: request bytes in, response bytes out
 * ({@link #handle}). The mesh carries them; the service trusts nothing it is told about the
 * transport except, optionally, the peer name the mutual-TLS layer authenticated.
 *
 * <p>Rules: the CSR's self-signature verifies and its SANs pass the {@link SanPolicy}. A first
 * certificate needs a join token that verifies (signed by this issuer's CA or a CA in the bundle,
 * unexpired), names the CSR's CN, and was never used here (ids persist in the state dir); a
 * token for the operator role must come from a root (an issuer cannot make administrators). A
 * renewal needs the current chain, valid now against the trust bundle, not revoked, for the
 * CSR's CN, and a proof signed by its key; the role is kept. A peer name given by the transport
 * must be that same CN. Leaves live {@code lifetime}; the answer is {@code [leaf, issuing CA]}
 * plus the trust bundle. Malformed input of any kind yields an error response, never an exception.
 */
public final class IssuerService {
    private final UsedTokens usedTokens;
    private final SanPolicy policy;
    private final Duration lifetime;
    private final Clock clock;
    private volatile CertificateAuthority ca;
    private volatile TrustBundle trust;
    private volatile Predicate<BigInteger> revoked = s -> false;

    /**
     * @param ca       the issuing CA (chain [issuing, root]) and its key
     * @param trust    the trust bundle nodes get and renewals are checked against
     * @param stateDir where used join-token ids are kept (created if absent)
     */
    public IssuerService(CertificateAuthority ca, TrustBundle trust, Path stateDir, Duration lifetime,
                         SanPolicy policy, Clock clock) throws PkiException {
        this.ca = Objects.requireNonNull(ca);
        this.trust = Objects.requireNonNull(trust);
        this.usedTokens = new UsedTokens(stateDir);
        this.lifetime = lifetime;
        this.policy = policy;
        this.clock = clock;
        trust.verify(ca.chain(), clock.instant());
    }

    /** Default lifetime (24 h), default SAN policy, system clock. */
    public IssuerService(CertificateAuthority ca, TrustBundle trust, Path stateDir) throws PkiException {
        this(ca, trust, stateDir, CertificateAuthority.DEFAULT_LEAF_LIFETIME, SanPolicy.defaults(), Clock.systemUTC());
    }

    /** A new issuing CA (CA rotation): leaves are signed by it from now on. */
    public void setAuthority(CertificateAuthority newCa) throws PkiException {
        trust.verify(newCa.chain(), clock.instant());
        this.ca = newCa;
    }

    /** A new trust bundle (gossiped): renewals are checked against it and nodes receive it. */
    public void setTrust(TrustBundle bundle) {
        this.trust = Objects.requireNonNull(bundle);
    }

    /** Serials whose holders may not renew (the gossiped revocation list). */
    public void setRevoked(Predicate<BigInteger> revokedSerials) {
        this.revoked = Objects.requireNonNull(revokedSerials);
    }

    public CertificateAuthority authority() {
        return ca;
    }

    public TrustBundle trust() {
        return trust;
    }

    /** A join token signed by this issuer's CA. */
    public String mintToken(String name, Role role, Duration ttl) throws PkiException {
        return JoinToken.mint(ca, name, role, ttl);
    }

    /** {@link #handle(byte[], String)} without a transport peer name. */
    public byte[] handle(byte[] request) {
        return handle(request, null);
    }

    /**
     * For a mutual-TLS transport: {@code peerChain} is the client chain the TLS layer verified
     * (null or empty when the client showed none, as on a first enrollment); its CN must then
     * be the CSR's.
     */
    public byte[] handleFromPeer(byte[] request, X509Certificate[] peerChain) {
        String peer = peerChain == null || peerChain.length == 0 ? null : Names.commonName(peerChain[0]);
        return handle(request, peer);
    }

    /** Decodes, {@link #issue}s and encodes; any failure becomes an error response. */
    public byte[] handle(byte[] request, String transportPeerName) {
        try {
            return issue(IssueRequest.decode(request), transportPeerName).encode();
        } catch (PkiException e) {
            return IssueResponse.error(e.getMessage()).encode();
        } catch (RuntimeException e) {
            NodeLog.warning("Issuer: unexpected failure on a certificate request: " + e);
            return IssueResponse.error("internal error").encode();
        }
    }

    /** Issues or refuses; never throws for bad input. */
    public IssueResponse issue(IssueRequest request, String transportPeerName) {
        try {
            X509Certificate leaf = authoriseAndSign(request, transportPeerName);
            CertificateAuthority signer = ca;
            NodeLog.notice("Issuer: issued certificate #" + leaf.getSerialNumber().toString(16) + " for "
                    + Names.commonName(leaf) + " (" + Names.role(leaf).ou() + ") until " + leaf.getNotAfter().toInstant());
            return IssueResponse.ok(Pem.certificates(signer.leafChain(leaf)), trust.toPem());
        } catch (PkiException e) {
            NodeLog.warning("Issuer: refused a certificate request: " + e.getMessage());
            return IssueResponse.error(e.getMessage());
        } catch (RuntimeException e) {
            NodeLog.warning("Issuer: unexpected failure on a certificate request: " + e);
            return IssueResponse.error("internal error");
        }
    }

    private synchronized X509Certificate authoriseAndSign(IssueRequest r, String transportPeerName) throws PkiException {
        Instant now = clock.instant();
        CertificateRequests.Parsed csr = CertificateRequests.parse(r.csrPem(), "certificate request");
        String name = Names.checkNodeName(csr.commonName());
        if (transportPeerName != null && !transportPeerName.equals(name)) {
            // A peer authenticated as another node (or an operator) may not ask for this name.
            throw new PkiException("the request for '" + name + "' came from '" + transportPeerName + "'");
        }
        policy.check(name, csr.dnsNames(), csr.ips());
        Role role;
        if (r.chainPem() != null) {
            role = authoriseRenewal(r, csr, now);
        } else if (r.token() != null) {
            JoinToken t = JoinToken.verify(r.token(), trust, ca.chain(), now);
            if (!t.name().equals(name)) {
                throw new PkiException("the join token is for '" + t.name() + "', not for '" + name + "'");
            }
            if (t.role() == Role.CLIENT) {
                throw new PkiException("join tokens enroll nodes and operators, not clients (redmesh ca issue --role client)");
            }
            if (t.role() == Role.OPERATOR && trust.find(t.signer()) == null) {
                // An issuer's own key may admit nodes, not administrators: the operator role is
                // granted only by a token from a root (the operator's offline key).
                throw new PkiException("operator tokens must be signed by a root CA (redmesh ca token --dir ROOTDIR --role operator)");
            }
            if (!usedTokens.markUsed(t.id(), t.expiresAt(), keyHash(csr.publicKey()))) {
                throw new PkiException("join token already used");
            }
            role = t.role();
        } else {
            throw new PkiException("the request carries neither a join token nor a current certificate");
        }
        return ca.signLeaf(csr, name, role, lifetime, policy);
    }

    private static String keyHash(java.security.PublicKey key) throws PkiException {
        try {
            return java.util.HexFormat.of().formatHex(
                    java.security.MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new PkiException("SHA-256 unavailable", e);
        }
    }

    private Role authoriseRenewal(IssueRequest r, CertificateRequests.Parsed csr, Instant now) throws PkiException {
        List<X509Certificate> chain = Pem.parseCertificates(r.chainPem(), "current certificate chain");
        X509Certificate current = chain.get(0);
        if (current.getBasicConstraints() >= 0) {
            throw new PkiException("renewal: the current certificate is a CA certificate");
        }
        trust.verify(chain, now);
        if (revoked.test(current.getSerialNumber())) {
            throw new PkiException("renewal: certificate #" + current.getSerialNumber().toString(16) + " is revoked");
        }
        String cn = Names.commonName(current);
        if (!csr.commonName().equals(cn)) {
            throw new PkiException("renewal: the current certificate is for '" + cn + "', not for '"
                    + csr.commonName() + "'");
        }
        Role role = Names.role(current);
        if (role == null) {
            throw new PkiException("renewal: the current certificate has no RedMesh role");
        }
        if (role == Role.CLIENT) {
            // renewal is for agents; a client's certificate ends when it was issued to end
            throw new PkiException("renewal: a client's certificate is not renewed here (redmesh ca issue --role client)");
        }
        byte[] der;
        try {
            der = csr.csr().getEncoded();
        } catch (IOException e) {
            throw new PkiException("renewal: unreadable request", e);
        }
        if (r.proof() == null || !Keys.verify(current.getPublicKey(), IssueRequest.proofInput(der), r.proof())) {
            throw new PkiException("renewal: the proof is not signed by the current certificate's key");
        }
        return role;
    }
}
