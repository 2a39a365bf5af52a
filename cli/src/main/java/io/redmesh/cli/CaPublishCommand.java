package io.redmesh.cli;

import io.redmesh.agent.config.AgentConfig;
import io.redmesh.agent.enroll.IssuerRequest;
import io.redmesh.agent.enroll.OperatorRequests;
import io.redmesh.agent.pki.CaDirectory;
import io.redmesh.agent.pki.CertificateAuthority;
import io.redmesh.agent.pki.PkiException;
import io.redmesh.agent.pki.SignedTrustBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code redmesh ca publish}: hands a signed trust bundle (a {@code trust-bundle-N.tb} written by
 * {@code ca init} or {@code ca rotate}) to an issuer agent, which gossips it to every node; with
 * {@code --issuing-dir}, also the new issuing CA that issuer signs leaves with from then on,
 * authorised by the root key in DIR (after {@code ca rotate} that is the new root, which the
 * bundle must contain).
 *
 * <pre>
 * redmesh ca publish --dir CADIR --bundle trust-bundle-N.tb [--issuing-dir OUTDIR] --to HOST:ENROLLPORT
 *                    [--passphrase-file F | --passphrase-env V] [--issuing-passphrase-file F | --issuing-passphrase-env V]
 * </pre>
 * The issuer must present a certificate that chains to DIR's trust.crt and names HOST. Prints the
 * issuer's answer; exit 0 on "OK ...", 1 on "ERR ..." or any failure, 2 on usage errors.
 */
@Command(name = "publish", mixinStandardHelpOptions = true, description = "Send a signed trust bundle (and optionally a new issuing CA) to an issuer agent")
final class CaPublishCommand extends CaCommand.Base {
    @Option(names = "--bundle", required = true, paramLabel = "FILE", description = "the signed bundle (trust-bundle-N.tb)")
    Path bundle;

    @Option(names = "--issuing-dir", paramLabel = "OUTDIR", description = "a new issuing CA for the issuer (ca rotate --out)")
    Path issuingDir;

    @Option(names = "--to", required = true, paramLabel = "HOST:PORT", description = "the issuer agent's enrollment endpoint")
    String to;

    @ArgGroup(exclusive = true)
    CaCommand.Passphrase passphrase = new CaCommand.Passphrase();

    @ArgGroup(exclusive = true)
    IssuingPassphrase issuingPassphrase = new IssuingPassphrase();

    private int exit;

    /** The passphrase of the issuing CA's key in --issuing-dir (none when written with --no-encrypt). */
    static final class IssuingPassphrase {
        @Option(names = "--issuing-passphrase-file", paramLabel = "FILE", description = "passphrase of the key in --issuing-dir")
        Path file;

        @Option(names = "--issuing-passphrase-env", paramLabel = "VAR", description = "passphrase of the key in --issuing-dir, from VAR")
        String env;
    }

    @Override
    void execute() throws PkiException, IOException {
        AgentConfig.HostPort issuer = CaRevokeCommand.endpoint(to);
        SignedTrustBundle b = readBundle(bundle);
        IssuerRequest request;
        if (issuingDir != null) {
            CaDirectory id = new CaDirectory(issuingDir);
            if (!Files.exists(id.certFile())) {
                throw new PkiException(issuingDir + " holds no CA (no " + CaDirectory.CERT + ")");
            }
            CertificateAuthority issuing = id.load(CaCommand.readPassphrase(issuingPassphrase.file,
                    issuingPassphrase.env, "--issuing-passphrase"));
            CertificateAuthority root = load(passphrase);
            request = OperatorRequests.trust(b, issuing, root);
        } else {
            request = OperatorRequests.trust(b);
        }
        exit = CaRevokeCommand.send(this, issuer, new CaDirectory(dir).trust(), request,
                "bundle #" + b.sequence() + " (" + b.bundle().certificates().size() + " roots"
                        + (issuingDir != null ? ", new issuing CA from " + issuingDir : "") + ")");
    }

    static SignedTrustBundle readBundle(Path file) throws PkiException {
        byte[] bytes;
        try {
            if (Files.size(file) > SignedTrustBundle.MAX_BYTES) {
                throw new PkiException(file + ": too large for a trust bundle");
            }
            bytes = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new PkiException(file + ": no such file");
        } catch (IOException e) {
            throw new PkiException("cannot read " + file + ": " + e.getMessage());
        }
        try {
            return SignedTrustBundle.decode(bytes);
        } catch (PkiException e) {
            throw new PkiException(file + ": " + e.getMessage());
        }
    }

    @Override
    public Integer call() {
        int rc = super.call();
        return rc == 0 ? exit : rc;
    }
}
