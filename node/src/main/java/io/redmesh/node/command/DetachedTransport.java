package io.redmesh.node.command;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * The transport of a session no socket stands behind (the AOF loader's fake client, the master's
 * stream applied on a replica): whatever is written goes nowhere, scheduled tasks never run.
 */
public final class DetachedTransport implements SessionTransport {
    private final String remote;

    public DetachedTransport(String remote) {
        this.remote = remote;
    }

    @Override
    public void write(ByteBuf buf) {
        buf.release();
    }

    @Override
    public void execute(Runnable task) {
        // nothing is ever flushed to a peer: the tasks a session schedules (flushes) are moot
    }

    @Override
    public Future<?> schedule(Runnable task, long delayMillis) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public boolean inIoThread() {
        return true;
    }

    @Override
    public void close() {
    }

    @Override
    public void autoRead(boolean on) {
    }

    @Override
    public ByteBufAllocator alloc() {
        return UnpooledByteBufAllocator.DEFAULT;
    }

    @Override
    public long pendingOutputBytes() {
        return 0;
    }

    @Override
    public String remoteAddress() {
        return remote;
    }

    @Override
    public String localAddress() {
        return "";
    }
}
