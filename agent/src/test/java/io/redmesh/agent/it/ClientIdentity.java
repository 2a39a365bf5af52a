package io.redmesh.agent.it;

import java.net.Socket;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A TLS client whose certificate and trusted roots can be changed while connections made with
 * it stay open, as a well-behaved application rotates its own client certificate: one
 * {@link SSLContext}, every new handshake reads the current material. Each material gets its
 * own alias so a swap between choosing an alias and fetching the key cannot mix two of them.
 */
public final class ClientIdentity {
    /** A private key and its chain, leaf first. */
    public record Material(PrivateKey key, List<X509Certificate> chain) {
        public X509Certificate leaf() {
            return chain.get(0);
        }
    }

    private final Map<String, Material> byAlias = new ConcurrentHashMap<>();
    private final AtomicInteger generation = new AtomicInteger();
    private volatile String alias;
    private volatile X509ExtendedTrustManager trust;
    private final SSLContext context;

    public ClientIdentity(Material material, Collection<X509Certificate> roots) throws Exception {
        use(material);
        trust(roots);
        context = SSLContext.getInstance("TLS");
        context.init(new javax.net.ssl.KeyManager[] {new Keys()}, new TrustManager[] {new Trust()}, null);
    }

    public SSLContext context() {
        return context;
    }

    public Material current() {
        return byAlias.get(alias);
    }

    /** New handshakes present {@code m} from now on. */
    public void use(Material m) {
        String a = "id" + generation.incrementAndGet();
        byAlias.put(a, m);
        alias = a;
    }

    /** New handshakes accept servers chaining to {@code roots}. */
    public void trust(Collection<X509Certificate> roots) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        int i = 0;
        for (X509Certificate c : roots) {
            ks.setCertificateEntry("root" + i++, c);
        }
        TrustManagerFactory f = TrustManagerFactory.getInstance("PKIX");
        f.init(ks);
        for (TrustManager tm : f.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager x) {
                trust = x;
                return;
            }
        }
        throw new IllegalStateException("no PKIX trust manager");
    }

    private final class Keys extends X509ExtendedKeyManager {
        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {alias};
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return alias;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return alias;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String a) {
            Material m = byAlias.get(a);
            return m == null ? null : m.chain().toArray(new X509Certificate[0]);
        }

        @Override
        public PrivateKey getPrivateKey(String a) {
            Material m = byAlias.get(a);
            return m == null ? null : m.key();
        }
    }

    private final class Trust extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket s) throws CertificateException {
            trust.checkClientTrusted(chain, authType, s);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket s) throws CertificateException {
            trust.checkServerTrusted(chain, authType, s);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine e) throws CertificateException {
            trust.checkClientTrusted(chain, authType, e);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine e) throws CertificateException {
            trust.checkServerTrusted(chain, authType, e);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            trust.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            trust.checkServerTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return trust.getAcceptedIssuers();
        }
    }
}
