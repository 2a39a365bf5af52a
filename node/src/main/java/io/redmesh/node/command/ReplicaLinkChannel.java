package io.redmesh.node.command;

import io.netty.buffer.ByteBuf;
import io.redmesh.node.spi.ReplicaChannel;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

/**
 * A client connection that sent PSYNC/SYNC, as the replication module writes to it (Redis's
 * CLIENT_SLAVE): raw stream bytes straight to the transport, no replies, the output limits of
 * class "replica" applied to what the master holds for it.
 */
final class ReplicaLinkChannel implements ReplicaChannel {
    private final Session session;
    private final Events events;
    private boolean closedReported;

    ReplicaLinkChannel(Session session, Events events) {
        this.session = session;
        this.events = events;
    }

    @Override
    public long clientId() {
        return session.id;
    }

    @Override
    public String remoteAddress() {
        return session.transport.remoteAddress();
    }

    @Override
    public X509Certificate peerCertificate() {
        Certificate[] chain = session.transport.peerCertificates();
        return chain != null && chain.length > 0 && chain[0] instanceof X509Certificate x ? x : null;
    }

    @Override
    public void execute(Runnable task) {
        session.transport.execute(task);
    }

    @Override
    public boolean inEventLoop() {
        return session.transport.inIoThread();
    }

    @Override
    public void write(ByteBuf data) {
        if (session.closed) {
            data.release();
            return;
        }
        int n = data.readableBytes();
        session.netOutput += n;
        session.server.stats.netReplOutputBytes += n;
        session.transport.write(data);
    }

    @Override
    public boolean writable() {
        return session.transport.writable();
    }

    @Override
    public long pendingBytes() {
        return session.transport.pendingOutputBytes();
    }

    @Override
    public boolean closeIfOverLimit(long heldBytes) {
        return session.server.outputLimits.enforceReplica(session, heldBytes);
    }

    @Override
    public void close() {
        session.closeAsync();
    }

    /** The transport's writability changed (on its event loop). */
    void writabilityChanged(boolean nowWritable) {
        if (nowWritable) {
            events.writable();
        }
    }

    /** The connection is gone (closeSession, under the lock). */
    void closed() {
        if (!closedReported) {
            closedReported = true;
            events.closed();
        }
    }
}
