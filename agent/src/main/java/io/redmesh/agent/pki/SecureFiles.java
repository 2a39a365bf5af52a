package io.redmesh.agent.pki;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes key material so that a reader (a server reloading its TLS files, an agent restarting)
 * sees either the old file or the complete new one, never a torn one: temporary file in the same
 * directory, fsync, rename over the target, fsync of the directory. Private keys are created with
 * mode 0600 from the start (no window where another user could open them).
 */
public final class SecureFiles {
    private static final Set<PosixFilePermission> SECRET = Set.copyOf(PosixFilePermissions.fromString("rw-------"));
    private static final Set<PosixFilePermission> PUBLIC = Set.copyOf(PosixFilePermissions.fromString("rw-r--r--"));

    private SecureFiles() {}

    /** Atomically replaces {@code target} with a 0600 file holding {@code data}. */
    public static void writeSecret(Path target, byte[] data) throws IOException {
        write(target, data, SECRET, true);
    }

    /** Atomically replaces {@code target} with a 0644 file (certificates, bundles). */
    public static void writePublic(Path target, byte[] data) throws IOException {
        write(target, data, PUBLIC, true);
    }

    /** As {@link #writeSecret} but fails with FileAlreadyExistsException if the target exists. */
    public static void createSecret(Path target, byte[] data) throws IOException {
        write(target, data, SECRET, false);
    }

    /** As {@link #writePublic} but fails with FileAlreadyExistsException if the target exists. */
    public static void createPublic(Path target, byte[] data) throws IOException {
        write(target, data, PUBLIC, false);
    }

    private static void write(Path target, byte[] data, Set<PosixFilePermission> mode, boolean replace)
            throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        if (!replace && Files.exists(abs)) {
            throw new FileAlreadyExistsException(abs.toString(), null, "refusing to overwrite");
        }
        Path tmp = dir.resolve("." + abs.getFileName() + ".tmp-" + ProcessHandle.current().pid()
                + "-" + Thread.currentThread().getId());
        Files.deleteIfExists(tmp);
        boolean posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
        try {
            try (FileChannel ch = posix
                    ? FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                            PosixFilePermissions.asFileAttribute(mode))
                    : FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(data);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            if (posix) {
                // The umask may have narrowed the creation mode; set it exactly.
                Files.setPosixFilePermissions(tmp, mode);
            }
            if (!replace && Files.exists(abs)) {
                throw new FileAlreadyExistsException(abs.toString(), null, "refusing to overwrite");
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // Not every platform can open a directory; the rename itself is still atomic.
        }
    }
}
