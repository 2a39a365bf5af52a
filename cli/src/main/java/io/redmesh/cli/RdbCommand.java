package io.redmesh.cli;

import io.redmesh.node.persist.seal.KeyFileProvider;
import io.redmesh.node.persist.seal.Keyring;
import io.redmesh.node.persist.seal.SealException;
import io.redmesh.node.persist.seal.SealHeader;
import io.redmesh.node.persist.seal.SealedFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code redmesh rdb encrypt|decrypt|verify}: the operator's side of encryption at rest, so a
 * sealed backup can be checked, and opened for redis-check-rdb, without a server. Works for any
 * sealed persistence file (RDB, AOF base or incr). Exit codes: 0 ok, 1 the file failed a check
 * (message names the file and the check), 2 usage or key file errors.
 *
 * <pre>
 * redmesh rdb verify  --key-file KEYS dump.rdb [more files]
 * redmesh rdb decrypt --key-file KEYS dump.rdb -o plain.rdb
 * redmesh rdb encrypt --key-file KEYS plain.rdb -o dump.rdb
 * </pre>
 */
@Command(name = "rdb", description = "Seal, unseal and verify persistence files (encryption at rest)",
        subcommands = {RdbCommand.Verify.class, RdbCommand.Decrypt.class, RdbCommand.Encrypt.class})
public final class RdbCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Options every sub-command takes. */
    abstract static class Base implements Callable<Integer> {
        @Option(names = {"-k", "--key-file"}, required = true,
                description = "encryption-key-file: '<key-id> <hex|base64 key>' lines (first one seals)")
        Path keyFile;

        @Option(names = "--accept-truncated",
                description = "accept an append file cut by a crash (as aof-load-truncated yes)")
        boolean acceptTruncated;

        @Spec
        CommandSpec spec;

        Keyring keys() throws SealException {
            return new Keyring(KeyFileProvider.load(keyFile));
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        PrintWriter err() {
            return spec.commandLine().getErr();
        }

        @Override
        public Integer call() {
            try {
                return run(keys());
            } catch (SealException e) {
                err().println("error: " + e.getMessage());
                return e.reason() == SealException.Reason.KEY_FILE ? 2 : 1;
            } catch (IOException e) {
                err().println("error: " + describe(e));
                return 2;
            }
        }

        /** "path: reason" as the shell says it (No such file or directory, File name too long ...). */
        static String describe(IOException e) {
            if (e instanceof java.nio.file.FileSystemException f) {
                String reason = f.getReason() != null ? f.getReason()
                        : e instanceof java.nio.file.NoSuchFileException ? "No such file or directory"
                        : e instanceof java.nio.file.AccessDeniedException ? "Permission denied"
                        : e instanceof java.nio.file.FileAlreadyExistsException ? "File exists"
                        : e.getClass().getSimpleName();
                return f.getFile() + ": " + reason;
            }
            return e.toString();
        }

        abstract int run(Keyring keys) throws IOException;
    }

    @Command(name = "verify", description = "Check every segment's tag, the run chaining and the final segment")
    static final class Verify extends Base {
        @Parameters(arity = "1..*", paramLabel = "FILE")
        List<Path> files;

        @Override
        int run(Keyring keys) throws IOException {
            int failed = 0;
            for (Path f : files) {
                try {
                    SealHeader h = SealedFiles.header(f);
                    long n = SealedFiles.verify(f, keys, acceptTruncated);
                    out().println("OK " + f + ": " + n + " plaintext bytes, master key '" + h.keyId() + "', "
                            + (h.append() ? "append" : "stream") + " file, " + h.segmentSize() + "-byte segments");
                } catch (SealException e) {
                    err().println("FAILED " + e.getMessage());
                    failed++;
                }
            }
            out().flush();
            return failed == 0 ? 0 : 1;
        }
    }

    @Command(name = "decrypt", description = "Verify and unseal a file (for redis-check-rdb, redis-server)")
    static final class Decrypt extends Base {
        @Parameters(index = "0", paramLabel = "SEALED")
        Path in;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "PLAIN")
        Path output;

        @Override
        int run(Keyring keys) throws IOException {
            if (!SealedFiles.isSealed(in)) {
                err().println("error: " + in + " is not sealed");
                return 1;
            }
            long n = SealedFiles.unseal(in, output, keys, acceptTruncated);
            out().println("decrypted " + in + " -> " + output + " (" + n + " bytes)");
            return 0;
        }
    }

    @Command(name = "encrypt", description = "Seal a plaintext file with the key file's first key")
    static final class Encrypt extends Base {
        @Parameters(index = "0", paramLabel = "PLAIN")
        Path in;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "SEALED")
        Path output;

        @Option(names = "--segment-size", defaultValue = "65536", description = "plaintext bytes per segment")
        int segmentSize;

        @Override
        int run(Keyring keys) throws IOException {
            if (SealedFiles.isSealed(in)) {
                err().println("error: " + in + " is already sealed");
                return 1;
            }
            SealedFiles.seal(in, output, keys.active(), segmentSize);
            out().println("sealed " + in + " -> " + output + " (" + Files.size(output) + " bytes, master key '"
                    + keys.active().keyId() + "')");
            return 0;
        }
    }
}
