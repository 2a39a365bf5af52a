package io.redmesh.node.spi.link;

import java.util.concurrent.CompletableFuture;

/** Opens outbound links on the node's event loops (see {@link OutboundLink}). */
public interface LinkFactory {
    /**
     * Connects; the future completes once the link is ready for requests (TCP connected, TLS
     * handshake done and the peer name checked), or fails with a {@link LinkRefusedException}
     * whose message says why (refused, timed out, untrusted certificate, wrong peer name).
     */
    CompletableFuture<OutboundLink> connect(LinkOptions options);
}
