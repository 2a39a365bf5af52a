package io.redmesh.node.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import io.redmesh.node.config.ConfigException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * The HTTP listener Prometheus scrapes: {@code GET /metrics} (also {@code /}) answers with the
 * text exposition format of one {@link CollectorRegistry}, and {@code /-/healthy} with 200.
 * It is simpleclient's small HTTP server (the JDK's com.sun.net.httpserver) on one daemon
 * thread: scrapes are rare and cheap, and nothing of it touches the node's event loops.
 *
 * <p>Plain HTTP, no authentication: that is why {@code metrics-bind} defaults to loopback and
 * a non-loopback address is logged as a warning by the caller. Usable on its own (a sidecar
 * agent beside a stock redis-server has no node to hang it on).
 */
public final class MetricsEndpoint implements AutoCloseable {
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    private final HTTPServer server;
    private final InetSocketAddress address;

    private MetricsEndpoint(HTTPServer server, InetSocketAddress address) {
        this.server = server;
        this.address = address;
    }

    /**
     * Binds {@code bind:port} (port 0: any free port) and serves {@code registry}.
     *
     * @throws IOException when the address cannot be bound (in use, not local)
     */
    public static MetricsEndpoint start(CollectorRegistry registry, String bind, int port) throws IOException {
        InetAddress host = parseBind(bind);
        ExecutorService one = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "redmesh-metrics");
            t.setDaemon(true);
            return t;
        });
        try {
            HTTPServer s = new HTTPServer.Builder()
                    .withInetSocketAddress(new InetSocketAddress(host, port))
                    .withRegistry(registry)
                    .withExecutorService(one)
                    .build();
            return new MetricsEndpoint(s, new InetSocketAddress(host, s.getPort()));
        } catch (IOException | RuntimeException e) {
            one.shutdownNow();
            throw e;
        }
    }

    /** The port actually bound. */
    public int port() {
        return address.getPort();
    }

    public InetSocketAddress address() {
        return address;
    }

    /** Stops listening at once (a scrape in flight is cut). Idempotent. */
    @Override
    public void close() {
        server.close();
    }

    // ------------------------------------------------------------------ metrics-bind

    /**
     * The {@code metrics-bind} check (a config parser): one IPv4 or IPv6 address literal.
     * Host names are refused so that neither loading nor CONFIG SET waits on a DNS lookup.
     */
    public static void checkBind(String value) {
        try {
            parseBind(value);
        } catch (UnknownHostException e) {
            throw new ConfigException("metrics-bind must be an IPv4 or IPv6 address");
        }
    }

    static InetAddress parseBind(String value) throws UnknownHostException {
        var m = IPV4.matcher(value);
        if (m.matches()) {
            for (int i = 1; i <= 4; i++) {
                if (Integer.parseInt(m.group(i)) > 255) {
                    throw new UnknownHostException(value);
                }
            }
            return InetAddress.getByName(value);
        }
        // an IPv6 literal: InetAddress parses it without a lookup (it contains ':')
        if (value.indexOf(':') >= 0 && value.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
            return InetAddress.getByName(value);
        }
        throw new UnknownHostException(value);
    }
}
