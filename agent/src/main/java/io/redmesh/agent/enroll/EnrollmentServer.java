package io.redmesh.agent.enroll;

import io.redmesh.node.util.ServerLog;
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
    private volatile boolean closed;

    public EnrollmentServer(String host, int port, Supplier<TlsIdentity.Material> identity,
                            Supplier<Collection<X509Certificate>> trust, Handler handler) throws IOException {
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
                }, new ThreadPoolExecutor.DiscardPolicy());
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
                    ServerLog.warning("Enrollment endpoint accept failed: " + e.getMessage());
                }
                continue;
            }
            workers.execute(() -> serve(raw));
        }
    }

    private void serve(Socket raw) {
        try (raw) {
            raw.setSoTimeout(TIMEOUT_MILLIS);
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
            ServerLog.verbose("Enrollment request from " + raw.getRemoteSocketAddress() + " failed: " + e.getMessage());
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
    }
}
