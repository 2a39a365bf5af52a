package io.redmesh.node.persist.aof;

import io.netty.buffer.ByteBuf;
import io.redmesh.node.command.Session;
import io.redmesh.node.command.DetachedTransport;
import io.redmesh.node.persist.io.DiskFiles;
import io.redmesh.node.persist.seal.FileKind;
import io.redmesh.node.util.ServerLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads the AOF at start-up as Redis 7.0's loadAppendOnlyFiles() / loadSingleAppendOnlyFile():
 * the base file (RDB if it starts with "REDIS", else commands), then each incr file, every command
 * run through the dispatcher by a session whose replies go nowhere. A short last command is cut
 * off and loading goes on with {@code aof-load-truncated yes} (only in the last file), or refused;
 * a format error refuses start-up naming the file and the offset of the bad command.
 */
public final class AofLoader {
    /** Redis's AOF_ANNOTATION_LINE_MAX_LEN: the fgets buffer for "*n" / "$n" lines. */
    private static final int LINE_MAX = 1024;
    /** The longest argument a Java array holds; a longer one is a format error, not a crash. */
    private static final long MAX_ARGUMENT = Integer.MAX_VALUE - 16;
    /** Large arguments are read in pieces of this size, so only bytes present are allocated. */
    private static final int READ_CHUNK = 1 << 20;

    enum Result { OK, NOT_EXIST, EMPTY, TRUNCATED, FAILED }

    /** Start-up must stop: the log lines are already written. */
    public static final class LoadException extends Exception {
        private static final long serialVersionUID = 1L;

        LoadException(String message) {
            super(message);
        }
    }

    private final AppendOnlyFile aof;
    long totalSize;
    long baseSize;

    AofLoader(AppendOnlyFile aof) {
        this.aof = aof;
    }

    /** aofLoadManifestFromDisk(): an absent directory or manifest is an empty manifest. */
    static AofManifest readManifestIfPresent(DiskFiles files, Path dir, String fileName) throws LoadException {
        Path p = dir.resolve(fileName + ".manifest");
        if (!Files.isDirectory(dir) || !Files.exists(p)) {
            return new AofManifest();
        }
        byte[] content;
        try (InputStream in = files.open(p, FileKind.AOF)) {
            content = in.readAllBytes();
        } catch (IOException e) {
            ServerLog.warning("Fatal error: can't open the AOF manifest file " + p + " for reading: " + e.getMessage());
            throw new LoadException("Can't read the AOF manifest " + p);
        }
        try {
            return AofManifest.parse(content);
        } catch (AofManifest.ManifestException e) {
            for (String l : e.logLines()) {
                ServerLog.warning(l);
            }
            throw new LoadException("Bad AOF manifest " + p + (e.line != null ? " at line " + e.lineNumber : "")
                    + ": " + e.getMessage());
        }
    }

    /** loadAppendOnlyFiles(). */
    Result loadAll(AofManifest am) throws LoadException {
        if (am.base == null && am.incr.isEmpty()) {
            return Result.NOT_EXIST;
        }
        List<AofManifest.Info> files = new ArrayList<>();
        if (am.base != null) {
            files.add(am.base);
        }
        files.addAll(am.incr);
        for (AofManifest.Info ai : files) {
            Path p = aof.dir().resolve(ai.fileName());
            try {
                totalSize += Files.size(p);
            } catch (NoSuchFileException e) {
                ServerLog.warning("The append log file " + ai.fileName() + " doesn't exist: No such file or directory");
                throw new LoadException("The AOF file " + ai.fileName() + " named by the manifest is missing");
            } catch (IOException e) {
                throw new LoadException("Can't stat the AOF file " + ai.fileName() + ": " + e.getMessage());
            }
        }
        if (totalSize == 0) {
            return Result.EMPTY;
        }
        Result ret = Result.OK;
        for (int i = 0; i < files.size(); i++) {
            AofManifest.Info ai = files.get(i);
            boolean last = i == files.size() - 1;
            long start = System.nanoTime();
            ret = loadOne(ai.fileName());
            if (ret == Result.OK || (ret == Result.TRUNCATED && last)) {
                ServerLog.notice(String.format("DB loaded from %s file %s: %.3f seconds",
                        ai.type() == AofManifest.BASE ? "base" : "incr", ai.fileName(), (System.nanoTime() - start) / 1e9));
            }
            if (ai.type() == AofManifest.BASE) {
                baseSize = fileSize(ai.fileName());
            }
            if (ret == Result.TRUNCATED && !last) {
                ServerLog.warning("Fatal error: the truncated file is not the last file");
                throw new LoadException("The AOF file " + ai.fileName() + " is truncated but is not the last file");
            }
            if (ret == Result.EMPTY) {
                ret = Result.OK;
            }
        }
        totalSize = 0;
        for (AofManifest.Info ai : files) {
            totalSize += fileSize(ai.fileName());
        }
        return ret;
    }

    private long fileSize(String name) {
        try {
            return Files.size(aof.dir().resolve(name));
        } catch (IOException e) {
            return 0;
        }
    }

    /** loadSingleAppendOnlyFile(): OK, EMPTY or TRUNCATED; anything else throws. */
    Result loadOne(String fileName) throws LoadException {
        Path p = aof.dir().resolve(fileName);
        long size = fileSize(fileName);
        if (size == 0) {
            return Result.EMPTY;
        }
        Session fake = new Session(Session.AOF_CLIENT_ID, aof.server, new DetachedTransport(""));
        try (CountingInput in = new CountingInput(aof.files.open(p, FileKind.AOF))) {
            byte[] sig = in.peek(5);
            if (sig != null && new String(sig, StandardCharsets.ISO_8859_1).equals("REDIS")) {
                // An old-style AOF (appendfilename itself, migrated) is an RDB preamble + commands.
                boolean oldStyle = fileName.equals(aof.fileName());
                ServerLog.notice(oldStyle ? "Reading RDB preamble from AOF file..." : "Reading RDB base file on AOF loading...");
                AppendOnlyFile.RdbFormat rdb = aof.rdbFormat();
                if (rdb == null) {
                    ServerLog.warning("Error reading the RDB base file " + fileName + ", AOF loading aborted");
                    throw new LoadException("The AOF base file " + fileName + " is in RDB format, which this build cannot load yet");
                }
                byte[] trailing;
                try {
                    trailing = rdb.load(in, fileName, aof.server);
                } catch (IOException e) {
                    ServerLog.warning(oldStyle
                            ? "Error reading the RDB preamble of the AOF file " + fileName + ", AOF loading aborted"
                            : "Error reading the RDB base file " + fileName + ", AOF loading aborted");
                    throw new LoadException("Error reading the RDB base file " + fileName + ": " + e.getMessage());
                }
                if (!oldStyle) {
                    return Result.OK; // a 7.0 base file is RDB only; no AOF tail follows
                }
                ServerLog.notice("Reading the remaining AOF tail...");
                long tailStart = in.position - trailing.length;
                try (CountingInput tail = new CountingInput(new java.io.SequenceInputStream(
                        new java.io.ByteArrayInputStream(trailing), in))) {
                    tail.position = tailStart;
                    return replay(fileName, p, tail, fake);
                }
            }
            return replay(fileName, p, in, fake);
        } catch (IOException e) {
            ServerLog.warning("Unrecoverable error reading the append only file " + fileName + ": " + e.getMessage());
            throw new LoadException("Unrecoverable error reading the append only file " + fileName + ": " + e.getMessage());
        }
    }

    private Result replay(String fileName, Path p, CountingInput in, Session fake) throws IOException, LoadException {
        long validUpTo = 0;
        long validBeforeMulti = 0;
        boolean truncatedOk = aof.config.getBool("aof-load-truncated");
        ByteBuf out = fake.reply.target();
        while (true) {
            long cmdStart = in.position;
            byte[] line = in.fgets(LINE_MAX);
            if (line == null) {
                break; // clean end of file
            }
            if (line[0] == '#') {
                validUpTo = in.position;
                continue; // annotation
            }
            if (line[0] != '*') {
                return formatError(fileName, cmdStart);
            }
            if (line.length == 1 || (line.length >= 2 && line[1] == 0)) {
                return shortRead(fileName, p, validUpTo, truncatedOk);
            }
            long argc = atoi(line, 1);
            if (argc < 1) {
                return formatError(fileName, cmdStart);
            }
            // The counts and lengths are the file's claims: memory grows with the bytes actually
            // read, so "*2147483647" or "$99999999999" in a short file is a short read, not an
            // allocation of what it claims (CVE-2025-27151's class: tooling fed hostile files).
            List<byte[]> args = new ArrayList<>((int) Math.min(argc, 1024));
            boolean shortRead = false;
            for (long j = 0; j < argc; j++) {
                byte[] l = in.fgets(LINE_MAX);
                if (l == null) {
                    shortRead = true;
                    break;
                }
                if (l[0] != '$') {
                    return formatError(fileName, cmdStart);
                }
                long len = atoi(l, 1);
                if (len < 0) {
                    return formatError(fileName, cmdStart);
                }
                if (len > MAX_ARGUMENT) {
                    // more than a Java array holds: truncated if the file ends first, else refused
                    if (!in.skipFully(len)) {
                        shortRead = true;
                        break;
                    }
                    ServerLog.warning("Argument of " + len + " bytes in the append only file " + fileName
                            + " at offset " + cmdStart + ": longer than RedMesh can load");
                    throw new LoadException("Bad file format reading the append only file " + fileName + " at offset "
                            + cmdStart + ": an argument of " + len + " bytes is longer than RedMesh can load");
                }
                byte[] arg = in.readFully(len);
                if (arg == null || in.readFully(2) == null) {
                    shortRead = true;
                    break;
                }
                args.add(arg);
            }
            if (shortRead) {
                return shortRead(fileName, p, validUpTo, truncatedOk);
            }
            byte[][] argv = args.toArray(new byte[0][]);
            boolean isMulti = new String(argv[0], StandardCharsets.ISO_8859_1).equalsIgnoreCase("multi");
            if (isMulti) {
                validBeforeMulti = validUpTo;
            }
            long errorsBefore = fake.reply.errorsWritten();
            if (!aof.server.dispatcher().replay(fake, argv)) {
                ServerLog.warning("Unknown command '" + new String(argv[0], StandardCharsets.ISO_8859_1)
                        + "' reading the append only file " + fileName);
                throw new LoadException("Unknown command '" + new String(argv[0], StandardCharsets.ISO_8859_1)
                        + "' reading the append only file " + fileName + " at offset " + cmdStart);
            }
            io.redmesh.node.command.PropagationErrors.check(aof.server, fake,
                    io.redmesh.node.command.PropagationErrors.Source.AOF, argv, errorsBefore);
            out.clear(); // replies go nowhere
            validUpTo = in.position;
        }
        if (fake.inMulti()) {
            ServerLog.warning("Revert incomplete MULTI/EXEC transaction in AOF file " + fileName);
            return shortRead(fileName, p, validBeforeMulti, truncatedOk);
        }
        return Result.OK;
    }

    private Result formatError(String fileName, long offset) throws LoadException {
        ServerLog.warning("Bad file format reading the append only file " + fileName
                + ": make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>");
        throw new LoadException("Bad file format reading the append only file " + fileName + " at offset " + offset);
    }

    /** Redis's uxeof: cut the file after the last complete command, or refuse. */
    private Result shortRead(String fileName, Path p, long validUpTo, boolean truncatedOk) throws LoadException {
        if (truncatedOk) {
            ServerLog.warning("!!! Warning: short read while loading the AOF file " + fileName + "!!!");
            ServerLog.warning("!!! Truncating the AOF " + fileName + " at offset " + validUpTo + " !!!");
            try {
                aof.files.truncate(p, validUpTo);
                ServerLog.warning("AOF " + fileName + " loaded anyway because aof-load-truncated is enabled");
                return Result.TRUNCATED;
            } catch (IOException e) {
                ServerLog.warning("Error truncating the AOF file " + fileName + ": " + e.getMessage());
            }
        }
        ServerLog.warning("Unexpected end of file reading the append only file " + fileName + ". You can: "
                + "1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. "
                + "2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.");
        throw new LoadException("Unexpected end of file reading the append only file " + fileName
                + " (last complete command ends at offset " + validUpTo + ")");
    }

    /**
     * C's strtol from {@code from}: optional sign, digits up to the first other byte, saturating
     * at Long.MAX_VALUE as strtol does on overflow.
     */
    private static long atoi(byte[] b, int from) {
        int i = from;
        while (i < b.length && (b[i] == ' ' || b[i] == '\t')) {
            i++;
        }
        boolean neg = false;
        if (i < b.length && (b[i] == '-' || b[i] == '+')) {
            neg = b[i] == '-';
            i++;
        }
        long v = 0;
        while (i < b.length && b[i] >= '0' && b[i] <= '9') {
            int d = b[i] - '0';
            v = v > (Long.MAX_VALUE - d) / 10 ? Long.MAX_VALUE : v * 10 + d;
            i++;
        }
        return neg ? -v : v;
    }

    /** An input stream that knows its offset and reads as C's fgets/fread do. */
    static final class CountingInput extends PushbackInputStream {
        long position;

        CountingInput(InputStream in) {
            super(in, 8);
        }

        /** The next n bytes without consuming them, or null if fewer remain. */
        byte[] peek(int n) throws IOException {
            byte[] b = new byte[n];
            int got = 0;
            while (got < n) {
                int r = super.read(b, got, n - got);
                if (r < 0) {
                    break;
                }
                got += r;
            }
            if (got > 0) {
                unread(b, 0, got);
            }
            return got == n ? b : null;
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            if (c >= 0) {
                position++;
            }
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int r = super.read(b, off, len);
            if (r > 0) {
                position += r;
            }
            return r;
        }

        /** fgets: up to max-1 bytes or through '\n'; null at end of file with nothing read. */
        byte[] fgets(int max) throws IOException {
            ByteArrayOutputStream l = new ByteArrayOutputStream(32);
            while (l.size() < max - 1) {
                int c = read();
                if (c < 0) {
                    break;
                }
                l.write(c);
                if (c == '\n') {
                    break;
                }
            }
            return l.size() == 0 ? null : l.toByteArray();
        }

        /**
         * fread of exactly n bytes, or null on a short read. Up to {@link #READ_CHUNK} bytes are
         * read into one array; beyond, piece by piece, so a length the file does not back up
         * costs at most one piece.
         */
        byte[] readFully(long n) throws IOException {
            if (n <= READ_CHUNK) {
                return readExactly((int) n);
            }
            List<byte[]> pieces = new ArrayList<>();
            for (long left = n; left > 0; left -= READ_CHUNK) {
                byte[] piece = readExactly((int) Math.min(READ_CHUNK, left));
                if (piece == null) {
                    return null;
                }
                pieces.add(piece);
            }
            byte[] b = new byte[(int) n];
            int off = 0;
            for (byte[] piece : pieces) {
                System.arraycopy(piece, 0, b, off, piece.length);
                off += piece.length;
            }
            return b;
        }

        /** Reads and drops n bytes; false if the file ends first. */
        boolean skipFully(long n) throws IOException {
            byte[] scratch = new byte[READ_CHUNK];
            for (long left = n; left > 0; ) {
                int r = read(scratch, 0, (int) Math.min(scratch.length, left));
                if (r < 0) {
                    return false;
                }
                left -= r;
            }
            return true;
        }

        private byte[] readExactly(int n) throws IOException {
            byte[] b = new byte[n];
            int got = 0;
            while (got < n) {
                int r = read(b, got, n - got);
                if (r < 0) {
                    return null;
                }
                got += r;
            }
            return b;
        }
    }
}
