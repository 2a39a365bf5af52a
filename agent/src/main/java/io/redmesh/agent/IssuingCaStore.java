package io.redmesh.agent;

import io.redmesh.agent.pki.CaDirectory;
import io.redmesh.agent.pki.CertificateAuthority;
import io.redmesh.agent.pki.Names;
import io.redmesh.agent.pki.PkiException;
import io.redmesh.agent.pki.TrustBundle;
import io.redmesh.node.spi.NodeLog;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The issuing CA an operator handed this issuer at run time ({@code redmesh ca publish
 * --issuing-dir}), kept in the state dir ({@code state-dir/issuing-ca/}, the {@link CaDirectory}
 * layout, key mode 0600, encrypted with the issuer passphrase when there is one). Without it a
 * restarted issuer went back to the issuing CA of its configured {@code issuer-dir}: nodes would
 * renew onto the CA being retired, and once the final bundle removed the old root the issuer
 * could not start at all.
 */
final class IssuingCaStore {
    static final String DIR = "issuing-ca";

    private final CaDirectory dir;
    private final char[] passphrase;

    IssuingCaStore(Path stateDir, char[] passphrase) {
        this.dir = new CaDirectory(stateDir.resolve(DIR));
        this.passphrase = passphrase;
    }

    /** Keeps {@code ca} (written before the issuer switches to it, so a crash loses nothing). */
    void save(CertificateAuthority ca, TrustBundle trust) throws PkiException {
        dir.replace(ca, passphrase, trust);
    }

    /**
     * The CA to issue with at start: of the configured one and the one kept here, those whose
     * chain validates against {@code trust} now, the most recent (latest notBefore). The
     * configured one when neither validates (the service then says why it cannot start).
     */
    CertificateAuthority choose(CertificateAuthority configured, TrustBundle trust) {
        if (!dir.exists()) {
            return configured;
        }
        CertificateAuthority kept;
        try {
            kept = dir.load(passphrase);
        } catch (PkiException e) {
            NodeLog.warning("Agent: the issuing CA kept in " + dir.dir() + " is unreadable (" + e.getMessage()
                    + "); using the configured issuer-dir");
            return configured;
        }
        boolean keptValid = valid(kept, trust);
        boolean configuredValid = valid(configured, trust);
        if (keptValid && (!configuredValid || kept.certificate().getNotBefore()
                .after(configured.certificate().getNotBefore()))) {
            NodeLog.notice("Agent: issuing with '" + Names.commonName(kept.certificate())
                    + "', handed over by a CA rotation (kept in " + dir.dir() + ")");
            return kept;
        }
        return configured;
    }

    private static boolean valid(CertificateAuthority ca, TrustBundle trust) {
        try {
            trust.verify(ca.chain(), Instant.now());
            return true;
        } catch (PkiException e) {
            return false;
        }
    }
}
