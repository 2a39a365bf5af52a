package io.redmesh.node.spi;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Whole-dataset transfer for replication: an RDB of the keyspace at one instant, from the
 * fork-less snapshot BGSAVE uses, and an RDB loaded into a fresh keyspace that then replaces the
 * live one in one atomic step.
 */
public interface Datasets {
    /** A snapshot is already walking the keyspace (BGSAVE, AOF rewrite, another sync): try later. */
    final class SnapshotBusyException extends Exception {
        private static final long serialVersionUID = 1L;

        public SnapshotBusyException() {
            super("a snapshot is already running");
        }
    }

    /**
     * Starts an RDB of the keyspace to {@code out} (diskless sync). The instant is taken under the
     * keyspace lock, and {@code mark} is asked in that same locked step (so the replication offset
     * it returns is exactly the instant's); the walk then runs on its own thread, writing to
     * {@code out} outside the lock. The future completes after the last byte was written (out is
     * not closed), or fails with what failed. Cancelling it stops the walk.
     */
    CompletableFuture<Long> streamRdb(OutputStream out, Supplier<ReplicationMark> mark) throws SnapshotBusyException;

    /**
     * A background save to {@code dbfilename} (sealed as the node seals its RDB files) whose
     * instant fixes {@code mark} as {@link #streamRdb} does: disk-backed sync.
     */
    CompletableFuture<SavedRdb> saveRdb(Supplier<ReplicationMark> mark) throws SnapshotBusyException;

    /** A saved RDB file, read back unsealed. */
    interface SavedRdb {
        /** Plain (unsealed) length: what "$len" announces. */
        long length();

        InputStream open() throws java.io.IOException;
    }

    /**
     * Loads an RDB stream into a fresh keyspace on the caller's thread (not under the lock; the
     * live keyspace keeps serving). Expired keys are kept when {@code keepExpired} (a replica
     * keeps them until its master deletes them).
     *
     * @throws RequestRefusedException when the stream is not a loadable RDB (the message says where)
     */
    LoadedDataset loadRdb(InputStream in, String name, boolean keepExpired) throws RequestRefusedException;

    /** A keyspace loaded aside, not yet serving. */
    interface LoadedDataset {
        /** The RDB's aux fields (repl-id, repl-offset, repl-stream-db, ...). */
        Map<String, String> aux();

        long keys();

        /** Bytes the stream held past the RDB's end (read ahead by the loader): a payload must have none. */
        long trailing();
    }

    /**
     * Replaces the live keyspace with a loaded one, under the lock, in one step: clients see the
     * old data or the new, never a mix; WATCHed keys are touched.
     */
    void install(LoadedDataset loaded);

    /** Whether every database is empty (repl-diskless-load on-empty-db). */
    boolean empty();

    /** Empties every database now (Redis's emptyData before a disk-based load). */
    void flushAll();

    /**
     * A file in {@code dir} for an RDB received from a master (repl-diskless-load disabled),
     * written sealed when encryption-at-rest seals RDB files.
     */
    ReceivedFile receiveFile() throws java.io.IOException;

    /** A received RDB being written; committed as {@code dbfilename}, or dropped. */
    interface ReceivedFile {
        OutputStream out();

        /** Fsyncs, renames over dbfilename and loads it aside (see {@link #loadRdb}). */
        LoadedDataset commitAndLoad() throws java.io.IOException, RequestRefusedException;

        void discard();
    }

    /** What every RDB the node writes records as its replication position (null: nothing). */
    void markSource(Supplier<ReplicationMark> mark);

    /** The replication position the RDB loaded at start-up recorded, or null. */
    ReplicationMark loadedAtStart();
}
