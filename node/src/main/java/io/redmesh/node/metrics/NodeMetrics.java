package io.redmesh.node.metrics;

import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.redmesh.node.acl.Acl;
import io.redmesh.node.command.ServerContext;
import io.redmesh.node.config.ConfigException;
import io.redmesh.node.config.ServerConfig;
import io.redmesh.node.util.ServerLog;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Supplier;

/**
 * A node's Prometheus metrics: one {@link CollectorRegistry} holding the node's own collector
 * ({@link NodeCollector}: connections, commands, ACL denials, TLS handshakes and certificate
 * expiry) and whatever upper modules register, served on {@code metrics-port} (0, the default:
 * no listener) at {@code metrics-bind} (default 127.0.0.1).
 *
 * <p>How an upper module (the agent) adds its metrics, whether or not the endpoint is on:
 * <pre>
 * CollectorRegistry r = nodeControl.metricsRegistry();
 * Gauge aclVersion = Gauge.build("redmesh_acl_version", "...").register(r);
 * Histogram latency = Histogram.build("redmesh_acl_propagation_seconds", "...").buckets(...).register(r);
 * r.register(new MyCollector());   // or a Collector that reads state at scrape time
 * nodeControl.certificateMetric("replication", () -> currentReplicationCert);
 * </pre>
 * Names must start with {@code redmesh_} and not clash with the node's (registration throws).
 *
 * <p>{@code CONFIG SET metrics-port/metrics-bind} rebinds at runtime: the old listener closes,
 * the new one opens; if that fails the old one is restored and CONFIG SET fails, the values
 * unchanged. Setting port 0 turns the endpoint off.
 */
public final class NodeMetrics {
    /** The link name of the client TLS port in the certificate metrics. */
    public static final String LINK_CLIENT = "client";

    private final ServerContext server;
    private final ServerConfig config;
    private final CollectorRegistry registry = new CollectorRegistry();
    /** Link name -> the certificate it serves now (null: none); read at every scrape. */
    private final Map<String, Supplier<X509Certificate>> certificates = new ConcurrentSkipListMap<>();
    private MetricsEndpoint endpoint;
    private boolean started;

    /** The metrics of one node (its composition root makes them once); reads {@code acl}'s counters. */
    public NodeMetrics(ServerContext server, Acl acl) {
        this.server = server;
        this.config = server.config;
        registry.register(new NodeCollector(server, acl, certificates));
        config.onApply(List.of("metrics-port", "metrics-bind"), this::apply);
    }

    /**
     * The checks this package owns for its directives (metrics-bind must be an address), run on
     * the file, the command line and CONFIG SET; registered before the configuration is loaded.
     */
    public static void registerDirectives(ServerConfig config) {
        config.parser("metrics-bind", a -> {
            MetricsEndpoint.checkBind(a.get(0));
            return a.get(0);
        });
    }

    /** The registry every scrape reads; register collectors here (any time, also while serving). */
    public CollectorRegistry registry() {
        return registry;
    }

    /** Registers a collector; shorthand for {@code registry().register(c)}. */
    public <C extends Collector> C register(C c) {
        registry.register(c);
        return c;
    }

    /**
     * Reports the certificate a link serves ({@code redmesh_tls_certificate_*{link="name"}});
     * the supplier is asked at every scrape and may return null (link off: no sample).
     */
    public void certificate(String link, Supplier<X509Certificate> current) {
        certificates.put(link, current);
    }

    /** The port the endpoint listens on, 0 when off. */
    public synchronized int port() {
        return endpoint == null ? 0 : endpoint.port();
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Opens the endpoint if {@code metrics-port} is set (server start-up).
     *
     * @throws IOException with Redis's start-up failure text when the port cannot be bound
     */
    public synchronized void start() throws IOException {
        started = true;
        try {
            open();
        } catch (IOException e) {
            started = false;
            throw new IOException("Failed listening on port " + config.getLong("metrics-port")
                    + " (metrics), aborting.", e);
        }
    }

    /** Closes the endpoint (server shutdown). */
    public synchronized void stop() {
        started = false;
        close();
    }

    /** CONFIG SET metrics-port / metrics-bind (once per command, after both values are in place). */
    private synchronized void apply() {
        if (!started) {
            return;
        }
        MetricsEndpoint old = endpoint;
        String oldBind = old == null ? null : old.address().getAddress().getHostAddress();
        int oldPort = old == null ? 0 : old.port();
        close(); // the new address may be the old one on another port (or the same port elsewhere)
        try {
            open();
        } catch (IOException e) {
            if (old != null) {
                try {
                    endpoint = MetricsEndpoint.start(registry, oldBind, oldPort);
                } catch (IOException again) {
                    ServerLog.warning("Could not restore the metrics listener " + oldBind + ":" + oldPort + ": "
                            + again.getMessage());
                }
            }
            throw new ConfigException("Unable to listen on this port. Check server logs.");
        }
    }

    private void open() throws IOException {
        int port = config.getInt("metrics-port");
        if (port == 0) {
            return;
        }
        String bind = config.getString("metrics-bind");
        try {
            endpoint = MetricsEndpoint.start(registry, bind, port);
        } catch (IOException e) {
            ServerLog.warning("Warning: Could not create server metrics listening socket " + bind + ":" + port
                    + ": bind: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            throw e;
        }
        if (!endpoint.address().getAddress().isLoopbackAddress()) {
            ServerLog.warning("WARNING: the metrics endpoint listens on " + bind + ":" + port + ", not on loopback: "
                    + "it has no TLS and no authentication, anyone who can reach it can read the metrics.");
        }
        ServerLog.notice("Metrics endpoint listening on http://" + hostPort(bind, endpoint.port()) + "/metrics");
    }

    private void close() {
        if (endpoint != null) {
            endpoint.close();
            endpoint = null;
        }
    }

    private static String hostPort(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
