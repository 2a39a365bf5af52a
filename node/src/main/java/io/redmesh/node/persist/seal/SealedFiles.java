package io.redmesh.node.persist.seal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/** Whole-file operations on sealed files: detect, verify, re-wrap, seal and unseal copies. */
public final class SealedFiles {
    private SealedFiles() {}

    /** Whether the file starts with the seal magic (an absent or short file is not sealed). */
    public static boolean isSealed(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            byte[] m = in.readNBytes(8);
            return SealHeader.isMagic(m, m.length);
        }
    }

    /** The first header of a sealed file (key id, mode), without unwrapping anything. */
    public static SealHeader header(Path p) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(p))) {
            return SealHeader.read(in, false);
        } catch (SealException e) {
            throw e.in(p);
        } catch (java.io.EOFException e) {
            throw new SealException(SealException.Reason.TRUNCATED, p + ": truncated: the file ends inside its header");
        }
    }

    /**
     * Checks that every run's data key unwraps with {@code keys} (wrong key, unknown key id,
     * tampered header), without reading the body: the cheap check at start-up.
     */
    public static void checkHeaders(Path p, Keyring keys) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(p), 64 * 1024)) {
            SealLayout.walk(in, new SealLayout.Visitor() {
                @Override
                public void header(SealHeader h) throws IOException {
                    Arrays.fill(h.unwrap(keys), (byte) 0);
                }

                @Override
                public void record(int word, byte[] buf, int len) {}
            });
        } catch (SealException e) {
            throw e.in(p);
        }
    }

    /**
     * Verifies every segment's tag, the chaining of runs and the final flag; returns the
     * plaintext length. Throws SealException naming the file and the failure.
     */
    public static long verify(Path p, Keyring keys, boolean acceptCrashTail) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(p), 64 * 1024);
             SealedInputStream in = new SealedInputStream(raw, keys, p.toString(), acceptCrashTail)) {
            return in.verifyAll();
        }
    }

    /** Seals {@code plain} into {@code sealed} (written to a temp file, fsynced, renamed). */
    public static void seal(Path plain, Path sealed, MasterKeyProvider key, int segmentSize) throws IOException {
        Path tmp = tempFor(sealed);
        try (InputStream in = Files.newInputStream(plain);
             FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream out = new SealedOutputStream(new BufferedOutputStream(
                    java.nio.channels.Channels.newOutputStream(ch), 64 * 1024) {
                @Override
                public void close() throws IOException {
                    flush(); // the channel is closed (after fsync) by the try block
                }
            }, key, segmentSize);
            in.transferTo(out);
            out.close();
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        replace(tmp, sealed);
    }

    /** Verifies and unseals {@code sealed} into {@code plain}; nothing is left behind on failure. */
    public static long unseal(Path sealed, Path plain, Keyring keys, boolean acceptCrashTail) throws IOException {
        Path tmp = tempFor(plain);
        long n;
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(sealed), 64 * 1024);
             SealedInputStream in = new SealedInputStream(raw, keys, sealed.toString(), acceptCrashTail);
             OutputStream out = ownerOnly(tmp)) {
            n = in.transferTo(out);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        replace(tmp, plain);
        return n;
    }

    /**
     * Re-wraps every run's data key under {@code keys}' active master key: a copy with new
     * headers and byte-identical segments is written, fsynced and renamed over the file, so a
     * crash leaves either the old or the new file, both readable. Returns false (nothing
     * written) when every run already uses the active key.
     */
    public static boolean rewrap(Path p, Keyring keys) throws IOException {
        Path tmp = rewrapCopy(p, keys);
        if (tmp == null) {
            return false;
        }
        replace(tmp, p);
        return true;
    }

    /**
     * The first half of {@link #rewrap}: writes and fsyncs the re-wrapped copy and returns it
     * (null when nothing needs re-wrapping), so a caller can swap it in under its own lock.
     */
    public static Path rewrapCopy(Path p, Keyring keys) throws IOException {
        MasterKeyProvider active = keys.active();
        boolean[] needed = {false};
        try (InputStream in = new BufferedInputStream(Files.newInputStream(p), 64 * 1024)) {
            SealLayout.walk(in, new SealLayout.Visitor() {
                @Override
                public void header(SealHeader h) {
                    needed[0] |= !h.keyId.equals(active.keyId());
                }

                @Override
                public void record(int word, byte[] buf, int len) {}
            });
        } catch (SealException e) {
            throw e.in(p);
        }
        if (!needed[0]) {
            return null;
        }
        Path tmp = tempFor(p);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(p), 64 * 1024);
             FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream out = new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(ch), 64 * 1024);
            SealLayout l = SealLayout.walk(in, new SealLayout.Visitor() {
                @Override
                public void header(SealHeader h) throws IOException {
                    byte[] dek = h.unwrap(keys);
                    out.write(h.rewrapped(active, dek).encode());
                    Arrays.fill(dek, (byte) 0);
                }

                @Override
                public void record(int word, byte[] buf, int len) throws IOException {
                    out.write(word >>> 24);
                    out.write(word >>> 16);
                    out.write(word >>> 8);
                    out.write(word);
                    out.write(buf, 0, len);
                }
            });
            if (l.torn) {
                // keep a crash-cut tail as it is: the loader decides about it, not a re-key
                try (InputStream rest = Files.newInputStream(p)) {
                    rest.skipNBytes(l.end);
                    rest.transferTo(out);
                }
            }
            out.flush();
            ch.force(true);
        } catch (SealException e) {
            Files.deleteIfExists(tmp);
            throw e.in(p);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        return tmp;
    }

    /** A new file readable by its owner only (decrypted data is as sensitive as the key). */
    private static OutputStream ownerOnly(Path p) throws IOException {
        Files.deleteIfExists(p);
        try {
            Files.createFile(p, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(p);
        }
        return Files.newOutputStream(p, StandardOpenOption.WRITE);
    }

    /** A temp file next to {@code target} ("temp-" prefix, as Redis names its temp files). */
    static Path tempFor(Path target) {
        Path abs = target.toAbsolutePath();
        return abs.resolveSibling("temp-seal-" + ProcessHandle.current().pid() + "-" + abs.getFileName());
    }

    /** Atomic rename of a fully written file over {@code target}, then a directory fsync. */
    public static void replace(Path tmp, Path target) throws IOException {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(target.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // some file systems refuse to open a directory; the rename is atomic all the same
        }
    }
}
