package io.redmesh.cli;

import io.redmesh.agent.audit.AuditVerifier;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code redmesh audit verify FILE [--last-hash HASH]}: checks a node's audit log (agent/audit)
 * line by line and along its hash chain. Prints "OK N events" and exits 0, or prints
 * "line N: reason" for the first bad line and exits 1; 2 when the file cannot be read.
 * {@code --last-hash} also requires the chain to end at a hash kept elsewhere, which catches
 * events cut from the end.
 */
@Command(name = "audit", description = "Audit log tools", subcommands = AuditCommand.Verify.class)
public final class AuditCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "verify", description = "Check every line and the hash chain of an audit log")
    static final class Verify implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE")
        Path file;

        @Option(names = "--last-hash", paramLabel = "HASH",
                description = "the hash the last event must have (events cut from the end are found)")
        String lastHash;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            AuditVerifier.Result r;
            try {
                r = AuditVerifier.verify(file);
            } catch (IOException e) {
                spec.commandLine().getErr().println("error: cannot read " + file + ": "
                        + (e instanceof java.nio.file.NoSuchFileException ? "No such file or directory" : e.getMessage()));
                return 2;
            }
            if (!r.ok()) {
                spec.commandLine().getErr().println(r.describe());
                return 1;
            }
            if (lastHash != null && !lastHash.equalsIgnoreCase(r.lastHash())) {
                spec.commandLine().getErr().println("end: the last event's hash is " + r.lastHash() + ", not "
                        + lastHash + " (events removed from the end, or another file)");
                return 1;
            }
            spec.commandLine().getOut().println(r.describe());
            return 0;
        }
    }
}
