package io.redmesh.agent.cert;

import io.redmesh.agent.node.NodeAdapter;
import io.redmesh.agent.pki.CertificateRequests;
import io.redmesh.agent.pki.Keys;
import io.redmesh.agent.pki.Names;
import io.redmesh.agent.pki.Pem;
import io.redmesh.agent.pki.PkiException;
import io.redmesh.agent.pki.SecureFiles;
import io.redmesh.agent.pki.TrustBundle;
import io.redmesh.node.spi.NodeLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Keeps one node's certificate fresh. The node's private key is made here and never leaves it:
 * each renewal makes a new key pair and sends only a CSR through {@code transport} (the mesh
 * plugs a request to an issuer member in).
 *
 * <p>Lifecycle: {@link #start()} loads the state dir's material (node.crt, node.key, ca.crt); if
 * there is none or it has expired, it asks at once with a join token. Renewal happens at 2/3 of
 * the lifetime, proven by the current key. When the issuer cannot be reached or refuses, it
 * retries with exponential backoff (capped) while the current certificate keeps serving; under
 * 1/6 of the lifetime left it logs a warning. New material is written atomically (key 0600) and
 * then handed to the {@link Listener}. All work runs on one scheduler thread.
 */
public final class CertificateRotator implements AutoCloseable {
    public static final String CERT_FILE = "node.crt";
    public static final String KEY_FILE = "node.key";
    public static final String CA_FILE = "ca.crt";

    /** Receives each new material, after it is on disk. */
    public interface Listener {
        void onNewMaterial(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> trust,
                           NodeAdapter.TlsFiles files) throws Exception;
    }

    /** The material in use: key, {@code [leaf, issuing CA]}, trust bundle. */
    public record Material(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> trust) {
        public X509Certificate leaf() {
            return chain.get(0);
        }
    }

    private final String name;
    private final List<String> dnsNames;
    private final List<String> ips;
    private final Path stateDir;
    private final Function<byte[], CompletableFuture<byte[]>> transport;
    private final Supplier<String> joinToken;
    private final Listener listener;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration requestTimeout;
    private final Clock clock;
    private final TrustBundle initialTrust;
    private final ScheduledExecutorService executor;

    // Confined to the executor thread, except volatile reads.
    private volatile Material current;
    private ScheduledFuture<?> scheduled;
    private boolean inFlight;
    private boolean rerun;
    private Duration backoff;
    private String warnedFor;
    private TrustBundle pendingTrust;
    private CompletableFuture<Void> nextSuccess = new CompletableFuture<>();
    private volatile boolean closed;

    private CertificateRotator(Builder b) {
        this.name = b.name;
        this.dnsNames = List.copyOf(b.dnsNames);
        this.ips = List.copyOf(b.ips);
        this.stateDir = b.stateDir;
        this.transport = b.transport;
        this.joinToken = b.joinToken;
        this.listener = b.listener;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.requestTimeout = b.requestTimeout;
        this.clock = b.clock;
        this.initialTrust = b.initialTrust;
        this.backoff = b.initialBackoff;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cert-rotator-" + b.name);
            t.setDaemon(true);
            return t;
        });
    }

    public static Builder builder(String nodeName, Path stateDir, Function<byte[], CompletableFuture<byte[]>> transport) {
        return new Builder(nodeName, stateDir, transport);
    }

    /** Loads what is on disk (handing valid material to the listener) and plans the next request. */
    public void start() {
        executor.execute(() -> {
            Material m = load();
            if (m != null) {
                current = m;
                notifyListener(m);
                NodeLog.notice(prefix() + "using certificate #" + m.leaf().getSerialNumber().toString(16)
                        + " valid until " + m.leaf().getNotAfter().toInstant());
                scheduleAt(renewAt(m.leaf()));
            } else {
                scheduleAt(clock.instant());
            }
        });
    }

    /**
     * Renews now (after a CA rotation, or a revocation of the current serial); the future
     * completes on the next successful renewal.
     */
    public CompletableFuture<Void> forceRenew() {
        CompletableFuture<CompletableFuture<Void>> f = new CompletableFuture<>();
        executor.execute(() -> {
            f.complete(nextSuccess);
            backoff = initialBackoff;
            if (inFlight) {
                rerun = true;
            } else {
                scheduleAt(clock.instant());
            }
        });
        return f.thenCompose(x -> x);
    }

    /**
     * Adopts a new trust bundle (gossiped after a CA rotation): rewrites ca.crt and hands the
     * current key and chain with the new trust to the listener.
     */
    public CompletableFuture<Void> updateTrust(TrustBundle bundle) {
        return CompletableFuture.runAsync(() -> {
            Material m = current;
            if (m == null) {
                // No certificate yet: the first one will have to chain to this bundle.
                pendingTrust = bundle;
                return;
            }
            Material n = new Material(m.key(), m.chain(), bundle.certificates());
            try {
                write(n);
                current = n;
                notifyListener(n);
            } catch (Exception e) {
                NodeLog.warning(prefix() + "cannot write the new trust bundle: " + e.getMessage());
            }
        }, executor);
    }

    /** Seconds until the current certificate expires (negative once expired; 0 when none yet). */
    public long secondsToExpiry() {
        Material m = current;
        return m == null ? 0 : Duration.between(clock.instant(), m.leaf().getNotAfter().toInstant()).getSeconds();
    }

    /** The material in use, or null before the first certificate. */
    public Material current() {
        return current;
    }

    public NodeAdapter.TlsFiles files() {
        return new NodeAdapter.TlsFiles(stateDir.resolve(CERT_FILE), stateDir.resolve(KEY_FILE), stateDir.resolve(CA_FILE));
    }

    @Override
    public void close() {
        closed = true;
        executor.shutdownNow();
    }

    // ---------------------------------------------------------------- the renewal loop

    private void scheduleAt(Instant when) {
        if (closed) {
            return;
        }
        if (scheduled != null) {
            scheduled.cancel(false);
        }
        long delay = Math.max(0, Duration.between(clock.instant(), when).toMillis());
        scheduled = executor.schedule(this::attempt, delay, TimeUnit.MILLISECONDS);
    }

    /** notBefore + 2/3 of the lifetime. */
    private static Instant renewAt(X509Certificate leaf) {
        Instant nb = leaf.getNotBefore().toInstant();
        Duration life = Duration.between(nb, leaf.getNotAfter().toInstant());
        return nb.plus(life.multipliedBy(2).dividedBy(3));
    }

    private void attempt() {
        if (closed || inFlight) {
            return;
        }
        warnIfCloseToExpiry();
        Material m = current;
        boolean renewal = m != null && clock.instant().isBefore(m.leaf().getNotAfter().toInstant());
        // A join token is single-use: every attempt with it sends the same key, so that an
        // attempt whose answer was lost (a timeout after the issuer signed) can be repeated
        // and the issuer recognises the retry instead of refusing a used token.
        if (!renewal && enrollKeys == null) {
            enrollKeys = CertificateRequests.newKeyPair();
        }
        KeyPair kp = renewal ? CertificateRequests.newKeyPair() : enrollKeys;
        byte[] request;
        try {
            var csr = CertificateRequests.create(kp, name, dnsNames, ips);
            if (renewal) {
                request = IssueRequest.renewal(csr, m.chain(), m.key()).encode();
            } else {
                String token = joinToken.get();
                if (token == null || token.isBlank()) {
                    failed("no valid certificate and no join token to ask for one");
                    return;
                }
                request = IssueRequest.withToken(csr, token.strip()).encode();
            }
        } catch (PkiException | RuntimeException e) {
            failed("cannot build the request: " + e.getMessage());
            return;
        }
        inFlight = true;
        CompletableFuture<byte[]> f;
        try {
            f = transport.apply(request);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenCompleteAsync((resp, err) -> completed(kp, resp, err), executor);
    }

    /** The key pair of the first enrollment, kept across its attempts (executor-confined). */
    private KeyPair enrollKeys;

    private void completed(KeyPair kp, byte[] resp, Throwable err) {
        inFlight = false;
        if (closed) {
            return;
        }
        if (err != null) {
            Throwable c = err instanceof java.util.concurrent.CompletionException && err.getCause() != null ? err.getCause() : err;
            failed("issuer unreachable: " + (c instanceof java.util.concurrent.TimeoutException ? "timed out"
                    : c.getMessage() != null ? c.getMessage() : c.toString()));
            return;
        }
        Material m;
        try {
            IssueResponse r = IssueResponse.decode(resp);
            if (!r.isOk()) {
                failed("the issuer refused: " + r.error());
                return;
            }
            m = check(kp, r);
            write(m);
        } catch (PkiException e) {
            failed(e.getMessage());
            return;
        } catch (Exception e) {
            failed("cannot write the new material: " + e);
            return;
        }
        current = m;
        enrollKeys = null;
        backoff = initialBackoff;
        warnedFor = null;
        NodeLog.notice(prefix() + "new certificate #" + m.leaf().getSerialNumber().toString(16)
                + " valid until " + m.leaf().getNotAfter().toInstant());
        notifyListener(m);
        CompletableFuture<Void> done = nextSuccess;
        nextSuccess = new CompletableFuture<>();
        done.complete(null);
        if (rerun) {
            rerun = false;
            scheduleAt(clock.instant());
        } else {
            scheduleAt(renewAt(m.leaf()));
        }
    }

    /**
     * The answer must be a chain for our new key and name that verifies against the trust this
     * node already has: an issuer can sign leaves but cannot change which roots a node trusts
     * (that comes from {@link #updateTrust}, fed by signed, gossiped bundles). Only the first
     * certificate adopts the issuer's bundle, checked against {@link Builder#initialTrust} when
     * one was configured (otherwise trust on first use over the authenticated transport).
     */
    private Material check(KeyPair kp, IssueResponse r) throws PkiException {
        List<X509Certificate> chain = Pem.parseCertificates(r.chainPem(), "issuer response chain");
        Material m = current;
        TrustBundle trust;
        if (m != null) {
            trust = TrustBundle.of(m.trust());
        } else {
            trust = pendingTrust != null ? pendingTrust : TrustBundle.parse(r.trustPem(), "issuer response trust bundle");
            if (initialTrust != null) {
                initialTrust.verify(chain, clock.instant());
            }
        }
        X509Certificate leaf = chain.get(0);
        if (!leaf.getPublicKey().equals(kp.getPublic())) {
            throw new PkiException("the issuer returned a certificate for another key");
        }
        if (!name.equals(Names.commonName(leaf))) {
            throw new PkiException("the issuer returned a certificate for '" + Names.commonName(leaf) + "'");
        }
        trust.verify(chain, clock.instant());
        return new Material(kp.getPrivate(), chain, trust.certificates());
    }

    private void failed(String why) {
        Duration wait = backoff;
        backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
        NodeLog.warning(prefix() + why + "; retrying in " + wait.toMillis() + " ms"
                + (current != null ? " (the current certificate keeps serving)" : ""));
        warnIfCloseToExpiry();
        scheduleAt(clock.instant().plus(wait));
    }

    private void warnIfCloseToExpiry() {
        Material m = current;
        if (m == null) {
            return;
        }
        X509Certificate leaf = m.leaf();
        Duration life = Duration.between(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant());
        Duration left = Duration.between(clock.instant(), leaf.getNotAfter().toInstant());
        String serial = leaf.getSerialNumber().toString(16);
        if (left.compareTo(life.dividedBy(6)) < 0 && !serial.equals(warnedFor)) {
            warnedFor = serial;
            NodeLog.warning(prefix() + "certificate #" + serial + (left.isNegative() ? " has expired"
                    : " expires in " + left.getSeconds() + " s") + " and could not be renewed yet");
        }
    }

    private void notifyListener(Material m) {
        try {
            listener.onNewMaterial(m.key(), m.chain(), m.trust(), files());
        } catch (Exception e) {
            NodeLog.warning(prefix() + "installing the new material failed: " + e);
        }
    }

    // ---------------------------------------------------------------- files

    /** Key first, then chain, then trust: each atomic; a crash between them is caught by load(). */
    private void write(Material m) throws Exception {
        NodeAdapter.TlsFiles f = files();
        SecureFiles.writeSecret(f.keyFile(), Pem.privateKey(m.key()).getBytes(StandardCharsets.US_ASCII));
        SecureFiles.writePublic(f.certFile(), Pem.certificates(m.chain()).getBytes(StandardCharsets.US_ASCII));
        SecureFiles.writePublic(f.caCertFile(), Pem.certificates(m.trust()).getBytes(StandardCharsets.US_ASCII));
    }

    /** Valid, matching, unexpired material from the state dir, or null. */
    private Material load() {
        NodeAdapter.TlsFiles f = files();
        if (!Files.exists(f.certFile()) || !Files.exists(f.keyFile()) || !Files.exists(f.caCertFile())) {
            return null;
        }
        try {
            List<X509Certificate> chain = Pem.parseCertificates(Files.readString(f.certFile()), f.certFile().toString());
            PrivateKey key = Pem.parsePrivateKey(Files.readString(f.keyFile()), null, f.keyFile().toString());
            TrustBundle trust = TrustBundle.parse(Files.readString(f.caCertFile()), f.caCertFile().toString());
            if (!Keys.matches(chain.get(0).getPublicKey(), key)) {
                NodeLog.warning(prefix() + "node.key does not match node.crt; asking for a new certificate");
                return null;
            }
            if (!name.equals(Names.commonName(chain.get(0)))) {
                NodeLog.warning(prefix() + "node.crt is for '" + Names.commonName(chain.get(0)) + "'; ignoring it");
                return null;
            }
            trust.verify(chain, clock.instant());
            return new Material(key, chain, trust.certificates());
        } catch (PkiException e) {
            NodeLog.warning(prefix() + "the stored certificate is not usable (" + e.getMessage()
                    + "); asking for a new one");
            return null;
        } catch (Exception e) {
            NodeLog.warning(prefix() + "cannot read the stored certificate: " + e);
            return null;
        }
    }

    private String prefix() {
        return "Certificate rotator (" + name + "): ";
    }

    /** Options; the defaults suit minutes-to-hours lifetimes. */
    public static final class Builder {
        private final String name;
        private final Path stateDir;
        private final Function<byte[], CompletableFuture<byte[]>> transport;
        private final List<String> dnsNames = new ArrayList<>();
        private final List<String> ips = new ArrayList<>();
        private Supplier<String> joinToken = () -> null;
        private Listener listener = (k, c, t, f) -> { };
        private Duration initialBackoff = Duration.ofSeconds(1);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Clock clock = Clock.systemUTC();
        private TrustBundle initialTrust;

        private Builder(String name, Path stateDir, Function<byte[], CompletableFuture<byte[]>> transport) {
            this.name = Objects.requireNonNull(name);
            this.stateDir = Objects.requireNonNull(stateDir);
            this.transport = Objects.requireNonNull(transport);
        }

        public Builder dnsNames(List<String> names) {
            dnsNames.addAll(names);
            return this;
        }

        /** IP literals ("127.0.0.1", "::1"). */
        public Builder ips(List<String> addresses) {
            ips.addAll(addresses);
            return this;
        }

        /** Where the first certificate's join token comes from (read when needed; null = none). */
        public Builder joinToken(Supplier<String> token) {
            this.joinToken = Objects.requireNonNull(token);
            return this;
        }

        public Builder listener(Listener l) {
            this.listener = Objects.requireNonNull(l);
            return this;
        }

        /** First retry delay (default 1 s), doubling up to {@code max} (default 30 s). */
        public Builder backoff(Duration initial, Duration max) {
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        public Builder requestTimeout(Duration t) {
            this.requestTimeout = t;
            return this;
        }

        /** The roots the first certificate must chain to (e.g. the operator's trust.crt). */
        public Builder initialTrust(TrustBundle bundle) {
            this.initialTrust = bundle;
            return this;
        }

        public Builder clock(Clock c) {
            this.clock = c;
            return this;
        }

        /** Checks the name and addresses now, so a typo fails at startup rather than at the issuer. */
        public CertificateRotator build() throws PkiException {
            Names.checkNodeName(name);
            for (String ip : ips) {
                Names.parseIp(ip);
            }
            return new CertificateRotator(this);
        }
    }
}
