package io.redmesh.node.persist;

import io.redmesh.node.command.ServerContext;
import io.redmesh.node.db.Snapshot;
import io.redmesh.node.db.SnapshotSink;
import io.redmesh.node.persist.io.DeferredOutput;
import io.redmesh.node.persist.io.DiskFiles;
import io.redmesh.node.persist.seal.FileKind;
import io.redmesh.node.util.ServerLog;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * BGSAVE without fork(): Redis's rdbSaveBackground() and backgroundSaveDoneHandler(), the
 * {@code save} points checked from serverCron(), the synchronous save SAVE and SHUTDOWN use, and
 * the state INFO persistence and -MISCONF read.
 *
 * <p>The "child" is a thread walking a {@link Snapshot}: the instant is taken under the server
 * lock when the save starts, then the walk takes the lock only for short slices. The bytes come
 * from a {@link Format} (the RDB writer) into {@code temp-bg-<pid>.rdb}, which is closed, fsynced
 * and atomically renamed over {@code dbfilename}; a crash at any point leaves the previous file.
 *
 * <p>All methods except {@link #format} run under the server lock.
 */
public final class BackgroundSaver {
    /** Redis's CONFIG_BGSAVE_RETRY_DELAY: after a failed save, cron waits this long to retry. */
    static final long RETRY_DELAY_SECONDS = 5;

    /** How a snapshot becomes file bytes: the RDB writer plugs in here. */
    @FunctionalInterface
    public interface Format {
        /** A sink writing to {@code out}; its end() writes the trailer. The caller closes {@code out}. */
        SnapshotSink writer(OutputStream out) throws IOException;
    }

    /** What became of a background save. */
    enum Outcome { OK, ERROR, KILLED }

    private final ServerContext server;
    /** This server's files (its encryption at rest). */
    private final DiskFiles files;
    private volatile Format format;
    /** Whether another "child" (an AOF rewrite) runs; the AOF plugs in here. */
    private volatile BooleanSupplier otherChildActive = () -> false;
    private long sliceNanos = Snapshot.DEFAULT_SLICE_NANOS;

    private Job job;
    /**
     * A killed save whose thread has not finished yet (Redis's child killed but not yet reaped):
     * it still writes and then deletes temp-bg-&lt;pid&gt;.rdb, so no new save may start until it ends.
     */
    private Job dying;
    private boolean scheduled;
    private boolean lastOk = true;
    private long lastBgsaveTrySeconds;
    private long lastBgsaveTimeSeconds = -1;
    private long saves;
    private long lastLoadKeysLoaded;
    private long lastLoadKeysExpired;
    /** The last background save's longest lock hold, in microseconds (the bench reports it). */
    volatile long lastMaxSliceMicros;

    /** The running background save: Redis's child process. */
    final class Job {
        final Snapshot snapshot;
        final OutputStream out;
        final Path tmp;
        final Path target;
        final long startMillis = System.currentTimeMillis();
        final long dirtyBefore;
        final long keysTotal;
        /** Set by {@link #kill}; checked, under the job's monitor, just before the rename. */
        boolean killed;
        Thread thread;
        /** Told whether the save succeeded (a disk-backed full sync waits on it); under the lock. */
        final List<java.util.function.Consumer<Boolean>> onDone = new ArrayList<>();

        Job(Snapshot snapshot, OutputStream out, Path tmp, Path target, long dirtyBefore, long keysTotal) {
            this.snapshot = snapshot;
            this.out = out;
            this.tmp = tmp;
            this.target = target;
            this.dirtyBefore = dirtyBefore;
            this.keysTotal = keysTotal;
        }
    }

    public BackgroundSaver(ServerContext server, DiskFiles files) {
        this.server = server;
        this.files = files;
    }

    /** Plugs in the RDB writer. Until then nothing is saved (and cron does not try). */
    public void format(Format f) {
        this.format = f;
    }

    public Format format() {
        return format;
    }

    /** Lets the AOF say a rewrite runs (BGSAVE then schedules or refuses, as with Redis's children). */
    public void otherChildActive(BooleanSupplier s) {
        this.otherChildActive = s;
    }

    /** Walk slice length (tests use short ones to interleave more). */
    void sliceNanos(long n) {
        sliceNanos = n;
    }

    // ------------------------------------------------------------------ state

    /** Whether a BGSAVE runs (rdb_bgsave_in_progress, "Background save already in progress"). */
    public boolean inProgress() {
        return job != null || dying != null;
    }

    /** Redis's hasActiveChildProcess(): a BGSAVE, an AOF rewrite, any other snapshot walk. */
    public boolean childActive() {
        return job != null || dying != null || server.keyspace.snapshotRunning() || otherChildActive.getAsBoolean();
    }

    public boolean lastOk() {
        return lastOk;
    }

    public boolean scheduled() {
        return scheduled;
    }

    /** The RDB loader reports its last load here (rdb_last_load_keys_loaded/expired). */
    public void lastLoad(long keysLoaded, long keysExpired) {
        lastLoadKeysLoaded = keysLoaded;
        lastLoadKeysExpired = keysExpired;
    }

    /** The save points of the {@code save} directive: pairs of seconds and changes. */
    List<long[]> savePoints() {
        String v = server.config.getString("save").trim();
        List<long[]> out = new ArrayList<>();
        if (v.isEmpty()) {
            return out;
        }
        String[] p = v.split("\\s+");
        for (int i = 0; i + 1 < p.length; i += 2) {
            out.add(new long[] {Long.parseLong(p[i]), Long.parseLong(p[i + 1])});
        }
        return out;
    }

    /**
     * Redis's writeCommandsDeniedByDiskError() for RDB: stop-writes-on-bgsave-error, save points
     * configured and the last background save failed.
     */
    public boolean writesDenied() {
        return !lastOk && server.config.getBool("stop-writes-on-bgsave-error") && !savePoints().isEmpty();
    }

    // ------------------------------------------------------------------ background save

    /**
     * Redis's rdbSaveBackground(): takes the snapshot instant now and starts the walk on a thread.
     * Returns false when another child runs or there is no writer. Failing to open the temp file
     * counts as a failed save (status err), as it does in Redis's child, and still returns true.
     */
    public boolean startBackground() {
        return startBackground(null);
    }

    /**
     * {@link #startBackground()} that tells {@code onDone} (under the lock) whether the file was
     * written: a disk-backed full sync sends it then. Not called when this returns false.
     */
    public boolean startBackground(java.util.function.Consumer<Boolean> onDone) {
        if (childActive() || format == null) {
            return false;
        }
        saves++;
        long now = nowSeconds();
        lastBgsaveTrySeconds = now;
        Path dir = Path.of(server.config.getString("dir"));
        Path target = dir.resolve(server.config.getString("dbfilename"));
        Path tmp = dir.resolve("temp-bg-" + ServerLog.pid() + ".rdb");
        DeferredOutput out = null;
        Snapshot snap;
        try {
            out = new DeferredOutput(files.create(tmp, FileKind.RDB));
            snap = Snapshot.begin(server.keyspace, server.lock, format.writer(out), sliceNanos);
            snap.betweenSlices(out::drain);
            snap.keyDelayMicros(server.config.getLong("rdb-key-save-delay"));
        } catch (IOException | RuntimeException e) {
            ServerLog.warning("Failed opening the temp RDB file " + tmp.getFileName() + " (in server root dir "
                    + dir.toAbsolutePath() + ") for saving: " + e.getMessage());
            closeQuietly(out);
            deleteQuietly(tmp);
            lastOk = false;
            lastBgsaveTimeSeconds = 0;
            if (onDone != null) {
                onDone.accept(false);
            }
            return true;
        }
        long total = 0;
        for (int i = 0; i < server.keyspace.count(); i++) {
            total += server.keyspace.db(i).size();
        }
        Job j = new Job(snap, out, tmp, target, server.dirty(), total);
        if (onDone != null) {
            j.onDone.add(onDone);
        }
        job = j;
        j.thread = new Thread(() -> runJob(j), "redmesh-bgsave");
        j.thread.setDaemon(true);
        j.thread.start();
        ServerLog.notice("Background saving started by pid " + ServerLog.pid());
        return true;
    }

    /** The "child": walk, close, fsync, rename; then reports back under the lock. */
    private void runJob(Job j) {
        Outcome outcome;
        try {
            j.snapshot.walk();
            j.out.close();
            fsync(j.tmp);
            synchronized (j) {
                // A killed save must not rename over the file a SHUTDOWN save writes next.
                if (j.killed) {
                    throw new CancellationException();
                }
                files.commit(j.tmp, j.target);
            }
            ServerLog.notice("DB saved on disk");
            outcome = Outcome.OK;
        } catch (CancellationException e) {
            outcome = Outcome.KILLED;
        } catch (IOException | RuntimeException e) {
            ServerLog.warning("Write error saving DB on disk: " + e.getMessage());
            outcome = Outcome.ERROR;
        } finally {
            closeQuietly(j.out);
        }
        if (outcome != Outcome.OK) {
            deleteQuietly(j.tmp);
        }
        server.lock.lock();
        try {
            done(j, outcome);
        } finally {
            server.lock.unlock();
        }
    }

    /** Redis's backgroundSaveDoneHandlerDisk(). */
    private void done(Job j, Outcome outcome) {
        lastMaxSliceMicros = j.snapshot.maxSliceNanos() / 1000;
        for (java.util.function.Consumer<Boolean> c : j.onDone) {
            c.accept(outcome == Outcome.OK);
        }
        if (dying == j) {
            dying = null; // reaped: its temp file is gone
        }
        if (job != j) {
            return;
        }
        job = null;
        lastBgsaveTimeSeconds = (System.currentTimeMillis() - j.startMillis) / 1000;
        switch (outcome) {
            case OK:
                ServerLog.notice("Background saving terminated with success");
                server.addDirty(-j.dirtyBefore);
                server.lastSaveSeconds(nowSeconds());
                lastOk = true;
                break;
            case ERROR:
                ServerLog.warning("Background saving error");
                lastOk = false;
                break;
            default:
                // Like a child killed with SIGUSR1 (killRDBChild): not an error.
                ServerLog.warning("Background saving terminated by signal 10");
        }
    }

    /**
     * Redis's killRDBChild() (SHUTDOWN, FLUSHALL): stops the walk at once and makes sure the
     * save never renames over dbfilename (at most waits for a rename already under way); the
     * thread removes the temp file.
     */
    public void kill() {
        Job j = job;
        if (j == null) {
            return;
        }
        j.snapshot.abort();
        synchronized (j) {
            j.killed = true;
        }
        job = null;
        dying = j;
        lastBgsaveTimeSeconds = (System.currentTimeMillis() - j.startMillis) / 1000;
        ServerLog.warning("Background saving terminated by signal 10");
    }

    /** BGSAVE SCHEDULE, or BGSAVE inside MULTI: start from cron when no child runs. */
    public void schedule() {
        scheduled = true;
    }

    /**
     * serverCron()'s part: a save point reached (enough changes and seconds since the last save,
     * and the last try succeeded or is {@value #RETRY_DELAY_SECONDS} s old) starts a BGSAVE; so
     * does a scheduled one.
     */
    public void cron() {
        if (format == null) {
            return;
        }
        long now = nowSeconds();
        boolean retryAllowed = lastOk || now - lastBgsaveTrySeconds > RETRY_DELAY_SECONDS;
        if (!childActive()) {
            for (long[] sp : savePoints()) {
                if (server.dirty() >= sp[1] && now - server.lastSaveSeconds() > sp[0] && retryAllowed) {
                    ServerLog.notice(sp[1] + " changes in " + sp[0] + " seconds. Saving...");
                    startBackground();
                    break;
                }
            }
        }
        if (!childActive() && scheduled && retryAllowed && startBackground()) {
            scheduled = false;
        }
    }

    // ------------------------------------------------------------------ synchronous save

    /**
     * Redis's rdbSave(): the whole keyspace written while holding the lock (SAVE, SHUTDOWN, the
     * final save on SIGTERM, FLUSHALL's save) to {@code temp-<pid>.rdb}, fsynced and renamed over
     * dbfilename. Returns false (after logging) when it failed or there is no writer; the
     * previous file is then untouched.
     */
    public boolean saveSync() {
        if (!server.lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("saveSync needs the server lock");
        }
        if (format == null) {
            ServerLog.warning("Can't save the DB: no RDB writer is available");
            return false;
        }
        Path dir = Path.of(server.config.getString("dir"));
        Path target = dir.resolve(server.config.getString("dbfilename"));
        Path tmp = dir.resolve("temp-" + ServerLog.pid() + ".rdb");
        OutputStream out;
        try {
            out = files.create(tmp, FileKind.RDB);
        } catch (IOException e) {
            ServerLog.warning("Failed opening the temp RDB file " + tmp.getFileName() + " (in server root dir "
                    + dir.toAbsolutePath() + ") for saving: " + e.getMessage());
            return false;
        }
        try {
            Snapshot.copyNow(server.keyspace, format.writer(out)); // under the lock: no write interleaves
            out.close();
            fsync(tmp);
            files.commit(tmp, target);
        } catch (IOException | RuntimeException e) {
            ServerLog.warning("Write error saving DB on disk: " + e.getMessage());
            closeQuietly(out);
            deleteQuietly(tmp);
            return false;
        }
        ServerLog.notice("DB saved on disk");
        server.dirty(0);
        server.lastSaveSeconds(nowSeconds());
        lastOk = true;
        return true;
    }

    public boolean save() {
        saves++;
        return saveSync();
    }

    /**
     * Redis's prepareForShutdown() save step: kill a running BGSAVE, then save when asked or
     * when save points exist (unless NOSAVE). False when the save failed and not FORCE: the
     * caller must not exit.
     */
    public boolean prepareForShutdown(boolean save, boolean nosave, boolean force) {
        if (job != null) {
            ServerLog.warning("There is a child saving an .rdb. Killing it!");
            kill();
        }
        if ((!savePoints().isEmpty() && !nosave) || save) {
            ServerLog.notice("Saving the final RDB snapshot before exiting.");
            if (!saveSync()) {
                if (force) {
                    ServerLog.warning("Error trying to save the DB. Exit anyway.");
                } else {
                    ServerLog.warning("Error trying to save the DB, can't exit.");
                    return false;
                }
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ INFO

    /**
     * Redis's flushAllDataAndResetRDB(): a BGSAVE of the old data is killed, and with save points
     * the (now empty) dataset is saved at once; the changes counter is kept so FLUSHALL still
     * counts as changes.
     */
    public void flushedAll() {
        kill();
        // saveSync needs no snapshot slot: it saves even while an AOF rewrite walks, as rdbSave does.
        if (!savePoints().isEmpty() && format != null) {
            long dirty = server.dirty();
            saveSync();
            server.dirty(dirty);
        }
    }

    /** INFO persistence from current_cow_peak to rdb_last_load_keys_loaded, in Redis 7.0's order. */
    public String info() {
        Job j = job;
        long processed = j == null ? 0 : j.snapshot.entries();
        long total = j == null ? 0 : j.keysTotal;
        double perc = total == 0 ? 0 : processed * 100.0 / total;
        StringBuilder sb = new StringBuilder(512);
        line(sb, "current_cow_peak", 0);
        line(sb, "current_cow_size", 0);
        line(sb, "current_cow_size_age", 0);
        line(sb, "current_fork_perc", String.format(java.util.Locale.ROOT, "%.2f", perc));
        line(sb, "current_save_keys_processed", processed);
        line(sb, "current_save_keys_total", total);
        line(sb, "rdb_changes_since_last_save", server.dirty());
        line(sb, "rdb_bgsave_in_progress", j == null ? 0 : 1);
        line(sb, "rdb_last_save_time", server.lastSaveSeconds());
        line(sb, "rdb_last_bgsave_status", lastOk ? "ok" : "err");
        line(sb, "rdb_last_bgsave_time_sec", lastBgsaveTimeSeconds);
        line(sb, "rdb_current_bgsave_time_sec", j == null ? -1 : (System.currentTimeMillis() - j.startMillis) / 1000);
        line(sb, "rdb_saves", saves);
        line(sb, "rdb_last_cow_size", 0);
        line(sb, "rdb_last_load_keys_expired", lastLoadKeysExpired);
        line(sb, "rdb_last_load_keys_loaded", lastLoadKeysLoaded);
        return sb.toString();
    }

    private static void line(StringBuilder sb, String k, Object v) {
        sb.append(k).append(':').append(v).append("\r\n");
    }

    // ------------------------------------------------------------------ files

    /**
     * fsync of a closed file by path: the stream from {@link DiskFiles#create} may be wrapped
     * (sealing), so its channel is not ours to force; an fsync on any descriptor of the file
     * flushes its data.
     */
    static void fsync(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            DiskFiles.fsync(ch);
        }
    }

    private static void closeQuietly(OutputStream out) {
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // the save already failed or succeeded; nothing more to report
            }
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover temp file is harmless: the next save truncates it
        }
    }

    private static long nowSeconds() {
        return System.currentTimeMillis() / 1000;
    }
}
