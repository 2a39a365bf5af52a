package io.redmesh.cluster.bus;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/**
 * One bus connection (Redis's clusterLink): outbound to a node we ping, or inbound from a node
 * that pings us. Messages go out whole; {@code node} is the peer as far as it is known.
 */
public final class BusLink {
    private final Channel channel;
    public final boolean inbound;
    public final long createdMillis = System.currentTimeMillis();
    /** The node this link belongs to (an outbound link's target; an inbound one once it spoke). */
    public volatile Object node;
    private final BusTransport transport;
    volatile long sentBytes;
    volatile long receivedBytes;

    BusLink(Channel channel, boolean inbound, BusTransport transport) {
        this.channel = channel;
        this.inbound = inbound;
        this.transport = transport;
    }

    public void send(BusMessage m) {
        if (!channel.isActive()) {
            return;
        }
        ByteBuf buf = channel.alloc().buffer(BusCodec.HEADER_LEN + m.gossip.size() * BusCodec.GOSSIP_LEN + 64);
        BusCodec.encode(m, buf);
        sentBytes += buf.readableBytes();
        transport.counted(m.type, true);
        channel.writeAndFlush(buf, channel.voidPromise());
    }

    public boolean active() {
        return channel.isActive();
    }

    public void close() {
        channel.close();
    }

    /**
     * What one link costs beside its unsent bytes: the channel, its pipeline and codec and the
     * receive buffer a message is assembled in (Redis counts its clusterLink and the 1 KB
     * initial receive buffer); an estimate, as Redis's figure is its allocator's.
     */
    static final long FIXED_BYTES = 2048;

    /** This link's share of INFO's mem_cluster_links: the fixed part and the unsent bytes. */
    public long memory() {
        return FIXED_BYTES + pendingBytes();
    }

    /** Bytes waiting to be written (CLUSTER LINKS send-buffer-allocated). */
    public long pendingBytes() {
        return channel.unsafe().outboundBuffer() == null ? 0 : channel.unsafe().outboundBuffer().totalPendingWriteBytes();
    }

    public String remoteAddress() {
        java.net.SocketAddress a = channel.remoteAddress();
        return a instanceof java.net.InetSocketAddress i ? i.getAddress().getHostAddress() : "";
    }

    public String localAddress() {
        java.net.SocketAddress a = channel.localAddress();
        return a instanceof java.net.InetSocketAddress i ? i.getAddress().getHostAddress() : "";
    }

    void invalid(String why) {
        transport.log("Bad cluster bus message from " + remoteAddress() + " (" + why + "): link closed");
    }
}
