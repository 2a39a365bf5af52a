package io.redmesh.agent;

import io.redmesh.agent.audit.AuditLog;
import io.redmesh.agent.cert.CertificateRotator;
import io.redmesh.agent.cert.IssuerService;
import io.redmesh.agent.config.AgentConfig;
import io.redmesh.agent.enroll.EnrollmentClient;
import io.redmesh.agent.enroll.EnrollmentServer;
import io.redmesh.agent.enroll.IssuerRequest;
import io.redmesh.agent.enroll.TlsIdentity;
import io.redmesh.agent.mesh.Mesh;
import io.redmesh.agent.mesh.MeshConfig;
import io.redmesh.agent.mesh.MeshKeyStores;
import io.redmesh.agent.node.NodeAdapter;
import io.redmesh.agent.pki.CaDirectory;
import io.redmesh.agent.pki.CertificateAuthority;
import io.redmesh.agent.pki.Names;
import io.redmesh.agent.pki.PkiException;
import io.redmesh.agent.pki.Role;
import io.redmesh.agent.pki.SanPolicy;
import io.redmesh.agent.record.HybridClock;
import io.redmesh.agent.record.RecordKind;
import io.redmesh.agent.record.RecordSigner;
import io.redmesh.agent.record.RecordStore;
import io.redmesh.agent.record.RecordVerifier;
import io.redmesh.agent.status.MemberStatus;
import io.redmesh.agent.status.SecurityInfo;
import io.redmesh.node.spi.AclRules;
import io.redmesh.node.spi.NodeLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One node's security agent: it gets the node a certificate and keeps it renewed, joins the
 * mesh with it, keeps the node's ACL users equal to the mesh's, applies revocations and trust
 * bundles, and on issuer nodes serves enrollment. The order of {@link #obtainCertificate} then
 * {@link #joinMesh} is the order a node needs: TLS material before its listeners open, users
 * synced before the first client is served.
 *
 * <p>Everything the agent does is in the audit log; its state is visible in INFO security
 * ({@link #securityInfo}) and, through the node's metrics endpoint, in Prometheus.
 */
public final class Agent implements AutoCloseable {
    private final AgentConfig cfg;
    private final NodeAdapter node;
    private final HybridClock clock = new HybridClock();
    private final RecordStore store;
    private final AuditLog audit;
    private final AgentMetrics metrics = new AgentMetrics();
    private final TrustState trust;
    /** Revoked serials (from REVOCATION records): refused by the node, the verifier, the issuer. */
    private final java.util.Set<java.math.BigInteger> revoked = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final RecordVerifier verifier;
    private final AclReplication acl;
    private final SecurityRecords security;
    private final CertificateRotator rotator;
    private final ScheduledExecutorService timers;
    private final ExecutorService rpc;
    private IssuerService issuer;
    private IssuingCaStore issuingCa;
    private EnrollmentServer enrollment;
    private volatile RecordSigner signer;
    /** The leaf last handed to the node (rotator callbacks are serial, on its thread). */
    private volatile X509Certificate installedLeaf;
    private volatile Mesh mesh;
    private volatile boolean synced;
    private final CompletableFuture<Void> firstMaterial = new CompletableFuture<>();

    /**
     * @param aclRules judges ACL rules against a command table (the node's own, or Redis 7.0's
     *                 declared commands for a sidecar)
     */
    public Agent(AgentConfig cfg, NodeAdapter node, AclRules aclRules) throws IOException, PkiException {
        this.cfg = cfg;
        this.node = node;
        Files.createDirectories(cfg.stateDir);
        this.audit = AuditLog.open(cfg.auditLogPath(), cfg.name);
        this.store = new RecordStore(cfg.tombstoneTtl, System::currentTimeMillis);
        this.trust = TrustState.load(cfg);
        this.verifier = new RecordVerifier(trust.bundle().certificates(), c -> revoked.contains(c.getSerialNumber()),
                new MeshPolicy(aclRules));
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "agent-timer-" + cfg.name));
        this.rpc = Executors.newFixedThreadPool(2, r -> daemon(r, "agent-rpc-" + cfg.name));
        if (cfg.isIssuer()) {
            startIssuer();
        }
        this.rotator = CertificateRotator.builder(cfg.name, cfg.stateDir.resolve("tls"), this::issuerCall)
                .dnsNames(cfg.dnsNames).ips(cfg.ipAddresses)
                .initialTrust(trust.bundle())
                .joinToken(this::joinToken)
                .listener(this::newMaterial)
                .backoff(Duration.ofSeconds(1), Duration.ofSeconds(Math.max(2, Math.min(30, cfg.leafLifetime.toSeconds() / 10))))
                .build();
        this.acl = new AclReplication(node, store, () -> signer, () -> mesh, audit, cfg.name, !cfg.isSidecar());
        this.security = new SecurityRecords(cfg.name, node, store, trust, rotator, () -> issuer, audit, verifier,
                revoked);
        security.publisher(() -> signer, () -> mesh);
        if (issuingCa != null) {
            security.keepIssuingCaIn(issuingCa);
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public AgentConfig config() {
        return cfg;
    }

    // ------------------------------------------------------------------ certificates

    private void startIssuer() throws IOException, PkiException {
        CaDirectory dir = new CaDirectory(cfg.issuerDir);
        char[] pass = null;
        if (cfg.issuerPassphraseFile != null) {
            pass = Files.readString(cfg.issuerPassphraseFile, StandardCharsets.UTF_8).strip().toCharArray();
        }
        issuingCa = new IssuingCaStore(cfg.stateDir, pass);
        CertificateAuthority ca = issuingCa.choose(dir.load(pass), trust.bundle());
        issuer = new IssuerService(ca, trust.bundle(), cfg.stateDir.resolve("issuer"), cfg.leafLifetime,
                SanPolicy.defaults(), Clock.systemUTC());
        enrollment = new EnrollmentServer(cfg.enrollBind, cfg.enrollPort, this::tlsIdentity,
                () -> trust.bundle().certificates(), this::serveIssuerRequest);
        NodeLog.notice("Agent " + cfg.name + ": issuing CA '" + Names.commonName(ca.certificate())
                + "', enrollment on " + cfg.enrollBind + ":" + enrollment.port());
    }

    /**
     * The join token for the first certificate: the configured one (an operator mints it with
     * {@code redmesh ca token}; an issuer needs a root-signed operator token to relay operator
     * requests). An issuer without one mints itself a node-role token.
     */
    private String joinToken() {
        if (cfg.joinToken != null) {
            return cfg.joinToken;
        }
        if (issuer != null) {
            try {
                NodeLog.warning("Agent " + cfg.name + ": no join-token configured; this issuer takes a node-role "
                        + "certificate and cannot relay operator requests (trust bundles, revocations)");
                return issuer.mintToken(cfg.name, Role.NODE, Duration.ofMinutes(5));
            } catch (PkiException e) {
                NodeLog.warning("Agent: cannot mint the issuer's own token: " + e.getMessage());
            }
        }
        return null;
    }

    /** The rotator's transport: this node's own issuer, or the configured issuers in turn. */
    private CompletableFuture<byte[]> issuerCall(byte[] issueRequest) {
        byte[] framed = IssuerRequest.of(IssuerRequest.Type.ISSUE, issueRequest).encode();
        if (issuer != null) {
            return CompletableFuture.completedFuture(issuer.handle(issueRequest, cfg.name));
        }
        return CompletableFuture.supplyAsync(() -> {
            IOException last = null;
            for (AgentConfig.HostPort h : cfg.issuers) {
                try {
                    return EnrollmentClient.call(h.host(), h.port(), trust.bundle().certificates(), this::tlsIdentity,
                            framed);
                } catch (IOException e) {
                    last = e;
                }
            }
            throw new java.util.concurrent.CompletionException(
                    new IOException("no issuer reachable (" + cfg.issuers + "): " + (last == null ? "" : last.getMessage())));
        }, rpc);
    }

    TlsIdentity.Material tlsIdentity() {
        CertificateRotator.Material m = rotator == null ? null : rotator.current();
        return m == null ? null : new TlsIdentity.Material(m.key(), m.chain());
    }

    private byte[] serveIssuerRequest(byte[] request, X509Certificate[] peer) {
        IssuerRequest r;
        try {
            r = IssuerRequest.decode(request);
        } catch (IOException e) {
            return ("ERR " + e.getMessage()).getBytes(StandardCharsets.UTF_8);
        }
        return switch (r.type()) {
            case ISSUE -> {
                byte[] answer = issuer.handleFromPeer(r.field(0), peer);
                auditIssued(answer);
                yield answer;
            }
            case TRUST, REVOKE -> security.operatorRequest(r, signer, () -> mesh).getBytes(StandardCharsets.UTF_8);
        };
    }

    /** The issuer's side of the audit trail: which certificate it gave to whom. */
    private void auditIssued(byte[] answer) {
        try {
            io.redmesh.agent.cert.IssueResponse r = io.redmesh.agent.cert.IssueResponse.decode(answer);
            if (!r.isOk()) {
                audit.append("issuer:" + cfg.name, "cert.refused", "request", null, Map.of("reason", r.error()));
                return;
            }
            metrics.certificatesIssued.inc();
            X509Certificate leaf = io.redmesh.agent.pki.Pem.parseCertificates(r.chainPem(), "issued chain").get(0);
            audit.append("issuer:" + cfg.name, AuditLog.CERT_ISSUED, leaf.getSerialNumber().toString(16), null,
                    Map.of("to", Names.commonName(leaf), "role", String.valueOf(Names.role(leaf)),
                            "not_after", leaf.getNotAfter().toInstant().toString()));
        } catch (PkiException | IOException e) {
            NodeLog.warning("Agent " + cfg.name + ": cannot audit an issued certificate: " + e.getMessage());
        }
    }

    /** Starts the rotator and waits (bounded) for a usable certificate. */
    public void obtainCertificate(Duration max) throws IOException {
        rotator.start();
        try {
            firstMaterial.get(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException("no certificate after " + max.toSeconds() + "s: is an issuer reachable at "
                    + cfg.issuers + " and the join token valid? (see the log)");
        } catch (Exception e) {
            throw new IOException("no certificate: " + e.getMessage(), e);
        }
    }

    private void newMaterial(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> trustCerts,
                             NodeAdapter.TlsFiles files) throws Exception {
        X509Certificate leaf = chain.get(0);
        boolean first = signer == null;
        // The rotator also calls back when only the trust changed (an adopted bundle): the same
        // certificate is then not a renewal, and the bundle itself is audited as ca.rotated.
        boolean sameLeaf = !first && leaf.equals(installedLeaf);
        installedLeaf = leaf;
        signer = new RecordSigner(key, chain, clock);
        try {
            node.installTls(files);
        } catch (NodeAdapter.NodeException e) {
            // The agent still has its certificate (mesh, record signing): a server that refused
            // or could not be reached keeps its current material (a sidecar retries it on its
            // next check), and the agent must not stall its start on it.
            NodeLog.warning("Agent " + cfg.name + ": " + node.describe() + " did not take the new certificate: "
                    + e.getMessage());
        }
        metrics.certificate(leaf);
        if (sameLeaf) {
            NodeLog.notice("Agent " + cfg.name + ": trust updated (" + trustCerts.size() + " roots), certificate #"
                    + leaf.getSerialNumber().toString(16) + " unchanged");
        } else {
            audit.append("agent:" + cfg.name, first ? AuditLog.CERT_ISSUED : AuditLog.CERT_RENEWED,
                    leaf.getSerialNumber().toString(16), null, Map.of("not_after", leaf.getNotAfter().toInstant()
                            .toString(), "issuer", Names.commonName(chain.size() > 1 ? chain.get(1) : leaf), "role",
                            String.valueOf(Names.role(leaf))));
            NodeLog.notice("Agent " + cfg.name + ": " + (first ? "certificate" : "new certificate") + " #"
                    + leaf.getSerialNumber().toString(16) + " valid until " + leaf.getNotAfter().toInstant()
                    + " (new handshakes use it; open connections stay)");
        }
        Mesh m = mesh;
        if (m != null) {
            rejoin(m, meshConfig(key, chain, trustCerts), 1);
        }
        firstMaterial.complete(null);
        publishStatus();
    }

    // ------------------------------------------------------------------ mesh

    /**
     * Leaves and rejoins the mesh with new material; a failed rejoin (the old member still
     * letting go of the port) is retried every 2 s while this material is the newest.
     */
    private void rejoin(Mesh m, MeshConfig mc, int attempt) {
        m.restart(mc).exceptionally(e -> {
            if (mesh != m || m.config() != mc) {
                return null; // closed, or newer material took over
            }
            NodeLog.warning("Agent " + cfg.name + ": mesh rejoin with the new certificate failed (attempt " + attempt
                    + "): " + e.getMessage() + "; retrying");
            try {
                timers.schedule(() -> rejoin(m, mc, attempt + 1), 2, TimeUnit.SECONDS);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // the agent is closing
            }
            return null;
        });
    }

    private MeshConfig meshConfig(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> trustCerts)
            throws Exception {
        MeshKeyStores.Stores stores = MeshKeyStores.write(cfg.stateDir.resolve("mesh"), key, chain, trustCerts);
        List<String> seeds = new ArrayList<>();
        for (AgentConfig.HostPort h : cfg.seeds) {
            seeds.add(h.toString());
        }
        return MeshConfig.builder(cfg.name, cfg.meshBind, cfg.meshPort).seeds(seeds).stores(stores).clock(clock).build();
    }

    /**
     * Joins the mesh, waits (bounded by sync-timeout) for the first sync, then makes the node's
     * users the mesh's. Call before the node accepts clients.
     */
    public void joinMesh() throws Exception {
        CertificateRotator.Material m = rotator.current();
        if (m == null) {
            throw new IllegalStateException("joinMesh before obtainCertificate");
        }
        Mesh created = new Mesh(meshConfig(m.key(), m.chain(), m.trust()), store, verifier);
        created.addObserver(metrics.meshObserver(audit, cfg.name));
        acl.start();
        security.start();
        created.start().get(30, TimeUnit.SECONDS);
        mesh = created;
        long t0 = System.nanoTime();
        synced = created.awaitSynced(cfg.syncTimeout);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (synced) {
            NodeLog.notice("Agent " + cfg.name + ": synced with the mesh in " + ms + " ms ("
                    + store.size(RecordKind.ACL_USER) + " ACL records)");
        } else {
            NodeLog.warning("Agent " + cfg.name + ": no mesh member answered within " + cfg.syncTimeout.toSeconds()
                    + "s; serving with the users this node has and syncing in the background");
        }
        security.reconcile();
        acl.reconcile(synced);
        if (!synced) {
            created.addObserver(new Mesh.Observer() {
                private final java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();

                @Override
                public void synced(String peer, int received, int pushed) {
                    if (once.compareAndSet(false, true)) {
                        NodeLog.notice("Agent " + cfg.name + ": first sync with the mesh (with " + peer + ")");
                        rpc.execute(() -> acl.reconcile(true));
                    }
                }
            });
        }
        timers.scheduleAtFixedRate(this::publishStatus, 0, 1, TimeUnit.SECONDS);
    }

    /**
     * The users the mesh wants on the node (name -> rules), or null until the first sync: a
     * sidecar's drift repair must not mistake "not known yet" for "no users".
     */
    public Map<String, String> wantedUsers() {
        Mesh m = mesh;
        if (m == null || !(synced || m.synced())) {
            return null;
        }
        Map<String, String> out = new java.util.HashMap<>();
        for (io.redmesh.agent.record.SignedRecord r : store.all(RecordKind.ACL_USER)) {
            if (!r.record().tombstone()) {
                out.put(r.record().key(), new String(r.record().value(), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ status

    /** This node's own status, as it is broadcast to the others. */
    public MemberStatus status() {
        CertificateRotator.Material m = rotator.current();
        X509Certificate leaf = m == null ? null : m.leaf();
        Mesh me = mesh;
        Role role = leaf == null ? null : Names.role(leaf);
        return new MemberStatus(cfg.name, role == null ? "none" : role.ou(), node.describe(),
                store.version(RecordKind.ACL_USER), shortDigest(store.digest(RecordKind.ACL_USER)),
                store.size(RecordKind.ACL_USER), leaf == null ? "" : leaf.getSerialNumber().toString(16),
                leaf == null ? 0 : leaf.getNotAfter().getTime() / 1000, trust.bundle().certificates().size(),
                security.revokedCount(), liveMembers(me), synced || (me != null && me.synced()),
                System.currentTimeMillis(), repl.role(), repl.master(), node.servedTlsPort(), names());
    }

    /** The DNS names and addresses this node's certificate carries (where the others reach it). */
    private List<String> names() {
        List<String> n = new ArrayList<>(cfg.dnsNames);
        n.addAll(cfg.ipAddresses);
        return n;
    }

    /** The node's replication, read once a second with the status (a node that cannot tell: unknown). */
    private volatile io.redmesh.agent.node.NodeAdapter.Replication repl =
            io.redmesh.agent.node.NodeAdapter.Replication.UNKNOWN;
    /** The master name this agent set on its node (it never overrides an operator's own). */
    private volatile String masterNameSet = "";

    /**
     * A replica over TLS whose master is a mesh member: the node is told to require that member's
     * identity (spiffe://redmesh/node/NAME) in its master's certificate, so a certificate of the
     * same CA held by another member cannot impersonate the master and collect masterauth. An
     * expected name an operator configured is left alone.
     */
    private void followMasterIdentity() {
        io.redmesh.agent.node.NodeAdapter.Replication r;
        try {
            r = node.replication();
        } catch (RuntimeException e) {
            return;
        }
        repl = r;
        if (!r.replica() || !r.tls()) {
            return;
        }
        String configured = r.expectedPeerName();
        if (!configured.isEmpty() && !configured.equals(masterNameSet)) {
            return; // the operator's choice
        }
        Mesh m = mesh;
        if (m == null) {
            return;
        }
        for (byte[] raw : m.statuses().values()) {
            MemberStatus st = MemberStatus.decode(raw);
            if (st != null && !st.name().equals(cfg.name) && st.servesAt(r.masterHost(), r.masterPort())) {
                String id = Names.spiffeUri(st.name()).toString();
                if (!id.equals(configured)) {
                    try {
                        node.expectMasterName(id);
                        masterNameSet = id;
                        NodeLog.notice("Agent " + cfg.name + ": the master " + r.master() + " is mesh member "
                                + st.name() + "; replication now requires " + id + " in its certificate");
                    } catch (io.redmesh.agent.node.NodeAdapter.NodeException e) {
                        NodeLog.verbose("Agent: cannot set the master's expected name: " + e.getMessage());
                    }
                }
                return;
            }
        }
        if (!masterNameSet.isEmpty() && masterNameSet.equals(configured)) {
            // the master changed to an address no member serves: the old member's name no longer
            // fits; without a name the node waits (tls-expected-peer-name-required), logged there
            try {
                node.expectMasterName("");
                masterNameSet = "";
                NodeLog.notice("Agent " + cfg.name + ": the master " + r.master() + " is no mesh member known now; "
                        + "its expected name is cleared");
            } catch (io.redmesh.agent.node.NodeAdapter.NodeException e) {
                NodeLog.verbose("Agent: cannot clear the master's expected name: " + e.getMessage());
            }
        }
    }

    /** Members reachable now, this one included (0 before joining). */
    private static int liveMembers(Mesh m) {
        if (m == null) {
            return 0;
        }
        int n = 1;
        for (Mesh.MemberInfo mi : m.members()) {
            if (!mi.local() && mi.reachable()) {
                n++;
            }
        }
        return n;
    }

    private static String shortDigest(String hex) {
        return hex == null ? "" : hex.substring(0, Math.min(16, hex.length()));
    }

    private void publishStatus() {
        followMasterIdentity();
        Mesh m = mesh;
        if (m != null) {
            try {
                m.publishStatus(status().encode());
            } catch (RuntimeException e) {
                NodeLog.verbose("Agent: status broadcast failed: " + e);
            }
        }
    }

    /** INFO security for the in-process node. */
    public SecurityInfo securityInfo() {
        return new SecurityInfo(this::view);
    }

    /** The mesh as this agent sees it now. */
    public SecurityInfo.View view() {
        List<SecurityInfo.MemberView> members = new ArrayList<>();
        Mesh m = mesh;
        if (m != null) {
            Map<String, byte[]> statuses = m.statuses();
            for (Mesh.MemberInfo mi : m.members()) {
                if (mi.local()) {
                    continue;
                }
                members.add(new SecurityInfo.MemberView(mi.id(), mi.reachable(), MemberStatus.decode(statuses.get(mi.id()))));
            }
        }
        return new SecurityInfo.View(status(), store.rejectedCount(), members);
    }

    public Mesh mesh() {
        return mesh;
    }

    public RecordStore store() {
        return store;
    }

    public CertificateRotator rotator() {
        return rotator;
    }

    public AuditLog audit() {
        return audit;
    }

    public AgentMetrics metrics() {
        return metrics;
    }

    /** The enrollment port of an issuer agent (0 otherwise). */
    public int enrollmentPort() {
        return enrollment == null ? 0 : enrollment.port();
    }

    /** An issuer agent's service (tokens for new nodes), or null. */
    public IssuerService issuer() {
        return issuer;
    }

    @Override
    public void close() {
        timers.shutdownNow();
        acl.close();
        security.close();
        Mesh m = mesh;
        mesh = null;
        if (m != null) {
            m.close();
        }
        rotator.close();
        if (enrollment != null) {
            enrollment.close();
        }
        rpc.shutdownNow();
        audit.close();
        node.close();
    }
}
