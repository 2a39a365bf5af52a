package io.redmesh.agent;

import io.redmesh.agent.audit.AuditLog;
import io.redmesh.agent.cert.CertificateRotator;
import io.redmesh.agent.cert.IssuerService;
import io.redmesh.agent.enroll.IssuerRequest;
import io.redmesh.agent.mesh.Mesh;
import io.redmesh.agent.node.NodeAdapter;
import io.redmesh.agent.pki.CertificateAuthority;
import io.redmesh.agent.pki.Keys;
import io.redmesh.agent.pki.Pem;
import io.redmesh.agent.pki.PkiException;
import io.redmesh.agent.pki.RevocationList;
import io.redmesh.agent.pki.SignedTrustBundle;
import io.redmesh.agent.record.RecordKind;
import io.redmesh.agent.record.RecordSigner;
import io.redmesh.agent.record.RecordStore;
import io.redmesh.agent.record.RecordVerifier;
import io.redmesh.agent.record.SignedRecord;
import io.redmesh.node.spi.NodeLog;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Revocations and trust bundles: the records that change which certificates count.
 * <ul>
 * <li>REVOCATION records (key = serial in hex) make the node refuse that certificate and close
 *     connections that presented it, make the verifier drop records signed with it, make the
 *     issuer refuse to renew it, unless the reason is "superseded" (the key is safe): then,
 *     when it is this node's own, the node renews at once;
 * <li>a TRUST_BUNDLE record (key "bundle") is adopted when a root this node trusts signed it and
 *     its sequence is newer: the node, the mesh and the issuer trust the new roots, and this
 *     node renews so its leaf comes from the CA now issuing.
 * </ul>
 * Operators bring both in through an issuer ({@link #operatorRequest}), signed by a root key.
 */
final class SecurityRecords implements AutoCloseable {
    static final String BUNDLE_KEY = "bundle";

    private final String self;
    private final NodeAdapter node;
    private final RecordStore store;
    private final TrustState trust;
    private final CertificateRotator rotator;
    private final Supplier<IssuerService> issuer;
    private final AuditLog audit;
    private final RecordVerifier verifier;
    private final Set<BigInteger> revoked;
    private final ExecutorService worker;
    private volatile IssuingCaStore issuingCa;
    /** Revoked serials whose key is not compromised (reason "superseded"): their holder may renew. */
    private volatile Set<BigInteger> superseded = Set.of();
    static final String SUPERSEDED = "superseded";

    SecurityRecords(String self, NodeAdapter node, RecordStore store, TrustState trust, CertificateRotator rotator,
                    Supplier<IssuerService> issuer, AuditLog audit, RecordVerifier verifier, Set<BigInteger> revoked) {
        this.self = self;
        this.node = node;
        this.store = store;
        this.trust = trust;
        this.rotator = rotator;
        this.issuer = issuer;
        this.audit = audit;
        this.verifier = verifier;
        this.revoked = revoked;
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "agent-security-" + self);
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        store.addListener((now, before) -> {
            RecordKind k = now.record().kind();
            if (k == RecordKind.REVOCATION) {
                worker.execute(this::applyRevocations);
            } else if (k == RecordKind.TRUST_BUNDLE) {
                worker.execute(() -> applyBundle(now));
            }
        });
    }

    /** After the first sync: the current revocations and bundle. */
    void reconcile() {
        worker.execute(this::applyRevocations);
        SignedRecord b = store.get(RecordKind.TRUST_BUNDLE, BUNDLE_KEY);
        if (b != null) {
            worker.execute(() -> applyBundle(b));
        }
    }

    /** Where an issuer keeps an issuing CA handed over by a TRUST request (issuers only). */
    void keepIssuingCaIn(IssuingCaStore store) {
        this.issuingCa = store;
    }

    int revokedCount() {
        return revoked.size();
    }

    boolean isRevoked(BigInteger serial) {
        return revoked.contains(serial);
    }

    // ------------------------------------------------------------------ revocation

    private void applyRevocations() {
        Set<BigInteger> now = new HashSet<>();
        Set<BigInteger> keyStillGood = new HashSet<>();
        for (SignedRecord r : store.all(RecordKind.REVOCATION)) {
            if (r.record().tombstone()) {
                continue;
            }
            try {
                for (RevocationList.Entry e : RevocationList.decode(r.record().value()).entries()) {
                    now.add(e.serial());
                    if (superseded(e.reason())) {
                        keyStillGood.add(e.serial());
                    }
                }
            } catch (PkiException e) {
                NodeLog.warning("Agent: unreadable revocation record " + r.record().key() + ": " + e.getMessage());
            }
        }
        Set<BigInteger> added = new HashSet<>(now);
        added.removeAll(revoked);
        if (added.isEmpty() && now.size() == revoked.size() && keyStillGood.equals(superseded)) {
            return;
        }
        revoked.clear();
        revoked.addAll(now);
        superseded = Set.copyOf(keyStillGood);
        try {
            node.revoke(Set.copyOf(now));
        } catch (NodeAdapter.NodeException e) {
            NodeLog.warning("Agent: " + node.describe() + " refused the revocation list: " + e.getMessage());
        }
        IssuerService is = issuer.get();
        if (is != null) {
            is.setRevoked(this::refusesRenewal);
        }
        for (BigInteger s : added) {
            NodeLog.warning("Agent " + self + ": certificate #" + s.toString(16) + " is revoked: refused from now on");
            audit("mesh", AuditLog.CERT_REVOKED, s.toString(16), Map.of());
        }
        CertificateRotator.Material m = rotator.current();
        if (m != null && revoked.contains(m.leaf().getSerialNumber())) {
            if (superseded.contains(m.leaf().getSerialNumber())) {
                NodeLog.warning("Agent " + self + ": this node's own certificate was revoked as superseded; renewing now");
                rotator.forceRenew();
            } else {
                // Renewing by proof of a key the operator may consider compromised would hand
                // whoever holds it a fresh certificate: the issuer refuses that.
                NodeLog.warning("Agent " + self + ": this node's own certificate #" + m.leaf().getSerialNumber()
                        .toString(16) + " was revoked; the issuer will not renew it (revoke with --reason "
                        + SUPERSEDED + " when the key is not compromised). Give this node a new join token and restart it");
            }
        }
    }

    /**
     * A revocation whose reason starts with "superseded" (RFC 5280's reason for a certificate
     * replaced while its key is still safe) lets its holder renew by proof of that key;
     * any other reason means the key may be compromised and the issuer refuses it.
     */
    static boolean superseded(String reason) {
        return reason != null && reason.toLowerCase(java.util.Locale.ROOT).startsWith(SUPERSEDED);
    }

    /** For the issuer: a revoked serial may renew only when it was revoked as superseded. */
    private boolean refusesRenewal(BigInteger serial) {
        return revoked.contains(serial) && !superseded.contains(serial);
    }

    // ------------------------------------------------------------------ trust bundles

    private void applyBundle(SignedRecord r) {
        if (r.record().tombstone()) {
            return;
        }
        try {
            SignedTrustBundle b = SignedTrustBundle.decode(r.record().value());
            io.redmesh.agent.pki.TrustBundle before = trust.bundle();
            if (!trust.adopt(b)) {
                return;
            }
            verifier.updateTrustAnchors(b.bundle().certificates());
            IssuerService is = issuer.get();
            if (is != null) {
                is.setTrust(b.bundle());
            }
            NodeLog.notice("Agent " + self + ": trust bundle #" + b.sequence() + " adopted ("
                    + b.bundle().certificates().size() + " roots); renewing this node's certificate");
            audit(r.record().version().origin(), AuditLog.CA_ROTATED, "bundle#" + b.sequence(),
                    Map.of("roots", b.bundle().certificates().size(), "overlap_until",
                            String.valueOf(b.overlapUntil())));
            boolean rootsRemoved = !b.bundle().certificates().containsAll(before.certificates());
            rotator.updateTrust(b.bundle()).thenCompose(x -> rotator.forceRenew()).thenRun(() -> {
                if (rootsRemoved && is != null) {
                    worker.execute(this::resignOrphanedRecords);
                }
            });
        } catch (Exception e) {
            NodeLog.warning("Agent " + self + ": trust bundle record refused: " + e.getMessage());
        }
    }

    /**
     * After a bundle removed a root: the records last changed before the rotation were signed
     * by leaves of the removed CA, which a node that joins or restarts from now on cannot
     * verify. An issuer (operator role, its leaf now from the new CA) signs them again, same
     * values, new versions, so they stay in the mesh. Records that still verify are left alone.
     */
    private void resignOrphanedRecords() {
        RecordSigner s = signer == null ? null : signer.get();
        Mesh m = mesh == null ? null : mesh.get();
        if (s == null || m == null) {
            return;
        }
        int resigned = 0;
        for (RecordKind kind : new RecordKind[] {RecordKind.ACL_USER, RecordKind.REVOCATION}) {
            for (SignedRecord old : store.entries(kind)) {
                if (!RecordVerifier.UNTRUSTED_CHAIN.equals(verifier.verify(old))) {
                    continue;
                }
                SignedRecord again = old.record().tombstone() ? s.delete(kind, old.record().key())
                        : s.sign(kind, old.record().key(), old.record().value());
                try {
                    if (m.publish(again)) {
                        resigned++;
                    }
                } catch (IllegalArgumentException refused) {
                    NodeLog.warning("Agent " + self + ": could not sign " + kind + " '" + old.record().key()
                            + "' again: " + refused.getMessage());
                }
            }
        }
        if (resigned > 0) {
            NodeLog.notice("Agent " + self + ": signed " + resigned + " records again under the new CA");
        }
    }

    private volatile Supplier<RecordSigner> signer;
    private volatile Supplier<Mesh> mesh;

    /** Lets this agent publish on its own (re-signing records after a CA rotation). */
    void publisher(Supplier<RecordSigner> signer, Supplier<Mesh> mesh) {
        this.signer = signer;
        this.mesh = mesh;
    }

    // ------------------------------------------------------------------ operator requests

    /**
     * A TRUST or REVOKE request an operator sent to this issuer; answers "OK ..." or "ERR ...".
     * TRUST fields: bundle, issuing chain PEM, issuing key PEM, signer fingerprint, signature
     * (the last three may be empty when no new issuing CA comes along). REVOKE fields:
     * revocation list, signer fingerprint, signature (by a root trusted now).
     */
    String operatorRequest(IssuerRequest r, RecordSigner signer, Supplier<Mesh> mesh) {
        try {
            if (signer == null || mesh.get() == null) {
                return "ERR this issuer has not joined the mesh yet";
            }
            return switch (r.type()) {
                case TRUST -> trustRequest(r, signer, mesh.get());
                case REVOKE -> revokeRequest(r, signer, mesh.get());
                default -> "ERR not an operator request";
            };
        } catch (PkiException | RuntimeException e) {
            return "ERR " + e.getMessage();
        }
    }

    private String trustRequest(IssuerRequest r, RecordSigner signer, Mesh mesh) throws PkiException {
        SignedTrustBundle b = SignedTrustBundle.decode(r.field(0));
        b.verifyAgainst(trust.bundle(), trust.sequence());
        IssuerService is = issuer.get();
        if (!r.text(1).isEmpty()) {
            X509Certificate root = b.bundle().find(r.text(3));
            if (root == null || !Keys.verify(root.getPublicKey(),
                    IssuerRequest.signedPart(r.fields().subList(0, 4)), r.field(4))) {
                return "ERR the new issuing CA is not signed by a root of the bundle";
            }
            CertificateAuthority ca = new CertificateAuthority(Pem.parseCertificates(r.text(1), "issuing chain"),
                    Pem.parsePrivateKey(r.text(2), null, "issuing key"));
            b.bundle().verify(ca.chain(), java.time.Instant.now());
            IssuingCaStore keep = issuingCa;
            if (keep != null) {
                keep.save(ca, b.bundle()); // a restart must issue from this CA, not the configured one
            }
            is.setTrust(b.bundle());
            is.setAuthority(ca);
            NodeLog.notice("Agent " + self + ": now issuing with '" + io.redmesh.agent.pki.Names.commonName(
                    ca.certificate()) + "'");
        }
        mesh.publish(signer.sign(RecordKind.TRUST_BUNDLE, BUNDLE_KEY, b.encode()));
        return "OK trust bundle #" + b.sequence() + " published";
    }

    private String revokeRequest(IssuerRequest r, RecordSigner signer, Mesh mesh) throws PkiException {
        X509Certificate root = trust.bundle().find(r.text(1));
        if (root == null || !Keys.verify(root.getPublicKey(), IssuerRequest.signedPart(r.fields().subList(0, 2)),
                r.field(2))) {
            return "ERR the revocation is not signed by a trusted root";
        }
        RevocationList list = RevocationList.decode(r.field(0));
        for (RevocationList.Entry e : list.entries()) {
            mesh.publish(signer.sign(RecordKind.REVOCATION, e.serial().toString(16),
                    RevocationList.of(e).encode()));
        }
        return "OK " + list.entries().size() + " revoked";
    }

    private void audit(String actor, String action, String subject, Map<String, ?> details) {
        try {
            audit.append(actor, action, subject, null, details);
        } catch (java.io.IOException e) {
            NodeLog.warning("Agent: audit log write failed: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        // No interrupt: one landing in an audit write would close the log's file channel.
        worker.shutdown();
        try {
            worker.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
