package io.redmesh.node.metrics;

import io.prometheus.client.Collector;
import io.prometheus.client.CounterMetricFamily;
import io.prometheus.client.GaugeMetricFamily;
import io.redmesh.node.acl.Acl;
import io.redmesh.node.command.CommandSpec;
import io.redmesh.node.command.ServerContext;
import io.redmesh.node.command.ServerStats;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The node's own metrics, read at scrape time from the counters INFO already keeps (ServerStats,
 * the per-command INFO commandstats fields, the ACL denial counters), so serving them adds
 * nothing to the command path.
 *
 * <pre>
 * redmesh_build_info{version,redis_version}          1
 * redmesh_start_time_seconds                         when the node started (unix time)
 * redmesh_connected_clients                          connections open now
 * redmesh_connections_received_total                 INFO total_connections_received
 * redmesh_connections_rejected_total                 INFO rejected_connections (maxclients, protected mode)
 * redmesh_commands_processed_total{cmd}              INFO commandstats calls ("get", "client|list")
 * redmesh_commands_rejected_total{cmd}               ... rejected_calls (arity, ACL, OOM: not run)
 * redmesh_commands_failed_total{cmd}                 ... failed_calls (ran and replied an error)
 * redmesh_commands_duration_seconds_total{cmd}       ... usec, in seconds
 * redmesh_acl_denied_total{reason}                   auth, command, key, channel, tls-cert
 * redmesh_tls_handshakes_total{result}               ok, failed (every TLS listener)
 * redmesh_tls_certificate_expiry_seconds{link}       seconds until the served certificate expires
 * redmesh_tls_certificate_not_after_timestamp_seconds{link}   its notAfter (unix time)
 * </pre>
 *
 * <p>The counters are Redis's: {@code CONFIG RESETSTAT} sets them back to zero, which Prometheus
 * treats as a counter reset (as after a restart), so rate() and increase() stay right. They are
 * read without the server lock: a scrape never waits for a long command nor delays one, and a
 * value may be a few commands old.
 */
final class NodeCollector extends Collector implements Collector.Describable {
    private final ServerContext server;
    private final Acl acl;
    private final Map<String, Supplier<X509Certificate>> certificates;

    NodeCollector(ServerContext server, Acl acl, Map<String, Supplier<X509Certificate>> certificates) {
        this.server = server;
        this.acl = acl;
        this.certificates = certificates;
    }

    @Override
    public List<MetricFamilySamples> collect() {
        return families(true);
    }

    /** The families without samples: reserves the names in the registry (agent collectors cannot clash). */
    @Override
    public List<MetricFamilySamples> describe() {
        return families(false);
    }

    private List<MetricFamilySamples> families(boolean withSamples) {
        List<MetricFamilySamples> out = new ArrayList<>();
        GaugeMetricFamily build = new GaugeMetricFamily("redmesh_build_info",
                "RedMesh version and the Redis version it answers as.", List.of("version", "redis_version"));
        GaugeMetricFamily started = new GaugeMetricFamily("redmesh_start_time_seconds",
                "Start time of the node since the unix epoch, in seconds.", List.of());
        GaugeMetricFamily clients = new GaugeMetricFamily("redmesh_connected_clients",
                "Client connections open now.", List.of());
        CounterMetricFamily received = new CounterMetricFamily("redmesh_connections_received_total",
                "Connections accepted (INFO total_connections_received).", List.of());
        CounterMetricFamily rejected = new CounterMetricFamily("redmesh_connections_rejected_total",
                "Connections refused by maxclients or protected mode (INFO rejected_connections).", List.of());
        CounterMetricFamily calls = new CounterMetricFamily("redmesh_commands_processed_total",
                "Commands executed, by command (INFO commandstats calls).", List.of("cmd"));
        CounterMetricFamily refused = new CounterMetricFamily("redmesh_commands_rejected_total",
                "Commands refused before running: arity, ACL, OOM... (INFO commandstats rejected_calls).",
                List.of("cmd"));
        CounterMetricFamily failed = new CounterMetricFamily("redmesh_commands_failed_total",
                "Commands that ran and replied with an error (INFO commandstats failed_calls).", List.of("cmd"));
        CounterMetricFamily duration = new CounterMetricFamily("redmesh_commands_duration_seconds_total",
                "Time spent executing commands, by command (INFO commandstats usec).", List.of("cmd"));
        CounterMetricFamily denied = new CounterMetricFamily("redmesh_acl_denied_total",
                "ACL denials by reason, as ACL LOG records them (auth, command, key, channel, tls-cert).",
                List.of("reason"));
        CounterMetricFamily handshakes = new CounterMetricFamily("redmesh_tls_handshakes_total",
                "TLS handshakes on the node's TLS listeners, by result.", List.of("result"));
        GaugeMetricFamily expiry = new GaugeMetricFamily("redmesh_tls_certificate_expiry_seconds",
                "Seconds until the certificate served on a link expires (negative: expired).", List.of("link"));
        GaugeMetricFamily notAfter = new GaugeMetricFamily("redmesh_tls_certificate_not_after_timestamp_seconds",
                "Expiry time of the certificate served on a link since the unix epoch, in seconds.",
                List.of("link"));
        if (withSamples) {
            ServerStats st = server.stats;
            build.addMetric(List.of(ServerContext.REDMESH_VERSION, ServerContext.REDIS_VERSION), 1);
            started.addMetric(List.of(), server.startMillis / 1000.0);
            clients.addMetric(List.of(), server.sessions.size());
            received.addMetric(List.of(), st.totalConnections);
            rejected.addMetric(List.of(), st.rejectedConnections);
            if (server.table() != null) {
                for (CommandSpec c : server.table().all()) {
                    if (c.calls == 0 && c.rejectedCalls == 0 && c.failedCalls == 0) {
                        continue; // as INFO commandstats: only commands that were called
                    }
                    List<String> cmd = List.of(c.fullName);
                    calls.addMetric(cmd, c.calls);
                    refused.addMetric(cmd, c.rejectedCalls);
                    failed.addMetric(cmd, c.failedCalls);
                    duration.addMetric(cmd, c.microseconds / 1e6);
                }
            }
            if (acl != null) {
                denied.addMetric(List.of("auth"), acl.deniedAuth);
                denied.addMetric(List.of("command"), acl.deniedCmd);
                denied.addMetric(List.of("key"), acl.deniedKey);
                denied.addMetric(List.of("channel"), acl.deniedChannel);
                denied.addMetric(List.of("tls-cert"), acl.deniedTlsCert);
            }
            handshakes.addMetric(List.of("ok"), st.tlsHandshakesOk);
            handshakes.addMetric(List.of("failed"), st.tlsHandshakesFailed);
            long now = System.currentTimeMillis();
            for (Map.Entry<String, Supplier<X509Certificate>> e : certificates.entrySet()) {
                X509Certificate cert = e.getValue().get();
                if (cert != null) {
                    long end = cert.getNotAfter().getTime();
                    expiry.addMetric(List.of(e.getKey()), (end - now) / 1000.0);
                    notAfter.addMetric(List.of(e.getKey()), end / 1000.0);
                }
            }
        }
        out.add(build);
        out.add(started);
        out.add(clients);
        out.add(received);
        out.add(rejected);
        out.add(calls);
        out.add(refused);
        out.add(failed);
        out.add(duration);
        out.add(denied);
        out.add(handshakes);
        out.add(expiry);
        out.add(notAfter);
        return out;
    }
}
