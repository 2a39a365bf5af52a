package io.redmesh.agent.mesh;

import io.atomix.cluster.AtomixCluster;
import io.atomix.cluster.ClusterMembershipEvent;
import io.atomix.cluster.Member;
import io.atomix.cluster.MemberId;
import io.atomix.cluster.discovery.BootstrapDiscoveryProvider;
import io.atomix.cluster.messaging.ManagedMessagingService;
import io.atomix.cluster.messaging.MessagingService;
import io.atomix.cluster.protocol.HeartbeatMembershipProtocol;
import io.atomix.utils.net.Address;
import io.redmesh.agent.record.RecordCodec;
import io.redmesh.agent.record.RecordFormatException;
import io.redmesh.agent.record.RecordKind;
import io.redmesh.agent.record.RecordStore;
import io.redmesh.agent.record.RecordVerifier;
import io.redmesh.agent.record.SignedRecord;
import io.redmesh.node.spi.NodeLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * This agent's membership of the security mesh: an Atomix cluster member (heartbeat membership
 * and messaging, both over mutually authenticated TLS; no Atomix primitives) that spreads our
 * own signed records.
 *
 * <ul>
 *   <li><b>Records</b>: {@link #publish} merges a record into the local {@link RecordStore} and
 *       pushes it to every reachable member at once. A record from a peer is decoded (bounded
 *       codec), checked by the {@link RecordVerifier} (chain to the trust anchors, origin = signer
 *       CN, signature, policy) and only then offered to the store; a rejected one is dropped,
 *       counted per reason in {@link RecordStore#rejectedCounts()} and logged (once per reason
 *       per 10 s). Malformed bytes count as {@code malformed}; nothing escapes into Atomix threads.</li>
 *   <li><b>Anti-entropy</b> ({@link AntiEntropy}): every {@code antiEntropyInterval} a digest
 *       exchange with one random reachable peer, and at once with a member that joins or becomes
 *       reachable again (so a restarted member pulls the state in its first round, and pushes
 *       what it has that others lack).</li>
 *   <li><b>Services</b>: {@link #request}/{@link #handle} (request/reply by subject, e.g. CSR to
 *       the issuer) and a small per-member status ({@link #publishStatus}/{@link #statuses}).
 *       Note the transport authenticates that a peer holds a mesh certificate, not which member
 *       id it claims: handlers authenticate their payload themselves (a CSR with a join token or
 *       a current certificate), as records do with their signatures.</li>
 * </ul>
 *
 * Threads: messages are handled on the mesh's own executors, never on Atomix's.
 */
public final class Mesh implements AutoCloseable {
    /** A mesh member as membership sees it now. */
    public record MemberInfo(String id, String host, int port, boolean reachable, boolean local) {}

    /** Hooks for metrics (all default no-ops; called on mesh threads, keep them short). */
    public interface Observer {
        /**
         * A record was merged. remote: it came from a peer; propagationMillis = arrival wall time
         * minus the record's hlc physical time (clock skew included), meaningful for remote pushes;
         * viaAntiEntropy: it came in a sync round rather than a push.
         */
        default void applied(SignedRecord record, boolean remote, boolean viaAntiEntropy, long propagationMillis) {}

        /** A record (or message) from a peer was refused. */
        default void rejected(String reason, String fromMember) {}

        /** An anti-entropy round completed with a peer. */
        default void synced(String peer, int received, int pushed) {}
    }

    static final String PUSH = "redmesh-records";
    static final String DIGEST = "redmesh-ae-digest";
    static final String SUMMARY = "redmesh-ae-summary";
    static final String STATUS = "redmesh-status";
    static final String REQUEST_PREFIX = "redmesh-req/";
    /** Reason for bytes from a peer that are not a well-formed message or record. */
    public static final String MALFORMED = "malformed";
    public static final int MAX_STATUS_BYTES = 64 * 1024;

    private final RecordStore store;
    private final RecordVerifier verifier;
    private final AntiEntropy antiEntropy;
    private final RecordIntake intake;
    private final List<Observer> observers = new CopyOnWriteArrayList<>();
    private final Map<String, Function<byte[], byte[]>> handlers = new ConcurrentHashMap<>();
    private final Map<String, byte[]> statuses = new ConcurrentHashMap<>();
    private final ExecutorService inbound;
    private final ExecutorService services;
    private final ExecutorService antiEntropyServer;
    private final ScheduledExecutorService timers;
    private final CountDownLatch synced = new CountDownLatch(1);
    private final AtomicLong pushes = new AtomicLong();
    private final AtomicLong rounds = new AtomicLong();
    private final AtomicLong failedRounds = new AtomicLong();

    private volatile MeshConfig config;
    private volatile AtomixCluster atomix;
    private volatile byte[] localStatus;
    private volatile boolean closed;

    public Mesh(MeshConfig config, RecordStore store, RecordVerifier verifier) {
        this.config = java.util.Objects.requireNonNull(config, "config");
        this.store = java.util.Objects.requireNonNull(store, "store");
        this.verifier = java.util.Objects.requireNonNull(verifier, "verifier");
        this.antiEntropy = new AntiEntropy(store);
        this.intake = new RecordIntake(store, verifier, () -> this.config.clock(), observers);
        String id = config.memberId();
        inbound = Executors.newSingleThreadExecutor(r -> daemon(r, "mesh-in-" + id));
        services = Executors.newFixedThreadPool(2, r -> daemon(r, "mesh-svc-" + id));
        // its own thread, so a slow request handler (a CSR being signed) never delays sync answers
        antiEntropyServer = Executors.newSingleThreadExecutor(r -> daemon(r, "mesh-ae-" + id));
        if (config.alone()) {
            synced.countDown();
        }
        timers = Executors.newScheduledThreadPool(1, r -> daemon(r, "mesh-timer-" + id));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Starts the Atomix member (binds the TLS messaging port, contacts the seeds) and the
     * periodic tasks. Completes when the member is up, not when it has synced: see
     * {@link #awaitSynced}. Call once; fails when the port cannot be bound or a store not read.
     */
    public synchronized CompletableFuture<Void> start() {
        if (closed || atomix != null) {
            return CompletableFuture.failedFuture(new IllegalStateException("mesh already started or closed"));
        }
        timers.scheduleWithFixedDelay(this::antiEntropyTick, jitter(config.antiEntropyInterval()),
                config.antiEntropyInterval().toMillis(), TimeUnit.MILLISECONDS);
        timers.scheduleWithFixedDelay(this::statusTick, config.statusInterval().toMillis(),
                config.statusInterval().toMillis(), TimeUnit.MILLISECONDS);
        timers.scheduleWithFixedDelay(this::gcTick, config.gcInterval().toMillis(),
                config.gcInterval().toMillis(), TimeUnit.MILLISECONDS);
        return join(config);
    }

    private CompletableFuture<Void> join(MeshConfig c) {
        AtomixCluster a = TlsOnlyCluster.tlsOnlyBuilder()
                .withClusterId(c.clusterId())
                .withMemberId(c.memberId())
                .withAddress(c.host(), c.port())
                .withMembershipProvider(BootstrapDiscoveryProvider.builder()
                        .withNodes(c.seeds().stream().map(Address::from).toArray(Address[]::new)).build())
                .withMembershipProtocol(HeartbeatMembershipProtocol.builder()
                        .withHeartbeatInterval(c.heartbeatInterval())
                        .withFailureTimeout(c.failureTimeout()).build())
                .withTlsEnabled()
                .withKeyStore(c.keyStore().toString()).withKeyStorePassword(c.storePassword())
                .withTrustStore(c.trustStore().toString()).withTrustStorePassword(c.storePassword())
                .build();
        // Handlers go straight on the TLS messaging service: ClusterCommunicationService's one-way
        // subscribe() would also listen on Atomix's plaintext UDP unicast service (which
        // TlsOnlyCluster replaces anyway: belt and braces).
        MessagingService messaging = a.getMessagingService();
        messaging.registerHandler(PUSH, (Address from, byte[] bytes) -> onPush(sender(from), bytes), inbound);
        messaging.registerHandler(STATUS, (Address from, byte[] bytes) -> onStatus(sender(from), bytes), inbound);
        messaging.registerHandler(DIGEST, (Address from, byte[] bytes) -> onDigest(bytes), antiEntropyServer);
        messaging.registerHandler(SUMMARY, (Address from, byte[] bytes) -> onSummary(bytes), antiEntropyServer);
        handlers.forEach((subject, h) -> subscribeHandler(messaging, subject, h));
        a.getMembershipService().addListener(this::onMembership);
        this.config = c;
        this.atomix = a;
        return a.start().thenRun(() -> NodeLog.notice("Mesh member " + c.memberId() + " listening on "
                + c.host() + ":" + c.port() + " (TLS), seeds " + c.seeds()));
    }

    /**
     * Waits until this member has completed one anti-entropy round with a peer (it holds the
     * mesh's state as of then), at most {@code max}. Returns true once synced, or at once when
     * the seed list names no other member (alone by configuration: nothing to pull). Returns
     * false when the bound passed without a sync (no peer reachable, or none answered): the
     * caller decides (the agent logs it and serves with what it has; sync goes on).
     */
    public boolean awaitSynced(Duration max) throws InterruptedException {
        return synced.await(max.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** True once {@link #awaitSynced} would return true at once. */
    public boolean synced() {
        return synced.getCount() == 0;
    }

    /**
     * Rotates the mesh certificate: leaves the mesh, then joins again with the new key and trust
     * stores (Atomix loads them once per start). The record store, handlers and status are kept;
     * records published meanwhile are stored and reach the others by anti-entropy after the
     * rejoin. Completes when the new member is up.
     */
    public synchronized CompletableFuture<Void> restart(MeshConfig newMaterial) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("mesh closed"));
        }
        AtomixCluster old = atomix;
        atomix = null;
        if (old != null) {
            stop(old);
        }
        return join(newMaterial);
    }

    /** Leaves the mesh and stops every thread this mesh started. The store stays usable. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        timers.shutdownNow();
        AtomixCluster a = atomix;
        atomix = null;
        if (a != null) {
            stop(a);
        }
        inbound.shutdownNow();
        services.shutdownNow();
        antiEntropyServer.shutdownNow();
    }

    private static void stop(AtomixCluster a) {
        try {
            a.stop().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            NodeLog.warning("Mesh member did not stop cleanly: " + e);
        }
        // AtomixCluster.stop() does nothing for a member whose start failed or has not completed,
        // and stops its messaging service last, after stages that can time out: either way the
        // TLS port stayed bound for good and a restart in the same process could not bind it.
        // The messaging service's own stop is idempotent.
        if (a.getMessagingService() instanceof ManagedMessagingService messaging) {
            try {
                messaging.stop().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                NodeLog.warning("Mesh messaging port did not close cleanly: " + e);
            }
        }
    }

    // ------------------------------------------------------------------ records

    /**
     * Publishes a record made by this member: verifies it like a peer would (so a
     * misconfigured signer fails here, not silently everywhere else), merges it locally and,
     * when it was newer, pushes it to every reachable member in one multicast.
     *
     * @return true when the record was newer than the local state (and was pushed)
     * @throws IllegalArgumentException when the verifier rejects it (message = the reason)
     */
    public boolean publish(SignedRecord record) {
        String why = verifier.verify(record);
        if (why != null) {
            throw new IllegalArgumentException("record refused: " + why);
        }
        config.clock().observe(record.version().hlc());
        if (!store.offer(record)) {
            return false;
        }
        for (Observer o : observers) {
            o.applied(record, false, false, 0);
        }
        pushAll(List.of(record.encode()));
        return true;
    }

    /** Pushes encoded records to every reachable peer (a forged record in tests goes through here too). */
    void pushAll(List<byte[]> encoded) {
        AtomixCluster a = atomix;
        if (a == null) {
            return;
        }
        List<Member> peers = peers(a);
        if (!peers.isEmpty()) {
            byte[] batch = RecordCodec.encodeBatch(encoded);
            for (Member m : peers) {
                a.getMessagingService().sendAsync(m.address(), PUSH, batch);
            }
            pushes.incrementAndGet();
        }
    }

    /**
     * The member id an address belongs to (as claimed by its heartbeats), or "?". Atomix hands
     * us the sender's address with its host name resolved ("localhost:7946" for a member that
     * advertises "127.0.0.1:7946"), so hosts are compared by address.
     */
    private String sender(Address from) {
        AtomixCluster a = atomix;
        if (a == null || from == null) {
            return "?";
        }
        for (Member m : a.getMembershipService().getMembers()) {
            Address ma = m.address();
            if (ma.port() == from.port() && (ma.host().equals(from.host()) || sameInet(ma, from))) {
                return m.id().id();
            }
        }
        return "?";
    }

    private static boolean sameInet(Address x, Address y) {
        try {
            return x.address() != null && x.address().equals(y.address());
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void onPush(String who, byte[] bytes) {
        intake.acceptBatch(bytes, who);
    }

    private void acceptRemote(byte[] encoded, String from, boolean viaAntiEntropy) {
        intake.accept(encoded, from, viaAntiEntropy);
    }

    private void reject(String reason, String from, String what) {
        intake.reject(reason, from, what);
    }

    // ------------------------------------------------------------------ anti-entropy

    private void antiEntropyTick() {
        AtomixCluster a = atomix;
        if (a == null) {
            return;
        }
        List<Member> peers = peers(a);
        if (!peers.isEmpty()) {
            syncWith(peers.get(ThreadLocalRandom.current().nextInt(peers.size())).id());
        }
    }

    /** One anti-entropy round with a peer, run on the timer thread (rounds never overlap). */
    private void syncWith(MemberId peer) {
        AtomixCluster a = atomix;
        if (a == null || closed) {
            return;
        }
        Member member = a.getMembershipService().getMember(peer);
        if (member == null) {
            return;
        }
        MessagingService messaging = a.getMessagingService();
        Duration timeout = config.requestTimeout();
        boolean stale = stale();
        try {
            byte[] kindsReply = messaging.sendAndReceive(member.address(), DIGEST, antiEntropy.digestRequest(), timeout)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Set<RecordKind> differ = AntiEntropy.parseKinds(kindsReply);
            int received = 0;
            int pushed = 0;
            if (!differ.isEmpty()) {
                byte[] reply = messaging.sendAndReceive(member.address(), SUMMARY,
                        antiEntropy.summaryRequest(differ, store.lastSyncMillis() == 0), timeout)
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                AntiEntropy.Outcome out = antiEntropy.onSummaryReply(reply, stale,
                        (r, from) -> acceptRemote(r, from, true), peer.id());
                received = out.received();
                if (!out.toPush().isEmpty()) {
                    messaging.sendAsync(member.address(), PUSH, RecordCodec.encodeBatch(out.toPush()));
                    pushed = out.toPush().size();
                }
                if (out.forgotten() > 0) {
                    NodeLog.warning("Mesh: out of sync longer than the tombstone TTL, forgot "
                            + out.forgotten() + " records the mesh no longer has");
                }
            }
            store.markSynced(System.currentTimeMillis());
            rounds.incrementAndGet();
            synced.countDown();
            for (Observer o : observers) {
                o.synced(peer.id(), received, pushed);
            }
        } catch (RecordFormatException e) {
            failedRounds.incrementAndGet();
            reject(MALFORMED, peer.id(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failedRounds.incrementAndGet();
        }
    }

    private byte[] onDigest(byte[] req) {
        try {
            return antiEntropy.onDigestRequest(req);
        } catch (RecordFormatException | RuntimeException e) {
            reject(MALFORMED, "?", "digest request: " + e.getMessage());
            return new byte[] {0};
        }
    }

    private byte[] onSummary(byte[] req) {
        try {
            return antiEntropy.onSummaryRequest(req, stale(), store.lastSyncMillis() == 0);
        } catch (RecordFormatException | RuntimeException e) {
            reject(MALFORMED, "?", "summary request: " + e.getMessage());
            return AntiEntropy.emptySummaryReply();
        }
    }

    /** Synced before, but not within the tombstone TTL: see {@link RecordStore}. */
    private boolean stale() {
        return store.stale();
    }

    private void onMembership(ClusterMembershipEvent e) {
        Member m = e.subject();
        AtomixCluster a = atomix;
        if (a == null || m.id().equals(a.getMembershipService().getLocalMember().id())) {
            return;
        }
        switch (e.type()) {
            case MEMBER_ADDED, REACHABILITY_CHANGED -> {
                if (m.isReachable() && !closed) {
                    // full exchange with a newcomer (or a member back from a partition)
                    try {
                        timers.execute(() -> syncWith(m.id()));
                    } catch (java.util.concurrent.RejectedExecutionException closing) {
                        return;
                    }
                    byte[] s = localStatus;
                    if (s != null) {
                        a.getMessagingService().sendAsync(m.address(), STATUS, s);
                    }
                }
            }
            case MEMBER_REMOVED -> statuses.remove(m.id().id());
            default -> { }
        }
    }

    private void gcTick() {
        int n = store.gc();
        if (n > 0) {
            NodeLog.verbose("Mesh: collected " + n + " tombstones older than " + store.tombstoneTtl());
        }
    }

    // ------------------------------------------------------------------ services

    /**
     * Sends a request to one member's handler for subject and completes with its answer; fails
     * on timeout, when the member is unknown, or when it has no handler or its handler threw.
     */
    public CompletableFuture<byte[]> request(String memberId, String subject, byte[] payload, Duration timeout) {
        AtomixCluster a = atomix;
        if (a == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("mesh not running"));
        }
        Member m = a.getMembershipService().getMember(MemberId.from(memberId));
        if (m == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("no such mesh member: " + memberId));
        }
        return a.getMessagingService().sendAndReceive(m.address(), REQUEST_PREFIX + subject, payload, timeout);
    }

    /** Answers requests for subject (run on a mesh thread; a thrown exception fails the request). */
    public void handle(String subject, Function<byte[], byte[]> handler) {
        handlers.put(subject, handler);
        AtomixCluster a = atomix;
        if (a != null) {
            subscribeHandler(a.getMessagingService(), subject, handler);
        }
    }

    private void subscribeHandler(MessagingService messaging, String subject, Function<byte[], byte[]> h) {
        messaging.registerHandler(REQUEST_PREFIX + subject, (Address from, byte[] b) -> h.apply(b), services);
    }

    /**
     * Sets this member's status (opaque bytes, at most 64 KiB) and sends it to every member now;
     * it is re-sent every {@code statusInterval} and to members that join.
     */
    public void publishStatus(byte[] status) {
        if (status.length > MAX_STATUS_BYTES) {
            throw new IllegalArgumentException("status too large: " + status.length);
        }
        byte[] s = status.clone();
        localStatus = s;
        statuses.put(config.memberId(), s);
        sendStatus();
    }

    /** The last status of every current member (this one included), by member id. */
    public Map<String, byte[]> statuses() {
        Map<String, byte[]> out = new TreeMap<>();
        AtomixCluster a = atomix;
        Set<String> ids = a == null ? Set.of() : a.getMembershipService().getMembers().stream()
                .map(m -> m.id().id()).collect(Collectors.toSet());
        statuses.forEach((id, s) -> {
            if (id.equals(config.memberId()) || ids.contains(id)) {
                out.put(id, s.clone());
            }
        });
        return out;
    }

    private void statusTick() {
        sendStatus();
    }

    private void sendStatus() {
        AtomixCluster a = atomix;
        byte[] s = localStatus;
        if (a == null || s == null) {
            return;
        }
        for (Member m : peers(a)) {
            a.getMessagingService().sendAsync(m.address(), STATUS, s);
        }
    }

    private void onStatus(String from, byte[] bytes) {
        if (from.equals("?")) {
            // a member between leaving and rejoining (certificate rotation): its next status
            // arrives within a second; not a rejection worth counting or auditing
            return;
        }
        if (bytes.length > MAX_STATUS_BYTES) {
            reject(MALFORMED, from, "status message");
            return;
        }
        statuses.put(from, bytes);
    }

    // ------------------------------------------------------------------ reading

    /** Members as membership sees them (this one first, then by id). Empty while not joined. */
    public List<MemberInfo> members() {
        AtomixCluster a = atomix;
        if (a == null) {
            return List.of();
        }
        MemberId self = a.getMembershipService().getLocalMember().id();
        List<MemberInfo> out = new ArrayList<>();
        for (Member m : a.getMembershipService().getMembers()) {
            boolean local = m.id().equals(self);
            out.add(new MemberInfo(m.id().id(), m.address().host(), m.address().port(), local || m.isReachable(), local));
        }
        out.sort(Comparator.comparing((MemberInfo m) -> !m.local()).thenComparing(MemberInfo::id));
        return out;
    }

    private static List<Member> peers(AtomixCluster a) {
        MemberId self = a.getMembershipService().getLocalMember().id();
        List<Member> out = new ArrayList<>();
        for (Member m : a.getMembershipService().getMembers()) {
            if (!m.id().equals(self) && m.isReachable()) {
                out.add(m);
            }
        }
        return out;
    }

    public void addObserver(Observer o) {
        observers.add(o);
    }

    public String memberId() {
        return config.memberId();
    }

    public MeshConfig config() {
        return config;
    }

    public RecordStore store() {
        return store;
    }

    public RecordVerifier verifier() {
        return verifier;
    }

    /** Wall time (ms) of the last completed anti-entropy round, 0 when none yet. */
    public long lastSyncMillis() {
        return store.lastSyncMillis();
    }

    /** Multicast pushes sent (one per publish that reached at least one peer). */
    public long pushCount() {
        return pushes.get();
    }

    /** Anti-entropy rounds completed / failed (timeouts, peer gone). */
    public long syncRoundCount() {
        return rounds.get();
    }

    public long failedSyncRoundCount() {
        return failedRounds.get();
    }

    private static long jitter(Duration d) {
        return ThreadLocalRandom.current().nextLong(Math.max(1, d.toMillis()));
    }
}
