package io.redmesh.node.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher's queue behind a blocked client, driven step by step with fake transports so the
 * interleavings that real threads hit only rarely happen every time: the blocked client is
 * served or unblocked from "another thread" while its own thread still feeds it requests.
 */
class BlockedQueueDeterministicTest {
    /** A transport whose tasks run only when the test says, and that records what is written. */
    static final class FakeTransport implements SessionTransport {
        final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        boolean ioThread;

        @Override public void write(ByteBuf buf) {
            byte[] b = new byte[buf.readableBytes()];
            buf.readBytes(b);
            buf.release();
            written.writeBytes(b);
        }
        @Override public void execute(Runnable task) { tasks.add(task); }
        @Override public Future<?> schedule(Runnable task, long delayMillis) { return new CompletableFuture<>(); }
        @Override public boolean inIoThread() { return ioThread; }
        @Override public void close() {}
        @Override public void autoRead(boolean on) {}
        @Override public ByteBufAllocator alloc() { return UnpooledByteBufAllocator.DEFAULT; }
        @Override public long pendingOutputBytes() { return 0; }
        @Override public String remoteAddress() { return "127.0.0.1:1"; }
        @Override public String localAddress() { return "127.0.0.1:2"; }

        void runTasks() {
            Runnable r;
            while ((r = tasks.poll()) != null) {
                r.run();
            }
        }

        String output() {
            return written.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static byte[][] cmd(String... a) {
        byte[][] r = new byte[a.length][];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i].getBytes(StandardCharsets.UTF_8);
        }
        return r;
    }

    private static ServerContext server() {
        // a node built by its composition root and never started: no sockets, no threads
        return io.redmesh.node.Node.build(io.redmesh.node.Node.newConfig()).context();
    }

    private static void check(boolean viaUnblock) {
        ServerContext server = server();
        FakeTransport ta = new FakeTransport();
        FakeTransport tw = new FakeTransport();
        Session a = server.openSession(ta);
        Session w = server.openSession(tw);
        Dispatcher d = server.dispatcher();
        d.process(a, cmd("BLPOP", "k", "0"));
        d.process(a, cmd("RPUSH", "log", "1")); // queued while blocked
        // "Another thread" serves a; a's own thread has not run the drain task yet...
        if (viaUnblock) {
            d.process(w, cmd("CLIENT", "UNBLOCK", Long.toString(a.id)));
        } else {
            d.process(w, cmd("RPUSH", "k", "x"));
        }
        // ...and meanwhile decodes one more request.
        d.process(a, cmd("RPUSH", "log", "2"));
        ta.runTasks();
        a.flush();
        String first = viaUnblock ? "*-1\r\n" : "*2\r\n$1\r\nk\r\n$1\r\nx\r\n";
        assertEquals(first + ":1\r\n:2\r\n", ta.output());
        d.process(w, cmd("LRANGE", "log", "0", "-1"));
        w.flush();
        tw.runTasks();
        assertEquals(":1\r\n*2\r\n$1\r\n1\r\n$1\r\n2\r\n", tw.output());
    }

    @Test
    void servedByAPushFromAnotherThread() {
        check(false);
    }

    @Test
    void unblockedByClientUnblockFromAnotherThread() {
        check(true);
    }
}
