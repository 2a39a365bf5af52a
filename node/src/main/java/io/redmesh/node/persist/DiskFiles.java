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
        return new BufferedOutputStream(Channels.newOutputStream(createChannel(p)), 64 * 1024);
    }

    public static InputStream open(Path p, Kind kind) throws IOException {
        return new BufferedInputStream(Files.newInputStream(p), 64 * 1024);
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

    static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Some file systems refuse to open a directory; the rename is still atomic there.
        }
    }
}
