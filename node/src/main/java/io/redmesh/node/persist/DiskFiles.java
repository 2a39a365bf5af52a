package io.redmesh.node.persist;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The one place persistence opens files, so that encryption at rest can wrap every stream that
 * reaches or leaves the disk (RDB, AOF, their temp files) and nothing is written around it.
 * Crash safety: a snapshot is written to a temp file, fsynced, then atomically renamed.
 */
public final class DiskFiles {
    /** What a file holds; encryption at rest may seal each kind or not. */
    public enum Kind { RDB, AOF, TEMP }

    private DiskFiles() {}

    /** A new file (truncated if present) for writing; {@link #fsync} before closing matters. */
    public static FileChannel createChannel(Path p) throws IOException {
        return FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    public static OutputStream create(Path p, Kind kind) throws IOException {
        return new BufferedOutputStream(wrapOut(Channels.newOutputStream(createChannel(p)), kind), 64 * 1024);
    }

    /**
     * Every stream that writes a persistence file passes here (create, createAtomic): the one
     * place where encryption at rest wraps them. Plain for now.
     */
    static OutputStream wrapOut(OutputStream raw, Kind kind) throws IOException {
        return raw;
    }

    /** Every stream that reads a persistence file passes here (open). Plain for now. */
    static InputStream wrapIn(InputStream raw, Kind kind) throws IOException {
        return raw;
    }

    /**
     * A file written whole then swapped in: the content goes to {@code tmp}; {@link #commit}
     * flushes, fsyncs and atomically renames it over the target; {@link #close} without a commit
     * deletes the temp file, so a failed or interrupted write leaves the previous file intact.
     */
    public static final class AtomicFile implements java.io.Closeable {
        private final Path tmp;
        private final Path target;
        private final FileChannel channel;
        private final OutputStream out;
        private boolean committed;

        private AtomicFile(Path tmp, Path target, Kind kind) throws IOException {
            this.tmp = tmp;
            this.target = target;
            this.channel = createChannel(tmp);
            // The content becomes the target's: it is written (and sealed) as the target's kind.
            this.out = wrapOut(Channels.newOutputStream(channel), kind);
        }

        /** Unbuffered: writers bring their own large buffer. */
        public OutputStream stream() {
            return out;
        }

        public Path tmp() {
            return tmp;
        }

        /** fsync, close, rename over the target, fsync the directory. */
        public void commit() throws IOException {
            out.flush();
            fsync(channel);
            out.close();
            DiskFiles.commit(tmp, target);
            committed = true;
        }

        @Override
        public void close() throws IOException {
            if (!committed) {
                try {
                    out.close();
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
        }
    }

    /** Starts an {@link AtomicFile}: {@code tmp} (in the target's directory) becomes {@code target}. */
    public static AtomicFile createAtomic(Path tmp, Path target, Kind kind) throws IOException {
        return new AtomicFile(tmp, target, kind);
    }

    public static InputStream open(Path p, Kind kind) throws IOException {
        return new BufferedInputStream(wrapIn(Files.newInputStream(p), kind), 64 * 1024);
    }

    /**
     * A file written at its end (the AOF's incr files), opened through {@link #openAppend} so
     * that sealing can wrap it. {@link #sync} is fdatasync.
     */
    public interface AppendChannel extends java.io.Closeable {
        void write(java.nio.ByteBuffer b) throws IOException;

        void sync() throws IOException;
    }

    /** Opens {@code p} for appending (created if missing; emptied first when {@code truncate}). */
    public static AppendChannel openAppend(Path p, Kind kind, boolean truncate) throws IOException {
        FileChannel ch = truncate
                ? FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)
                : FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        if (!truncate) {
            ch.position(ch.size());
        }
        return new AppendChannel() {
            @Override
            public void write(java.nio.ByteBuffer b) throws IOException {
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }

            @Override
            public void sync() throws IOException {
                ch.force(false);
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
    }

    /**
     * A new file for a snapshot or a rewrite whose {@code close()} flushes and fsyncs before
     * closing, so that a following {@link #commit} renames durable data.
     */
    public static OutputStream createDurable(Path p, Kind kind) throws IOException {
        FileChannel ch = createChannel(p);
        return new BufferedOutputStream(Channels.newOutputStream(ch), 64 * 1024) {
            @Override
            public void close() throws IOException {
                try {
                    flush();
                    ch.force(true);
                } finally {
                    ch.close();
                }
            }
        };
    }

    /** Cuts a file at {@code size} (the AOF loader dropping an incomplete last command). */
    public static void truncate(Path p, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.truncate(size);
            ch.force(true);
        }
    }

    /** fsync of a file's data, then of its directory entry after a rename. */
    public static void fsync(FileChannel ch) throws IOException {
        ch.force(true);
    }

    /** Atomically replaces {@code target} with the fully written {@code tmp}, then syncs the directory. */
    public static void commit(Path tmp, Path target) throws IOException {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(target.toAbsolutePath().getParent());
    }

    public static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Some file systems refuse to open a directory; the rename is still atomic there.
        }
    }
}
