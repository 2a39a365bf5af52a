package io.redmesh.node.spi.tls;

import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/** A PKIX trust manager over exactly the given CA certificates (no system roots). */
public final class TrustAnchors {
    private TrustAnchors() {}

    public static X509ExtendedTrustManager pkix(Collection<X509Certificate> anchors) throws TlsMaterialException {
        try {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (X509Certificate c : anchors) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory f = TrustManagerFactory.getInstance("PKIX");
            f.init(ks);
            for (TrustManager tm : f.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x) {
                    return x;
                }
            }
            throw new TlsMaterialException("no X509 trust manager available");
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            throw new TlsMaterialException("cannot build trust manager: " + e.getMessage());
        }
    }
}
