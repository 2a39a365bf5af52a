package io.redmesh.cli;

import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A client's TLS material as an application that follows a CA rotation holds it: the roots it
 * trusts are re-read from the trust file whenever that file changes (`redmesh ca rotate` extends
 * ca/trust.crt with the new root), so connections made after the rotation verify leaves of the
 * new root while those of the old one stay trusted through the overlap. The client certificate
 * and key are read once.
 */
final class ReloadingClientTls extends X509ExtendedTrustManager {
    private final Path trustFile;
    private volatile FileTime loadedAt;
    private volatile X509ExtendedTrustManager delegate;

    private ReloadingClientTls(Path trustFile) {
        this.trustFile = trustFile;
    }

    /** A trust manager trusting the roots of {@code trustFile} as the file is at each handshake. */
    static ReloadingClientTls trusting(Path trustFile) throws CertificateException {
        ReloadingClientTls trust = new ReloadingClientTls(trustFile);
        trust.current();
        return trust;
    }

    /** An SSLContext with this trust, presenting {@code cert}/{@code key}. */
    SSLContext context(Path cert, Path key) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        X509Certificate[] chain;
        try (InputStream in = Files.newInputStream(cert)) {
            chain = CertificateFactory.getInstance("X.509").generateCertificates(in).toArray(new X509Certificate[0]);
        }
        ks.setKeyEntry("client", io.redmesh.agent.pki.Pem.parsePrivateKey(Files.readString(key), null, key.toString()), new char[0], chain);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), new TrustManager[] {this}, null);
        return ctx;
    }

    private X509ExtendedTrustManager current() throws CertificateException {
        try {
            FileTime modified = Files.getLastModifiedTime(trustFile);
            if (delegate == null || !modified.equals(loadedAt)) {
                KeyStore roots = KeyStore.getInstance("PKCS12");
                roots.load(null, null);
                Collection<? extends java.security.cert.Certificate> certs;
                try (InputStream in = Files.newInputStream(trustFile)) {
                    certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
                }
                int i = 0;
                for (java.security.cert.Certificate c : certs) {
                    roots.setCertificateEntry("root" + i++, c);
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(roots);
                delegate = (X509ExtendedTrustManager) tmf.getTrustManagers()[0];
                loadedAt = modified;
            }
            return delegate;
        } catch (CertificateException e) {
            throw e;
        } catch (Exception e) {
            throw new CertificateException("cannot read " + trustFile + ": " + e, e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        current().checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        current().checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        current().checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("a client trust manager judges no client");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("a client trust manager judges no client");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a client trust manager judges no client");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        try {
            return current().getAcceptedIssuers();
        } catch (CertificateException e) {
            return new X509Certificate[0];
        }
    }
}
