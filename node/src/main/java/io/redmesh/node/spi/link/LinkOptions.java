package io.redmesh.node.spi.link;

/**
 * Where and how an outbound link connects.
 *
 * @param host              the peer's address (a name is resolved once per connect)
 * @param port              its port (its TLS port when {@code tls})
 * @param tls               connect over TLS with the node's client material: tls-client-cert-file /
 *                          tls-client-key-file, else tls-cert-file / tls-key-file, verified against
 *                          tls-ca-cert-file / tls-ca-cert-dir
 * @param expectedPeerName  when not null, the peer certificate must carry this name in a subject
 *                          alternative name (DNS, IP address or URI such as a spiffe:// id), checked
 *                          right after the handshake and before any byte is sent
 * @param connectTimeoutMillis bound on the TCP connect plus the TLS handshake
 * @param maxReplyBytes     the largest reply {@link OutboundLink#call} accepts (bulk or line); a
 *                          larger one closes the link
 */
public record LinkOptions(String host, int port, boolean tls, String expectedPeerName, long connectTimeoutMillis,
                          int maxReplyBytes) {
    public static LinkOptions plain(String host, int port) {
        return new LinkOptions(host, port, false, null, 5000, 1 << 20);
    }

    public LinkOptions withTls(boolean on, String peerName) {
        return new LinkOptions(host, port, on, peerName, connectTimeoutMillis, maxReplyBytes);
    }

    public LinkOptions withConnectTimeout(long millis) {
        return new LinkOptions(host, port, tls, expectedPeerName, millis, maxReplyBytes);
    }
}
