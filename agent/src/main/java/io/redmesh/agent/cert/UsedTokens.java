package io.redmesh.agent.cert;

import io.redmesh.agent.pki.PkiException;
import io.redmesh.agent.pki.SecureFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The join-token ids an issuer has accepted, persisted so a restart does not forget them:
 * one line {@code <id> <expiry epoch seconds>} per token, appended and fsync'd before the
 * certificate is issued. Ids of expired tokens are dropped when the file is reopened (an
 * expired token is refused anyway), so the file stays bounded.
 */
final class UsedTokens {
    static final String FILE = "used-join-tokens";

    private final Path file;
    private final Map<String, Long> used = new HashMap<>();

    UsedTokens(Path stateDir) throws PkiException {
        this.file = stateDir.resolve(FILE);
        long now = Instant.now().getEpochSecond();
        try {
            Files.createDirectories(stateDir);
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                    String[] f = line.split(" ");
                    if (f.length == 2 && f[0].matches("[0-9a-f]{32}") && f[1].matches("\\d{1,19}")) {
                        long exp = Long.parseLong(f[1]);
                        if (exp >= now) {
                            used.put(f[0], exp);
                        }
                    }
                    // A torn last line (crash mid-append) is skipped: its token was not issued.
                }
            }
            StringBuilder sb = new StringBuilder();
            used.forEach((id, exp) -> sb.append(id).append(' ').append(exp).append('\n'));
            SecureFiles.writeSecret(file, sb.toString().getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new PkiException("cannot open the used-token list " + file + ": " + e.getMessage(), e);
        }
    }

    synchronized boolean contains(String id) {
        return used.containsKey(id);
    }

    /** Records the id durably; false when it was already used. */
    synchronized boolean markUsed(String id, Instant expiry) throws PkiException {
        if (used.containsKey(id)) {
            return false;
        }
        byte[] line = (id + " " + expiry.getEpochSecond() + "\n").getBytes(StandardCharsets.US_ASCII);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer b = ByteBuffer.wrap(line);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        } catch (IOException e) {
            throw new PkiException("cannot record the used join token: " + e.getMessage(), e);
        }
        used.put(id, expiry.getEpochSecond());
        return true;
    }
}
