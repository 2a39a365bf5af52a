package io.redmesh.node.persist.io;

import io.redmesh.node.persist.seal.FileKind;
import io.redmesh.node.persist.seal.SealException;
import io.redmesh.node.persist.seal.SealedAppendFile;
import io.redmesh.node.persist.seal.SealedFiles;
import io.redmesh.node.persist.seal.SealedInputStream;
import io.redmesh.node.persist.seal.SealedOutputStream;
import io.redmesh.node.persist.seal.Sealing;
import io.redmesh.node.util.ServerLog;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
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
 *
 * <p>One instance per server, holding that server's {@link Sealing} (docs/ENCRYPTION.md): every
 * file under the server's {@code dir} is created sealed when {@code encryption-at-rest} seals its
 * {@link FileKind}, and opened sealed or plain by its magic. Files outside it are plain, and so
 * is every file of {@link #plain()} (tools, tests).
 *
 * <ul>
 * <li>{@link #create}: a whole file written once (RDB, temp, AOF base). Its {@code close()} writes
 *     the final segment, then flushes and fsyncs: close before {@link #commit}.
 * <li>{@link #open}: reads a file, sealed or plain, verifying every segment of a sealed one (a
 *     tampered, truncated or mis-keyed file throws {@link SealException} naming the file).
 * <li>{@link #append}: an append log (AOF incr): {@code flush()} hands what was written to the OS
 *     (sealed: one segment), {@code sync()} also fsyncs, {@code close()} ends the file.
 * </ul>
 * Never write persistence bytes through {@link #createChannel} directly when sealing may be on:
 * it is kept for callers that need a raw channel for non-data purposes.
 */
public final class DiskFiles {
    private static final DiskFiles PLAIN = new DiskFiles(null);

    /** Null for {@link #plain()}. */
    private final Sealing sealing;

    /** The files of the server whose encryption at rest is {@code sealing}. */
    public DiskFiles(Sealing sealing) {
        this.sealing = sealing;
    }

    /** Files that are never sealed (tools, tests); sealed ones still cannot be read without keys. */
    public static DiskFiles plain() {
        return PLAIN;
    }

    /** The sealing governing {@code p} (while the server runs, its {@code dir}), or null. */
    private Sealing sealingFor(Path p) {
        Sealing s = sealing;
        return s != null && s.governs(p) ? s : null;
    }

    // ------------------------------------------------------------------ files

    /** A new file (truncated if present) for writing; {@link #fsync} before closing matters. */
    public static FileChannel createChannel(Path p) throws IOException {
        return FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** What {@link #create} returns: an output stream that can fsync and fsyncs on close. */
    public static final class Output extends FilterOutputStream {
        private final FileChannel ch;
        private final OutputStream buffered;
        private final boolean sealed;
        private boolean closed;

        Output(OutputStream out, OutputStream buffered, FileChannel ch, boolean sealed) {
            super(out);
            this.ch = ch;
            this.buffered = buffered;
            this.sealed = sealed;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        /** Whether the bytes are sealed on disk. */
        public boolean sealed() {
            return sealed;
        }

        /**
         * Flushes and fsyncs what is complete (rdb-save-incremental-fsync); a sealed file's last,
         * partly filled segment reaches the disk at {@link #close()}.
         */
        public void sync() throws IOException {
            out.flush();
            ch.force(false);
        }

        /** Ends the file (final segment when sealed), flushes, fsyncs and closes. */
        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                out.close(); // a sealed stream writes its final segment; the buffer flushes
                buffered.flush();
                ch.force(true);
            } finally {
                ch.close();
            }
        }
    }

    public Output create(Path p, FileKind kind) throws IOException {
        return createSealedLike(p, p, kind);
    }

    /**
     * Creates {@code p}, sealed when {@code governing}'s directory seals {@code kind}. An AOF
     * manifest is never sealed: it holds file names, not data, and tools read it.
     */
    private Output createSealedLike(Path p, Path governing, FileKind kind) throws IOException {
        FileChannel ch = createChannel(p);
        OutputStream buffered = new BufferedOutputStream(Channels.newOutputStream(ch), 64 * 1024) {
            @Override
            public void close() throws IOException {
                flush(); // the channel closes after the fsync, in Output.close()
            }
        };
        Sealing s = sealingFor(governing);
        boolean manifest = governing.getFileName().toString().endsWith(".manifest");
        if (s != null && s.seals(kind) && !manifest) {
            try {
                return new Output(new SealedOutputStream(buffered, s.keys().active(), s.segmentSize()), buffered, ch,
                        true);
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        }
        return new Output(buffered, buffered, ch, false);
    }

    /**
     * Opens a file for reading: a sealed file (by its magic) is verified segment by segment as
     * it is read; a plain one is refused when sealing is required for its kind (unless
     * encryption-load-plaintext). An empty file reads as empty.
     */
    public InputStream open(Path p, FileKind kind) throws IOException {
        BufferedInputStream in = new BufferedInputStream(Files.newInputStream(p), 64 * 1024);
        try {
            in.mark(8);
            byte[] m = in.readNBytes(8);
            in.reset();
            Sealing s = sealingFor(p);
            boolean sealed = io.redmesh.node.persist.seal.SealHeader.isMagic(m, m.length);
            if (sealed) {
                if (s == null || s.keys() == null) {
                    throw new SealException(SealException.Reason.KEY_FILE, p + " is sealed (encryption at rest) but "
                            + "no encryption-key-file is configured");
                }
                boolean lenient = s.acceptsCrashTail(kind);
                return new SealedInputStream(in, s.keys(), p.toString(), lenient).onCrashTail(what ->
                        ServerLog.warning("!!! Warning: " + p + " was cut by a crash (" + what + "); loaded up to "
                                + "its last whole segment because aof-load-truncated is enabled !!!"));
            }
            if (m.length > 0 && s != null && s.refusesPlaintext(kind)
                    && !p.getFileName().toString().endsWith(".manifest")) {
                throw Sealing.plaintextRefused(p, kind);
            }
            return in;
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /**
     * A file written at its end (the AOF's incr files), opened through {@link #openAppend} so
     * that sealing can wrap it. Each {@link #write} hands its bytes to the OS (sealed: as one
     * segment, so a process crash keeps them); {@link #sync} is fdatasync; {@code close()} ends
     * the file (sealed: final segment) and fsyncs.
     */
    public interface AppendChannel extends Closeable {
        void write(ByteBuffer b) throws IOException;

        void sync() throws IOException;

        /** Whether the bytes are sealed on disk. */
        default boolean sealed() {
            return false;
        }
    }

    /**
     * Opens {@code p} for appending (created if missing; emptied first when {@code truncate}).
     * When sealing is on for {@code kind}, or the file is already sealed, it is a sealed append
     * file: an existing one continues in a new chained run (see {@link SealedAppendFile}); an
     * existing plaintext one (migration with encryption-load-plaintext) is sealed in place
     * first, so nothing is ever appended to plaintext.
     */
    public AppendChannel openAppend(Path p, FileKind kind, boolean truncate) throws IOException {
        Sealing s = sealingFor(p);
        if (truncate && Files.exists(p)) {
            // O_TRUNC, as Redis opens a new incr file: emptied in place (a link is followed)
            FileChannel.open(p, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING).close();
        }
        boolean existingSealed = Files.exists(p) && Files.size(p) > 0 && SealedFiles.isSealed(p);
        if (s != null && (s.seals(kind) || existingSealed)) {
            return sealedAppend(p, s, existingSealed);
        }
        if (existingSealed) {
            throw noKey(p);
        }
        FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        ch.position(ch.size());
        return new AppendChannel() {
            @Override
            public void write(ByteBuffer b) throws IOException {
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

    private static AppendChannel sealedAppend(Path p, Sealing s, boolean existingSealed) throws IOException {
        if (s.keys() == null) {
            throw noKey(p);
        }
        if (!existingSealed && Files.exists(p) && Files.size(p) > 0) {
            ServerLog.notice("Encryption at rest: sealing the plaintext " + p + " before appending to it");
            SealedFiles.seal(p, p, s.keys().active(), s.segmentSize());
        }
        SealedAppendFile f = SealedAppendFile.open(p, s.keys(), s.segmentSize());
        if (f.repaired() != null) {
            ServerLog.warning(p + ": " + f.repaired() + " (a crash while appending)");
        }
        s.track(f);
        return new AppendChannel() {
            @Override
            public void write(ByteBuffer b) throws IOException {
                if (b.hasArray()) {
                    f.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
                    b.position(b.limit());
                } else {
                    byte[] copy = new byte[b.remaining()];
                    b.get(copy);
                    f.write(copy, 0, copy.length);
                }
                f.flush();
            }

            @Override
            public void sync() throws IOException {
                f.sync();
            }

            @Override
            public boolean sealed() {
                return true;
            }

            @Override
            public void close() throws IOException {
                s.untrack(f);
                f.close();
            }
        };
    }

    private static SealException noKey(Path p) {
        return new SealException(SealException.Reason.KEY_FILE, p + " is sealed (encryption at rest) but no "
                + "encryption-key-file is configured");
    }

    /** A new file whose {@code close()} ends it (sealed: final segment), flushes and fsyncs. */
    public Output createDurable(Path p, FileKind kind) throws IOException {
        return create(p, kind);
    }

    /**
     * Cuts a file at {@code size} (the AOF loader dropping an incomplete last command). For a
     * sealed file {@code size} is a plaintext offset: the kept prefix is re-sealed into a new
     * append file that replaces it atomically (new data key: no nonce is ever reused).
     */
    public void truncate(Path p, long size) throws IOException {
        if (isSealed(p)) {
            Sealing s = sealingFor(p);
            if (s == null || s.keys() == null) {
                throw noKey(p);
            }
            Path tmp = p.resolveSibling("temp-truncate-" + p.getFileName());
            Files.deleteIfExists(tmp);
            try (InputStream in = open(p, FileKind.AOF);
                 SealedAppendFile out = SealedAppendFile.open(tmp, s.keys(), s.segmentSize())) {
                byte[] buf = new byte[64 * 1024];
                long left = size;
                while (left > 0) {
                    int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                    if (n < 0) {
                        break;
                    }
                    out.write(buf, 0, n);
                    left -= n;
                }
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
            commit(tmp, p);
            return;
        }
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.truncate(size);
            ch.force(true);
        }
    }

    /**
     * A file written whole then swapped in: the content goes to {@code tmp} (sealed as the
     * target's kind when sealing is on); {@link #commit} ends it, fsyncs and atomically renames
     * it over the target; {@link #close} without a commit deletes the temp file, so a failed or
     * interrupted write leaves the previous file intact.
     */
    public static final class AtomicFile implements Closeable {
        private final DiskFiles files;
        private final Path tmp;
        private final Path target;
        private final Output out;
        private boolean committed;

        private AtomicFile(DiskFiles files, Path tmp, Path target, FileKind kind) throws IOException {
            this.files = files;
            this.tmp = tmp;
            this.target = target;
            // The content becomes the target's: it is written (and sealed) as the target's kind.
            this.out = files.createSealedLike(tmp, target, kind);
        }

        public OutputStream stream() {
            return out;
        }

        public Path tmp() {
            return tmp;
        }

        /** End (final segment), fsync, close, rename over the target, fsync the directory. */
        public void commit() throws IOException {
            out.close();
            files.commit(tmp, target);
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
    public AtomicFile createAtomic(Path tmp, Path target, FileKind kind) throws IOException {
        return new AtomicFile(this, tmp, target, kind);
    }

    /** Whether a file on disk is sealed (starts with the seal magic). */
    public static boolean isSealed(Path p) throws IOException {
        return Files.exists(p) && SealedFiles.isSealed(p);
    }

    /** fsync of a file's data, then of its directory entry after a rename. */
    public static void fsync(FileChannel ch) throws IOException {
        ch.force(true);
    }

    /** fsync of a closed file by path. */
    public static void fsync(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /** Atomically replaces {@code target} with the fully written {@code tmp}, then syncs the directory. */
    public void commit(Path tmp, Path target) throws IOException {
        Sealing s = sealingFor(target);
        if (s == null) {
            move(tmp, target);
            return;
        }
        synchronized (s.commitLock) { // an online re-key must not put an older file back over this one
            move(tmp, target);
            s.committed(target); // sealed under a key rotated out meanwhile: re-wrapped now
        }
    }

    private static void move(Path tmp, Path target) throws IOException {
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
