package io.redmesh.node.persist.aof;

import io.redmesh.node.db.Snapshot;
import io.redmesh.node.persist.io.DeferredOutput;
import io.redmesh.node.db.SnapshotSink;
import io.redmesh.node.persist.io.DiskFiles;
import io.redmesh.node.persist.seal.FileKind;
import io.redmesh.node.util.ServerLog;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * AOF rewrite (BGREWRITEAOF, auto-aof-rewrite-percentage, CONFIG SET appendonly yes), following
 * Redis 7.0's rewriteAppendOnlyFileBackground() and backgroundRewriteDoneHandler():
 * <ol>
 * <li>at the snapshot instant, writes are pointed at a new incr file (recorded in the manifest),
 *     or, while the AOF is being turned on, at {@code temp-<appendfilename>.incr};</li>
 * <li>the snapshot is written to {@code temp-rewriteaof-bg-<pid>.aof} in {@code dir} (RDB format
 *     with aof-use-rdb-preamble when the RDB writer is available, else commands), fsynced;</li>
 * <li>it is renamed to the next base file; the old base and the incr files it covers become
 *     history; the manifest is rewritten atomically; history files are deleted (unless
 *     aof-disable-auto-gc).</li>
 * </ol>
 * A crash at any point leaves the previous manifest and the files it names intact.
 *
 * <p>The snapshot is the fork-less {@link Snapshot}: taken at the instant the incr file is
 * switched (under the lock), walked on its own thread in short lock slices; one snapshot runs at
 * a time, so a rewrite asked for during a BGSAVE is scheduled, as Redis does with a child busy.
 */
public final class AofRewriter {
    private final AppendOnlyFile aof;
    volatile boolean inProgress;
    /** BGREWRITEAOF while another snapshot ran: started by the cron once it ends. */
    volatile boolean scheduled;
    private volatile Snapshot running;
    volatile long startedMillis;
    volatile long lastRewriteSeconds = -1;
    volatile boolean lastOk = true;
    volatile long rewrites;
    volatile int consecutiveFailures;

    AofRewriter(AppendOnlyFile aof) {
        this.aof = aof;
    }

    public boolean inProgress() {
        return inProgress;
    }

    /**
     * Starts a rewrite; the server lock is held. Returns false when it is only scheduled (another
     * snapshot, e.g. a BGSAVE, is running: it starts when that one ends). Throws
     * IllegalStateException if a rewrite runs.
     */
    public boolean start() throws IOException {
        if (inProgress) {
            throw new IllegalStateException("Background append only file rewriting already in progress");
        }
        if (aof.server.keyspace.snapshotRunning()) {
            scheduled = true;
            return false;
        }
        scheduled = false;
        inProgress = true;
        startedMillis = System.currentTimeMillis();
        Path temp = Path.of(aof.config.getString("dir")).resolve("temp-rewriteaof-bg-" + ServerLog.pid() + ".aof");
        String fileName = aof.fileName();
        Path dir = aof.dir();
        DeferredOutput out = null;
        try {
            // 1. openNewIncrAofForAppend()
            // (with appendonly no there is no incr file: the rewrite only makes a new base)
            Files.createDirectories(dir);
            if (aof.state != AppendOnlyFile.State.OFF) {
                AofManifest next = null;
                String incrName;
                if (aof.state == AppendOnlyFile.State.ON) {
                    next = aof.manifest.copy();
                    incrName = next.newIncr(fileName);
                } else {
                    incrName = tempIncrName();
                }
                DiskFiles.AppendChannel ch = aof.files.openAppend(dir.resolve(incrName), FileKind.AOF, true);
                if (next != null) {
                    aof.persistManifest(next);
                    aof.manifest = next;
                }
                ServerLog.notice("Creating AOF incr file " + incrName + " on background rewrite");
                aof.switchIncr(ch);
                if (aof.state == AppendOnlyFile.State.WAIT_REWRITE) {
                    aof.turnOnWaiting();
                }
            }
            // 2. the snapshot instant is now: the fork-less walk runs on its own thread, writers
            //    hand it keys it has not reached yet; what they hand over under the lock is
            //    buffered and reaches the file between slices.
            out = new DeferredOutput(aof.files.createDurable(temp, FileKind.AOF)); // becomes the base
            Snapshot snap = Snapshot.begin(aof.server.keyspace, aof.server.lock, sink(out));
            snap.betweenSlices(out::drain);
            running = snap;
            DeferredOutput o = out;
            Thread t = new Thread(() -> runWalk(snap, o, temp), "redmesh-aof-rewrite");
            t.setDaemon(true);
            t.start();
            ServerLog.notice("Background append only file rewriting started by pid " + ServerLog.pid());
            return true;
        } catch (IOException | RuntimeException e) {
            closeQuietly(out);
            failed(temp, e);
            inProgress = false;
            throw e;
        }
    }

    private SnapshotSink sink(OutputStream out) {
        return aof.rdbBase() ? aof.rdbFormat().writer(out)
                : new AofCommandSink(out, aof.config.getBool("aof-timestamp-enabled"), aof.server.functionCodes());
    }

    /** The rewrite "child": walk, fsync; then backgroundRewriteDoneHandler() under the lock. */
    private void runWalk(Snapshot snap, DeferredOutput out, Path temp) {
        Exception failure = null;
        try {
            snap.walk();
            out.close(); // drain, fsync, close
        } catch (IOException | RuntimeException e) {
            failure = e;
            closeQuietly(out);
        }
        aof.server.lock.lock();
        try {
            running = null;
            if (failure == null && snap.aborted()) {
                // Killed (SHUTDOWN, appendonly no) after the walk ended: as killAppendOnlyChild(),
                // nothing of it is installed. Going on would make every incr file history and
                // delete it, writes since the instant included.
                failure = new java.util.concurrent.CancellationException("rewrite killed");
            }
            if (failure == null) {
                ServerLog.notice("Background AOF rewrite terminated with success");
                done(temp);
            } else {
                failed(temp, failure);
            }
        } catch (IOException | RuntimeException e) {
            failed(temp, e);
        } finally {
            inProgress = false;
            aof.server.lock.unlock();
        }
    }

    /** Kills a running rewrite (CONFIG SET appendonly no, shutdown), as killAppendOnlyChild(). */
    void kill() {
        Snapshot s = running;
        if (s != null) {
            ServerLog.notice("Killing running AOF rewrite child: " + ServerLog.pid());
            s.abort();
        }
        scheduled = false;
    }

    private static void closeQuietly(OutputStream o) {
        if (o != null) {
            try {
                o.close();
            } catch (IOException ignored) {
                // already failing
            }
        }
    }

    String tempIncrName() {
        return "temp-" + aof.fileName() + ".incr";
    }

    /** rewriteAppendOnlyFile(): the whole keyspace into {@code p}, durable when this returns. */
    void writeBase(Path p) throws IOException {
        try (OutputStream out = aof.files.createDurable(p, FileKind.AOF)) { // becomes the base
            aof.server.lock.lock();
            try {
                Snapshot.copyNow(aof.server.keyspace, sink(out));
            } finally {
                aof.server.lock.unlock();
            }
        }
    }

    private void done(Path temp) throws IOException {
        String fileName = aof.fileName();
        Path dir = aof.dir();
        AofManifest next = aof.manifest.copy();
        String baseName = next.newBase(fileName, aof.rdbBase());
        Path base = dir.resolve(baseName);
        aof.files.commit(temp, base);
        ServerLog.notice("Successfully renamed the temporary AOF base file " + temp.getFileName() + " into " + baseName);
        boolean waiting = aof.state == AppendOnlyFile.State.WAIT_REWRITE;
        if (waiting) {
            String incrName = next.newIncr(fileName);
            Files.move(dir.resolve(tempIncrName()), dir.resolve(incrName), StandardCopyOption.ATOMIC_MOVE);
            ServerLog.notice("Successfully renamed the temporary AOF incr file " + tempIncrName() + " into " + incrName);
        }
        next.markRewrittenIncrAsHistory(aof.state != AppendOnlyFile.State.OFF);
        aof.persistManifest(next);
        aof.manifest = next;
        if (waiting) {
            aof.state = AppendOnlyFile.State.ON;
        }
        aof.currentSize = Files.size(base) + aof.lastIncrSize;
        aof.rewriteBaseSize = aof.currentSize;
        deleteHistory();
        rewrites++;
        lastOk = true;
        consecutiveFailures = 0;
        lastRewriteSeconds = (System.currentTimeMillis() - startedMillis) / 1000;
        ServerLog.notice("Background AOF rewrite finished successfully");
    }

    /** aofDelHistoryFiles(). */
    private void deleteHistory() throws IOException {
        AofManifest m = aof.manifest;
        if (aof.config.getBool("aof-disable-auto-gc") || m.history.isEmpty()) {
            return;
        }
        AofManifest next = m.copy();
        for (AofManifest.Info ai : m.history) {
            ServerLog.notice("Removing the history file " + ai.fileName() + " in the background");
            Files.deleteIfExists(aof.dir().resolve(ai.fileName()));
        }
        next.history.clear();
        aof.persistManifest(next);
        aof.manifest = next;
    }

    private void failed(Path temp, Exception e) {
        ServerLog.warning("Background AOF rewrite failed: " + e);
        lastOk = false;
        consecutiveFailures++;
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // nothing more to do
        }
        if (aof.state == AppendOnlyFile.State.WAIT_REWRITE) {
            aof.abortWaiting();
        }
    }

    /** serverCron's auto-aof-rewrite-percentage / auto-aof-rewrite-min-size check. */
    void autoRewriteIfDue() {
        if (scheduled && !inProgress && !aof.server.keyspace.snapshotRunning()) {
            aof.server.lock.lock();
            try {
                if (scheduled && !inProgress && !aof.server.keyspace.snapshotRunning()) {
                    start();
                }
            } catch (IOException | RuntimeException e) {
                // logged by start()
            } finally {
                aof.server.lock.unlock();
            }
            return;
        }
        long perc = aof.config.getLong("auto-aof-rewrite-percentage");
        if (aof.state != AppendOnlyFile.State.ON || inProgress || perc == 0
                || aof.currentSize <= aof.config.getLong("auto-aof-rewrite-min-size")) {
            return;
        }
        long base = aof.rewriteBaseSize == 0 ? 1 : aof.rewriteBaseSize;
        long growth = aof.currentSize * 100 / base - 100;
        if (growth < perc) {
            return;
        }
        aof.server.lock.lock();
        try {
            if (inProgress || aof.state != AppendOnlyFile.State.ON) {
                return;
            }
            ServerLog.notice("Starting automatic rewriting of AOF on " + growth + "% growth");
            start();
        } catch (IOException | RuntimeException e) {
            // logged by start()
        } finally {
            aof.server.lock.unlock();
        }
    }
}
