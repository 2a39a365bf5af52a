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
 * one line {@code <id> <expiry epoch seconds> <key hash>} per token, appended and fsync'd
 * before the certificate is issued. The hash of the key the token admitted lets the same key
 * ask again (a retry whose answer was lost), never another one. Ids of expired tokens are dropped when the file is reopened (an
 * expired token is refused anyway), so the file stays bounded.
 */
final class UsedTokens {
    static final String FILE = "used-join-tokens";

    private final Path file;
    private final Map<String, Long> used = new HashMap<>();
    private final Map<String, String> keys = new HashMap<>();

    UsedTokens(Path stateDir) throws PkiException {
        this.file = stateDir.resolve(FILE);
        long now = Instant.now().getEpochSecond();
        try {
            Files.createDirectories(stateDir);
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                    String[] f = line.split(" ");
                    if ((f.length == 2 || f.length == 3) && f[0].matches("[0-9a-f]{32}") && f[1].matches("\\d{1,19}")) {
                        long exp = Long.parseLong(f[1]);
                        if (exp >= now) {
                            used.put(f[0], exp);
                            if (f.length == 3) {
                                keys.put(f[0], f[2]);
                            }
                        }
                    }
                    // A torn last line (crash mid-append) is skipped: its token was not issued.
                }
            }
            StringBuilder sb = new StringBuilder();
            used.forEach((id, exp) -> sb.append(id).append(' ').append(exp)
                    .append(keys.containsKey(id) ? " " + keys.get(id) : "").append('\n'));
            SecureFiles.writeSecret(file, sb.toString().getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new PkiException("cannot open the used-token list " + file + ": " + e.getMessage(), e);
        }
    }

    synchronized boolean contains(String id) {
        return used.containsKey(id);
    }

    /**
     * Records the id durably, with the hash of the key it admits; false when it was already used
     * by another key (the same key again is a retry: true).
     */
    synchronized boolean markUsed(String id, Instant expiry, String keyHash) throws PkiException {
        if (used.containsKey(id)) {
            return keyHash.equals(keys.get(id));
        }
        byte[] line = (id + " " + expiry.getEpochSecond() + " " + keyHash + "\n").getBytes(StandardCharsets.US_ASCII);
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
        keys.put(id, keyHash);
        return true;
    }
}
