package io.redmesh.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How the operator tools reach a node, with redis-cli's option names where it has one. */
public final class ConnectionOptions {
    @Option(names = "-h", description = "Server hostname (default: ${DEFAULT-VALUE})", defaultValue = "127.0.0.1")
    String host;

    @Option(names = "-p", description = "Server port (default: ${DEFAULT-VALUE})", defaultValue = "6379")
    int port;

    @Option(names = "--tls", description = "Establish a secure TLS connection")
    boolean tls;

    @Option(names = "--cacert", description = "CA certificate file to verify the server with")
    Path cacert;

    @Option(names = "--cert", description = "Client certificate to authenticate with")
    Path cert;

    @Option(names = "--key", description = "Private key file for --cert")
    Path key;

    @Option(names = "--user", description = "Used to send ACL style 'AUTH username pass'. Needs --pass")
    String user;

    @Option(names = {"-a", "--pass"}, description = "Password (or set REDISCLI_AUTH, as redis-cli reads it)")
    String pass;

    /** Connects, authenticates as asked, and returns the connection. */
    RespConnection connect() throws java.io.IOException {
        RespConnection c = tls ? RespConnection.tls(host, port, cacert, cert, key) : RespConnection.plain(host, port);
        String password = pass != null ? pass : System.getenv("REDISCLI_AUTH");
        if (password != null) {
            Object r = user != null ? c.call("AUTH", user, password) : c.call("AUTH", password);
            if (r instanceof RespConnection.ErrorReply e) {
                c.close();
                throw new java.io.IOException("AUTH failed: " + e.message());
            }
        }
        return c;
    }
}
