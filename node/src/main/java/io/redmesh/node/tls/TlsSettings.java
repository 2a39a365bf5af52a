package io.redmesh.node.tls;

import io.redmesh.node.config.ServerConfig;

/**
 * The tls-* directives of one server-side TLS endpoint, as read from the config.
 *
 * @param provider RedMesh's {@code tls-provider}: "auto", "openssl" (netty-tcnative BoringSSL) or "jdk"
 * @param peersNeedCa tls-replication or tls-cluster is on: Redis then requires a CA even with
 *     {@code tls-auth-clients no}, since outgoing links verify their peers with it
 * @param clientCertFile tls-client-cert-file: the certificate outgoing links (replication,
 *     cluster bus) present; checked with its key on every reload, as Redis builds its client
 *     context then, even though no outgoing link uses it yet
 */
public record TlsSettings(
        String certFile,
        String keyFile,
        String keyFilePass,
        String caCertFile,
        String caCertDir,
        String authClients,
        String protocols,
        String ciphers,
        String ciphersuites,
        boolean preferServerCiphers,
        boolean sessionCaching,
        long sessionCacheSize,
        long sessionCacheTimeout,
        String provider,
        boolean peersNeedCa,
        String clientCertFile,
        String clientKeyFile,
        String clientKeyFilePass) {

    public static TlsSettings from(ServerConfig c) {
        return new TlsSettings(c.getString("tls-cert-file"), c.getString("tls-key-file"),
                c.getString("tls-key-file-pass"), c.getString("tls-ca-cert-file"), c.getString("tls-ca-cert-dir"),
                c.getString("tls-auth-clients"), c.getString("tls-protocols"), c.getString("tls-ciphers"),
                c.getString("tls-ciphersuites"), c.getBool("tls-prefer-server-ciphers"),
                c.getBool("tls-session-caching"), c.getLong("tls-session-cache-size"),
                c.getLong("tls-session-cache-timeout"), c.getString("tls-provider"),
                c.getBool("tls-replication") || c.getBool("tls-cluster"), c.getString("tls-client-cert-file"),
                c.getString("tls-client-key-file"), c.getString("tls-client-key-file-pass"));
    }

    /** Whether any TLS material is configured at all. */
    public boolean configured() {
        return !certFile.isEmpty() || !keyFile.isEmpty();
    }
}
