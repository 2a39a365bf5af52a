package io.redmesh.node.persist.seal;

import io.redmesh.node.config.ConfigException;
import io.redmesh.node.config.ServerConfig;
import io.redmesh.node.util.ServerLog;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Encryption at rest for one server: its directives, its master keys, which kinds of files are
 * sealed, and online re-key. The server's {@code persist.io.DiskFiles} holds it and asks it how to
 * open each file under {@link #dir()}; files elsewhere are plain.
 *
 * <pre>
 * encryption-at-rest no|yes            seal new persistence files
 * encryption-key-file &lt;path&gt;           master key(s): "&lt;id&gt; &lt;hex|base64&gt;" lines, first seals;
 *                                      CONFIG SET (even to the same path) rotates online
 * encryption-seal rdb aof temp         which kinds are sealed when on (default: all)
 * encryption-load-plaintext no|yes     migration: load unsealed files while sealing is on
 * </pre>
 */
public final class Sealing {
    private final ServerConfig config;
    private volatile Keyring keys;
    private volatile Set<FileKind> kinds = EnumSet.allOf(FileKind.class);
    /** The server's {@code dir} while it runs (files under it follow this sealing), else null. */
    private volatile Path registeredDir;
    private final List<SealedAppendFile> openAppends = new CopyOnWriteArrayList<>();
    /** Held while a file replaces another in the server's directory (commit, re-wrap). */
    public final Object commitLock = new Object();
    private volatile boolean rekeyInProgress;
    private volatile long rekeysDone;
    private volatile String lastRekeyError = "";
    private Thread rekeyThread;
    private int segmentSize = SealHeader.DEFAULT_SEGMENT;

    private Sealing(ServerConfig config) {
        this.config = config;
    }

    /** Creates the server's sealing and hooks it to its directives. */
    public static Sealing install(ServerConfig config) {
        Sealing s = new Sealing(config);
        config.onChange("encryption-seal", v -> s.kinds = parseKindSet((String) v));
        config.validator("encryption-at-rest", v -> {
            if ((Boolean) v && s.keys == null && config.getString("encryption-key-file").isEmpty()) {
                throw new ConfigException("encryption-at-rest needs encryption-key-file");
            }
        });
        config.onChange("encryption-key-file", v -> s.keyFileChanged((String) v));
        config.onChange("dir", v -> s.register());
        return s;
    }

    // ------------------------------------------------------------------ directives

    /**
     * The checks this package owns for its directives (encryption-seal's kinds), run on the
     * file, the command line and CONFIG SET; registered before the configuration is loaded.
     */
    public static void registerDirectives(ServerConfig config) {
        config.parser("encryption-seal", Sealing::parseKinds);
    }

    /** encryption-seal: a set of rdb, aof, temp, printed back in that order. */
    public static String parseKinds(List<String> args) {
        Set<FileKind> set = EnumSet.noneOf(FileKind.class);
        for (String a : String.join(" ", args).split(" ")) {
            if (a.isEmpty()) {
                continue;
            }
            try {
                set.add(FileKind.valueOf(a.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("Invalid file kind '" + a + "', use rdb, aof and/or temp");
            }
        }
        StringBuilder sb = new StringBuilder();
        for (FileKind k : set) {
            sb.append(sb.length() == 0 ? "" : " ").append(k.name().toLowerCase(Locale.ROOT));
        }
        return sb.toString();
    }

    private static Set<FileKind> parseKindSet(String v) {
        Set<FileKind> set = EnumSet.noneOf(FileKind.class);
        for (String a : v.split(" ")) {
            if (!a.isEmpty()) {
                set.add(FileKind.valueOf(a.toUpperCase(Locale.ROOT)));
            }
        }
        return set;
    }

    /** Whether new files of this kind are sealed. */
    public boolean seals(FileKind kind) {
        return keys != null && config.getBool("encryption-at-rest") && kinds.contains(kind);
    }

    /** Whether an unsealed file of this kind must be refused (sealing on, no migration allowed). */
    public boolean refusesPlaintext(FileKind kind) {
        return seals(kind) && !config.getBool("encryption-load-plaintext");
    }

    /** Master keys for reading, or null when no key file is configured. */
    public Keyring keys() {
        return keys;
    }

    public int segmentSize() {
        return segmentSize;
    }

    /** Tests: small segments exercise boundaries. */
    public void segmentSize(int n) {
        segmentSize = n;
    }

    /** Whether a crash-cut append file of this kind is read up to its last whole segment. */
    public boolean acceptsCrashTail(FileKind kind) {
        return kind == FileKind.AOF && config.getBool("aof-load-truncated");
    }

    /** Tracks an append file so an online re-key reaches it too; {@link #untrack} on close. */
    public void track(SealedAppendFile f) {
        openAppends.add(f);
    }

    public void untrack(SealedAppendFile f) {
        openAppends.remove(f);
    }

    // ------------------------------------------------------------------ start-up

    /**
     * Start-up checks, before anything is loaded: the key file reads (owner-only, well formed),
     * sealing on has a key, every sealed file in the directory opens with the configured keys
     * (wrong key or tampered header refuse start-up, naming the file), and no plaintext file is
     * present where sealing is required (unless encryption-load-plaintext). The body of each file
     * is verified as the loader reads it.
     */
    public void start() throws SealException {
        String keyFile = config.getString("encryption-key-file");
        if (!keyFile.isEmpty()) {
            List<KeyFileProvider> loaded = KeyFileProvider.load(Path.of(keyFile));
            keys = new Keyring(loaded);
        }
        if (config.getBool("encryption-at-rest")) {
            if (keys == null) {
                throw new SealException(SealException.Reason.KEY_FILE,
                        "encryption-at-rest is on but no encryption-key-file is configured");
            }
            ServerLog.notice("Encryption at rest on: sealing " + config.getString("encryption-seal")
                    + " with master key '" + keys.active().keyId() + "'");
        }
        register();
        try {
            checkFiles();
        } catch (SealException e) {
            registeredDir = null; // start-up fails: this server writes nothing sealed
            throw e;
        }
    }

    private void checkFiles() throws SealException {
        for (Path p : persistenceFiles()) {
            try {
                if (Files.size(p) == 0) {
                    continue;
                }
                if (SealedFiles.isSealed(p)) {
                    if (keys == null) {
                        throw new SealException(SealException.Reason.KEY_FILE, p + " is sealed but no "
                                + "encryption-key-file is configured");
                    }
                    SealedFiles.checkHeaders(p, keys);
                } else if (refusesPlaintext(kindOf(p))) {
                    throw plaintextRefused(p, kindOf(p));
                }
            } catch (SealException e) {
                throw e;
            } catch (IOException e) {
                throw new SealException(SealException.Reason.BAD_HEADER, p + ": " + e.getMessage(), e);
            }
        }
    }

    public static SealException plaintextRefused(Path p, FileKind kind) {
        return new SealException(SealException.Reason.PLAINTEXT_REFUSED, p + " is not sealed, but encryption-at-rest "
                + "seals " + kind.name().toLowerCase(Locale.ROOT) + " files: refusing to load plaintext (to migrate, "
                + "seal it with 'redmesh rdb encrypt' or set encryption-load-plaintext yes once)");
    }

    private FileKind kindOf(Path p) {
        return p.getParent() != null && p.getParent().getFileName() != null && p.getParent().getFileName().toString()
                .equals(config.getString("appenddirname")) ? FileKind.AOF : FileKind.RDB;
    }

    /** The RDB file and every file in the AOF directory except the manifest (plaintext by design). */
    private List<Path> persistenceFiles() {
        List<Path> out = new ArrayList<>();
        Path dir = Path.of(config.getString("dir"));
        Path rdb = dir.resolve(config.getString("dbfilename"));
        if (Files.isRegularFile(rdb)) {
            out.add(rdb);
        }
        Path aofDir = dir.resolve(config.getString("appenddirname"));
        if (Files.isDirectory(aofDir)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(aofDir)) {
                for (Path p : ds) {
                    if (Files.isRegularFile(p) && !p.getFileName().toString().endsWith(".manifest")) {
                        out.add(p);
                    }
                }
            } catch (IOException e) {
                ServerLog.warning("Cannot list " + aofDir + ": " + e.getMessage());
            }
        }
        return out;
    }

    /** Follows the current {@code dir} (start-up, CONFIG SET dir). */
    private void register() {
        registeredDir = Path.of(config.getString("dir")).toAbsolutePath().normalize();
    }

    /**
     * Whether {@code p} is one of this server's files: under its {@code dir} while the server
     * runs. Files outside it (tools, another server's) are not sealed by it.
     */
    public boolean governs(Path p) {
        Path dir = registeredDir;
        if (dir == null) {
            return false;
        }
        Path d = p.toAbsolutePath().normalize().getParent();
        return d != null && d.startsWith(dir);
    }

    /** The server stops: no more files for it. */
    public void stop() {
        registeredDir = null;
        Thread t;
        synchronized (this) {
            t = rekeyThread;
        }
        if (t != null) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ------------------------------------------------------------------ online re-key

    /**
     * CONFIG SET encryption-key-file: the new file's first key seals from now on (new snapshots
     * get new data keys under it); the previous keys stay readable while a background task
     * re-wraps every sealed file's data keys (headers only, each file atomically replaced). A key
     * file that does not load refuses the CONFIG SET.
     */
    private void keyFileChanged(String path) {
        if (registeredDir == null) {
            return; // start-up: start() loads it
        }
        if (path.isEmpty()) {
            if (config.getBool("encryption-at-rest")) {
                throw new ConfigException("encryption-at-rest needs encryption-key-file");
            }
            return; // keep the keys to read existing sealed files
        }
        Keyring fresh;
        try {
            fresh = new Keyring(KeyFileProvider.load(Path.of(path)));
        } catch (SealException e) {
            throw new ConfigException(e.getMessage());
        }
        Keyring old = keys;
        keys = old == null ? fresh : fresh.plus(old);
        ServerLog.notice("Encryption at rest: master key is now '" + fresh.active().keyId() + "'"
                + (old == null ? "" : ", re-wrapping data keys sealed under older keys"));
        if (old != null) {
            startRekey(fresh);
        }
    }

    private synchronized void startRekey(Keyring fresh) {
        Thread previous = rekeyThread;
        rekeyInProgress = true;
        rekeyThread = new Thread(() -> {
            if (previous != null) {
                try {
                    previous.join();
                } catch (InterruptedException e) {
                    return;
                }
            }
            rekey(fresh);
        }, "redmesh-rekey");
        rekeyThread.setDaemon(true);
        rekeyThread.start();
    }

    private void rekey(Keyring fresh) {
        Keyring reading = keys;
        int rewrapped = 0;
        String error = "";
        for (SealedAppendFile f : openAppends) {
            try {
                f.rekey(reading);
                rewrapped++;
            } catch (IOException e) {
                error = f.path() + ": " + e.getMessage();
            }
        }
        for (Path p : persistenceFiles()) {
            if (openAppends.stream().anyMatch(f -> f.path().equals(p))) {
                continue;
            }
            try {
                if (SealedFiles.isSealed(p) && rewrapIfUnchanged(p, reading)) {
                    rewrapped++;
                }
            } catch (java.nio.file.NoSuchFileException e) {
                // deleted meanwhile (an AOF rewrite retiring history files): nothing to re-wrap
            } catch (IOException e) {
                error = e.getMessage();
            }
        }
        synchronized (this) {
            // The old keys stay in memory (never on disk) until restart: a snapshot that began
            // before the rotation may still commit a file sealed under one; committed() re-wraps it.
            lastRekeyError = error;
            rekeysDone++;
            rekeyInProgress = rekeyThread != Thread.currentThread();
        }
        if (error.isEmpty()) {
            ServerLog.notice("Encryption at rest: re-key done, " + rewrapped + " file(s) re-wrapped under '"
                    + fresh.active().keyId() + "'");
        } else {
            ServerLog.warning("Encryption at rest: re-key incomplete (older keys kept for reading): " + error);
        }
    }

    /**
     * Re-wraps {@code p} unless it was replaced meanwhile (a snapshot committed a new file: that
     * one is already sealed under the new key, and the old one must not be put back over it):
     * the copy is made outside any lock, the swap under {@link #commitLock}, which
     * {@code DiskFiles.commit} also takes, after checking the file is still the one copied.
     */
    private boolean rewrapIfUnchanged(Path p, Keyring reading) throws IOException {
        Object before = fileKey(p);
        Path tmp = SealedFiles.rewrapCopy(p, reading);
        if (tmp == null) {
            return false;
        }
        synchronized (commitLock) {
            if (!Files.exists(p) || !java.util.Objects.equals(before, fileKey(p))) {
                Files.deleteIfExists(tmp);
                return false;
            }
            SealedFiles.replace(tmp, p);
            return true;
        }
    }

    private static Object fileKey(Path p) throws IOException {
        var a = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class);
        Object k = a.fileKey();
        return k == null ? a.lastModifiedTime() + "/" + a.size() : k + "/" + a.lastModifiedTime() + "/" + a.size();
    }

    /**
     * A file was just renamed into place (DiskFiles.commit, under {@link #commitLock}): if a
     * snapshot that began before a rotation sealed it under an older master key, its data key is
     * re-wrapped now, so no file on disk ever needs a key that is no longer in the key file.
     */
    public void committed(Path target) throws IOException {
        Keyring k = keys;
        if (k == null || !SealedFiles.isSealed(target)
                || SealedFiles.header(target).keyId().equals(k.active().keyId())) {
            return;
        }
        SealedFiles.rewrap(target, k);
        ServerLog.notice("Encryption at rest: " + target + " was sealed under an older master key; re-wrapped under '"
                + k.active().keyId() + "'");
    }

    /** Waits for a running re-key (tests, SHUTDOWN). */
    public void awaitRekey() throws InterruptedException {
        Thread t;
        synchronized (this) {
            t = rekeyThread;
        }
        if (t != null) {
            t.join();
        }
    }

    /**
     * INFO persistence fields (RedMesh additions), only when encryption at rest is in use (a key
     * file configured): without it INFO persistence is exactly Redis 7.0's.
     */
    public String infoLines() {
        Keyring k = keys;
        if (k == null && !config.getBool("encryption-at-rest")) {
            return "";
        }
        return "encryption_at_rest:" + (config.getBool("encryption-at-rest") && k != null ? 1 : 0) + "\r\n"
                + "encryption_key_id:" + (k == null ? "" : k.active().keyId()) + "\r\n"
                + "encryption_rekey_in_progress:" + (rekeyInProgress ? 1 : 0) + "\r\n"
                + "encryption_last_rekey_status:" + (lastRekeyError.isEmpty() ? "ok" : "err") + "\r\n";
    }
}
