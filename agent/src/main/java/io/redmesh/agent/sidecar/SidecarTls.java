package io.redmesh.agent.sidecar;

import io.redmesh.node.spi.tls.PemFiles;
import io.redmesh.node.spi.tls.TlsMaterialException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS for the sidecar: client contexts from the PEM files redis-server itself reads, and the
 * handshake probe that tells which certificate a server serves to new connections.
 */
final class SidecarTls {
    private static final SecureRandom RANDOM = new SecureRandom();

    private SidecarTls() {}

    /**
     * A fresh client context: trust {@code caFile}, and {@code alsoTrust} when not null and it
     * exists; present cert/key when both are given.
     */
    static SSLContext clientContext(Path caFile, Path alsoTrust, Path certFile, Path keyFile)
            throws TlsMaterialException {
        List<X509Certificate> cas = new java.util.ArrayList<>(PemFiles.certificates(caFile));
        if (alsoTrust != null && java.nio.file.Files.exists(alsoTrust)) {
            cas.addAll(PemFiles.certificates(alsoTrust));
        }
        return context(trustManager(cas, caFile), certFile, keyFile);
    }

    /**
     * Opens a new TLS connection to host:port and returns the certificate chain the server
     * presented (leaf first). The chain is captured as it arrives, before the client decides
     * anything, so the answer does not depend on whether the server then accepts our client
     * certificate; it is also checked against {@code caFile} and the result reported in the
     * returned probe. A fresh context every time: a resumed session would carry no certificate.
     */
    static Probe probe(String host, int port, Path caFile, Path certFile, Path keyFile, int timeoutMillis)
            throws TlsMaterialException, IOException {
        X509TrustManager pkix = trustManager(caFile);
        AtomicReference<X509Certificate[]> served = new AtomicReference<>();
        AtomicReference<String> untrusted = new AtomicReference<>();
        X509TrustManager capturing = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("client side only");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                served.set(chain.clone());
                try {
                    pkix.checkServerTrusted(chain, authType);
                } catch (CertificateException e) {
                    untrusted.set(e.getMessage());
                    throw e;
                }
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return pkix.getAcceptedIssuers();
            }
        };
        SSLContext ctx = context(capturing, certFile, keyFile);
        try (Socket raw = new Socket()) {
            raw.connect(new InetSocketAddress(host, port), timeoutMillis);
            raw.setSoTimeout(timeoutMillis);
            try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(raw, host, port, false)) {
                try {
                    s.startHandshake();
                } catch (IOException e) {
                    if (served.get() == null) {
                        throw e;
                    }
                    // The server's certificate arrived; what failed after it does not change what is served.
                }
            }
        }
        X509Certificate[] chain = served.get();
        if (chain == null || chain.length == 0) {
            throw new IOException("the TLS handshake with " + host + ":" + port + " presented no certificate");
        }
        return new Probe(List.of(chain), untrusted.get());
    }

    /** What a server presented: its chain, and why it is not trusted (null when it is). */
    record Probe(List<X509Certificate> chain, String untrustedReason) {
        X509Certificate leaf() {
            return chain.get(0);
        }
    }

    private static SSLContext context(X509TrustManager trust, Path certFile, Path keyFile) throws TlsMaterialException {
        try {
            KeyManagerFactory kmf = null;
            if (certFile != null && keyFile != null) {
                List<X509Certificate> chain = PemFiles.certificates(certFile);
                PrivateKey key = PemFiles.privateKey(keyFile, null);
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("client", key, new char[0], chain.toArray(new X509Certificate[0]));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, new char[0]);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), new TrustManager[] {trust}, RANDOM);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsMaterialException("cannot build a TLS client context from " + certFile + ", " + keyFile
                    + ": " + e.getMessage());
        }
    }

    private static X509TrustManager trustManager(Path caFile) throws TlsMaterialException {
        return trustManager(PemFiles.certificates(caFile), caFile);
    }

    private static X509TrustManager trustManager(List<X509Certificate> cas, Path caFile) throws TlsMaterialException {
        try {
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            int i = 0;
            for (X509Certificate c : cas) {
                ts.setCertificateEntry("ca" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    return x;
                }
            }
            throw new TlsMaterialException("no X.509 trust manager for " + caFile);
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsMaterialException("cannot use CA file " + caFile + ": " + e.getMessage());
        }
    }
}
