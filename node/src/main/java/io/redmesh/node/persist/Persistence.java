package io.redmesh.node.persist;

import io.redmesh.node.command.CommandFamily;
import io.redmesh.node.command.CommandFlag;
import io.redmesh.node.command.CommandSpec;
import io.redmesh.node.command.PersistenceHooks;
import io.redmesh.node.command.ServerContext;
import io.redmesh.node.command.Session;
import io.redmesh.node.config.ServerConfig;
import io.redmesh.node.db.Keyspace;
import io.redmesh.node.persist.aof.AofLoader;
import io.redmesh.node.persist.aof.AppendOnlyFile;
import io.redmesh.node.persist.io.DiskFiles;
import io.redmesh.node.persist.rdb.RdbFiles;
import io.redmesh.node.persist.rdb.RdbLoader;
import io.redmesh.node.persist.rdb.RdbWriter;
import io.redmesh.node.persist.seal.SealException;
import io.redmesh.node.persist.seal.Sealing;
import io.redmesh.node.util.ServerLog;
import java.io.IOException;
import java.util.List;

/**
 * A node's persistence as the server sees it: RDB snapshots (BGSAVE, save points, the final
 * save), the append-only file and encryption at rest, wired together once. The server calls it
 * at the points of its life Redis calls the same parts: start-up load, cron, the -MISCONF check
 * before commands, shutdown.
 */
public final class Persistence implements PersistenceHooks {
    /** Start-up cannot go on: the message is what to log, as Redis words it. */
    public static final class StartupFailure extends Exception {
        private static final long serialVersionUID = 1L;

        StartupFailure(String message) {
            super(message);
        }
    }

    private final ServerContext context;
    private final ServerConfig config;
    private final BackgroundSaver saver;
    private final AppendOnlyFile aof;
    private final Sealing sealing;
    /** Every file this server reads or writes, through its sealing. */
    private final DiskFiles files;
    private volatile java.util.function.Supplier<io.redmesh.node.spi.ReplicationMark> markSource = () -> null;
    private volatile io.redmesh.node.spi.ReplicationMark startupMark;
    private final ReplicationDatasets datasets;

    public Persistence(ServerContext context, ServerConfig config) {
        this.context = context;
        this.config = config;
        this.sealing = Sealing.install(config);
        this.files = new DiskFiles(sealing);
        this.aof = new AppendOnlyFile(context, files);
        this.saver = new BackgroundSaver(context, files);
        // BGSAVE writes RDB; the writer's options (aux fields, LRU/LFU metadata, the replication
        // position of rdbPopulateSaveInfo) are read at the instant, under the lock.
        saver.format(out -> new RdbWriter(out, markedOptions()));
        saver.otherChildActive(() -> aof.rewriter().inProgress()); // BGSAVE sees the rewrite as a child
        this.datasets = new ReplicationDatasets(this, context, config);
    }

    /** RDB writer options as they are now, with the replication position the mark source gives. */
    RdbWriter.Options markedOptions() {
        RdbWriter.Options o = RdbFiles.options(config, context.keyspace);
        o.functions = context.functionCodes();
        io.redmesh.node.spi.ReplicationMark m = markSource.get();
        if (m != null) {
            o.replId = m.replId();
            o.replOffset = m.offset();
            o.replStreamDb = m.streamDb();
        }
        return o;
    }

    /** What every RDB records as its replication position (the replication module sets it). */
    void markSource(java.util.function.Supplier<io.redmesh.node.spi.ReplicationMark> source) {
        markSource = source == null ? () -> null : source;
    }

    java.util.function.Supplier<io.redmesh.node.spi.ReplicationMark> markSourceNow() {
        return markSource;
    }

    /** The replication position recorded in the RDB loaded at start-up, or null. */
    io.redmesh.node.spi.ReplicationMark startupMark() {
        return startupMark;
    }

    /** Whole-dataset transfer for replication (spi). */
    public io.redmesh.node.spi.Datasets datasets() {
        return datasets;
    }

    /** The persistence commands (SAVE, BGSAVE, LASTSAVE, BGREWRITEAOF, DUMP, RESTORE), for the command table. */
    public List<CommandFamily> families() {
        return List.of(new PersistenceCommands(saver, aof), new FunctionDumpCommands());
    }

    public BackgroundSaver saver() {
        return saver;
    }

    /** This server's encryption at rest (tests wait for its re-key). */
    public Sealing sealing() {
        return sealing;
    }

    /** This server's files. */
    public DiskFiles files() {
        return files;
    }

    // ------------------------------------------------------------------ PersistenceHooks

    @Override
    public String info() {
        return saver.info();
    }

    @Override
    public String[] aofInfo() {
        return aof.info();
    }

    @Override
    public String encryptionInfo() {
        return sealing.infoLines();
    }

    @Override
    public boolean prepareForShutdown(boolean save, boolean nosave, boolean force) {
        if (context.sentinelMode()) {
            return true; // a sentinel has no dataset: its state is its config file
        }
        return saver.prepareForShutdown(save, nosave, force);
    }

    @Override
    public boolean save() {
        return saver.save();
    }

    @Override
    public void flushedAll() {
        saver.flushedAll();
    }

    @Override
    public String reload(boolean merge, boolean flush, boolean save) {
        if (save && !saver.saveSync()) {
            return "ERR";
        }
        Keyspace loaded = context.keyspace.emptyLike();
        try {
            if (RdbFiles.loadAtStart(config, loaded, files, context.verifyRdbChecksums()) == null) {
                ServerLog.warning("DEBUG RELOAD: there is no RDB file to load (" + RdbFiles.rdbPath(config) + ")");
                return RELOAD_FAILED;
            }
        } catch (RdbLoader.LoadException e) {
            ServerLog.warning(e.getMessage());
            return RELOAD_FAILED;
        }
        if (flush) {
            context.keyspace.replaceContents(loaded);
            return null;
        }
        return DatasetMerge.into(context.keyspace, loaded, merge) ? null : RELOAD_FAILED;
    }

    private static final String RELOAD_FAILED = "ERR Error trying to load the RDB dump, check server logs.";

    /**
     * Sealing first (a wrong key or a plaintext file refuses start-up before anything is read),
     * then Redis's loadDataFromDisk() and aofOpenIfNeededOnServerStart(): with appendonly yes the
     * AOF is the source (an RDB file is then ignored, as in Redis), otherwise the RDB file. A file
     * that exists but cannot be loaded refuses start-up: starting empty would let the next save
     * overwrite it.
     */
    public void loadAtStart() throws StartupFailure {
        if (context.sentinelMode()) {
            return; // Redis loads no data in sentinel mode
        }
        try {
            sealing.start();
        } catch (SealException e) {
            throw new StartupFailure("Fatal error loading the persistence files (encryption at rest): "
                    + e.getMessage());
        }
        try {
            if (!aof.loadAtStart()) {
                RdbLoader.Result loaded = RdbFiles.loadAtStart(config, context.keyspace, files, context.verifyRdbChecksums());
                if (loaded != null) {
                    installFunctions(loaded.functions, RdbFiles.rdbPath(config).toString());
                    saver.lastLoad(loaded.keysLoaded, loaded.keysExpired);
                    startupMark = ReplicationDatasets.markOf(loaded.aux);
                }
            }
            aof.openAtStart();
        } catch (AofLoader.LoadException e) {
            throw new StartupFailure(e.getMessage());
        } catch (RdbLoader.LoadException e) {
            ServerLog.warning(e.getMessage());
            throw new StartupFailure(e.getMessage());
        } catch (IOException e) {
            ServerLog.warning("Can't open the append-only file: " + e.getMessage());
            throw new StartupFailure("Can't open the append-only file: " + e.getMessage());
        }
    }

    /** The libraries of a loaded RDB; one that cannot be created fails the load, as in Redis. */
    static void installFunctions(ServerContext context, java.util.List<byte[]> codes, String file)
            throws RdbLoader.LoadException {
        try {
            context.installFunctions(codes);
        } catch (io.redmesh.node.util.RedisException e) {
            throw new RdbLoader.LoadException("Failed loading the function libraries of " + file + ": "
                    + e.getMessage().replaceFirst("^ERR ", ""));
        }
    }

    private void installFunctions(java.util.List<byte[]> codes, String file) throws RdbLoader.LoadException {
        installFunctions(context, codes, file);
    }

    /** serverCron()'s persistence part: save points, scheduled saves and rewrites. Under the lock. */
    public void cron() {
        if (context.sentinelMode()) {
            return;
        }
        saver.cron();
    }

    /**
     * A Dispatcher gate: Redis 7.0 refuses writes, and PING, while RDB saving fails
     * (stop-writes-on-bgsave-error with save points) or while the AOF cannot be written:
     * -MISCONF, before the command is queued or run.
     */
    public String diskErrorGate(Session s, CommandSpec cmd, byte[][] argv) {
        // writeCommandsDeniedByDiskError(): the RDB's error first, then the AOF's
        String aofError = aof.writeError();
        if (!saver.writesDenied() && aofError == null) {
            return null;
        }
        boolean write = cmd.has(CommandFlag.WRITE) || cmd.fullName.equals("ping")
                || (cmd.fullName.equals("exec") && s.queuedWrite());
        if (!write) {
            return null;
        }
        return saver.writesDenied() ? PersistenceCommands.MISCONF : "MISCONF Errors writing to the AOF file: " + aofError;
    }

    /**
     * prepareForShutdown() for SIGTERM/SIGINT with shutdown-on-sigterm/sigint's flags (by
     * default: save when save points exist). False when that save failed: the server keeps running.
     */
    public boolean prepareForSignal(String sig) {
        if (context.sentinelMode()) {
            return true;
        }
        java.util.Set<String> f = signalFlags(sig);
        context.lock.lock();
        try {
            return saver.prepareForShutdown(f.contains("save"), f.contains("nosave"), f.contains("force"));
        } finally {
            context.lock.unlock();
        }
    }

    /** shutdown-on-sigint / -sigterm's flags (default, save, nosave, now, force), lower case. */
    public java.util.Set<String> signalFlags(String sig) {
        String flags = config.getString(sig.equals("INT") ? "shutdown-on-sigint" : "shutdown-on-sigterm");
        return java.util.Set.of(flags.toLowerCase(java.util.Locale.ROOT).split("\\s+"));
    }

    /** Closes the AOF and stops the re-key task; idempotent. */
    public void stop() {
        aof.shutdown();
        sealing.stop();
    }
}
