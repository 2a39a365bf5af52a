package io.redmesh.node.persist;

import io.redmesh.node.command.ServerContext;
import io.redmesh.node.config.ServerConfig;
import io.redmesh.node.db.Keyspace;
import io.redmesh.node.db.Snapshot;
import io.redmesh.node.persist.io.DeferredOutput;
import io.redmesh.node.persist.io.DiskFiles;
import io.redmesh.node.persist.rdb.RdbFiles;
import io.redmesh.node.persist.rdb.RdbLoader;
import io.redmesh.node.persist.rdb.RdbValueReader;
import io.redmesh.node.persist.rdb.RdbWriter;
import io.redmesh.node.persist.seal.FileKind;
import io.redmesh.node.spi.Datasets;
import io.redmesh.node.spi.ReplicationMark;
import io.redmesh.node.spi.RequestRefusedException;
import io.redmesh.node.util.ServerLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * {@link Datasets} over this node's persistence: the RDB writer on the fork-less snapshot (the
 * same walk BGSAVE runs, its I/O kept out of the lock by {@link DeferredOutput}), BGSAVE itself
 * for a disk-backed sync, and the RDB loader into a keyspace built aside.
 */
final class ReplicationDatasets implements Datasets {
    private final Persistence persistence;
    private final ServerContext context;
    private final ServerConfig config;

    ReplicationDatasets(Persistence persistence, ServerContext context, ServerConfig config) {
        this.persistence = persistence;
        this.context = context;
        this.config = config;
    }

    /** The replication position in an RDB's aux fields, or null when it has none. */
    static ReplicationMark markOf(Map<String, String> aux) {
        String id = aux.get("repl-id");
        String off = aux.get("repl-offset");
        if (id == null || off == null || id.length() != 40) {
            return null;
        }
        try {
            String db = aux.getOrDefault("repl-stream-db", "0");
            return new ReplicationMark(id, Long.parseLong(off), Integer.parseInt(db));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    // ------------------------------------------------------------------ master side

    @Override
    public CompletableFuture<Long> streamRdb(OutputStream out, Supplier<ReplicationMark> mark)
            throws SnapshotBusyException {
        CompletableFuture<Long> done = new CompletableFuture<>();
        DeferredOutput deferred = new DeferredOutput(out);
        Snapshot snap;
        RdbWriter writer;
        context.lock.lock();
        try {
            if (persistence.saver().childActive()) {
                throw new SnapshotBusyException();
            }
            RdbWriter.Options o = RdbFiles.options(config, context.keyspace);
            o.functions = context.functionCodes();
            ReplicationMark m = mark.get(); // in the locked step that takes the instant
            if (m != null) {
                o.replId = m.replId();
                o.replOffset = m.offset();
                o.replStreamDb = m.streamDb();
            }
            writer = new RdbWriter(deferred, o);
            snap = Snapshot.begin(context.keyspace, context.lock, writer);
            snap.betweenSlices(deferred::drain);
            snap.keyDelayMicros(config.getLong("rdb-key-save-delay"));
        } catch (IOException e) {
            done.completeExceptionally(e);
            return done;
        } finally {
            context.lock.unlock();
        }
        Thread t = new Thread(() -> {
            try {
                snap.walk();
                deferred.drain();
                out.flush();
                done.complete(writer.written());
            } catch (CancellationException e) {
                done.completeExceptionally(e);
            } catch (IOException | RuntimeException e) {
                done.completeExceptionally(e);
            }
        }, "redmesh-repl-snapshot");
        t.setDaemon(true);
        done.whenComplete((v, e) -> {
            if (e instanceof CancellationException) {
                context.lock.lock();
                try {
                    snap.abort();
                } finally {
                    context.lock.unlock();
                }
            }
        });
        t.start();
        return done;
    }

    @Override
    public CompletableFuture<SavedRdb> saveRdb(Supplier<ReplicationMark> mark) throws SnapshotBusyException {
        CompletableFuture<SavedRdb> done = new CompletableFuture<>();
        Path target = RdbFiles.rdbPath(config);
        context.lock.lock();
        try {
            Supplier<ReplicationMark> previous = persistence.markSourceNow();
            persistence.markSource(mark); // asked once, at this save's instant
            boolean started;
            try {
                started = persistence.saver().startBackground(ok -> {
                    if (ok) {
                        done.complete(saved(target));
                    } else {
                        done.completeExceptionally(new IOException("the background save failed (see the log)"));
                    }
                });
            } finally {
                persistence.markSource(previous);
            }
            if (!started) {
                throw new SnapshotBusyException();
            }
        } finally {
            context.lock.unlock();
        }
        return done;
    }

    private SavedRdb saved(Path file) {
        DiskFiles files = persistence.files();
        return new SavedRdb() {
            private long length = -1;

            @Override
            public synchronized long length() {
                if (length < 0) {
                    try {
                        if (!DiskFiles.isSealed(file)) {
                            length = Files.size(file);
                        } else {
                            try (InputStream in = files.open(file, FileKind.RDB)) {
                                length = in.transferTo(OutputStream.nullOutputStream());
                            }
                        }
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                return length;
            }

            @Override
            public InputStream open() throws IOException {
                return files.open(file, FileKind.RDB);
            }
        };
    }

    // ------------------------------------------------------------------ replica side

    /** A keyspace loaded aside. */
    private record Loaded(Keyspace keyspace, Map<String, String> aux, long keys, long trailing,
            java.util.List<byte[]> functions) implements LoadedDataset {}

    @Override
    public LoadedDataset loadRdb(InputStream in, String name, boolean keepExpired) throws RequestRefusedException {
        Keyspace fresh;
        context.lock.lock();
        try {
            fresh = context.keyspace.emptyLike();
        } finally {
            context.lock.unlock();
        }
        try {
            RdbLoader.Result r = new RdbLoader(RdbValueReader.from(config)).verifyChecksum(context.verifyRdbChecksums())
                    .dropExpired(!keepExpired).load(in, name, fresh);
            return new Loaded(fresh, Map.copyOf(r.aux), r.keysLoaded, r.trailing.length, r.functions);
        } catch (RdbLoader.LoadException e) {
            throw new RequestRefusedException(e.getMessage(), e);
        }
    }

    @Override
    public void install(LoadedDataset loaded) {
        Keyspace fresh = ((Loaded) loaded).keyspace;
        context.lock.lock();
        try {
            try {
                context.installFunctions(((Loaded) loaded).functions);
            } catch (io.redmesh.node.util.RedisException e) {
                // the master's libraries were created there: only an engine difference fails here
                ServerLog.warning("Failed loading the master's function libraries: " + e.getMessage());
            }
            context.keyspace.replaceContents(fresh);
            context.tracking.invalidateAllOnFlush(); // emptyData() before a load: cached keys all go
            context.dirty(0);
        } finally {
            context.lock.unlock();
        }
        // the old contents now sit in 'fresh' and go with it (replica-lazy-flush or not: the GC frees them)
    }

    @Override
    public boolean empty() {
        context.lock.lock();
        try {
            for (int i = 0; i < context.keyspace.count(); i++) {
                if (context.keyspace.db(i).size() > 0) {
                    return false;
                }
            }
            return true;
        } finally {
            context.lock.unlock();
        }
    }

    @Override
    public void flushAll() {
        context.lock.lock();
        try {
            for (int i = 0; i < context.keyspace.count(); i++) {
                context.keyspace.db(i).clear();
            }
            context.tracking.invalidateAllOnFlush();
        } finally {
            context.lock.unlock();
        }
    }

    @Override
    public ReceivedFile receiveFile() throws IOException {
        Path dir = Path.of(config.getString("dir"));
        Path tmp = dir.resolve("temp-" + System.currentTimeMillis() + "." + ServerLog.pid() + ".rdb");
        DiskFiles.Output out = persistence.files().create(tmp, FileKind.RDB);
        Path target = RdbFiles.rdbPath(config);
        return new ReceivedFile() {
            @Override
            public OutputStream out() {
                return out;
            }

            @Override
            public LoadedDataset commitAndLoad() throws IOException, RequestRefusedException {
                out.close();
                BackgroundSaver.fsync(tmp);
                persistence.files().commit(tmp, target);
                try (InputStream in = persistence.files().open(target, FileKind.RDB)) {
                    return loadRdb(in, target.toString(), true);
                }
            }

            @Override
            public void discard() {
                try {
                    out.close();
                } catch (IOException e) {
                    // dropped anyway
                }
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // a leftover temp file is harmless
                }
            }
        };
    }

    @Override
    public void markSource(Supplier<ReplicationMark> mark) {
        persistence.markSource(mark);
    }

    @Override
    public ReplicationMark loadedAtStart() {
        return persistence.startupMark();
    }
}
