package io.redmesh.cli;

import io.redmesh.agent.pki.CaDirectory;
import io.redmesh.agent.pki.CertificateAuthority;
import io.redmesh.agent.pki.CertificateRequests;
import io.redmesh.agent.pki.JoinToken;
import io.redmesh.agent.pki.Names;
import io.redmesh.agent.pki.Pem;
import io.redmesh.agent.pki.PkiException;
import io.redmesh.agent.pki.Role;
import io.redmesh.agent.pki.SanPolicy;
import io.redmesh.agent.pki.SecureFiles;
import io.redmesh.agent.pki.SignedTrustBundle;
import io.redmesh.agent.pki.TrustBundle;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code redmesh ca init|issue|token|rotate}: the operator's certificate authority. The root
 * stays with the operator (passphrase-encrypted ca.key); issuer agents get an issuing CA; nodes
 * join with one-time tokens and then renew on their own. Layout of a CA directory: see
 * {@link CaDirectory}. Exit codes: 0 done, 1 refused or failed (message on stderr), 2 usage.
 *
 * <pre>
 * redmesh ca init   --dir DIR [--name "RedMesh Root CA"] [--days 3650] --passphrase-file F | --passphrase-env VAR
 * redmesh ca issue  --dir DIR --issuer NAME --out OUTDIR [--days 365] [--out-passphrase-file F | --out-passphrase-env V | --no-encrypt]
 * redmesh ca issue  --dir DIR --csr FILE --name NAME [--role client|node|operator] [--hours 24] --out FILE
 * redmesh ca token  --dir DIR --name NODE [--role operator|node] [--ttl 1h]
 * redmesh ca rotate --dir DIR [--name NEW] [--days 3650] [--overlap 48h] [--issuer NAME --out OUTDIR ...]
 * redmesh ca publish --dir DIR --bundle trust-bundle-N.tb [--issuing-dir OUTDIR] --to HOST:ENROLLPORT
 * redmesh ca revoke --dir DIR --serial HEX [--reason TEXT] --to HOST:ENROLLPORT
 * </pre>
 * Commands that use a CA key take {@code --passphrase-file} or {@code --passphrase-env} when the
 * key is encrypted (a root always is).
 */
@Command(name = "ca", mixinStandardHelpOptions = true, description = "Certificate authority: root, issuing CAs, node certificates, join tokens, rotation",
        subcommands = {CaCommand.Init.class, CaCommand.Issue.class, CaCommand.Token.class, CaRotateCommand.class,
                CaPublishCommand.class, CaRevokeCommand.class})
public final class CaCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where a passphrase comes from: a file (first line) or an environment variable. */
    static final class Passphrase {
        @Option(names = "--passphrase-file", paramLabel = "FILE", description = "read the CA key passphrase from FILE (first line)")
        Path file;

        @Option(names = "--passphrase-env", paramLabel = "VAR", description = "read the CA key passphrase from environment variable VAR")
        String env;

        char[] read() throws PkiException {
            return readPassphrase(file, env, "--passphrase");
        }
    }

    /** The passphrase protecting a key this command writes for someone else (an issuer). */
    static final class OutPassphrase {
        @Option(names = "--out-passphrase-file", paramLabel = "FILE", description = "encrypt the new key with the passphrase in FILE")
        Path file;

        @Option(names = "--out-passphrase-env", paramLabel = "VAR", description = "encrypt the new key with the passphrase in VAR")
        String env;

        @Option(names = "--no-encrypt", description = "write the new key unencrypted (mode 0600), for agents that start unattended")
        boolean noEncrypt;

        char[] read() throws PkiException {
            return noEncrypt ? null : readPassphrase(file, env, "--out-passphrase");
        }
    }

    static char[] readPassphrase(Path file, String env, String option) throws PkiException {
        String s;
        if (file != null) {
            try {
                String content = Files.readString(file, StandardCharsets.UTF_8);
                int nl = content.indexOf('\n');
                s = nl < 0 ? content : content.substring(0, nl);
                if (s.endsWith("\r")) {
                    s = s.substring(0, s.length() - 1);
                }
            } catch (IOException e) {
                throw new PkiException("cannot read the passphrase file " + file + ": " + e.getMessage());
            }
        } else if (env != null) {
            s = System.getenv(env);
            if (s == null) {
                throw new PkiException("environment variable " + env + " is not set");
            }
        } else {
            return null;
        }
        if (s.isEmpty()) {
            throw new PkiException("the passphrase (" + (file != null ? file.toString() : "$" + env) + ") is empty");
        }
        return s.toCharArray();
    }

    /** "90s", "30m", "1h", "2d" (a bare number is seconds; the agent config's grammar), positive. */
    static Duration parseDuration(String s, String option) throws PkiException {
        try {
            Duration d = io.redmesh.agent.config.AgentConfig.duration(s.strip());
            if (d.isZero()) {
                throw new IllegalArgumentException("zero");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new PkiException(option + ": invalid duration '" + s + "' (expected e.g. 90s, 30m, 1h, 2d)");
        }
    }

    /** Shared by the sub-commands: error handling and output. */
    abstract static class Base implements Callable<Integer> {
        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "the CA directory")
        Path dir;

        @Spec
        CommandSpec spec;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        PrintWriter err() {
            return spec.commandLine().getErr();
        }

        abstract void execute() throws PkiException, IOException;

        @Override
        public Integer call() {
            try {
                execute();
                return 0;
            } catch (PkiException e) {
                err().println("error: " + e.getMessage());
                return 1;
            } catch (IOException e) {
                err().println("error: " + e);
                return 1;
            }
        }

        CertificateAuthority load(Passphrase p) throws PkiException {
            CaDirectory d = new CaDirectory(dir);
            if (!Files.exists(d.certFile())) {
                throw new PkiException(dir + " holds no CA (no " + CaDirectory.CERT + "; run redmesh ca init)");
            }
            try {
                return d.load(p.read());
            } catch (PkiException e) {
                if (e.getMessage().contains("a passphrase is required")) {
                    throw new PkiException(e.getMessage() + " (--passphrase-file or --passphrase-env)");
                }
                throw e;
            }
        }
    }

    // ---------------------------------------------------------------- init

    @Command(name = "init", mixinStandardHelpOptions = true, description = "Create a root CA (EC P-256) in DIR: ca.crt, ca.key (encrypted), trust.crt, trust-bundle-1.tb")
    static final class Init extends Base {
        @Option(names = "--name", defaultValue = "RedMesh Root CA", description = "the root's common name (default: ${DEFAULT-VALUE})")
        String name;

        @Option(names = "--days", defaultValue = "3650", description = "validity in days (default: ${DEFAULT-VALUE})")
        int days;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Passphrase passphrase;

        @Override
        void execute() throws PkiException {
            if (days <= 0) {
                throw new PkiException("--days must be positive");
            }
            CaDirectory d = new CaDirectory(dir);
            if (d.exists()) {
                throw new PkiException(dir + " already holds a CA; refusing to overwrite");
            }
            char[] pass = passphrase.read();
            CertificateAuthority root = CertificateAuthority.createRoot(name, Duration.ofDays(days));
            TrustBundle trust = TrustBundle.of(List.of(root.certificate()));
            d.create(root, pass, trust);
            d.writeSignedBundle(SignedTrustBundle.sign(trust, 1, null, List.of(root)));
            X509Certificate c = root.certificate();
            out().println("Root CA '" + name + "' created in " + dir);
            out().println("  certificate  " + d.certFile() + " (serial " + c.getSerialNumber().toString(16)
                    + ", valid until " + c.getNotAfter().toInstant() + ")");
            out().println("  key          " + d.keyFile() + " (encrypted, mode 0600: keep it offline)");
            out().println("  sha256       " + Pem.fingerprint(c));
            out().println("Next: redmesh ca issue --dir " + dir + " --issuer NAME --out ISSUERDIR");
        }
    }

    // ---------------------------------------------------------------- issue

    @Command(name = "issue", mixinStandardHelpOptions = true, description = {
        "--issuer NAME --out OUTDIR: create an issuing CA (pathLen 0) for an issuer agent in OUTDIR",
        "--csr FILE --name NODE --out FILE: sign a leaf certificate from a CSR (chain written to FILE)"})
    static final class Issue extends Base {
        @Option(names = "--issuer", paramLabel = "NAME", description = "create an issuing CA with this name")
        String issuer;

        @Option(names = "--csr", paramLabel = "FILE", description = "a PEM certificate request (CN must be --name)")
        Path csr;

        @Option(names = "--name", paramLabel = "NODE", description = "the node (or operator) the certificate is for")
        String name;

        @Option(names = "--role", defaultValue = "client", description = "client, node or operator (default: ${DEFAULT-VALUE}; "
                + "a client certificate connects to servers only: no bus, replication link or mesh takes it for a node; "
                + "nodes get theirs from the issuer with a join token)")
        String role;

        @Option(names = "--hours", defaultValue = "24", description = "leaf lifetime in hours (default: ${DEFAULT-VALUE})")
        long hours;

        @Option(names = "--days", defaultValue = "365", description = "issuing CA validity in days (default: ${DEFAULT-VALUE})")
        int days;

        @Option(names = "--out", required = true, paramLabel = "PATH", description = "OUTDIR for --issuer, the chain file for --csr")
        Path out;

        @ArgGroup(exclusive = true)
        Passphrase passphrase = new Passphrase();

        @ArgGroup(exclusive = true)
        OutPassphrase outPassphrase = new OutPassphrase();

        @Override
        void execute() throws PkiException, IOException {
            if ((issuer == null) == (csr == null)) {
                throw new PkiException("give either --issuer NAME (an issuing CA) or --csr FILE --name NODE (a leaf)");
            }
            if (issuer != null) {
                issuing();
            } else {
                leaf();
            }
        }

        private void issuing() throws PkiException {
            if (days <= 0) {
                throw new PkiException("--days must be positive");
            }
            CaDirectory target = new CaDirectory(out);
            if (target.exists()) {
                throw new PkiException(out + " already holds a CA; refusing to overwrite");
            }
            char[] outPass = outPassphrase.read();
            if (outPass == null && !outPassphrase.noEncrypt) {
                throw new PkiException("the issuing CA's key needs --out-passphrase-file, --out-passphrase-env or --no-encrypt");
            }
            CertificateAuthority root = load(passphrase);
            if (!root.isRoot()) {
                throw new PkiException(dir + " holds an issuing CA; issuing CAs are made from the root");
            }
            CertificateAuthority ca = root.createIssuing(issuer, Duration.ofDays(days));
            target.create(ca, outPass, new CaDirectory(dir).trust());
            out().println("Issuing CA '" + issuer + "' created in " + out + " (valid until "
                    + ca.certificate().getNotAfter().toInstant() + ")");
            out().println("  " + target.certFile() + "  chain [issuing CA, root]");
            out().println("  " + target.keyFile() + "  " + (outPass == null ? "unencrypted" : "encrypted") + ", mode 0600");
            out().println("  " + target.trustFile() + "  trust bundle for nodes");
        }

        private void leaf() throws PkiException, IOException {
            if (name == null) {
                throw new PkiException("--csr needs --name NODE");
            }
            if (hours <= 0) {
                throw new PkiException("--hours must be positive");
            }
            Role r = Role.parse(role);
            String pem;
            try {
                pem = Files.readString(csr, StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                throw new PkiException("cannot read " + csr + ": " + e.getMessage());
            }
            CertificateRequests.Parsed req = CertificateRequests.parse(pem, csr.toString());
            CertificateAuthority ca = load(passphrase);
            X509Certificate leaf = ca.signLeaf(req, name, r, Duration.ofHours(hours), SanPolicy.defaults());
            SecureFiles.writePublic(out, Pem.certificates(ca.leafChain(leaf)).getBytes(StandardCharsets.US_ASCII));
            out().println("Certificate for '" + name + "' (" + r.ou() + ", serial " + leaf.getSerialNumber().toString(16)
                    + ", valid until " + leaf.getNotAfter().toInstant() + ") written to " + out);
        }
    }

    // ---------------------------------------------------------------- token

    @Command(name = "token", mixinStandardHelpOptions = true, description = "Print a one-time join token for a node's first certificate")
    static final class Token extends Base {
        @Option(names = "--name", required = true, paramLabel = "NODE", description = "the node the token is for")
        String name;

        @Option(names = "--role", defaultValue = "node", description = "operator or node (default: ${DEFAULT-VALUE})")
        String role;

        @Option(names = "--ttl", defaultValue = "1h", description = "how long it may be used (default: ${DEFAULT-VALUE})")
        String ttl;

        @ArgGroup(exclusive = true)
        Passphrase passphrase = new Passphrase();

        @Override
        void execute() throws PkiException {
            Role r = Role.parse(role);
            if (r == Role.CLIENT) {
                throw new PkiException("join tokens enroll nodes and operators; make a client's certificate with "
                        + "redmesh ca issue --role client");
            }
            Duration d = parseDuration(ttl, "--ttl");
            Names.checkNodeName(name);
            CertificateAuthority ca = load(passphrase);
            String token = JoinToken.mint(ca, name, r, d);
            JoinToken t = JoinToken.parse(token);
            out().println(token);
            err().println("join token for '" + name + "' (" + r.ou() + "), usable once until " + t.expiresAt()
                    + ", signed by '" + Names.commonName(ca.certificate()) + "'");
        }
    }
}
