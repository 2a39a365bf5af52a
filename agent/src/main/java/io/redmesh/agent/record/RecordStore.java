package io.redmesh.agent.record;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The merged state: for each (kind, key) the record with the highest {@link Version}
 * (last writer wins; ties cannot happen between different changes, see {@link Version}), so
 * every member that saw the same records holds the same state, whatever the order they came in.
 *
 * <p>Deletes are tombstones (records with a null value). They are kept for {@code tombstoneTtl}
 * (default 24 h) after their version's physical time and then collected by {@link #gc()}.
 * The bound that keeps a collected delete from coming back:
 * <ul>
 *   <li>a tombstone older than the TTL is never stored ({@link #offer} ignores it, counted as
 *       {@code expiredTombstones}): its delete is final, and collected tombstones do not bounce
 *       between members that collect at slightly different times;</li>
 *   <li>a member that has not synced with any peer for longer than the TTL (long partition) may
 *       still hold a live record whose delete it missed and whose tombstone everybody else
 *       already collected: the mesh then never pushes such a record (older than the TTL and
 *       absent at the peer) to a peer, it drops it locally instead ({@link #forget}); see
 *       {@code Mesh}. Keys changed within the TTL are exchanged normally.</li>
 * </ul>
 * So: a member partitioned for less than the TTL loses nothing and resurrects nothing; one
 * partitioned for longer forgets records older than the TTL that the mesh no longer has.
 *
 * <p>Records are verified at their signing time (they outlive their signers' leaves), so a
 * member that kept an old record could replay it once the delete's tombstone is collected. A
 * member in sync with the mesh (synced within the TTL) therefore never stores a live record
 * older than the TTL for a key it does not hold ({@code expiredRecords}): the mesh would have
 * given it to it already, or deleted it. A fresh member (never synced) and a stale one still
 * take such records: that is how they learn old users.
 *
 * <p>This class does not verify signatures: callers ({@code Mesh}) verify with
 * {@link RecordVerifier} before {@link #offer}, and count rejections with {@link #rejected(String)}.
 * Thread-safe; listeners run on the offering thread while the store is locked (keep them short;
 * they may read the store).
 */
public final class RecordStore {
    /** Told after a record replaced the previous one (null when the key was unknown). */
    @FunctionalInterface
    public interface Listener {
        void applied(SignedRecord now, SignedRecord before);
    }

    /** One entry of an anti-entropy summary. */
    public record Entry(RecordKind kind, String key, Version version) {}

    public static final Duration DEFAULT_TOMBSTONE_TTL = Duration.ofHours(24);

    private final Map<RecordKind, TreeMap<String, SignedRecord>> records = new EnumMap<>(RecordKind.class);
    private final Map<RecordKind, String> digests = new EnumMap<>(RecordKind.class);
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final long tombstoneTtlMillis;
    private final LongSupplier wallMillis;

    private volatile long lastSyncMillis;
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong stale = new AtomicLong();
    private final AtomicLong expiredTombstones = new AtomicLong();
    private final AtomicLong expiredRecords = new AtomicLong();
    private final AtomicLong collected = new AtomicLong();
    private final Map<String, AtomicLong> rejected = new ConcurrentHashMap<>();

    public RecordStore() {
        this(DEFAULT_TOMBSTONE_TTL, System::currentTimeMillis);
    }

    public RecordStore(Duration tombstoneTtl, LongSupplier wallMillis) {
        this.tombstoneTtlMillis = tombstoneTtl.toMillis();
        this.wallMillis = wallMillis;
        for (RecordKind k : RecordKind.values()) {
            records.put(k, new TreeMap<>());
        }
    }

    public Duration tombstoneTtl() {
        return Duration.ofMillis(tombstoneTtlMillis);
    }

    /** The oldest physical time (ms) a record may have to still count as recent: now - TTL. */
    public long horizonMillis() {
        return wallMillis.getAsLong() - tombstoneTtlMillis;
    }

    public void addListener(Listener l) {
        listeners.add(l);
    }

    public void removeListener(Listener l) {
        listeners.remove(l);
    }

    // ------------------------------------------------------------------ merge

    /**
     * Merges a (verified) record: true when it was newer than what we hold and is now stored
     * (listeners were called); false when it was older or the same (counted as stale) or an
     * expired tombstone.
     */
    public synchronized boolean offer(SignedRecord s) {
        TreeMap<String, SignedRecord> m = records.get(s.kind());
        SignedRecord before = m.get(s.key());
        if (before != null && !s.version().newerThan(before.version())) {
            stale.incrementAndGet();
            return false;
        }
        if (s.record().tombstone() && s.version().physicalMillis() < horizonMillis()) {
            expiredTombstones.incrementAndGet();
            return false;
        }
        if (before == null && s.version().physicalMillis() < horizonMillis() && lastSyncMillis > 0 && !stale()) {
            expiredRecords.incrementAndGet();
            return false;
        }
        m.put(s.key(), s);
        digests.remove(s.kind());
        applied.incrementAndGet();
        for (Listener l : listeners) {
            try {
                l.applied(s, before);
            } catch (RuntimeException e) {
                io.redmesh.node.spi.NodeLog.warning("record listener failed on " + s + ": " + e);
            }
        }
        return true;
    }

    /** Counts a record that was not merged because verification refused it. */
    public void rejected(String reason) {
        rejected.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
    }

    /**
     * Drops a record without a tombstone (the long-partition rule in the class comment), only
     * if it is still the given version. Listeners are not told: the key's delete happened
     * elsewhere long ago; callers that mirror the store should re-read it.
     */
    public synchronized boolean forget(RecordKind kind, String key, Version version) {
        TreeMap<String, SignedRecord> m = records.get(kind);
        SignedRecord s = m.get(key);
        if (s != null && s.version().equals(version)) {
            m.remove(key);
            digests.remove(kind);
            return true;
        }
        return false;
    }

    /** Collects tombstones older than the TTL; returns how many. */
    public synchronized int gc() {
        long horizon = horizonMillis();
        int n = 0;
        for (Map.Entry<RecordKind, TreeMap<String, SignedRecord>> e : records.entrySet()) {
            int before = e.getValue().size();
            e.getValue().values().removeIf(s -> s.record().tombstone() && s.version().physicalMillis() < horizon);
            int gone = before - e.getValue().size();
            if (gone > 0) {
                digests.remove(e.getKey());
                n += gone;
            }
        }
        collected.addAndGet(n);
        return n;
    }

    // ------------------------------------------------------------------ reading

    /** The record of a key, tombstone included, or null. */
    public synchronized SignedRecord get(RecordKind kind, String key) {
        return records.get(kind).get(key);
    }

    /** The value of a key, or null when absent or deleted. */
    public synchronized byte[] value(RecordKind kind, String key) {
        SignedRecord s = records.get(kind).get(key);
        return s == null || s.record().tombstone() ? null : s.record().value().clone();
    }

    /** The live (not deleted) records of a kind, by key. */
    public synchronized List<SignedRecord> all(RecordKind kind) {
        List<SignedRecord> out = new ArrayList<>();
        for (SignedRecord s : records.get(kind).values()) {
            if (!s.record().tombstone()) {
                out.add(s);
            }
        }
        return out;
    }

    /** Every record of a kind, tombstones included, by key. */
    public synchronized List<SignedRecord> entries(RecordKind kind) {
        return new ArrayList<>(records.get(kind).values());
    }

    /** Number of records of a kind, tombstones included. */
    public synchronized int size(RecordKind kind) {
        return records.get(kind).size();
    }

    /** The highest hlc of any record (tombstones included) of a kind; 0 when empty. */
    public synchronized long version(RecordKind kind) {
        long max = 0;
        for (SignedRecord s : records.get(kind).values()) {
            max = Math.max(max, s.version().hlc());
        }
        return max;
    }

    /**
     * Hex SHA-256 over the kind's records (tombstones included) in key order: for each,
     * u32 key length, key, i64 hlc, u32 origin length, origin, and the SHA-256 of the value
     * (32 zero bytes for a tombstone). Equal digests mean equal state; it is what
     * anti-entropy compares and what {@code INFO security} shows.
     */
    public synchronized String digest(RecordKind kind) {
        String d = digests.get(kind);
        if (d == null) {
            MessageDigest md = sha256();
            MessageDigest vh = sha256();
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8);
            for (SignedRecord s : records.get(kind).values()) {
                byte[] key = s.key().getBytes(StandardCharsets.UTF_8);
                byte[] origin = s.version().origin().getBytes(StandardCharsets.UTF_8);
                md.update(b.clear().putInt(0, key.length).array(), 0, 4);
                md.update(key);
                md.update(b.clear().putLong(0, s.version().hlc()).array(), 0, 8);
                md.update(b.clear().putInt(0, origin.length).array(), 0, 4);
                md.update(origin);
                md.update(s.record().tombstone() ? new byte[32] : vh.digest(s.record().value()));
            }
            d = HexFormat.of().formatHex(md.digest());
            digests.put(kind, d);
        }
        return d;
    }

    /** The (kind, key, version) of every record of a kind, for anti-entropy. */
    public synchronized List<Entry> summary(RecordKind kind) {
        List<Entry> out = new ArrayList<>();
        for (SignedRecord s : records.get(kind).values()) {
            out.add(new Entry(kind, s.key(), s.version()));
        }
        return out;
    }

    // ------------------------------------------------------------------ sync bookkeeping

    /** Notes that this state was just reconciled with a peer (an anti-entropy round completed). */
    public void markSynced(long wallMillis) {
        lastSyncMillis = wallMillis;
    }

    /** Wall time of the last reconciliation with a peer; 0 when never (a fresh state). */
    public long lastSyncMillis() {
        return lastSyncMillis;
    }

    /**
     * True when this state was reconciled before, but not within the tombstone TTL: it may hold
     * records whose deletes were collected elsewhere (the long-partition rule above).
     */
    public boolean stale() {
        long last = lastSyncMillis;
        return last > 0 && wallMillis.getAsLong() - last > tombstoneTtlMillis;
    }

    // ------------------------------------------------------------------ counters

    /** Records merged (newer than what we held), local and remote. */
    public long appliedCount() {
        return applied.get();
    }

    /** Records offered that were not newer (duplicates from gossip, lost conflicts). */
    public long staleCount() {
        return stale.get();
    }

    /** Tombstones refused because they were older than the TTL. */
    public long expiredTombstoneCount() {
        return expiredTombstones.get();
    }

    /** Live records refused by an in-sync member: older than the TTL, for a key it does not hold. */
    public long expiredRecordCount() {
        return expiredRecords.get();
    }

    /** Tombstones collected by {@link #gc()}. */
    public long collectedCount() {
        return collected.get();
    }

    /** Rejected records by reason (a snapshot). */
    public Map<String, Long> rejectedCounts() {
        Map<String, Long> out = new TreeMap<>();
        rejected.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** All rejected records. */
    public long rejectedCount() {
        long n = 0;
        for (AtomicLong v : rejected.values()) {
            n += v.get();
        }
        return n;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
