package io.redmesh.node.security;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * The attacker of CVE-2025-21605 and its cousins: a client with a tiny receive window that writes
 * one pipelined request over and over, as fast as the server takes it, and never reads a reply.
 * The flood runs on its own thread for a bounded time and ends early when the server closes the
 * connection; the test reads how much the server took and how it ended.
 */
final class NonReadingClient implements AutoCloseable {
    private final Socket socket;
    private final Thread writer;
    private volatile long bytesWritten;
    private volatile boolean resetByServer;
    private volatile boolean done;

    private NonReadingClient(Socket socket, byte[] request, long millis) {
        this.socket = socket;
        this.writer = new Thread(() -> flood(request, millis), "non-reading-client");
        writer.setDaemon(true);
    }

    /** Connects to 127.0.0.1:port and starts flooding {@code request} for at most {@code millis}. */
    static NonReadingClient start(int port, byte[] prefix, byte[] request, long millis) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096); // before connect: a small window, as a slow reader
        s.setSendBufferSize(64 * 1024);
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        s.getOutputStream().write(prefix);
        NonReadingClient c = new NonReadingClient(s, request, millis);
        c.writer.start();
        return c;
    }

    private void flood(byte[] request, long millis) {
        long deadline = System.currentTimeMillis() + millis;
        byte[] chunk = repeat(request, Math.max(1, 16 * 1024 / request.length));
        try {
            OutputStream out = socket.getOutputStream();
            while (System.currentTimeMillis() < deadline) {
                out.write(chunk);
                bytesWritten += chunk.length;
            }
        } catch (IOException e) {
            resetByServer = true; // "Connection reset" / "Broken pipe": the server closed us
        } finally {
            done = true;
        }
    }

    private static byte[] repeat(byte[] b, int n) {
        byte[] out = new byte[b.length * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(b, 0, out, i * b.length, b.length);
        }
        return out;
    }

    /** Waits (bounded) for the flood to end; true if it ended because the server closed us. */
    boolean awaitClosedByServer(long millis) throws InterruptedException {
        writer.join(millis);
        return done && resetByServer;
    }

    /** Whether the writer is still pushing (or blocked pushing) requests. */
    boolean flooding() {
        return !done;
    }

    long bytesWritten() {
        return bytesWritten;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do
        }
        try {
            writer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
