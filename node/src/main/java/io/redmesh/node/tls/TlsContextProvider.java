package io.redmesh.node.tls;

import io.redmesh.node.spi.tls.TlsMaterialException;
import io.redmesh.node.spi.tls.PemFiles;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.DelegatingSslContext;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.redmesh.node.util.ServerLog;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * The one place server-side TLS material lives. Every TLS listener asks {@link #newHandler} for
 * each new connection, so replacing the context (CONFIG SET tls-*, or the agent rotating a
 * certificate) affects new handshakes only; established connections keep their sessions. A
 * reload builds and checks the whole new context before swapping: bad material is refused with
 * the reason Redis would log, and the old context stays in force.
 *
 * <p>The engine is netty-tcnative's BoringSSL ({@code tls-provider openssl}) or the JDK's
 * ({@code tls-provider jdk}); {@code auto} prefers BoringSSL and takes the JDK when BoringSSL is
 * missing or cannot honour the configuration (tls-ciphersuites). See docs/INTERNALS.md,
 * "TLS provider", for the measurement behind the choice.
 */
public final class TlsContextProvider {
    /** Default protocol set: TLS 1.2 and 1.3 only, as Redis 7 does. */
    static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.2", "TLSv1.3");

    /** What one successful reload produced; swapped as a whole so readers never see a mix. */
    private record Built(SslContext context, X509Certificate leaf, TlsSettings settings, SslProvider provider,
                         long generation, SslContext clientContext, X509Certificate clientLeaf) {}

    private volatile Built current;
    /** Serials nobody may present any more (the agent gossips them); read at every handshake. */
    private volatile java.util.Set<java.math.BigInteger> revoked = java.util.Set.of();

    /** Replaces the revoked serials: the next handshakes presenting one of them fail. */
    public void revoke(java.util.Set<java.math.BigInteger> serials) {
        revoked = java.util.Set.copyOf(serials);
    }

    /** Whether any serial is revoked at all (the common case, none, costs handshakes nothing). */
    public boolean hasRevocations() {
        return !revoked.isEmpty();
    }

    /** Whether a peer chain holds a revoked certificate (existing connections are closed on it). */
    public boolean isRevoked(java.security.cert.Certificate[] chain) {
        return RevocationCheckingTrustManager.anyRevoked(chain, revoked);
    }

    /** The context for the next handshake, or null when TLS is not configured. */
    public SslContext current() {
        Built b = current;
        return b == null ? null : b.context;
    }

    /**
     * A handler for one new server-side connection, from the material in force now, with a
     * bounded handshake: a peer that does not finish within the timeout is closed.
     */
    public SslHandler newHandler(ByteBufAllocator alloc, long handshakeTimeoutMillis) {
        SslHandler h = current.context.newHandler(alloc);
        h.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
        return h;
    }

    public TlsSettings settings() {
        Built b = current;
        return b == null ? null : b.settings;
    }

    /** The engine serving handshakes now (null before the first successful load). */
    public SslProvider provider() {
        Built b = current;
        return b == null ? null : b.provider;
    }

    /**
     * The context outgoing links (replication, later the cluster bus) handshake with: the
     * tls-client-cert-file / tls-client-key-file pair, or tls-cert-file / tls-key-file when no
     * client pair is set (as Redis's createSSLContext for its client side), verifying peers
     * against the configured CA. Null when TLS is not configured. Each new link asks again, so
     * a reload (CONFIG SET, the agent's rotation) reaches the next connection; live links keep
     * their sessions.
     */
    public SslContext clientContext() {
        Built b = current;
        return b == null ? null : b.clientContext;
    }

    /** The certificate outgoing links present now (null without TLS). */
    public X509Certificate clientCertificate() {
        Built b = current;
        return b == null ? null : b.clientLeaf;
    }

    /** The certificate currently served. */
    public X509Certificate certificate() {
        Built b = current;
        return b == null ? null : b.leaf;
    }

    /** Incremented on every successful reload (metrics, INFO). */
    public long generation() {
        Built b = current;
        return b == null ? 0 : b.generation;
    }

    /** Builds a context from settings and, if it is sound, makes it current. */
    public synchronized void reload(TlsSettings s) throws TlsMaterialException {
        SslProvider provider = resolveProvider(s);
        Built old = current;
        Built b = build(s, provider, old == null ? 1 : old.generation + 1, () -> revoked);
        current = b;
    }

    /**
     * tls-provider: "jdk" or "openssl" as asked (openssl fails when the native library is
     * missing, or when tls-ciphersuites asks for a restriction BoringSSL cannot make); "auto"
     * takes BoringSSL unless one of those reasons sends it to the JDK.
     */
    static SslProvider resolveProvider(TlsSettings s) throws TlsMaterialException {
        String choice = s.provider() == null ? "auto" : s.provider();
        boolean restrictsTls13 = !s.ciphersuites().isEmpty();
        switch (choice) {
            case "jdk":
                return SslProvider.JDK;
            case "openssl":
                if (!OpenSsl.isAvailable()) {
                    throw new TlsMaterialException("tls-provider openssl: the native TLS library is unavailable ("
                            + OpenSsl.unavailabilityCause() + ")");
                }
                if (restrictsTls13 && boringSsl()) {
                    throw new TlsMaterialException("tls-ciphersuites cannot be enforced with tls-provider openssl "
                            + "(BoringSSL always offers its TLS 1.3 suites); use tls-provider jdk or auto");
                }
                return SslProvider.OPENSSL;
            default:
                if (!OpenSsl.isAvailable() || (restrictsTls13 && boringSsl())) {
                    return SslProvider.JDK;
                }
                return SslProvider.OPENSSL;
        }
    }

    /** BoringSSL (the bundled netty-tcnative) rather than a system OpenSSL. */
    static boolean boringSsl() {
        return OpenSsl.isAvailable() && OpenSsl.versionString() != null && OpenSsl.versionString().startsWith("BoringSSL");
    }

    private static Built build(TlsSettings s, SslProvider provider, long generation,
                               java.util.function.Supplier<java.util.Set<java.math.BigInteger>> revoked)
            throws TlsMaterialException {
        // The checks and their wording follow Redis's tlsConfigure()/createSSLContext().
        if (s.certFile().isEmpty()) {
            throw new TlsMaterialException("No tls-cert-file configured!");
        }
        if (s.keyFile().isEmpty()) {
            throw new TlsMaterialException("No tls-key-file configured!");
        }
        if ((!s.authClients().equals("no") || s.peersNeedCa()) && s.caCertFile().isEmpty() && s.caCertDir().isEmpty()) {
            throw new TlsMaterialException("Either tls-ca-cert-file or tls-ca-cert-dir must be specified when "
                    + "tls-cluster, tls-replication or tls-auth-clients are enabled!");
        }
        List<String> protocols = parseProtocols(s.protocols());
        List<X509Certificate> chain;
        try {
            chain = PemFiles.certificates(Path.of(s.certFile()));
        } catch (TlsMaterialException e) {
            throw new TlsMaterialException("Failed to load certificate: " + s.certFile() + ": " + e.getMessage());
        }
        PrivateKey key;
        try {
            key = PemFiles.privateKey(Path.of(s.keyFile()), s.keyFilePass());
            checkKeyMatches(chain.get(0), key, s.keyFile(), s.certFile());
        } catch (TlsMaterialException e) {
            throw new TlsMaterialException("Failed to load private key: " + s.keyFile() + ": " + e.getMessage());
        }
        List<X509Certificate> clientChain = chain;
        PrivateKey clientKey = key;
        if (!s.clientCertFile().isEmpty() && !s.clientKeyFile().isEmpty()) {
            // Redis creates its client-side context here and fails the whole reload on bad files.
            try {
                clientChain = PemFiles.certificates(Path.of(s.clientCertFile()));
            } catch (TlsMaterialException e) {
                throw new TlsMaterialException("Failed to load certificate: " + s.clientCertFile() + ": "
                        + e.getMessage());
            }
            try {
                clientKey = PemFiles.privateKey(Path.of(s.clientKeyFile()), s.clientKeyFilePass());
                checkKeyMatches(clientChain.get(0), clientKey, s.clientKeyFile(), s.clientCertFile());
            } catch (TlsMaterialException e) {
                throw new TlsMaterialException("Failed to load private key: " + s.clientKeyFile() + ": "
                        + e.getMessage());
            }
        }
        if (chain.get(0).getNotAfter().before(new Date())) {
            ServerLog.warning("TLS certificate " + s.certFile() + " expired on " + chain.get(0).getNotAfter());
        }
        List<X509Certificate> trust = new ArrayList<>();
        try {
            if (!s.caCertFile().isEmpty()) {
                trust.addAll(PemFiles.certificates(Path.of(s.caCertFile())));
            }
            if (!s.caCertDir().isEmpty()) {
                trust.addAll(PemFiles.certificatesInDir(Path.of(s.caCertDir())));
            }
        } catch (TlsMaterialException e) {
            throw new TlsMaterialException("Failed to configure CA certificate(s) file/directory: " + e.getMessage());
        }
        List<String> ciphers = cipherList(s, provider);
        try {
            SslContextBuilder b = SslContextBuilder.forServer(key, chain.toArray(new X509Certificate[0]))
                    .sslProvider(provider)
                    .protocols(protocols)
                    .clientAuth(clientAuth(s.authClients()));
            if (!trust.isEmpty()) {
                b.trustManager(RevocationCheckingTrustManager.over(trust, revoked));
            }
            if (ciphers != null) {
                b.ciphers(ciphers);
            }
            if (s.sessionCaching()) {
                b.sessionCacheSize(s.sessionCacheSize()).sessionTimeout(s.sessionCacheTimeout());
            }
            SslContext ctx = b.build();
            if (!s.sessionCaching()) {
                disableSessionCache(ctx);
            }
            SslContextBuilder cb = SslContextBuilder.forClient()
                    .sslProvider(provider)
                    .protocols(protocols)
                    .keyManager(new OwnIdentityKeyManager(clientKey, clientChain.toArray(new X509Certificate[0])));
            if (!trust.isEmpty()) {
                cb.trustManager(RevocationCheckingTrustManager.over(trust, revoked));
            }
            if (ciphers != null) {
                cb.ciphers(ciphers);
            }
            SslContext client = cb.build();
            return new Built(new EngineSettings(ctx, s.preferServerCiphers()), chain.get(0), s, provider, generation,
                    client, clientChain.get(0));
        } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
            throw new TlsMaterialException("cannot build TLS context: " + e.getMessage());
        }
    }

    /** The explicit suite list for the provider, or null for the provider's defaults. */
    private static List<String> cipherList(TlsSettings s, SslProvider provider) throws TlsMaterialException {
        if (provider == SslProvider.JDK) {
            return CipherLists.forJdk(s.ciphers(), s.ciphersuites());
        }
        if (s.ciphers().isEmpty()) {
            return null;
        }
        return CipherLists.expandOpenSsl(s.ciphers());
    }

    private static void disableSessionCache(SslContext ctx) {
        if (ctx.sessionContext() instanceof OpenSslSessionContext o) {
            o.setSessionCacheEnabled(false);
        } else {
            ctx.sessionContext().setSessionCacheSize(1);
            ctx.sessionContext().setSessionTimeout(1);
        }
    }

    /**
     * Applies what SslContextBuilder cannot express to every engine it makes:
     * tls-prefer-server-ciphers (SSL_OP_CIPHER_SERVER_PREFERENCE in Redis).
     */
    private static final class EngineSettings extends DelegatingSslContext {
        private final boolean preferServerCiphers;

        EngineSettings(SslContext ctx, boolean preferServerCiphers) {
            super(ctx);
            this.preferServerCiphers = preferServerCiphers;
        }

        @Override
        protected void initEngine(SSLEngine engine) {
            SSLParameters p = engine.getSSLParameters();
            if (p.getUseCipherSuitesOrder() != preferServerCiphers) {
                p.setUseCipherSuitesOrder(preferServerCiphers);
                engine.setSSLParameters(p);
            }
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
