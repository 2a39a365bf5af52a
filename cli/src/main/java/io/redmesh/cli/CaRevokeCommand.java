package io.redmesh.cli;

import io.redmesh.agent.config.AgentConfig;
import io.redmesh.agent.enroll.IssuerRequest;
import io.redmesh.agent.enroll.OperatorRequests;
import io.redmesh.agent.pki.CaDirectory;
import io.redmesh.agent.pki.CertificateAuthority;
import io.redmesh.agent.pki.PkiException;
import io.redmesh.agent.pki.TrustBundle;
import java.io.IOException;
import java.math.BigInteger;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code redmesh ca revoke}: revokes a certificate serial mesh-wide. The revocation is signed by
 * the root key in DIR and sent to an issuer agent, which gossips it: every node refuses new
 * handshakes with that certificate and closes the connections that presented it; a node whose
 * own leaf it is renews at once if the reason starts with "superseded" (its key is safe); otherwise
 * the issuer will not renew it and the node needs a new join token.
 *
 * <pre>
 * redmesh ca revoke --dir CADIR --serial HEX [--reason TEXT] --to HOST:ENROLLPORT [--passphrase-file F | --passphrase-env V]
 * </pre>
 * HEX as in INFO security's cert_serial or openssl's output (colons allowed). Exit 0 on "OK ...",
 * 1 on "ERR ..." or any failure, 2 on usage errors.
 */
@Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a certificate serial on every node (signed by the root in DIR)")
final class CaRevokeCommand extends CaCommand.Base {
    @Option(names = "--serial", required = true, paramLabel = "HEX", description = "the certificate's serial number, in hex")
    String serial;

    @Option(names = "--reason", defaultValue = "revoked by operator", paramLabel = "TEXT",
            description = {"why, for the audit log (one line; default: ${DEFAULT-VALUE}).",
                "A reason starting with 'superseded' says the key is safe: a node whose own leaf it is renews at once;",
                "any other reason means the key may be compromised and the issuer will not renew it."})
    String reason;

    @Option(names = "--to", required = true, paramLabel = "HOST:PORT", description = "an issuer agent's enrollment endpoint")
    String to;

    @ArgGroup(exclusive = true)
    CaCommand.Passphrase passphrase = new CaCommand.Passphrase();

    private int exit;

    @Override
    void execute() throws PkiException, IOException {
        AgentConfig.HostPort issuer = endpoint(to);
        BigInteger s = OperatorRequests.parseSerial(serial);
        CertificateAuthority root = load(passphrase);
        IssuerRequest request = OperatorRequests.revoke(s, reason, root);
        exit = send(this, issuer, new CaDirectory(dir).trust(), request, "revocation of #" + s.toString(16));
    }

    @Override
    public Integer call() {
        int rc = super.call();
        return rc == 0 ? exit : rc;
    }

    static AgentConfig.HostPort endpoint(String to) throws PkiException {
        try {
            return AgentConfig.HostPort.parse(to);
        } catch (IllegalArgumentException e) {
            throw new PkiException("--to: " + e.getMessage());
        }
    }

    /** Sends, prints the answer (stdout for OK, stderr for ERR) and returns the exit code. */
    static int send(CaCommand.Base cmd, AgentConfig.HostPort issuer, TrustBundle trust, IssuerRequest request,
                    String what) throws PkiException {
        String answer;
        try {
            answer = OperatorRequests.send(issuer.host(), issuer.port(), trust.certificates(), request);
        } catch (javax.net.ssl.SSLException e) {
            throw new PkiException("TLS with the issuer at " + issuer + " failed (" + e.getMessage()
                    + "); its certificate must chain to " + cmd.dir.resolve(CaDirectory.TRUST) + " and name the host");
        } catch (IOException e) {
            throw new PkiException("cannot reach the issuer at " + issuer + ": " + e.getMessage());
        }
        if (OperatorRequests.refused(answer)) {
            cmd.err().println("issuer " + issuer + " refused the " + what + ": " + answer);
            return 1;
        }
        cmd.out().println(answer);
        return 0;
    }
}
