package io.redmesh.node.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.redmesh.node.util.ServerLog;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;

/**
 * The one place server-side TLS material lives. Every TLS listener asks {@link #current()} for
 * each new handshake, so replacing the context (CONFIG SET tls-*, or the agent rotating a
 * certificate) affects new connections only; established ones keep their sessions. A reload
 * builds and checks the whole new context before swapping: bad material is refused and the old
 * context stays in force.
 */
public final class TlsContextProvider {
    /** Default protocol set: TLS 1.2 and 1.3 only, as Redis 7 does. */
    static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.2", "TLSv1.3");

    private final SslProvider provider;
    private volatile SslContext current;
    private volatile TlsSettings settings;
    private volatile X509Certificate leaf;
    private volatile long generation;

    public TlsContextProvider() {
        this(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK);
    }

    public TlsContextProvider(SslProvider provider) {
        this.provider = provider;
    }

    public SslProvider provider() {
        return provider;
    }

    /** The context for the next handshake, or null when TLS is not configured. */
    public SslContext current() {
        return current;
    }

    public TlsSettings settings() {
        return settings;
    }

    /** The certificate currently served. */
    public X509Certificate certificate() {
        return leaf;
    }

    /** Incremented on every successful reload (metrics, INFO). */
    public long generation() {
        return generation;
    }

    /** Builds a context from settings and, if it is sound, makes it current. */
    public synchronized void reload(TlsSettings s) throws TlsMaterialException {
        Built b = build(s, provider);
        current = b.context;
        leaf = b.leaf;
        settings = s;
        generation++;
    }

    private record Built(SslContext context, X509Certificate leaf) {}

    private static Built build(TlsSettings s, SslProvider provider) throws TlsMaterialException {
        if (s.certFile().isEmpty() || s.keyFile().isEmpty()) {
            throw new TlsMaterialException("both tls-cert-file and tls-key-file must be specified");
        }
        if (s.caCertFile().isEmpty() && s.caCertDir().isEmpty()) {
            throw new TlsMaterialException("either tls-ca-cert-file or tls-ca-cert-dir must be specified");
        }
        List<X509Certificate> chain = PemFiles.certificates(Path.of(s.certFile()));
        PrivateKey key = PemFiles.privateKey(Path.of(s.keyFile()), s.keyFilePass());
        checkKeyMatches(chain.get(0), key, s.keyFile(), s.certFile());
        Date now = new Date();
        if (chain.get(0).getNotAfter().before(now)) {
            ServerLog.warning("TLS certificate " + s.certFile() + " expired on " + chain.get(0).getNotAfter());
        }
        List<X509Certificate> trust = new ArrayList<>();
        if (!s.caCertFile().isEmpty()) {
            trust.addAll(PemFiles.certificates(Path.of(s.caCertFile())));
        }
        if (!s.caCertDir().isEmpty()) {
            trust.addAll(PemFiles.certificatesInDir(Path.of(s.caCertDir())));
        }
        List<String> protocols = parseProtocols(s.protocols());
        try {
            SslContextBuilder b = SslContextBuilder.forServer(key, chain.toArray(new X509Certificate[0]))
                    .sslProvider(provider)
                    .protocols(protocols)
                    .trustManager(trust.toArray(new X509Certificate[0]))
                    .clientAuth(clientAuth(s.authClients()));
            List<String> ciphers = new ArrayList<>();
            if (!s.ciphersuites().isEmpty()) {
                ciphers.addAll(Arrays.asList(s.ciphersuites().split(":")));
            }
            if (!s.ciphers().isEmpty()) {
                ciphers.addAll(Arrays.asList(s.ciphers().split(":")));
            }
            if (!ciphers.isEmpty()) {
                b.ciphers(ciphers);
            }
            if (s.sessionCaching()) {
                b.sessionCacheSize(s.sessionCacheSize()).sessionTimeout(s.sessionCacheTimeout());
            } else {
                b.sessionCacheSize(1).sessionTimeout(1);
            }
            return new Built(b.build(), chain.get(0));
        } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
            throw new TlsMaterialException("cannot build TLS context: " + e.getMessage());
        }
    }

    static ClientAuth clientAuth(String v) {
        switch (v) {
            case "no":
                return ClientAuth.NONE;
            case "optional":
                return ClientAuth.OPTIONAL;
            default:
                return ClientAuth.REQUIRE;
        }
    }

    static List<String> parseProtocols(String spec) throws TlsMaterialException {
        if (spec == null || spec.isBlank()) {
            return DEFAULT_PROTOCOLS;
        }
        List<String> out = new ArrayList<>();
        for (String p : spec.trim().split("\\s+")) {
            switch (p.toLowerCase(java.util.Locale.ROOT)) {
                case "tlsv1": out.add("TLSv1"); break;
                case "tlsv1.1": out.add("TLSv1.1"); break;
                case "tlsv1.2": out.add("TLSv1.2"); break;
                case "tlsv1.3": out.add("TLSv1.3"); break;
                default:
                    throw new TlsMaterialException("Invalid tls-protocols specified. Use a combination of "
                            + "'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.");
            }
        }
        return out;
    }

    /** Proves the key belongs to the certificate by signing with one and verifying with the other. */
    static void checkKeyMatches(X509Certificate cert, PrivateKey key, String keyFile, String certFile)
            throws TlsMaterialException {
        PublicKey pub = cert.getPublicKey();
        if (!pub.getAlgorithm().equals(key.getAlgorithm())
                && !(pub.getAlgorithm().equals("EC") && key.getAlgorithm().equals("ECDSA"))) {
            throw new TlsMaterialException("private key " + keyFile + " does not match certificate " + certFile);
        }
        String alg = switch (pub.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519" -> "Ed25519";
            default -> null;
        };
        if (alg == null) {
            return;
        }
        try {
            byte[] probe = "redmesh-key-check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(pub);
            v.update(probe);
            if (!v.verify(sig)) {
                throw new TlsMaterialException("private key " + keyFile + " does not match certificate " + certFile);
            }
        } catch (java.security.GeneralSecurityException e) {
            throw new TlsMaterialException("private key " + keyFile + " does not match certificate " + certFile);
        }
    }
}
