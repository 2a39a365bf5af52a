package io.redmesh.node.spi.cluster;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslHandler;

/**
 * TLS for the cluster bus from the node's material in force at the time of each call (so a
 * rotation reaches the next bus connection and established links keep their sessions). Both
 * sides verify the peer against the configured CA; the accepting side always requires a client
 * certificate, as Redis's bus does, whatever tls-auth-clients says.
 */
public interface BusTls {
    /** Whether TLS material is loaded (tls-port or tls-cluster/tls-replication configured). */
    boolean available();

    /** A handler for a bus connection another node opened to us (client certificate required). */
    SslHandler accepting(ByteBufAllocator alloc);

    /** A handler for a bus connection we open, presenting our client certificate. */
    SslHandler connecting(ByteBufAllocator alloc, String host, int port);
}
