package io.redmesh.node.db;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * All databases of a server, plus what spans them: the clock used for expiry, LRU/LFU
 * bookkeeping, used-memory accounting and eviction under {@code maxmemory}.
 */
public final class Keyspace {
    public final KeyspaceStats stats = new KeyspaceStats();
    /** Strings whose OBJECT ENCODING Redis would report differently from what their bytes suggest. */
    public final StringEncodings strings = new StringEncodings();
    /** Strings the bit commands may change in place. */
    public final WritableStrings writableStrings = new WritableStrings();
    private Database[] dbs;
    KeyspaceListener listener = KeyspaceListener.NONE;
    long usedBytes;
    private EvictionPolicy policy = EvictionPolicy.NOEVICTION;
    private int lfuLogFactor = 10;
    private int lfuDecayTime = 1;
    private int samples = 5;
    /** Cached clock for one command: Redis also freezes "now" during a command (and EXEC). */
    private long cachedNow;
    private boolean frozen;
    private boolean expireAllowed = true;
    /** A replica with replica-ignore-maxmemory: it never evicts, its master's DELs do. */
    private boolean evictionAllowed = true;
    /** The master's stream is executing: keys past their TTL are still present for it. */
    private boolean masterExecuting;
    private boolean paused;
    private ExpiredKeyHook expiredHook = (db, key, evicted) -> {};
    /** The running point-in-time snapshot, or null: the one field every write path checks. */
    Snapshot snapshot;
    /** Epoch of the last snapshot begun; entries stamped with it are handled for that snapshot. */
    int snapshotEpoch;
    /** Cluster mode: every database's main dict indexes its keys by hash slot. */
    private boolean slotIndexed;
    /** quicklist.c's packed_threshold (DEBUG QUICKLIST-PACKED-THRESHOLD): per node, not per process. */
    private long listPackedThreshold = DEFAULT_PACKED_THRESHOLD;
    private static final long DEFAULT_PACKED_THRESHOLD = 1L << 30;

    /** Told about every key removed by expiry or eviction (replication propagates a DEL or UNLINK). */
    public interface ExpiredKeyHook {
        void expired(Database db, byte[] key, boolean evicted);
    }

    public Keyspace(int databases) {
        dbs = new Database[databases];
        for (int i = 0; i < databases; i++) {
            dbs[i] = new Database(i, this);
        }
    }

    /**
     * Cluster mode (cluster-enabled yes): keys are indexed by hash slot from now on. Called on the
     * empty keyspace when the node is built, before anything is loaded.
     */
    public void indexSlots() {
        slotIndexed = true;
        for (Database d : dbs) {
            d.indexSlots();
        }
    }

    public boolean slotIndexed() {
        return slotIndexed;
    }

    /**
     * quicklistisSetPackedThreshold(): 0 restores the default (1 GB); anything above 4 GB - 1 MB
     * is refused (false). List elements at least this long are saved as plain quicklist nodes.
     */
    public boolean listPackedThreshold(long bytes) {
        if (bytes < 0 || bytes > (1L << 32) - (1 << 20)) {
            return false;
        }
        listPackedThreshold = bytes == 0 ? DEFAULT_PACKED_THRESHOLD : bytes;
        return true;
    }

    public long listPackedThreshold() {
        return listPackedThreshold;
    }

    public Database db(int i) {
        return dbs[i];
    }

    public int count() {
        return dbs.length;
    }

    public void listener(KeyspaceListener l) {
        listener = l;
    }

    public void expiredHook(ExpiredKeyHook h) {
        expiredHook = h;
    }

    void expiredKey(Database db, byte[] key) {
        expiredHook.expired(db, key, false);
    }

    /** Whether lazy/active expiry may delete keys (false on a replica, and while writes are paused). */
    public boolean expireAllowed() {
        return expireAllowed && !paused;
    }

    /** Writes are paused (FAILOVER): nothing is expired or evicted meanwhile, as Redis's pause. */
    public void paused(boolean on) {
        paused = on;
    }

    public void expireAllowed(boolean allowed) {
        expireAllowed = allowed;
    }

    /** Whether eviction may delete keys (false on a replica ignoring maxmemory). */
    public void evictionAllowed(boolean allowed) {
        evictionAllowed = allowed;
    }

    /**
     * Redis's expireIfNeeded() on a replica: a key past its TTL is missing for clients but present
     * for the master's stream, which will send its DEL. Set while a master command runs.
     */
    public void masterExecuting(boolean on) {
        masterExecuting = on;
    }

    boolean masterExecuting() {
        return masterExecuting;
    }

    /**
     * Moves every database's contents into this keyspace from {@code loaded} (a keyspace built
     * aside from an RDB), which receives the old contents: one step under the lock, WATCHed keys
     * touched, memory accounting moved with the data. A running snapshot keeps the dicts of its
     * instant, which this does not change.
     */
    public void replaceContents(Keyspace loaded) {
        int n = Math.min(dbs.length, loaded.dbs.length);
        for (int i = 0; i < n; i++) {
            listener.databaseReplaced(dbs[i], loaded.dbs[i]);
            dbs[i].swapContents(loaded.dbs[i]);
        }
        long mine = usedBytes;
        usedBytes = loaded.usedBytes;
        loaded.usedBytes = mine;
    }

    /** An empty keyspace with this one's databases and eviction settings, for loading aside. */
    public Keyspace emptyLike() {
        Keyspace k = new Keyspace(dbs.length);
        k.configureEviction(policy, samples, lfuLogFactor, lfuDecayTime);
        if (slotIndexed) {
            k.indexSlots();
        }
        return k;
    }

    /** Whether a snapshot (BGSAVE, AOF rewrite, full resync) is walking the keyspace. */
    public boolean snapshotRunning() {
        return snapshot != null;
    }

    // ------------------------------------------------------------------ clock

    public long now() {
        return frozen ? cachedNow : System.currentTimeMillis();
    }

    /** Freezes now() for the duration of a command or transaction. */
    public void freezeClock() {
        cachedNow = System.currentTimeMillis();
        frozen = true;
    }

    public void thawClock() {
        frozen = false;
    }

    // ------------------------------------------------------------------ memory

    /** Bytes the keyspace holds, by this server's own accounting (INFO used_memory). */
    public long usedBytes() {
        return usedBytes;
    }

    public void configureEviction(EvictionPolicy p, int samples, int lfuLogFactor, int lfuDecayTime) {
        boolean switched = p.lfu() != policy.lfu();
        this.policy = p;
        if (switched) {
            // Switching between LRU and LFU: the clock field means something else now. Redis leaves
            // stale values ("will take some time to adjust"); we restart every key's clock instead.
            for (Database d : dbs) {
                d.main.forEach(this::initClock);
            }
        }
        this.samples = samples;
        this.lfuLogFactor = lfuLogFactor;
        this.lfuDecayTime = lfuDecayTime;
    }

    public EvictionPolicy policy() {
        return policy;
    }

    private void initClock(DictEntry e) {
        e.lru = policy.lfu() ? (lfuMinutes() << 8) | LFU_INIT : lruClock();
    }

    static final int LFU_INIT = 5;
    private static final int LRU_MAX = (1 << 24) - 1;

    static int lruClock() {
        return (int) ((System.currentTimeMillis() / 1000) & LRU_MAX);
    }

    private static int lfuMinutes() {
        return (int) ((System.currentTimeMillis() / 60000) & 0xffff);
    }

    /** Records an access for eviction (Redis's updateLFU / LRU clock). */
    void touch(DictEntry e) {
        if (!policy.lfu()) {
            e.lru = lruClock();
            return;
        }
        int counter = lfuDecr(e);
        counter = lfuLogIncr(counter);
        e.lru = (lfuMinutes() << 8) | counter;
    }

    private int lfuDecr(DictEntry e) {
        int ldt = e.lru >>> 8;
        int counter = e.lru & 0xff;
        int now = lfuMinutes();
        int elapsed = now >= ldt ? now - ldt : 65535 - ldt + now;
        int periods = lfuDecayTime > 0 ? elapsed / lfuDecayTime : 0;
        return periods > counter ? 0 : counter - periods;
    }

    private int lfuLogIncr(int counter) {
        if (counter == 255) {
            return 255;
        }
        double r = ThreadLocalRandom.current().nextDouble();
        double base = counter - LFU_INIT;
        if (base < 0) {
            base = 0;
        }
        double p = 1.0 / (base * lfuLogFactor + 1);
        return r < p ? counter + 1 : counter;
    }

    /**
     * objectSetLRUOrLFU (RDB load, RESTORE IDLETIME/FREQ): under an LFU policy a given counter
     * ({@code lfuFreq >= 0}) becomes the key's; otherwise a given idle time ({@code idleSeconds
     * >= 0}) is set back from now. Returns whether anything was set.
     */
    public boolean setLruOrLfu(DictEntry e, long lfuFreq, long idleSeconds) {
        if (policy.lfu()) {
            if (lfuFreq >= 0) {
                e.lru = (lfuMinutes() << 8) | (int) Math.min(255, lfuFreq);
                return true;
            }
        } else if (idleSeconds >= 0) {
            long abs = lruClock() - idleSeconds;
            if (abs < 0) {
                abs = Math.floorMod(abs, LRU_MAX);
            }
            e.lru = (int) abs;
            return true;
        }
        return false;
    }

    /** OBJECT IDLETIME in seconds. */
    public long idleSeconds(DictEntry e) {
        int now = lruClock();
        int lru = e.lru;
        long idle = now >= lru ? now - lru : (LRU_MAX - lru) + now;
        return idle;
    }

    /** OBJECT FREQ: the decayed LFU counter. */
    public int frequency(DictEntry e) {
        return lfuDecr(e);
    }

    /**
     * Evicts keys until used memory is under {@code maxmemory} or nothing can be evicted, the way
     * Redis's performEvictions samples candidates: {@code maxmemory-samples} per database into a
     * pool of the 16 best, evicting the best. Returns false when memory is still over the limit
     * (the caller answers -OOM to commands that would grow memory).
     */
    public boolean evict(long maxmemory) {
        if (maxmemory <= 0 || usedBytes <= maxmemory || !evictionAllowed || paused) {
            return true;
        }
        if (policy == EvictionPolicy.NOEVICTION) {
            return false;
        }
        EvictionPool pool = new EvictionPool(16);
        int guard = 0;
        while (usedBytes > maxmemory && guard++ < 100_000) {
            DictEntry victim = null;
            Database victimDb = null;
            if (policy.random()) {
                for (int i = 0; i < dbs.length && victim == null; i++) {
                    Database d = dbs[(int) ((guard + i) % dbs.length)];
                    Dict source = policy.volatileOnly() ? d.volatileKeys : d.main;
                    if (source.size() > 0) {
                        DictEntry pick = source.randomEntry();
                        victim = policy.volatileOnly() ? (DictEntry) pick.value : pick;
                        victimDb = d;
                    }
                }
            } else {
                for (Database d : dbs) {
                    Dict source = policy.volatileOnly() ? d.volatileKeys : d.main;
                    if (source.size() == 0) {
                        continue;
                    }
                    source.sample(samples, x -> {
                        DictEntry e = policy.volatileOnly() ? (DictEntry) x.value : x;
                        pool.offer(d, e, score(e));
                    });
                }
                EvictionPool.Candidate c = pool.takeBest();
                while (c != null && c.db().main.find(c.entry().key) != c.entry()) {
                    c = pool.takeBest(); // stale candidate: already deleted
                }
                if (c != null) {
                    victim = c.entry();
                    victimDb = c.db();
                }
            }
            if (victim == null) {
                return false;
            }
            victimDb.delete(victim.key);
            stats.evictedKeys++;
            expiredHook.expired(victimDb, victim.key, true); // propagated as a DEL (UNLINK), as Redis does
        }
        return usedBytes <= maxmemory;
    }

    /** Higher = better candidate to evict. */
    private long score(DictEntry e) {
        switch (policy) {
            case VOLATILE_TTL:
                return Long.MAX_VALUE - e.expireAt;
            case ALLKEYS_LFU:
            case VOLATILE_LFU:
                return 255 - lfuDecr(e);
            default:
                return idleSeconds(e);
        }
    }

    /** SWAPDB: exchanges the contents of two databases. */
    public void swap(int a, int b) {
        if (a == b) {
            return;
        }
        listener.databaseReplaced(dbs[a], dbs[b]);
        listener.databaseReplaced(dbs[b], dbs[a]);
        dbs[a].swapContents(dbs[b]);
    }

    /** Runs the active expiry cycle over all databases within a time budget. */
    public int activeExpireCycle(long budgetNanos) {
        if (!expireAllowed()) {
            return 0;
        }
        long start = System.nanoTime();
        long deadline = start + budgetNanos;
        int removed = 0;
        for (Database d : dbs) {
            if (d.volatileKeys.size() > 0) {
                removed += d.activeExpire(deadline);
            }
            if (System.nanoTime() > deadline) {
                break;
            }
        }
        stats.expireCycleCpuMillis += (System.nanoTime() - start) / 1_000_000;
        return removed;
    }

    public List<Database> all() {
        List<Database> l = new ArrayList<>(dbs.length);
        for (Database d : dbs) {
            l.add(d);
        }
        return l;
    }
}
