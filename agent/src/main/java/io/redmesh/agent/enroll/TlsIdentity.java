package io.redmesh.agent.enroll;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * JDK TLS contexts for the agent's own small links (enrollment), built over a key that can be
 * swapped: the key manager asks a supplier for the current key and chain at every handshake,
 * so a renewed certificate applies to the next connection without rebuilding anything.
 */
public final class TlsIdentity {
    /** A private key and its chain (leaf first). */
    public record Material(PrivateKey key, List<X509Certificate> chain) {}

    private TlsIdentity() {}

    /**
     * @param identity current key + chain, or a supplier returning null for "no certificate"
     * @param trust    anchors peers must chain to
     */
    public static SSLContext context(Supplier<Material> identity, Collection<X509Certificate> trust) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            ctx.init(new KeyManager[] {new SwappableKeyManager(identity)},
                    new TrustManager[] {trustManager(trust)}, null);
            return ctx;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("TLS context: " + e.getMessage(), e);
        }
    }

    /** A PKIX trust manager over exactly these anchors. */
    public static X509TrustManager trustManager(Collection<X509Certificate> anchors) {
        try {
            return io.redmesh.node.spi.tls.TrustAnchors.pkix(anchors);
        } catch (io.redmesh.node.spi.tls.TlsMaterialException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Chooses an alias naming the material current at that moment and serves that same
     * material for it, so a swap between the choice and the key lookup cannot pair one
     * certificate with another key.
     */
    private static final class SwappableKeyManager extends X509ExtendedKeyManager {
        private final Supplier<Material> identity;
        private final java.util.Map<String, Material> recent =
                java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(8, 0.75f, false) {
                    private static final long serialVersionUID = 1L;

                    @Override
                    protected boolean removeEldestEntry(java.util.Map.Entry<String, Material> e) {
                        return size() > 4;
                    }
                });

        SwappableKeyManager(Supplier<Material> identity) {
            this.identity = identity;
        }

        private String alias() {
            Material m = identity.get();
            if (m == null) {
                return null;
            }
            String alias = "m" + Integer.toHexString(System.identityHashCode(m));
            recent.put(alias, m);
            return alias;
        }

        private String[] aliases() {
            String a = alias();
            return a == null ? null : new String[] {a};
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return aliases();
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return alias();
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return alias();
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return aliases();
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return alias();
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return alias();
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            Material m = recent.get(alias);
            return m == null ? null : m.chain().toArray(new X509Certificate[0]);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            Material m = recent.get(alias);
            return m == null ? null : m.key();
        }
    }
}
