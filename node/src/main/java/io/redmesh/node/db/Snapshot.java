package io.redmesh.node.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A point-in-time copy of the keyspace without fork(), fed to a {@link SnapshotSink}: the idea of
 * Dragonfly's versioned buckets, at the granularity of one key.
 *
 * <p>{@link #begin} fixes the instant (under the server lock) and remembers the dict of every
 * database as it is then. {@link #walk} then visits those dicts with the SCAN cursor, a slice at a
 * time under the lock, handing the sink every entry not yet handled. Meanwhile every write path
 * of {@link Database} (replace, in-place change after lookupWrite, TTL set/drop, delete, lazy and
 * active expiry, eviction) first calls {@link #preserve}, which hands the key to the sink before
 * it changes. Each entry carries the epoch of the last snapshot that handled it, so a key is
 * given exactly once, and keys created after the instant (stamped at birth) never.
 *
 * <p>Why this is consistent:
 * <ul>
 *   <li>A key changed before the walk reaches it is given as it was, by {@link #preserve}.</li>
 *   <li>A key never changed is given by the walk: the reverse-binary SCAN cursor returns every
 *       element present for the whole scan at least once even when the dict grows or shrinks
 *       between slices (so resizing needs no pause), and the epoch stamp drops the repeats.</li>
 *   <li>FLUSHDB/FLUSHALL detach a database's dict and SWAPDB moves it to another database; neither
 *       changes it. The walk keeps the dicts of the instant and their database numbers, so it still
 *       sees the old contents under the old numbers; writes to a moved dict are reported under
 *       the number it had at the instant.</li>
 * </ul>
 *
 * <p>One snapshot runs at a time (as Redis runs one child at a time). With no snapshot running
 * the write paths pay one null check.
 */
public final class Snapshot {
    /**
     * How long the walk holds the server lock per slice. BgsavePauseBench: 1M keys save in about
     * 2 s with 250 µs slices as with 1 ms ones, with a lower client p99.
     */
    public static final long DEFAULT_SLICE_NANOS = TimeUnit.MICROSECONDS.toNanos(250);

    private final Keyspace keyspace;
    private final ReentrantLock lock;
    private final SnapshotSink sink;
    private final int epoch;
    /** The dicts of the instant; index = database number at the instant. */
    private final Dict[] dicts;
    private final long sliceNanos;
    private volatile boolean aborted;
    private IOException failure;
    private long entries;
    private IoAction betweenSlices = () -> {};
    /** Longest time the walk held the lock in one slice (wall clock, preemption included). */
    private volatile long maxSliceNanos;

    /** Work the walk does outside the lock after each slice (moving buffered output to disk). */
    @FunctionalInterface
    public interface IoAction {
        void run() throws IOException;
    }

    private Snapshot(Keyspace keyspace, ReentrantLock lock, SnapshotSink sink, long sliceNanos) {
        this.keyspace = keyspace;
        this.lock = lock;
        this.sink = sink;
        this.sliceNanos = sliceNanos;
        this.epoch = ++keyspace.snapshotEpoch;
        this.dicts = new Dict[keyspace.count()];
        for (int i = 0; i < dicts.length; i++) {
            dicts[i] = keyspace.db(i).main;
        }
    }

    /**
     * The whole keyspace through {@code sink} in one go (Redis's rdbSaveRio walk, for SAVE and
     * the final save on shutdown): the caller holds the server lock throughout, so no write can
     * interleave and no per-key hooks are needed.
     */
    public static void copyNow(Keyspace ks, SnapshotSink sink) throws IOException {
        int n = ks.count();
        long[] keys = new long[n];
        long[] vol = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = ks.db(i).size();
            vol[i] = ks.db(i).expiresSize();
        }
        sink.begin(keys, vol);
        for (int i = 0; i < n; i++) {
            int db = i;
            try {
                ks.db(i).dict().forEach(e -> {
                    try {
                        sink.entry(db, e);
                    } catch (IOException x) {
                        throw new UncheckedIOException(x);
                    }
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
        sink.end();
    }

    /**
     * Takes the snapshot instant. Must be called holding {@code lock} (normally from a command).
     * Calls {@link SnapshotSink#begin}; if that fails nothing is left running.
     *
     * @throws IllegalStateException when another snapshot runs
     */
    public static Snapshot begin(Keyspace keyspace, ReentrantLock lock, SnapshotSink sink) throws IOException {
        return begin(keyspace, lock, sink, DEFAULT_SLICE_NANOS);
    }

    public static Snapshot begin(Keyspace keyspace, ReentrantLock lock, SnapshotSink sink, long sliceNanos)
            throws IOException {
        if (!lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("Snapshot.begin needs the server lock");
        }
        if (keyspace.snapshot != null) {
            throw new IllegalStateException("a snapshot is already running");
        }
        Snapshot s = new Snapshot(keyspace, lock, sink, sliceNanos);
        long[] keys = new long[s.dicts.length];
        long[] volatileKeys = new long[s.dicts.length];
        for (int i = 0; i < s.dicts.length; i++) {
            keys[i] = s.dicts[i].size();
            volatileKeys[i] = keyspace.db(i).volatileKeys.size();
        }
        sink.begin(keys, volatileKeys);
        keyspace.snapshot = s;
        return s;
    }

    /**
     * Walks every database and then calls {@link SnapshotSink#end}. Run it on a thread of its own,
     * NOT holding the lock: it takes the lock for short slices. (Called holding the lock, as a
     * synchronous SAVE does, it walks everything in one go.) Throws the sink's failure (from
     * the walk or from a writer's {@link #preserve}); after an {@link #abort} throws
     * {@link java.util.concurrent.CancellationException}. Either way the snapshot is detached
     * from the keyspace when this returns.
     */
    public void walk() throws IOException {
        // Called holding the lock (SAVE, SHUTDOWN): one uninterrupted pass, nobody to yield to.
        boolean held = lock.isHeldByCurrentThread();
        try {
            for (int db = 0; db < dicts.length; db++) {
                Dict d = dicts[db];
                int number = db;
                Consumer<DictEntry> visitor = e -> take(number, e);
                long cursor = 0;
                do {
                    long givenBefore = entries;
                    lock.lock();
                    long start = System.nanoTime();
                    try {
                        check();
                        long deadline = start + sliceNanos;
                        do {
                            cursor = d.scan(cursor, visitor);
                        } while (cursor != 0 && (held || System.nanoTime() < deadline));
                    } catch (UncheckedIOException e) {
                        failure = e.getCause();
                        check();
                    } finally {
                        maxSliceNanos = Math.max(maxSliceNanos, System.nanoTime() - start);
                        lock.unlock();
                    }
                    if (!held) {
                        betweenSlices.run();
                        delayFor(entries - givenBefore);
                        yieldToWaiters();
                    }
                } while (cursor != 0);
            }
            lock.lock();
            try {
                check();
                detach();
            } finally {
                lock.unlock();
            }
            betweenSlices.run();
            sink.end();
        } finally {
            lock.lock();
            try {
                detach();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Stops the snapshot: writers stop feeding it at once, the walk ends at its next slice with a
     * CancellationException. Call holding the lock (the sink then receives nothing more).
     */
    public void abort() {
        aborted = true;
        detach();
    }

    /**
     * rdb-key-save-delay (Redis's debugging directive, which its own replication tests use to make
     * a save slow): microseconds the walk sleeps per key it gave, outside the lock, after each
     * slice. 0 or less: none.
     */
    public void keyDelayMicros(long micros) {
        keyDelayMicros = micros;
    }

    private long keyDelayMicros;

    private void delayFor(long keys) {
        if (keyDelayMicros > 0 && keys > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(keyDelayMicros * keys));
        }
    }

    /**
     * Sets what the walk runs outside the lock after each slice and before {@link SnapshotSink#end}.
     * Set it right after {@link #begin}, before {@link #walk}.
     */
    public void betweenSlices(IoAction a) {
        betweenSlices = a;
    }

    public boolean aborted() {
        return aborted;
    }

    /** The longest slice so far: how long the walk kept clients waiting at most. */
    public long maxSliceNanos() {
        return maxSliceNanos;
    }

    /** Entries handed to the sink so far. */
    public long entries() {
        return entries;
    }

    // ------------------------------------------------------------------ internals

    /** The writer side: a key of {@code dict} is about to change. Under the lock. */
    void preserve(Dict dict, DictEntry e) {
        if (e.snapEpoch == epoch) {
            return;
        }
        for (int i = 0; i < dicts.length; i++) {
            if (dicts[i] == dict) {
                try {
                    give(i, e);
                } catch (IOException ex) {
                    // A writer cannot fail because the snapshot did: stop feeding it, the walk reports it.
                    failure = ex;
                    detach();
                }
                return;
            }
        }
        // A dict born after the instant (after FLUSHDB): its keys are not in the snapshot.
    }

    private void take(int db, DictEntry e) {
        if (e.snapEpoch != epoch) {
            try {
                give(db, e);
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
    }

    private void give(int db, DictEntry e) throws IOException {
        e.snapEpoch = epoch;
        entries++;
        sink.entry(db, e);
    }

    private void check() throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (aborted) {
            throw new java.util.concurrent.CancellationException("snapshot aborted");
        }
    }

    private void detach() {
        if (keyspace.snapshot == this) {
            keyspace.snapshot = null;
        }
    }

    /**
     * The server lock is not fair: a walk that unlocks and relocks at once would let a client in
     * only now and then. While clients are queued on the lock, give them up to one slice's worth
     * of time, so a busy server spends at most half its time on the walk; an idle one, nothing.
     */
    private void yieldToWaiters() {
        long until = System.nanoTime() + sliceNanos;
        while (lock.hasQueuedThreads() && System.nanoTime() < until) {
            LockSupport.parkNanos(20_000);
        }
    }
}
