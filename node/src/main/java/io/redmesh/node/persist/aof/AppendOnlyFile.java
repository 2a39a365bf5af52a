package io.redmesh.node.persist.aof;

import io.redmesh.node.command.DurabilityBarrier;
import io.redmesh.node.command.ServerContext;
import io.redmesh.node.config.ServerConfig;
import io.redmesh.node.persist.io.DiskFiles;
import io.redmesh.node.persist.seal.FileKind;
import io.redmesh.node.spi.ExecutedCommandListener;
import io.redmesh.node.util.ServerLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The append-only file as Redis 7.0 keeps it (aof.c): a directory ({@code appenddirname}) with a
 * manifest, one BASE file (the last rewrite's snapshot) and INCR files holding every executed
 * write since, in the replication stream's form.
 *
 * <p>Writes reach it through {@link ExecutedCommandListener} under the server lock and are
 * buffered (feedAppendOnlyFile: a SELECT when the database changes). The buffer is written to the
 * incr file before any reply leaves (the {@link DurabilityBarrier}: Redis writes it in
 * beforeSleep()), once per I/O batch for all connections; with {@code appendfsync always} it is
 * also fsynced first (group commit), with {@code everysec} a background thread fsyncs at most
 * once a second, with {@code no} the kernel decides.
 *
 * <p>Lock order: the server lock, then {@link #fsyncLock}; the file write happens under the server
 * lock (it is a copy into the page cache), fsyncs only under fsyncLock, which a switch to a new
 * incr file takes too.
 */
public final class AppendOnlyFile implements ExecutedCommandListener, DurabilityBarrier {
    enum State { OFF, ON, WAIT_REWRITE }

    /**
     * An RDB-format base (aof-use-rdb-preamble yes), provided by the RDB module: the writer as a
     * snapshot sink and the loader of a base file's RDB part. Null until it is plugged in; the base
     * is then written as commands (a .base.aof), and an RDB base cannot be loaded.
     */
    public interface RdbFormat {
        io.redmesh.node.db.SnapshotSink writer(OutputStream out);

        /**
         * Loads an RDB stream into the keyspace (the RDB loader, AOF-preamble flavour); returns
         * the bytes it read past the RDB's end (an old-style AOF's command tail starts there).
         */
        byte[] load(InputStream in, String name, ServerContext server) throws IOException;
    }

    private volatile RdbFormat rdbFormat;

    /** Plugs in the RDB format (the base of aof-use-rdb-preamble yes, and loading RDB bases). */
    public void rdbFormat(RdbFormat f) {
        rdbFormat = f;
    }

    RdbFormat rdbFormat() {
        return rdbFormat;
    }

    final ServerContext server;
    final ServerConfig config;
    /** This server's files (its encryption at rest). */
    final DiskFiles files;
    volatile State state = State.OFF;
    AofManifest manifest = new AofManifest();
    private final AofBuffer buf = new AofBuffer(64 * 1024);
    private volatile DiskFiles.AppendChannel incr;
    private int selectedDb = -1;
    /** Bytes ever appended to the buffer / written to incr files (offsets, under the server lock). */
    private long appended;
    private volatile long written;
    private final AtomicLong synced = new AtomicLong();
    private final Object fsyncLock = new Object();
    private volatile long lastFsyncMillis = System.currentTimeMillis();
    private volatile boolean fsyncAlways;
    private volatile boolean fsyncEverysec;
    /** aof-timestamp-enabled: "#TS:" annotations that redis-check-aof can truncate to. */
    private volatile boolean timestamps;
    private long lastTimestamp;
    private ScheduledExecutorService timer;
    private boolean started;
    final AofRewriter rewriter;

    // INFO persistence (Redis's aof_* fields)
    long currentSize;
    long rewriteBaseSize;
    long lastIncrSize;
    volatile boolean lastWriteOk = true;
    /** strerror() of the last failed write or fsync, for -MISCONF; null while writes succeed. */
    private volatile String writeError;
    /** strerror() of the last failed background fsync (everysec), cleared by the next good one. */
    private volatile String fsyncError;

    public AppendOnlyFile(ServerContext server, DiskFiles files) {
        this.server = server;
        this.files = files;
        this.config = server.config;
        this.rewriter = new AofRewriter(this);
        this.rdbFormat = new AofRdbFormat(server);
        config.onChange("appendfsync", v -> {
            fsyncAlways = "always".equals(v);
            fsyncEverysec = "everysec".equals(v);
        });
        config.onChange("aof-timestamp-enabled", v -> timestamps = (Boolean) v);
        config.onChange("appendonly", v -> {
            if (started) {
                if ((Boolean) v && state == State.OFF) {
                    startAppendOnly();
                } else if (!(Boolean) v && state != State.OFF) {
                    stopAppendOnly();
                }
            }
        });
    }

    /** The AOF directory: appenddirname inside dir. */
    Path dir() {
        return Path.of(config.getString("dir")).resolve(config.getString("appenddirname"));
    }

    String fileName() {
        return config.getString("appendfilename");
    }

    public boolean enabled() {
        return state != State.OFF;
    }

    /** BGREWRITEAOF and friends. */
    public AofRewriter rewriter() {
        return rewriter;
    }

    // ------------------------------------------------------------------ start-up

    /**
     * loadDataFromDisk()'s AOF part: with appendonly yes, loads the manifest's files (the RDB is
     * then ignored, as in Redis). Returns true when the AOF was the data source.
     */
    public boolean loadAtStart() throws AofLoader.LoadException {
        if (!config.getBool("appendonly")) {
            // Redis reads the manifest anyway, so that turning AOF on later continues its sequence.
            try {
                manifest = AofLoader.readManifestIfPresent(files, dir(), fileName());
            } catch (AofLoader.LoadException e) {
                ServerLog.warning("Ignoring the AOF manifest while appendonly is no: " + e.getMessage());
            }
            return false;
        }
        manifest = AofLoader.readManifestIfPresent(files, dir(), fileName());
        upgradeOldStyleIfNeeded();
        long start = System.nanoTime();
        AofLoader loader = new AofLoader(this);
        AofLoader.Result r = loader.loadAll(manifest);
        if (r != AofLoader.Result.NOT_EXIST) {
            ServerLog.notice(String.format("DB loaded from append only file: %.3f seconds",
                    (System.nanoTime() - start) / 1e9));
        }
        currentSize = loader.totalSize;
        rewriteBaseSize = loader.baseSize;
        return true;
    }

    /**
     * A single appendonly.aof in {@code dir} (Redis before 7.0) becomes the base of a new AOF
     * directory, as loadAppendOnlyFiles()/aofUpgradePrepare() do: the manifest first, then the
     * file moves, so a crash in between is retried at the next start.
     */
    private void upgradeOldStyleIfNeeded() throws AofLoader.LoadException {
        Path old = Path.of(config.getString("dir")).resolve(fileName());
        if (!Files.isRegularFile(old)) {
            return;
        }
        boolean upgrade = !Files.isDirectory(dir())
                || (manifest.base == null && manifest.incr.isEmpty())
                || (manifest.base != null && manifest.incr.isEmpty()
                    && manifest.base.fileName().equals(fileName()) && !Files.exists(dir().resolve(fileName())));
        if (!upgrade) {
            return;
        }
        try {
            Files.createDirectories(dir());
            AofManifest am = new AofManifest();
            am.base = new AofManifest.Info(fileName(), 1, AofManifest.BASE);
            am.currBaseSeq = 1;
            persistManifest(am);
            Files.move(old, dir().resolve(fileName()), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            DiskFiles.syncDirectory(dir());
            manifest = am;
        } catch (IOException e) {
            ServerLog.warning("Error trying to move the old AOF file " + fileName() + " into dir " + config.getString("appenddirname")
                    + ": " + e.getMessage());
            throw new AofLoader.LoadException("Can't migrate the old AOF file " + old + ": " + e.getMessage());
        }
        ServerLog.notice("Successfully migrated an old-style AOF file (" + fileName() + ") into the AOF directory ("
                + config.getString("appenddirname") + ").");
    }

    /**
     * aofOpenIfNeededOnServerStart(): with appendonly yes, creates the directory, writes a base
     * when starting empty, opens the last incr file for appending (or a new one) and persists the
     * manifest. Then writes start flowing.
     */
    public void openAtStart() throws IOException {
        server.lock.lock();
        try {
            started = true;
            if (!config.getBool("appendonly")) {
                return;
            }
            Files.createDirectories(dir());
            boolean dirty = false;
            if (manifest.base == null && manifest.incr.isEmpty()) {
                String base = manifest.newBase(fileName(), rdbBase());
                Path tmp = dir().resolve("temp-rewriteaof-" + ServerLog.pid() + ".aof");
                rewriter.writeBase(tmp);
                files.commit(tmp, dir().resolve(base));
                ServerLog.notice("Creating AOF base file " + base + " on server start");
                dirty = true;
            }
            boolean hadIncr = !manifest.incr.isEmpty();
            String name = manifest.lastIncr(fileName());
            incr = files.openAppend(dir().resolve(name), FileKind.AOF, false);
            if (!hadIncr || dirty) {
                persistManifest(manifest);
            }
            lastIncrSize = Files.size(dir().resolve(name));
            ServerLog.notice((hadIncr ? "Opening" : "Creating") + " AOF incr file " + name + " on server start");
            turnOn(State.ON);
        } finally {
            server.lock.unlock();
        }
    }

    boolean rdbBase() {
        return config.getBool("aof-use-rdb-preamble") && rdbFormat != null;
    }

    private void turnOn(State s) {
        state = s;
        selectedDb = -1;
        server.addWriteListener(this);
        server.durability(this);
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "redmesh-aof");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleWithFixedDelay(this::tick, 100, 100, TimeUnit.MILLISECONDS);
        }
    }

    /** The rewrite that turns the AOF on has opened its temp incr file: start collecting writes. */
    void turnOnWaiting() {
        turnOn(State.WAIT_REWRITE);
    }

    /** The rewrite that was to turn the AOF on failed: off again, the temp incr file removed. */
    void abortWaiting() {
        closeIncr();
        state = State.OFF;
        server.removeWriteListener(this);
        server.durability(null);
        try {
            Files.deleteIfExists(dir().resolve(rewriter.tempIncrName()));
        } catch (IOException ignored) {
            // nothing more to do
        }
    }

    // ------------------------------------------------------------------ runtime on/off

    /** CONFIG SET appendonly yes: a rewrite builds the base, writes meanwhile go to a temp incr. */
    private void startAppendOnly() {
        try {
            Files.createDirectories(dir());
            state = State.WAIT_REWRITE;
            rewriter.start();
        } catch (IOException | RuntimeException e) {
            state = State.OFF;
            ServerLog.warning("Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. "
                    + "Check the above logs for more info about the error.");
            throw new io.redmesh.node.config.ConfigException("Unable to turn on AOF. Check server logs.");
        }
        lastFsyncMillis = System.currentTimeMillis();
    }

    /** CONFIG SET appendonly no: what is buffered is written and fsynced, the file closed. */
    private void stopAppendOnly() {
        rewriter.kill();
        writeOutLocked();
        closeIncr();
        state = State.OFF;
        server.removeWriteListener(this);
        server.durability(null);
    }

    /** At shutdown: Redis flushes and fsyncs the AOF before exiting. */
    public void shutdown() {
        server.lock.lock();
        try {
            rewriter.kill();
            if (state != State.OFF) {
                writeOutLocked();
                closeIncr();
                state = State.OFF;
                server.removeWriteListener(this);
                server.durability(null);
            }
        } finally {
            server.lock.unlock();
        }
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    private void closeIncr() {
        if (incr != null) {
            try {
                incr.sync();
                synced.accumulateAndGet(written, Math::max);
                incr.close();
            } catch (IOException e) {
                ServerLog.warning("Error closing the append only file: " + e.getMessage());
            }
            incr = null;
        }
    }

    // ------------------------------------------------------------------ the write stream

    /** feedAppendOnlyFile(): called under the server lock for each propagated write. */
    @Override
    public void executed(int db, byte[][] argv) {
        if (state == State.OFF) {
            return;
        }
        int before = buf.length();
        if (timestamps) {
            // genAofTimestampAnnotationIfNeeded(): "#TS:<unix time>" when the second changed
            long sec = System.currentTimeMillis() / 1000;
            if (sec > lastTimestamp) {
                buf.annotation("TS:" + sec);
                lastTimestamp = sec;
            }
        }
        if (db != selectedDb) {
            buf.count('*', 2);
            buf.bulk("SELECT");
            buf.bulk(db);
            selectedDb = db;
        }
        buf.command(argv);
        appended += buf.length() - before;
    }

    /** Writes the buffer to the incr file (flushAppendOnlyFile's write part). Server lock held. */
    void writeOutLocked() {
        if (buf.length() == 0 || incr == null) {
            return;
        }
        try {
            int n = buf.length();
            incr.write(buf.view());
            buf.clear();
            written = appended;
            currentSize += n;
            lastIncrSize += n;
            if (!lastWriteOk) {
                ServerLog.warning("AOF write error looks solved, Redis can write again.");
            }
            lastWriteOk = true;
            writeError = null;
        } catch (IOException e) {
            if (fsyncAlways) {
                // Replies acknowledging these writes are waiting for this very write: they must
                // never leave, and the dataset cannot be rolled back. Redis exits here too.
                ServerLog.warning("Can't recover from AOF write error when the AOF fsync policy is 'always'. "
                        + "Exiting...");
                server.fatalExit.run();
                return;
            }
            // As Redis: the data stays buffered and is retried; writes are refused with -MISCONF
            // meanwhile (Persistence.diskErrorGate) and INFO shows the failure.
            if (lastWriteOk) {
                ServerLog.warning("Error writing to the AOF file: " + e.getMessage());
            }
            writeError = e.getMessage();
            lastWriteOk = false;
        }
    }

    /**
     * Without {@code always} the write (into the page cache) happens right here, under the lock
     * the flush already holds: cheaper than a task hop, and what Redis does before replying.
     * With {@code always} the caller waits for the group fsync in {@link #await}.
     */
    @Override
    public long pending() {
        if (!fsyncAlways) {
            if (written < appended) {
                writeOutLocked();
            }
            return -1;
        }
        return synced.get() >= appended ? -1 : appended;
    }

    @Override
    public void await(long ticket) {
        if (written < ticket) {
            server.lock.lock();
            try {
                writeOutLocked();
            } finally {
                server.lock.unlock();
            }
        }
        if (fsyncAlways && synced.get() < ticket) {
            fsync();
        }
    }

    /** strerror() of the pending AOF write failure, or null: Redis then refuses writes with -MISCONF. */
    public String writeError() {
        if (state == State.OFF) {
            return null;
        }
        String w = writeError;
        return w != null ? w : fsyncError;
    }

    /** fsyncs the current incr file up to what was written; one at a time, never under the server lock. */
    private void fsync() {
        synchronized (fsyncLock) {
            // Under fsyncLock the file cannot be switched; bytes written before `target` is
            // read are in it, so the fsync covers them.
            DiskFiles.AppendChannel ch = incr;
            long target = written;
            if (ch == null || synced.get() >= target) {
                return;
            }
            try {
                ch.sync();
                synced.accumulateAndGet(target, Math::max);
                lastFsyncMillis = System.currentTimeMillis();
                fsyncError = null;
            } catch (ClosedChannelException e) {
                // switched by a rewrite, which fsynced it first
            } catch (IOException e) {
                String why = e.getMessage();
                if (fsyncAlways) {
                    // The replies waiting for this fsync must never leave: Redis exits too.
                    ServerLog.warning("Can't persist append only file with fsync policy 'always': " + why
                            + ". Exiting...");
                    server.fatalExit.run();
                    return;
                }
                // Redis's background fsync ignores EBADF/EINVAL (a reused or special fd); any
                // other failure refuses writes with -MISCONF until an fsync succeeds again.
                if (!"Invalid argument".equals(why) && !"Bad file descriptor".equals(why)) {
                    if (fsyncError == null) {
                        ServerLog.warning("Error trying to fsync the AOF file: " + why);
                    }
                    fsyncError = why;
                }
            }
        }
    }

    /**
     * Every 100 ms: writes what no reply has pulled out yet (active expiry's DELs), fsyncs once a
     * second with everysec, and checks auto-aof-rewrite-percentage (serverCron's AOF duties).
     */
    private void tick() {
        try {
            server.lock.lock();
            try {
                if (state == State.OFF) {
                    return;
                }
                writeOutLocked();
            } finally {
                server.lock.unlock();
            }
            if (fsyncEverysec && synced.get() < written && System.currentTimeMillis() - lastFsyncMillis >= 1000) {
                fsync();
            }
            rewriter.autoRewriteIfDue();
        } catch (RuntimeException e) {
            ServerLog.warning("AOF cron: " + e);
        }
    }

    /**
     * Points writes at a new incr file (openNewIncrAofForAppend's switch): what is buffered goes
     * to the old file first, which is fsynced and closed. Server lock held.
     */
    void switchIncr(DiskFiles.AppendChannel next) {
        writeOutLocked();
        synchronized (fsyncLock) {
            closeIncr();
            incr = next;
        }
        lastIncrSize = 0;
        // Each file is replayed by a fresh client starting in db 0: the new one must begin with a
        // SELECT (rewriteAppendOnlyFileBackground sets aof_selected_db = -1 for this).
        selectedDb = -1;
    }

    // ------------------------------------------------------------------ manifest

    /** persistAofManifest(): temp file, fsync, atomic rename, directory fsync. */
    void persistManifest(AofManifest am) throws IOException {
        Path tmp = dir().resolve("temp-" + fileName() + ".manifest");
        try (OutputStream out = files.createDurable(tmp, FileKind.AOF)) {
            out.write(am.format().getBytes(StandardCharsets.ISO_8859_1));
        }
        files.commit(tmp, dir().resolve(fileName() + ".manifest"));
    }

    // ------------------------------------------------------------------ INFO

    /** [0]: the aof_* fields before module_fork_*; [1]: those Redis adds while AOF is on. */
    public String[] info() {
        AofRewriter rw = rewriter;
        StringBuilder a = new StringBuilder();
        field(a, "aof_enabled", state != State.OFF ? 1 : 0);
        field(a, "aof_rewrite_in_progress", rw.inProgress ? 1 : 0);
        field(a, "aof_rewrite_scheduled", rw.scheduled ? 1 : 0);
        field(a, "aof_last_rewrite_time_sec", rw.lastRewriteSeconds);
        field(a, "aof_current_rewrite_time_sec", rw.inProgress
                ? (System.currentTimeMillis() - rw.startedMillis) / 1000 : -1);
        field(a, "aof_last_bgrewrite_status", rw.lastOk ? "ok" : "err");
        field(a, "aof_rewrites", rw.rewrites);
        field(a, "aof_rewrites_consecutive_failures", rw.consecutiveFailures);
        field(a, "aof_last_write_status", lastWriteOk ? "ok" : "err");
        field(a, "aof_last_cow_size", 0);
        StringBuilder b = new StringBuilder();
        if (state != State.OFF) {
            field(b, "aof_current_size", currentSize);
            field(b, "aof_base_size", rewriteBaseSize);
            field(b, "aof_pending_rewrite", 0);
            field(b, "aof_buffer_length", buf.length());
            field(b, "aof_pending_bio_fsync", 0);
            field(b, "aof_delayed_fsync", 0);
        }
        return new String[] {a.toString(), b.toString()};
    }

    private static void field(StringBuilder sb, String k, Object v) {
        sb.append(k).append(':').append(v).append("\r\n");
    }
}
