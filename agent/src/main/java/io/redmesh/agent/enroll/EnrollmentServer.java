package io.redmesh.agent.enroll;

import io.redmesh.node.spi.NodeLog;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocket;

/**
 * The issuer's enrollment endpoint: one TLS request, one answer, per connection. It is the
 * only agent link that accepts clients without a certificate, because a node asking for its
 * first certificate has none yet; such a request is worth something only with a valid one-time
 * join token, which the {@link Handler} checks. Renewals present the current certificate as a
 * TLS client certificate. Requests are bounded in size and time; a bad request is answered
 * with an error and the endpoint keeps serving.
 *
 * <p>Time is bounded per connection, not per read: a client that sends one byte just before
 * each read would time out could otherwise hold a worker for ever (two such clients would stop
 * every enrollment and renewal). Each connection is closed {@code TIMEOUT_MILLIS} after its
 * worker took it, whatever it is doing; one that finds no worker and no queue slot is closed at
 * once rather than left open until the garbage collector finds it.
 *
 * <p>Frame: a 4-byte big-endian length then that many bytes, both ways.
 */
public final class EnrollmentServer implements AutoCloseable {
    /** Largest request accepted (a CSR plus a token, or a signed bundle, are a few KiB). */
    public static final int MAX_FRAME = 64 * 1024;
    static final int TIMEOUT_MILLIS = 10_000;

    /** Answers one request; {@code peer} is the verified client chain, or null. Never throws. */
    public interface Handler {
        byte[] handle(byte[] request, X509Certificate[] peer);
    }

    private final ServerSocket listener;
    private final Supplier<TlsIdentity.Material> identity;
    private final Supplier<Collection<X509Certificate>> trust;
    private final Handler handler;
    private final ExecutorService workers;
    private final Thread acceptor;
    private final ScheduledExecutorService deadlines;
    private final int deadlineMillis;
    private volatile boolean closed;

    public EnrollmentServer(String host, int port, Supplier<TlsIdentity.Material> identity,
                            Supplier<Collection<X509Certificate>> trust, Handler handler) throws IOException {
        this(host, port, identity, trust, handler, TIMEOUT_MILLIS);
    }

    /** As above, with the whole-connection deadline given (tests). */
    EnrollmentServer(String host, int port, Supplier<TlsIdentity.Material> identity,
                     Supplier<Collection<X509Certificate>> trust, Handler handler, int deadlineMillis)
            throws IOException {
        this.deadlineMillis = deadlineMillis;
        this.identity = identity;
        this.trust = trust;
        this.handler = handler;
        this.listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress(InetAddress.getByName(host), port), 16);
        // Two workers and a short queue: enrollment is rare, and a flood must not grow threads.
        this.workers = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(32),
                r -> {
                    Thread t = new Thread(r, "redmesh-enroll");
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        this.deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "redmesh-enroll-deadline");
            t.setDaemon(true);
            return t;
        });
        this.acceptor = new Thread(this::acceptLoop, "redmesh-enroll-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket raw;
            try {
                raw = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    NodeLog.warning("Enrollment endpoint accept failed: " + e.getMessage());
                }
                continue;
            }
            try {
                workers.execute(() -> serve(raw));
            } catch (RejectedExecutionException busy) {
                closeQuietly(raw);
            }
        }
    }

    private void serve(Socket raw) {
        ScheduledFuture<?> deadline = deadlines.schedule(() -> closeQuietly(raw), deadlineMillis, TimeUnit.MILLISECONDS);
        try (raw) {
            raw.setSoTimeout(deadlineMillis);
            SSLSocket s = (SSLSocket) TlsIdentity.context(identity, trust.get()).getSocketFactory()
                    .createSocket(raw, raw.getInetAddress().getHostAddress(), raw.getPort(), true);
            s.setUseClientMode(false);
            s.setWantClientAuth(true);
            s.startHandshake();
            X509Certificate[] peer = null;
            try {
                Certificate[] c = s.getSession().getPeerCertificates();
                peer = java.util.Arrays.copyOf(c, c.length, X509Certificate[].class);
            } catch (javax.net.ssl.SSLPeerUnverifiedException none) {
                // first enrollment: no certificate yet
            }
            DataInputStream in = new DataInputStream(s.getInputStream());
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            int len = in.readInt();
            byte[] answer;
            if (len < 0 || len > MAX_FRAME) {
                answer = error("request too large");
            } else {
                byte[] req = new byte[len];
                in.readFully(req);
                answer = handler.handle(req, peer);
            }
            out.writeInt(answer.length);
            out.write(answer);
            out.flush();
        } catch (IOException | RuntimeException e) {
            NodeLog.verbose("Enrollment request from " + raw.getRemoteSocketAddress() + " failed: " + e.getMessage());
        } finally {
            deadline.cancel(false);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private static byte[] error(String message) {
        return ("{\"error\":\"" + message + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing
        }
        workers.shutdownNow();
        deadlines.shutdownNow();
    }
}
