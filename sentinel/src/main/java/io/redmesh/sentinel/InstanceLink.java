package io.redmesh.sentinel;

import io.redmesh.node.spi.link.OutboundLink;

/**
 * Redis's instanceLink: the two connections to an instance (commands, and Pub/Sub for masters
 * and replicas) and the times failure detection reads. A link to another sentinel is shared by
 * every master that sentinel watches with us (refcount), so 5 sentinels watching 100 masters
 * keep 5 links, not 500. Under the node's lock only.
 */
final class InstanceLink {
    int refcount = 1;
    /** True while a connection this instance needs is missing (or still connecting). */
    boolean disconnected = true;
    int pendingCommands;
    /** Commands connection, once ready. */
    OutboundLink cc;
    /** Pub/Sub connection (masters and replicas), once ready. */
    OutboundLink pc;
    /** A connect in flight: its token, so that one finished after a close is dropped. */
    Object ccConnecting;
    Object pcConnecting;
    long ccConnTime;
    long pcConnTime;
    long pcLastActivity;
    /** Last PING answered with an acceptable reply (PONG, LOADING, MASTERDOWN). */
    long lastAvailTime;
    /** When the oldest unanswered PING was sent; 0 once a PONG came back. */
    long actPingTime;
    long lastPingTime;
    /** Last reply to a PING, whatever it was. */
    long lastPongTime;
    long lastReconnTime;

    InstanceLink(long now) {
        // act_ping_time is "now" before any connection: an instance we can never reach times out
        this.actPingTime = now;
        this.lastAvailTime = now;
        this.lastPongTime = now;
    }

    /** The link is up when it has its commands connection, and its Pub/Sub one unless a sentinel's. */
    void updateDisconnected(boolean sentinel) {
        disconnected = !(cc != null && (sentinel || pc != null));
    }
}
