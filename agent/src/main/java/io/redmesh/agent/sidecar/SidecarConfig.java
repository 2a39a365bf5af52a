package io.redmesh.agent.sidecar;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link SidecarNode} reaches its redis-server: address, admin credentials, TLS and the
 * time bounds of every operation. Immutable; build with {@link #builder(String, int)}.
 *
 * <p>The admin password is held only here and handed to the client library for AUTH; it is never
 * logged and {@link #toString()} masks it.
 *
 * <p>TLS: the CA file is the trust for the server's certificate; the optional client certificate
 * and key are presented when redis-server asks for one ({@code tls-auth-clients yes}, its
 * default). The files are read again at every (re)connect, so a rotator that rewrites them in
 * place is followed without restarting the sidecar.
 */
public final class SidecarConfig {
    private final String host;
    private final int port;
    private final String adminUser;
    private final String adminPassword;
    private final boolean tls;
    private final Path caCertFile;
    private final Path alsoTrustFile;
    private final Path clientCertFile;
    private final Path clientKeyFile;
    private final boolean verifyHostname;
    private final Duration commandTimeout;
    private final Duration connectTimeout;
    private final Duration retryFor;
    private final boolean manageDefaultUser;

    private SidecarConfig(Builder b) {
        host = b.host;
        port = b.port;
        adminUser = b.adminUser;
        adminPassword = b.adminPassword;
        tls = b.tls;
        caCertFile = b.caCertFile;
        alsoTrustFile = b.alsoTrustFile;
        clientCertFile = b.clientCertFile;
        clientKeyFile = b.clientKeyFile;
        verifyHostname = b.verifyHostname;
        commandTimeout = b.commandTimeout;
        connectTimeout = b.connectTimeout;
        retryFor = b.retryFor;
        manageDefaultUser = b.manageDefaultUser;
    }

    /** A plain-TCP configuration for host:port; call {@link Builder#tls} for TLS. */
    public static Builder builder(String host, int port) {
        return new Builder(host, port);
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String adminUser() {
        return adminUser;
    }

    String adminPassword() {
        return adminPassword;
    }

    public boolean tls() {
        return tls;
    }

    public Path caCertFile() {
        return caCertFile;
    }

    /** A second trust file, used when it exists (the agent's trust bundle); null when none. */
    public Path alsoTrustFile() {
        return alsoTrustFile;
    }

    public Path clientCertFile() {
        return clientCertFile;
    }

    public Path clientKeyFile() {
        return clientKeyFile;
    }

    public boolean verifyHostname() {
        return verifyHostname;
    }

    /** Bound on one command's reply (socket read timeout). */
    public Duration commandTimeout() {
        return commandTimeout;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** How long one operation keeps reconnecting (with backoff) before it fails. */
    public Duration retryFor() {
        return retryFor;
    }

    /**
     * Whether the {@code default} user follows the mesh like any other user. When false it is
     * managed locally, as the admin user always is. It can never be deleted (Redis refuses).
     */
    public boolean manageDefaultUser() {
        return manageDefaultUser;
    }

    @Override
    public String toString() {
        return "SidecarConfig[" + host + ":" + port + (tls ? " tls" : "") + ", admin user " + adminUser
                + ", password ***]";
    }

    /** Builder; defaults: no TLS, 2 s command timeout, 2 s connect timeout, retry for 5 s. */
    public static final class Builder {
        private final String host;
        private final int port;
        private String adminUser = "default";
        private String adminPassword;
        private boolean tls;
        private Path caCertFile;
        private Path alsoTrustFile;
        private Path clientCertFile;
        private Path clientKeyFile;
        private boolean verifyHostname = true;
        private Duration commandTimeout = Duration.ofSeconds(2);
        private Duration connectTimeout = Duration.ofSeconds(2);
        private Duration retryFor = Duration.ofSeconds(5);
        private boolean manageDefaultUser = true;

        private Builder(String host, int port) {
            this.host = Objects.requireNonNull(host);
            this.port = port;
        }

        /** The admin user the sidecar authenticates as; it is never changed through the mesh. */
        public Builder admin(String user, String password) {
            this.adminUser = Objects.requireNonNull(user);
            this.adminPassword = Objects.requireNonNull(password);
            return this;
        }

        /** TLS trusting {@code caCertFile}, presenting the client certificate/key when not null. */
        public Builder tls(Path caCertFile, Path clientCertFile, Path clientKeyFile) {
            this.tls = true;
            this.caCertFile = Objects.requireNonNull(caCertFile).toAbsolutePath();
            if ((clientCertFile == null) != (clientKeyFile == null)) {
                throw new IllegalArgumentException("client certificate and key go together");
            }
            this.clientCertFile = clientCertFile == null ? null : clientCertFile.toAbsolutePath();
            this.clientKeyFile = clientKeyFile == null ? null : clientKeyFile.toAbsolutePath();
            return this;
        }

        /**
         * Also trust the certificates in {@code file} when it exists, read at every (re)connect:
         * the agent's own trust bundle. Once the agent has installed its leaf, redis-server's
         * certificate chains to the mesh's CAs, which a CA rotation changes; the configured CA
         * file alone would refuse the server after the old CA leaves the bundle.
         */
        public Builder alsoTrust(Path file) {
            this.alsoTrustFile = file == null ? null : file.toAbsolutePath();
            return this;
        }

        /** Check that the server certificate names the host (default true). */
        public Builder verifyHostname(boolean v) {
            this.verifyHostname = v;
            return this;
        }

        public Builder commandTimeout(Duration d) {
            this.commandTimeout = positive(d);
            return this;
        }

        public Builder connectTimeout(Duration d) {
            this.connectTimeout = positive(d);
            return this;
        }

        public Builder retryFor(Duration d) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("retryFor must not be negative");
            }
            this.retryFor = d;
            return this;
        }

        public Builder manageDefaultUser(boolean v) {
            this.manageDefaultUser = v;
            return this;
        }

        public SidecarConfig build() {
            if (adminPassword == null) {
                throw new IllegalArgumentException("the sidecar needs an admin user and password");
            }
            return new SidecarConfig(this);
        }

        private static Duration positive(Duration d) {
            if (d.isZero() || d.isNegative() || d.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("timeout out of range: " + d);
            }
            return d;
        }
    }
}
