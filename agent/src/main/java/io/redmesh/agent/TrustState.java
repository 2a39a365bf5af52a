package io.redmesh.agent;

import io.redmesh.agent.config.AgentConfig;
import io.redmesh.agent.pki.CaDirectory;
import io.redmesh.agent.pki.PkiException;
import io.redmesh.agent.pki.SecureFiles;
import io.redmesh.agent.pki.SignedTrustBundle;
import io.redmesh.agent.pki.TrustBundle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The roots this agent trusts and the sequence of the signed bundle they came from. Kept in the
 * state dir ({@code trust.tb}) so that a restart after a CA rotation trusts what the mesh
 * decided, not the ca-file the node was first configured with.
 */
final class TrustState {
    private final Path file;
    private volatile TrustBundle bundle;
    private volatile long sequence;

    private TrustState(Path file, TrustBundle bundle, long sequence) {
        this.file = file;
        this.bundle = bundle;
        this.sequence = sequence;
    }

    static TrustState load(AgentConfig cfg) throws IOException, PkiException {
        Path file = cfg.stateDir.resolve("trust.tb");
        if (Files.exists(file)) {
            SignedTrustBundle b = SignedTrustBundle.decode(Files.readAllBytes(file));
            return new TrustState(file, b.bundle(), b.sequence());
        }
        TrustBundle initial;
        if (cfg.caFile != null) {
            initial = TrustBundle.parse(Files.readString(cfg.caFile, StandardCharsets.ISO_8859_1), cfg.caFile.toString());
        } else {
            initial = new CaDirectory(cfg.issuerDir).trust();
        }
        return new TrustState(file, initial, 0);
    }

    TrustBundle bundle() {
        return bundle;
    }

    long sequence() {
        return sequence;
    }

    /**
     * Adopts {@code b} if the current roots authorise it and it is newer; false for a
     * re-delivery of the bundle in force. Throws with the reason when it is refused.
     */
    synchronized boolean adopt(SignedTrustBundle b) throws PkiException, IOException {
        if (b.sequence() == sequence && b.bundle().equals(bundle)) {
            return false;
        }
        b.verifyAgainst(bundle, sequence);
        SecureFiles.writePublic(file, b.encode());
        bundle = b.bundle();
        sequence = b.sequence();
        return true;
    }
}
