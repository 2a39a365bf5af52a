package io.redmesh.agent.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Debian's openssl as the independent judge of what we produce. */
public final class OpenSsl {
    private OpenSsl() {}

    public static boolean available() {
        try {
            return run(List.of("openssl", "version")).code == 0;
        } catch (IOException e) {
            return false;
        }
    }

    public record Result(int code, String output) {}

    public static Result run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("openssl timed out");
            }
            return new Result(p.exitValue(), out);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /**
     * {@code openssl verify -x509_strict -purpose sslserver -CAfile roots -untrusted rest leaf};
     * chain is [leaf, intermediates...].
     */
    public static Result verify(Path dir, List<X509Certificate> roots, List<X509Certificate> chain, String purpose)
            throws IOException {
        Path ca = Files.createTempFile(dir, "roots", ".pem");
        Files.writeString(ca, Pem.certificates(roots));
        Path leaf = Files.createTempFile(dir, "leaf", ".pem");
        Files.writeString(leaf, Pem.certificate(chain.get(0)));
        List<String> cmd = new ArrayList<>(List.of("openssl", "verify", "-x509_strict", "-CAfile", ca.toString()));
        if (purpose != null) {
            cmd.addAll(List.of("-purpose", purpose));
        }
        if (chain.size() > 1) {
            Path rest = Files.createTempFile(dir, "untrusted", ".pem");
            Files.writeString(rest, Pem.certificates(chain.subList(1, chain.size())));
            cmd.addAll(List.of("-untrusted", rest.toString()));
        }
        cmd.add(leaf.toString());
        return run(cmd);
    }
}
