package io.redmesh.node.tls;

import io.redmesh.node.spi.tls.TlsMaterialException;
import io.netty.handler.ssl.CipherSuiteConverter;
import io.netty.handler.ssl.OpenSsl;
import io.netty.internal.tcnative.SSL;
import io.netty.internal.tcnative.SSLContext;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns Redis's cipher directives into the explicit cipher-suite lists both providers accept.
 *
 * <p>{@code tls-ciphers} is an OpenSSL cipher string ("HIGH:!aNULL:!MD5",
 * "ECDHE-RSA-AES128-GCM-SHA256"...) for TLS 1.2 and below; OpenSSL itself expands it. Netty
 * accepts only explicit names, so the string is expanded here the way Redis's
 * SSL_CTX_set_cipher_list would: by asking the bundled BoringSSL which ciphers it selects. The
 * JDK provider then gets the same suites under their IANA names.
 *
 * <p>{@code tls-ciphersuites} is a colon-separated list of TLS 1.3 suites; their names are the
 * same in OpenSSL and the JDK. BoringSSL cannot restrict TLS 1.3 suites at all, which is why a
 * non-empty tls-ciphersuites needs the JDK provider (see {@link TlsContextProvider}).
 */
final class CipherLists {
    private CipherLists() {}

    /** The TLS 1.3 suite names OpenSSL's SSL_CTX_set_ciphersuites knows. */
    static final List<String> TLS13_SUITES = List.of("TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_AES_128_GCM_SHA256", "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256");

    static boolean isTls13(String suite) {
        return TLS13_SUITES.contains(suite);
    }

    /**
     * Expands an OpenSSL cipher string into explicit OpenSSL cipher names (TLS 1.2 and below),
     * in preference order. Throws when the string selects nothing or cannot be parsed, as
     * SSL_CTX_set_cipher_list fails.
     */
    static List<String> expandOpenSsl(String spec) throws TlsMaterialException {
        if (!OpenSsl.isAvailable()) {
            // Without a native library only explicit names can be honoured.
            List<String> out = new ArrayList<>();
            for (String s : spec.split(":")) {
                String name = s.trim();
                if (name.isEmpty()) {
                    continue;
                }
                if (CipherSuiteConverter.toJava(name, "TLS") == null && !name.startsWith("TLS_")) {
                    throw new TlsMaterialException("Failed to configure ciphers: " + spec
                            + " (cipher strings other than explicit names need the OpenSSL library)");
                }
                out.add(name);
            }
            if (out.isEmpty()) {
                throw new TlsMaterialException("Failed to configure ciphers: " + spec);
            }
            return out;
        }
        long ctx = 0;
        long ssl = 0;
        try {
            ctx = SSLContext.make(SSL.SSL_PROTOCOL_TLSV1 | SSL.SSL_PROTOCOL_TLSV1_1 | SSL.SSL_PROTOCOL_TLSV1_2,
                    SSL.SSL_MODE_SERVER);
            if (!SSLContext.setCipherSuite(ctx, spec, false)) {
                throw new TlsMaterialException("Failed to configure ciphers: " + spec);
            }
            ssl = SSL.newSSL(ctx, true);
            String[] names = SSL.getCiphers(ssl);
            List<String> out = new ArrayList<>();
            if (names != null) {
                for (String n : names) {
                    if (!isTls13(n) && OpenSsl.isCipherSuiteAvailable(n)) {
                        out.add(n);
                    }
                }
            }
            if (out.isEmpty()) {
                throw new TlsMaterialException("Failed to configure ciphers: " + spec + " (no cipher selected)");
            }
            return out;
        } catch (TlsMaterialException e) {
            throw e;
        } catch (Exception e) {
            throw new TlsMaterialException("Failed to configure ciphers: " + spec + " (" + e.getMessage() + ")");
        } finally {
            if (ssl != 0) {
                SSL.freeSSL(ssl);
            }
            if (ctx != 0) {
                SSLContext.free(ctx);
            }
        }
    }

    /** Parses tls-ciphersuites; unknown names are refused, as SSL_CTX_set_ciphersuites does. */
    static List<String> parseTls13(String spec) throws TlsMaterialException {
        List<String> out = new ArrayList<>();
        for (String s : spec.split(":")) {
            String name = s.trim();
            if (name.isEmpty()) {
                continue;
            }
            if (!isTls13(name)) {
                throw new TlsMaterialException("Failed to configure ciphersuites: " + spec);
            }
            out.add(name);
        }
        if (out.isEmpty()) {
            throw new TlsMaterialException("Failed to configure ciphersuites: " + spec);
        }
        return out;
    }

    /**
     * The JDK provider's suite list for the two directives, in IANA names: the configured suites
     * where a directive is set, the JDK's defaults for that protocol family where it is not.
     * Returns null when neither is set (netty's defaults apply).
     */
    static List<String> forJdk(String ciphers, String ciphersuites) throws TlsMaterialException {
        if (ciphers.isEmpty() && ciphersuites.isEmpty()) {
            return null;
        }
        List<String> defaults = jdkDefaults();
        Set<String> out = new LinkedHashSet<>();
        if (!ciphersuites.isEmpty()) {
            out.addAll(parseTls13(ciphersuites));
        } else {
            defaults.stream().filter(CipherLists::isTls13).forEach(out::add);
        }
        if (!ciphers.isEmpty()) {
            boolean any = false;
            for (String n : expandOpenSsl(ciphers)) {
                String java = n.startsWith("TLS_") ? n : CipherSuiteConverter.toJava(n, "TLS");
                if (java != null && defaults.contains(java)) {
                    out.add(java);
                    any = true;
                }
            }
            if (!any) {
                throw new TlsMaterialException("Failed to configure ciphers: " + ciphers
                        + " (none of the selected ciphers is supported by the JDK provider)");
            }
        } else {
            defaults.stream().filter(s -> !isTls13(s)).forEach(out::add);
        }
        return new ArrayList<>(out);
    }

    private static List<String> jdkDefaults() throws TlsMaterialException {
        try {
            return Arrays.asList(javax.net.ssl.SSLContext.getDefault().getDefaultSSLParameters().getCipherSuites());
        } catch (NoSuchAlgorithmException e) {
            throw new TlsMaterialException("JDK TLS is unavailable: " + e.getMessage());
        }
    }
}
