package io.redmesh.agent.sidecar;

import io.redmesh.agent.node.NodeAdapter;
import io.redmesh.node.spi.tls.PemFiles;
import io.redmesh.node.spi.tls.TlsMaterialException;
import io.redmesh.node.spi.NodeLog;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The agent's hands on a stock redis-server 7 (sidecar mode): users through ACL
 * LIST/SETUSER/DELUSER, TLS material through CONFIG SET, over one admin connection (TLS or plain
 * TCP, see {@link SidecarConfig}).
 *
 * <h2>Locally managed users</h2>
 * The admin user the sidecar logs in as is managed locally only: the mesh can neither change nor
 * delete it (a record that would is refused with a warning and, during drift repair, a
 * {@link DriftEvent.Kind#REFUSED} event), so no record can lock the sidecar out. The
 * {@code default} user is managed by the mesh unless {@link SidecarConfig#manageDefaultUser()} is
 * false; it is never deleted as "extra" (Redis cannot delete it), and {@link #deleteUser} resets
 * it (off, no permissions) instead.
 *
 * <h2>Drift</h2>
 * A sidecar cannot observe the commands clients send, so {@link #onLocalAclChange} never fires:
 * an ACL SETUSER/DELUSER/LOAD made directly on the server is drift, found by the periodic check
 * ({@link #startDriftRepair}: ACL LIST digest against the wanted set) and undone — the mesh is the
 * source of truth. Each difference is counted and reported to the {@link DriftEvent.Listener}s.
 *
 * <p>{@code ACL SETUSER name reset <rules>} does not always render back as {@code <rules>}:
 * {@code reset} sets {@code sanitize-payload}, which a user created without it lacks (the two
 * behave the same in Redis 7.0, so that flag is ignored when comparing), and rules written by
 * hand ({@code allkeys}, another order) come back in Redis's canonical form. The sidecar
 * remembers what each applied rule set rendered as and treats that rendering as matching, so a
 * repaired user is not "repaired" again on every pass.
 *
 * <h2>Certificates</h2>
 * {@link #installTls} issues one {@code CONFIG SET tls-cert-file X tls-key-file Y
 * tls-ca-cert-file Z} (Redis rebuilds its TLS context once, from all three, or keeps the old one
 * if any is bad) and then checks with a new handshake that the new certificate is served.
 * Established connections keep their TLS session. {@link #revoke} cannot be enforced by a stock
 * redis-server 7.0: it has no CRL or serial check and does not expose which certificate a client
 * presented, so revoked serials are logged and listed, and stop working only when their CA
 * leaves the trust bundle or they expire.
 */
public final class SidecarNode implements NodeAdapter {
    private final SidecarConfig config;
    private final SidecarConnection conn;
    /** Serialises whole ACL operations (a drift pass reads, compares and writes as one step). */
    private final ReentrantLock aclLock = new ReentrantLock();
    /** name -> (rules applied, what ACL LIST rendered them as right after). Guarded by aclLock. */
    private final Map<String, Applied> applied = new HashMap<>();
    private final io.redmesh.agent.node.AbsentCommands absent = new io.redmesh.agent.node.AbsentCommands();
    /** Refusals and failures already logged, so a periodic pass does not repeat them. Guarded by aclLock. */
    private final Set<String> logged = new HashSet<>();
    private final List<DriftEvent.Listener> driftListeners = new CopyOnWriteArrayList<>();
    private final AtomicLong driftEvents = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final Set<BigInteger> revoked = ConcurrentHashMap.newKeySet();
    private volatile String lastDigest;
    private volatile BigInteger servedSerial;
    /** Serialises TLS installs (rotator thread) with the periodic re-install check. */
    private final ReentrantLock tlsLock = new ReentrantLock();
    /** The files last installed, set again after a restart; null before the first. Guarded by tlsLock. */
    private TlsFiles installed;
    /** The last install failed (server down, bad files): retried by the periodic pass. Guarded by tlsLock. */
    private boolean installPending;
    private ScheduledExecutorService driftExecutor;
    private ScheduledFuture<?> driftTask;

    private record Applied(String rules, String rendered) {}

    public SidecarNode(SidecarConfig config) {
        this.config = config;
        this.conn = new SidecarConnection(config);
    }

    /**
     * A sidecar whose admin login and ACL permissions are checked now: wrong credentials or an
     * unreachable server fail here with Redis's error text, not at the first record.
     */
    public static SidecarNode connect(SidecarConfig config) throws NodeException {
        SidecarNode n = new SidecarNode(config);
        try {
            n.users();
        } catch (NodeException e) {
            n.close();
            throw e;
        }
        NodeLog.notice("Sidecar: managing " + n.describe() + " as user '" + config.adminUser() + "'");
        return n;
    }

    // ------------------------------------------------------------------ users

    @Override
    public Map<String, String> users() throws NodeException {
        SortedMap<String, String> users = AclListing.parse(conn.call("ACL LIST", j -> j.aclList()));
        lastDigest = AclListing.digest(users);
        return Collections.unmodifiableSortedMap(users);
    }

    /** Refused (NodeException) for a locally managed user: the admin, and default when so configured. */
    @Override
    public void setUser(String name, String rules) throws NodeException {
        refuseLocal(name, "ACL SETUSER");
        aclLock.lock();
        try {
            apply(name, rules);
            remember(users(), List.of(name), Map.of(name, rules));
        } finally {
            aclLock.unlock();
        }
    }

    /**
     * ACL DELUSER; refused for a locally managed user. Redis cannot delete {@code default}: a
     * managed default user is reset instead ({@code ACL SETUSER default reset}: off, no
     * permissions), as InProcessNode does, so a tombstone still closes it.
     */
    @Override
    public void deleteUser(String name) throws NodeException {
        refuseLocal(name, "ACL DELUSER");
        aclLock.lock();
        try {
            if (name.equals("default")) {
                conn.call("ACL SETUSER default reset", j -> j.aclSetUser("default", "reset"));
            } else {
                conn.call("ACL DELUSER " + name, j -> j.aclDelUser(name));
            }
            applied.remove(name);
            absent.forget(name);
        } finally {
            aclLock.unlock();
        }
    }

    /**
     * Never called: a sidecar cannot see the commands clients send. Local ACL changes are drift,
     * undone by the next drift-repair pass (see the class comment).
     */
    @Override
    public void onLocalAclChange(AclChangeListener listener) {
        NodeLog.verbose("Sidecar: " + describe() + " cannot report local ACL changes; they are repaired as drift");
    }

    /** Users the mesh never touches here. */
    public boolean isLocallyManaged(String name) {
        return name.equals(config.adminUser()) || !config.manageDefaultUser() && name.equals("default");
    }

    // ------------------------------------------------------------------ drift

    /** Adds a listener for every drift event (called on the drift-repair thread). */
    public void onDrift(DriftEvent.Listener listener) {
        driftListeners.add(listener);
    }

    /**
     * Starts (or restarts) the periodic drift check: every {@code every}, compare ACL LIST with
     * {@code wanted.get()} and repair, after checking that the server still uses the TLS files last
     * installed ({@link #reinstallTlsIfLost}). Failures (server down) are logged and retried next period.
     * A supplier answering null means "the wanted set is not known yet" (the agent has not
     * synced): the pass is skipped, since an empty set would delete every mesh user.
     */
    public synchronized void startDriftRepair(Supplier<Map<String, String>> wanted, Duration every) {
        stopDriftRepair();
        if (driftExecutor == null) {
            driftExecutor = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "redmesh-sidecar-drift " + config.host() + ":" + config.port());
                t.setDaemon(true);
                return t;
            });
        }
        long ms = Math.max(1, every.toMillis());
        driftTask = driftExecutor.scheduleWithFixedDelay(() -> {
            try {
                reinstallTlsIfLost();
            } catch (NodeException | RuntimeException e) {
                NodeLog.warning("Sidecar: TLS check on " + describe() + " failed: " + e.getMessage());
            }
            try {
                // The wanted set is read under the ACL lock: read before it, it could predate a
                // record whose setUser runs in between, and the pass would delete that fresh user
                // as "extra" (closing its connections) until the next pass re-created it.
                aclLock.lock();
                try {
                    Map<String, String> w = wanted.get();
                    if (w != null) {
                        repairDrift(w);
                    }
                } finally {
                    aclLock.unlock();
                }
            } catch (NodeException e) {
                NodeLog.warning("Sidecar: drift check on " + describe() + " failed: " + e.getMessage());
            } catch (RuntimeException e) {
                NodeLog.warning("Sidecar: drift check on " + describe() + " failed: " + e);
            }
        }, ms, ms, TimeUnit.MILLISECONDS);
    }

    public synchronized void stopDriftRepair() {
        if (driftTask != null) {
            driftTask.cancel(false);
            driftTask = null;
        }
    }

    /**
     * One drift pass: every difference between the server's users and {@code wanted} (locally
     * managed users aside) is repaired — missing and changed users set, extra users deleted —
     * and reported. Returns the events (empty when there was no drift).
     */
    public List<DriftEvent> repairDrift(Map<String, String> wanted) throws NodeException {
        aclLock.lock();
        try {
            Map<String, String> found = users();
            List<DriftEvent> events = new ArrayList<>();
            List<String> set = new ArrayList<>();
            Map<String, String> errors = new HashMap<>();
            for (var w : wanted.entrySet()) {
                String name = w.getKey();
                String rules = w.getValue();
                String have = found.get(name);
                if (matches(name, rules, have)) {
                    continue;
                }
                if (isLocallyManaged(name)) {
                    String key = "refused " + name + " " + rules;
                    if (logged.add(key)) {
                        refused.incrementAndGet();
                        NodeLog.warning("Sidecar: refused a record for user '" + name + "' on " + describe()
                                + ": it is managed locally only (" + localReason(name) + ")");
                        events.add(new DriftEvent(name, DriftEvent.Kind.REFUSED, have, rules, false,
                                "managed locally only"));
                    }
                    continue;
                }
                try {
                    apply(name, rules);
                    set.add(name);
                } catch (NodeException e) {
                    errors.put(name, e.getMessage());
                }
                events.add(new DriftEvent(name, have == null ? DriftEvent.Kind.MISSING : DriftEvent.Kind.CHANGED,
                        have, rules, false, null));
            }
            for (var f : found.entrySet()) {
                String name = f.getKey();
                if (wanted.containsKey(name) || isLocallyManaged(name) || name.equals("default")) {
                    continue;
                }
                String error = null;
                try {
                    conn.call("ACL DELUSER " + name, j -> j.aclDelUser(name));
                    applied.remove(name);
                    absent.forget(name);
                } catch (NodeException e) {
                    error = e.getMessage();
                }
                events.add(new DriftEvent(name, DriftEvent.Kind.EXTRA, f.getValue(), null, error == null, error));
            }
            Map<String, String> after = set.isEmpty() ? found : users();
            remember(after, set, wanted);
            List<DriftEvent> out = new ArrayList<>(events.size());
            for (DriftEvent e : events) {
                if (e.kind() == DriftEvent.Kind.MISSING || e.kind() == DriftEvent.Kind.CHANGED) {
                    String err = errors.get(e.user());
                    e = new DriftEvent(e.user(), e.kind(), e.found(), e.wanted(), err == null, err);
                }
                if (e.error() != null && e.kind() != DriftEvent.Kind.REFUSED
                        && logged.add("failed " + e.user() + " " + e.wanted() + " " + e.error())) {
                    NodeLog.warning("Sidecar: could not repair user '" + e.user() + "' on " + describe() + ": "
                            + e.error());
                }
                out.add(e);
            }
            for (DriftEvent e : out) {
                if (e.kind() != DriftEvent.Kind.REFUSED) {
                    driftEvents.incrementAndGet();
                    if (e.repaired()) {
                        NodeLog.notice("Sidecar: repaired ACL drift on " + describe() + ": " + e.kind()
                                + " user '" + e.user() + "'");
                    }
                }
                for (DriftEvent.Listener l : driftListeners) {
                    try {
                        l.drift(e);
                    } catch (RuntimeException ex) {
                        NodeLog.warning("Sidecar: drift listener failed: " + ex);
                    }
                }
            }
            return out;
        } finally {
            aclLock.unlock();
        }
    }

    /** Drift events seen so far (refusals not included). */
    public long driftEvents() {
        return driftEvents.get();
    }

    /** Records refused because they would change a locally managed user. */
    public long refusedRecords() {
        return refused.get();
    }

    /** The digest of the server's users as last read ({@link #digest}); null before any read. */
    public String aclDigest() {
        return lastDigest;
    }

    /**
     * SHA-256 hex of a user set, independent of order and of a bare {@code sanitize-payload}
     * flag (which {@code reset} adds on stock Redis and an exact in-process copy lacks), so a
     * sidecar and an in-process node holding the same users report the same digest.
     */
    public static String digest(Map<String, String> users) {
        return AclListing.digest(users);
    }

    private boolean matches(String name, String rules, String have) {
        if (have == null) {
            return false;
        }
        if (AclListing.sameRules(have, rules)) {
            return true;
        }
        Applied a = applied.get(name);
        return a != null && a.rules.equals(rules) && a.rendered.equals(have);
    }

    private void apply(String name, String rules) throws NodeException {
        absent.apply(name, rules, describe(), r -> {
            String[] args = AclListing.setUserArgs(name, r);
            conn.call("ACL SETUSER " + name, j -> j.aclSetUser(args[0], Arrays.copyOfRange(args, 1, args.length)));
        });
    }

    @Override
    public List<String> droppedRules(String name) {
        return absent.droppedFor(name);
    }

    /** Records how {@code names} rendered after being set to {@code wanted}'s rules. */
    private void remember(Map<String, String> after, List<String> names, Map<String, String> wanted) {
        for (String n : names) {
            String rendered = after.get(n);
            if (rendered != null) {
                applied.put(n, new Applied(wanted.get(n), rendered));
                logged.removeIf(k -> k.startsWith("failed " + n + " "));
            }
        }
    }

    private void refuseLocal(String name, String what) throws NodeException {
        if (isLocallyManaged(name)) {
            refused.incrementAndGet();
            String m = what + " for user '" + name + "' refused on " + describe() + ": it is managed locally only ("
                    + localReason(name) + ")";
            NodeLog.warning("Sidecar: " + m);
            throw new NodeException(m);
        }
    }

    private String localReason(String name) {
        return name.equals(config.adminUser()) ? "the sidecar's admin user" : "manage-default-user is off";
    }

    // ------------------------------------------------------------------ TLS

    /**
     * Points redis-server at the new files with one CONFIG SET (absolute paths: its working
     * directory is not ours), then opens a new TLS connection and checks that the certificate in
     * {@code certFile} is the one served. Without a TLS port (plain-TCP server with tls-port 0)
     * the files are set and nothing can be probed.
     */
    @Override
    public void installTls(TlsFiles files) throws NodeException {
        tlsLock.lock();
        try {
            installed = files;
            installPending = true; // until it is known to be served: the periodic pass retries it
            install(files);
            installPending = false;
        } finally {
            tlsLock.unlock();
        }
    }

    /**
     * Part of every periodic pass: CONFIG SET does not survive a redis-server restart (nor
     * should the agent CONFIG REWRITE a file it does not own), so a restarted server is back on
     * the certificate files of its own config. When the server's files are not the ones last
     * installed, or the last install failed, they are set again. Does nothing before the first
     * {@link #installTls}.
     */
    public void reinstallTlsIfLost() throws NodeException {
        tlsLock.lock();
        try {
            TlsFiles f = installed;
            if (f == null) {
                return;
            }
            if (installPending) {
                NodeLog.notice("Sidecar: installing the agent's TLS material on " + describe() + " again");
                install(f);
                installPending = false;
                return;
            }
            Map<String, String> now = conn.call("CONFIG GET tls-cert-file tls-key-file tls-ca-cert-file",
                    j -> j.configGet("tls-cert-file", "tls-key-file", "tls-ca-cert-file"));
            if (f.certFile().toAbsolutePath().toString().equals(now.get("tls-cert-file"))
                    && f.keyFile().toAbsolutePath().toString().equals(now.get("tls-key-file"))
                    && f.caCertFile().toAbsolutePath().toString().equals(now.get("tls-ca-cert-file"))) {
                return;
            }
            NodeLog.warning("Sidecar: " + describe() + " serves tls-cert-file " + now.get("tls-cert-file")
                    + ", not the agent's (restarted, or changed by hand): installing the agent's again");
            install(f);
        } finally {
            tlsLock.unlock();
        }
    }

    private void install(TlsFiles files) throws NodeException {
        Path cert = files.certFile().toAbsolutePath();
        Path key = files.keyFile().toAbsolutePath();
        Path ca = files.caCertFile().toAbsolutePath();
        X509Certificate expected;
        try {
            expected = PemFiles.certificates(cert).get(0);
            PemFiles.privateKey(key, null);
            PemFiles.certificates(ca);
        } catch (TlsMaterialException e) {
            throw new NodeException("TLS material not installed on " + describe() + ": " + e.getMessage());
        }
        conn.call("CONFIG SET tls-cert-file/tls-key-file/tls-ca-cert-file", j -> j.configSet(
                "tls-cert-file", cert.toString(), "tls-key-file", key.toString(), "tls-ca-cert-file", ca.toString()));
        int tlsPort = config.tls() ? config.port() : tlsPort();
        if (tlsPort == 0) {
            NodeLog.notice("Sidecar: TLS material set on " + describe() + " (serial "
                    + expected.getSerialNumber().toString(16) + "); it has no tls-port to check it on");
            servedSerial = expected.getSerialNumber();
            return;
        }
        SidecarTls.Probe probe;
        try {
            probe = SidecarTls.probe(config.host(), tlsPort, ca, config.clientCertFile(), config.clientKeyFile(),
                    (int) config.commandTimeout().toMillis());
        } catch (TlsMaterialException | IOException e) {
            throw new NodeException("TLS material set on " + describe() + " but the check handshake with port "
                    + tlsPort + " failed: " + e.getMessage(), e);
        }
        if (!sameCertificate(probe.leaf(), expected)) {
            throw new NodeException("redis-server " + describe() + " still serves certificate serial "
                    + probe.leaf().getSerialNumber().toString(16) + " after CONFIG SET, not "
                    + expected.getSerialNumber().toString(16));
        }
        servedSerial = expected.getSerialNumber();
        if (probe.untrustedReason() != null) {
            throw new NodeException("redis-server " + describe() + " serves the new certificate, but it does not "
                    + "chain to " + ca + ": " + probe.untrustedReason());
        }
        NodeLog.notice("Sidecar: " + describe() + " now serves certificate serial "
                + expected.getSerialNumber().toString(16));
    }

    /** The serial of the certificate the server was last checked to serve; null before installTls. */
    public BigInteger servedSerial() {
        return servedSerial;
    }

    /**
     * Logs each serial once and remembers it: stock redis-server 7.0 has no certificate
     * revocation check and cannot say which client presented which certificate, so nothing here
     * can refuse a serial or close its connections. It stops being accepted when its CA is
     * removed from tls-ca-cert-file (CA rotation) or when it expires.
     */
    @Override
    public void revoke(Set<BigInteger> serials) {
        for (BigInteger s : serials) {
            if (revoked.add(s)) {
                NodeLog.warning("Sidecar: certificate serial " + s.toString(16) + " is revoked, but stock "
                        + describe() + " cannot refuse it (no revocation check in Redis 7.0); "
                        + "it stays usable there until it expires or its CA leaves the trust bundle");
            }
        }
    }

    /** Serials {@link #revoke} was told about (known revoked, not enforceable here). */
    public Set<BigInteger> revokedSerials() {
        return Set.copyOf(revoked);
    }

    private int tlsPort() throws NodeException {
        Map<String, String> v = conn.call("CONFIG GET tls-port", j -> j.configGet("tls-port"));
        String p = v.get("tls-port");
        try {
            return p == null ? 0 : Integer.parseInt(p);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static boolean sameCertificate(X509Certificate a, X509Certificate b) {
        try {
            return Arrays.equals(a.getEncoded(), b.getEncoded());
        } catch (CertificateEncodingException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ lifecycle

    /** Reconnect attempts made so far (each one after a lost or refused connection). */
    public long reconnectAttempts() {
        return conn.reconnectAttempts();
    }

    public SidecarConfig config() {
        return config;
    }

    @Override
    public String describe() {
        return "redis-server " + conn.describe();
    }

    @Override
    public void close() {
        synchronized (this) {
            stopDriftRepair();
            if (driftExecutor != null) {
                driftExecutor.shutdownNow();
                driftExecutor = null;
            }
        }
        conn.close();
    }
}
