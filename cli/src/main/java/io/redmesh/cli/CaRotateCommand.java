package io.redmesh.cli;

import io.redmesh.agent.pki.CaDirectory;
import io.redmesh.agent.pki.CaRotation;
import io.redmesh.agent.pki.CertificateAuthority;
import io.redmesh.agent.pki.Names;
import io.redmesh.agent.pki.PkiException;
import io.redmesh.agent.pki.SignedTrustBundle;
import io.redmesh.agent.pki.TrustBundle;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code redmesh ca rotate}: replaces the root CA in DIR without downtime (see {@link CaRotation}).
 * Keeps the old root as ca-SERIAL.crt/.key, writes the new root as ca.crt/ca.key (same
 * passphrase), trust.crt = the overlap bundle, and two signed TRUST_BUNDLE values to publish in
 * order: trust-bundle-(N+1).tb [old, new] now, trust-bundle-(N+2).tb [new] after the overlap.
 * With {@code --issuer NAME --out OUTDIR}, also the new issuing CA for the issuer agents.
 */
@Command(name = "rotate", mixinStandardHelpOptions = true, description = "Replace the root CA: new root, overlap bundle [old,new], final bundle [new], new issuing CA")
final class CaRotateCommand extends CaCommand.Base {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HHmm'Z'");

    @Option(names = "--name", description = "the new root's common name (default: the old one's, stamped with the date)")
    String name;

    @Option(names = "--days", defaultValue = "3650", description = "new root validity in days (default: ${DEFAULT-VALUE})")
    int days;

    @Option(names = "--overlap", defaultValue = "48h", description = "how long both roots are trusted (default: ${DEFAULT-VALUE}; "
            + "at least one leaf lifetime)")
    String overlap;

    @Option(names = "--issuer", paramLabel = "NAME", description = "also create the new issuing CA with this name")
    String issuer;

    @Option(names = "--issuer-days", defaultValue = "365", description = "new issuing CA validity in days (default: ${DEFAULT-VALUE})")
    int issuerDays;

    @Option(names = "--out", paramLabel = "OUTDIR", description = "where the new issuing CA goes (with --issuer)")
    Path out;

    @ArgGroup(exclusive = true, multiplicity = "1")
    CaCommand.Passphrase passphrase;

    @ArgGroup(exclusive = true)
    CaCommand.OutPassphrase outPassphrase = new CaCommand.OutPassphrase();

    @Override
    void execute() throws PkiException {
        if ((issuer == null) != (out == null)) {
            throw new PkiException("--issuer and --out go together");
        }
        if (days <= 0 || issuerDays <= 0) {
            throw new PkiException("--days and --issuer-days must be positive");
        }
        Duration overlapWindow = CaCommand.parseDuration(overlap, "--overlap");
        char[] pass = passphrase.read();
        char[] outPass = null;
        CaDirectory target = out == null ? null : new CaDirectory(out);
        if (target != null) {
            if (target.exists()) {
                throw new PkiException(out + " already holds a CA; refusing to overwrite");
            }
            outPass = outPassphrase.read();
            if (outPass == null && !outPassphrase.noEncrypt) {
                throw new PkiException("the issuing CA's key needs --out-passphrase-file, --out-passphrase-env or --no-encrypt");
            }
        }
        CaDirectory d = new CaDirectory(dir);
        CertificateAuthority old = load(passphrase);
        if (!old.isRoot()) {
            throw new PkiException(dir + " holds an issuing CA; only the root directory can be rotated");
        }
        SignedTrustBundle latest = d.latestSignedBundle();
        TrustBundle current = latest != null ? latest.bundle() : d.trust();
        long sequence = latest != null ? latest.sequence() : 0;
        String newName = name != null ? name : Names.commonName(old.certificate()).replaceFirst(
                " \\d{4}-\\d{2}-\\d{2}T\\d{4}Z$", "") + " " + ZonedDateTime.now(ZoneOffset.UTC).format(STAMP);

        CaRotation.Result r = CaRotation.rotate(old, current, sequence, newName, Duration.ofDays(days), issuer,
                Duration.ofDays(issuerDays), overlapWindow);
        Path kept = d.archiveCurrent(old);
        Path overlapFile = d.writeSignedBundle(r.overlap());
        Path finalFile = d.writeSignedBundle(r.fin());
        d.replace(r.newRoot(), pass, r.overlapBundle());
        if (target != null) {
            target.create(r.newIssuing(), outPass, r.overlapBundle());
        }
        out().println("Root CA rotated in " + dir + ": '" + Names.commonName(old.certificate()) + "' -> '" + newName + "'");
        out().println("  old root kept as    " + kept);
        out().println("  new root            " + d.certFile() + " (trust.crt now holds [old, new])");
        out().println("  1. publish now      " + overlapFile + " (sequence " + r.overlap().sequence() + ", [old, new])");
        if (target != null) {
            out().println("  2. install on the issuers the new issuing CA in " + out + ", then renew every node");
        } else {
            out().println("  2. create the new issuing CA: redmesh ca issue --dir " + dir + " --issuer NAME --out OUTDIR; "
                    + "install it on the issuers, then renew every node");
        }
        out().println("  3. after " + r.overlapUntil() + " publish " + finalFile + " (sequence " + r.fin().sequence()
                + ", [new]): the old root is no longer trusted");
    }
}
