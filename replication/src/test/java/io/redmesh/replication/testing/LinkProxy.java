package io.redmesh.replication.testing;

import io.redmesh.node.testing.Ports;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on loopback standing in one link (replica to master), to fault it without touching
 * anything else: cut every connection now, or throttle the master-to-replica direction to a byte
 * rate (a slow network during a full sync). Blocking sockets, two threads per connection, all
 * closed by {@link #close()}.
 */
public final class LinkProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile long bytesPerSecond;
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();

    public LinkProxy(int targetPort) throws IOException {
        this.target = targetPort;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), Ports.free()));
        Thread t = new Thread(this::accept, "link-proxy-accept");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far (how many times a peer tried this link). */
    public int accepted() {
        return accepted.get();
    }

    /** Limits what flows from the target to the client (0: unlimited). */
    public void throttle(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
    }

    /** Closes every proxied connection now (the next ones go through again). */
    public void cut() {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        sockets.clear();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                accepted.incrementAndGet();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream, false);
                pump(upstream, client, true);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to, boolean throttled) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf, 0, throttled && bytesPerSecond > 0
                        ? (int) Math.min(buf.length, Math.max(1, bytesPerSecond / 20)) : buf.length)) > 0) {
                    out.write(buf, 0, n);
                    long rate = bytesPerSecond;
                    if (throttled && rate > 0) {
                        Thread.sleep(Math.max(1, n * 1000L / rate));
                    }
                }
            } catch (IOException | InterruptedException e) {
                // the link ends
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException e) {
                    // closed
                }
            }
        }, "link-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        cut();
    }
}
