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
