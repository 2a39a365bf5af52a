package io.redmesh.node.db;

import io.redmesh.node.util.Errors;
import io.redmesh.node.util.Glob;
import java.util.ArrayList;
import java.util.List;

/**
 * One of the numbered databases (SELECT n): the main dict of keys and a second dict holding the
 * keys that have a TTL, so expiry sampling only looks at volatile keys, as Redis's db->expires.
 *
 * <p>Every access path goes through {@link #lookup}, which applies lazy expiry (a key past its
 * TTL is deleted on touch) and updates the LRU/LFU clock used by eviction. Writers call
 * {@link #modified} (or the helpers that do) so WATCH and blocked clients learn of changes.
 */
public final class Database {
    public final int index;
    private final Keyspace keyspace;
    Dict main = new Dict();
    Dict volatileKeys = new Dict(); // key -> DictEntry of main
    long usedBytes;
    /** Running average TTL of sampled keys, for INFO keyspace avg_ttl. */
    long avgTtl;

    Database(int index, Keyspace keyspace) {
        this.index = index;
        this.keyspace = keyspace;
    }

    public Keyspace keyspace() {
        return keyspace;
    }

    public int size() {
        return main.size();
    }

    public int expiresSize() {
        return volatileKeys.size();
    }

    public long avgTtl() {
        return avgTtl;
    }

    // ------------------------------------------------------------------ lookup

    /** The live entry of a key (expired keys are deleted first), without touching LRU. */
    public DictEntry entry(byte[] key) {
        DictEntry e = main.find(key);
        if (e != null && e.expireAt != 0 && e.expireAt <= keyspace.now()) {
            if (keyspace.expireAllowed()) {
                deleteExpired(e);
                return null;
            }
            // A replica keeps it until its master's DEL: missing for clients, present for the master.
            return keyspace.masterExecuting() ? e : null;
        }
        return e;
    }

    /** Reads a value for a command: lazy expiry, LRU/LFU touch, keyspace hit/miss stats. */
    public Object lookup(byte[] key) {
        DictEntry e = entry(key);
        if (e == null) {
            keyspace.stats.keyspaceMisses++;
            keyspace.listener.keyMissed(this, key);
            return null;
        }
        keyspace.stats.keyspaceHits++;
        keyspace.touch(e);
        return e.value;
    }

    /**
     * Like {@link #lookup} but for writes: no hit/miss accounting. The caller may change a
     * collection in place afterwards, so a running snapshot gets the key first.
     */
    public Object lookupWrite(byte[] key) {
        DictEntry e = entry(key);
        if (e == null) {
            return null;
        }
        beforeWrite(e);
        keyspace.touch(e);
        return e.value;
    }

    /** Returns the value if it is of {@code type}, null if missing, or throws WRONGTYPE. */
    public <T> T lookupAs(byte[] key, Class<T> type, boolean write) {
        Object v = write ? lookupWrite(key) : lookup(key);
        if (v == null) {
            return null;
        }
        if (!type.isInstance(v)) {
            throw Errors.E_WRONGTYPE;
        }
        return type.cast(v);
    }

    public boolean exists(byte[] key) {
        return entry(key) != null;
    }

    // ------------------------------------------------------------------ writes

    /**
     * Redis's setKey(): stores a value under a key, replacing any old value; the TTL is dropped
     * unless {@code keepTtl}. Signals modification.
     */
    public DictEntry set(byte[] key, Object value, boolean keepTtl) {
        DictEntry e = entry(key);
        if (e == null) {
            e = main.addNew(key, value);
            created(e);
            keyspace.touch(e);
            keyspace.listener.keyCreated(this, key);
        } else {
            beforeWrite(e);
            e.value = value;
            if (!keepTtl && e.expireAt != 0) {
                e.expireAt = 0;
                volatileKeys.remove(key);
            }
        }
        account(e);
        modified(key);
        return e;
    }

    /**
     * dbUnshareStringValue: the key keeps its place, TTL and LRU but now holds {@code value}, a
     * private copy of what it held, so WATCH sees no change; memory is re-estimated.
     */
    public void unshare(DictEntry e, Object value) {
        beforeWrite(e);
        e.value = value;
        account(e);
    }

    /** Adds a key that the caller checked is absent (dbAdd); signals readiness for blockers. */
    public DictEntry add(byte[] key, Object value) {
        DictEntry e = added(main.addNew(key, value));
        keyspace.listener.keyCreated(this, key);
        return e;
    }

    /**
     * dbAddRDBLoad: adds a key unless it is already there (one hash, for loading a file); returns
     * the new entry, or null when the key existed.
     */
    public DictEntry addIfAbsent(byte[] key, Object value) {
        DictEntry e = main.addIfAbsent(key, value);
        return e == null ? null : added(e);
    }

    /** What follows every new key: snapshot stamp, LRU/LFU clock, memory, blocked clients. */
    private DictEntry added(DictEntry e) {
        created(e);
        keyspace.touch(e);
        account(e);
        if (e.value instanceof Sized) {
            keyspace.listener.keyReady(this, e.key);
        }
        return e;
    }

    /** Deletes a key; returns whether it existed. Signals modification. */
    public boolean delete(byte[] key) {
        if (entry(key) == null) {
            return false;
        }
        removeEntry(key);
        modified(key);
        return true;
    }

    /** Removes and returns the value (for GETDEL, MOVE...), null if absent. */
    public Object remove(byte[] key) {
        DictEntry e = entry(key);
        if (e == null) {
            return null;
        }
        removeEntry(key);
        modified(key);
        return e.value;
    }

    private void removeEntry(byte[] key) {
        DictEntry e = main.remove(key);
        if (e != null) {
            beforeWrite(e); // unlinked, but its key, value and TTL are still those of the instant
            usedBytes -= e.accounted;
            keyspace.usedBytes -= e.accounted;
            if (e.expireAt != 0) {
                volatileKeys.remove(key);
            }
        }
    }

    // ------------------------------------------------------------------ snapshot hooks

    /**
     * Called before a key that may predate a running snapshot changes in any way (value replaced
     * or changed in place, TTL set or dropped, deleted): the snapshot takes it as it was first.
     * Without a snapshot this is one field check. FLUSHDB and SWAPDB need no hook: the snapshot
     * holds on to the dicts of the instant, which they detach or move but never change.
     */
    private void beforeWrite(DictEntry e) {
        Snapshot s = keyspace.snapshot;
        if (s != null) {
            s.preserve(main, e);
        }
    }

    /** A key born after a running snapshot's instant is not part of it. */
    private void created(DictEntry e) {
        if (keyspace.snapshot != null) {
            e.snapEpoch = keyspace.snapshotEpoch;
        }
    }

    /** Tells WATCH that a key changed (signalModifiedKey). */
    public void modified(byte[] key) {
        keyspace.listener.keyModified(this, key);
    }

    /** Tells blocked clients a list/zset key may now have data (signalKeyAsReady). */
    public void ready(byte[] key) {
        keyspace.listener.keyReady(this, key);
    }

    /** Re-estimates a key's bytes after an in-place change of its collection. */
    public void reaccount(byte[] key) {
        DictEntry e = main.find(key);
        if (e != null) {
            account(e);
        }
    }

    void account(DictEntry e) {
        int bytes = (int) Math.min(Integer.MAX_VALUE, MemoryEstimator.entryBytes(e));
        long delta = bytes - e.accounted;
        e.accounted = bytes;
        usedBytes += delta;
        keyspace.usedBytes += delta;
    }

    // ------------------------------------------------------------------ expiry

    /** Sets the absolute expiry (ms) of an existing key. */
    public void setExpire(DictEntry e, long whenMs) {
        beforeWrite(e);
        if (e.expireAt == 0) {
            volatileKeys.addNew(e.key, e);
        }
        e.expireAt = whenMs;
    }

    /** Drops a key's TTL; returns whether it had one. */
    public boolean persist(DictEntry e) {
        if (e.expireAt == 0) {
            return false;
        }
        beforeWrite(e);
        e.expireAt = 0;
        volatileKeys.remove(e.key);
        return true;
    }

    void deleteExpired(DictEntry e) {
        removeEntry(e.key);
        keyspace.stats.expiredKeys++;
        keyspace.expiredKey(this, e.key);
        modified(e.key);
    }

    /**
     * One active-expiry pass over this database, Redis's activeExpireCycle: sample up to 20 keys
     * with a TTL, delete the expired ones, repeat while more than 10% of a sample was expired and
     * the time budget lasts. Returns the number of keys removed.
     */
    public int activeExpire(long deadlineNanos) {
        int removed = 0;
        long now = keyspace.now();
        List<DictEntry> sample = new ArrayList<>(20);
        while (volatileKeys.size() > 0) {
            sample.clear();
            volatileKeys.sample(20, x -> sample.add((DictEntry) x.value));
            int expired = 0;
            long ttlSum = 0;
            int ttlSamples = 0;
            for (DictEntry e : sample) {
                if (e.expireAt != 0 && e.expireAt <= now) {
                    if (main.find(e.key) == e) {
                        deleteExpired(e);
                        expired++;
                    }
                } else if (e.expireAt != 0) {
                    ttlSum += e.expireAt - now;
                    ttlSamples++;
                }
            }
            if (ttlSamples > 0) {
                long avg = ttlSum / ttlSamples;
                avgTtl = avgTtl == 0 ? avg : (avgTtl / 50) * 49 + (avg / 50);
            }
            removed += expired;
            if (sample.isEmpty() || expired * 10 <= sample.size() || System.nanoTime() > deadlineNanos) {
                break;
            }
        }
        return removed;
    }

    // ------------------------------------------------------------------ enumeration

    public DictEntry randomEntry() {
        // Try a bounded number of times to skip keys that turn out to be expired (Redis does 100).
        for (int i = 0; i < 100 && main.size() > 0; i++) {
            DictEntry e = main.randomEntry();
            if (e.expireAt != 0 && e.expireAt <= keyspace.now()) {
                if (keyspace.expireAllowed()) {
                    deleteExpired(e);
                }
                continue;
            }
            return e;
        }
        return main.randomEntry();
    }

    /** KEYS: every live key matching the glob. */
    public List<byte[]> keys(byte[] pattern) {
        boolean all = Glob.isMatchAll(pattern);
        io.redmesh.node.util.GlobPattern glob = all ? null : io.redmesh.node.util.GlobPattern.compile(pattern);
        long now = keyspace.now();
        List<byte[]> out = new ArrayList<>();
        int[] visited = {0};
        main.forEach(e -> {
            if ((++visited[0] & 4095) == 0) {
                io.redmesh.node.util.CommandInterruptedException.check(); // SHUTDOWN stops a long KEYS
            }
            if ((all || glob.matches(e.key)) && (e.expireAt == 0 || e.expireAt > now)) {
                out.add(e.key);
            }
        });
        return out;
    }

    /** One SCAN step over the main dict; the visitor sees live and not-yet-collected entries. */
    public long scan(long cursor, java.util.function.Consumer<DictEntry> visitor) {
        return main.scan(cursor, visitor);
    }

    public Dict dict() {
        return main;
    }

    /** CLUSTER COUNTKEYSINSLOT (0 when the keyspace keeps no slot index). */
    public int countKeysInSlot(int slot) {
        return main.slots == null ? 0 : main.slots.count(slot);
    }

    /** Up to {@code max} keys of a hash slot (none when the keyspace keeps no slot index). */
    public List<byte[]> keysInSlot(int slot, int max) {
        return main.slots == null ? List.of() : main.slots.keys(slot, max);
    }

    /** Starts indexing keys by slot; the database must be empty. */
    void indexSlots() {
        if (main.size() != 0) {
            throw new IllegalStateException("slot index on a non-empty database");
        }
        main = Dict.slotIndexed();
    }

    public Dict volatileDict() {
        return volatileKeys;
    }

    /** Empties the database (FLUSHDB). */
    public void clear() {
        keyspace.listener.databaseReplaced(this, null);
        keyspace.usedBytes -= usedBytes;
        usedBytes = 0;
        main = keyspace.slotIndexed() ? Dict.slotIndexed() : new Dict();
        volatileKeys = new Dict();
        avgTtl = 0;
    }

    /** Exchanges contents with another database (SWAPDB). */
    void swapContents(Database other) {
        Dict m = main;
        main = other.main;
        other.main = m;
        Dict v = volatileKeys;
        volatileKeys = other.volatileKeys;
        other.volatileKeys = v;
        long u = usedBytes;
        usedBytes = other.usedBytes;
        other.usedBytes = u;
        long a = avgTtl;
        avgTtl = other.avgTtl;
        other.avgTtl = a;
    }
}
