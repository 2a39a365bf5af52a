package io.redmesh.agent.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An agent's settings, read from a file in redis.conf's shape: one directive per line, words
 * separated by spaces, {@code #} comments. Errors name the file and line, as redis-server's
 * "FATAL CONFIG FILE ERROR" does, and nothing starts on a bad file.
 *
 * <pre>
 * name node1                      # this node's name: certificate CN and mesh member id
 * state-dir /var/lib/redmesh/n1   # keys, certificates, audit log, used tokens
 * mesh-port 17001                 # agent-to-agent TLS (Atomix messaging + heartbeats)
 * mesh-bind 127.0.0.1
 * seeds 127.0.0.1:17001 127.0.0.1:17002
 * ca-file /etc/redmesh/ca.crt     # the roots this mesh trusts at first start
 * issuer 127.0.0.1:17101          # an issuer's enrollment endpoint (first certificate, renewals)
 * join-token rmjt1....            # one-time: only for the first certificate
 * issuer-dir /etc/redmesh/issuer  # makes this agent an issuer (issuing CA key + certificate)
 * issuer-passphrase-file /etc/redmesh/issuer.pass
 * enroll-port 17101
 * leaf-lifetime 24h               # demo: 90s
 * sync-timeout 10s                # how long the node's listeners wait for the first mesh sync
 * sidecar 127.0.0.1:6380          # drive a stock redis-server instead of the in-process node
 * sidecar-user meshadmin
 * sidecar-password-file /etc/redmesh/sidecar.pass
 * sidecar-tls yes
 * sidecar-ca-file /etc/redis/ca.crt   # what the redis-server's certificate chains to (default: ca-file; the agent's bundle is trusted too)
 * sidecar-cert-file /etc/redmesh/admin.crt  # client certificate, when it requires one
 * sidecar-key-file /etc/redmesh/admin.key
 * sidecar-check-interval 2s       # how often the server's users (and TLS files) are compared and repaired
 * metrics-port 9121               # sidecar only: the agent's own Prometheus endpoint
 * metrics-bind 127.0.0.1
 * </pre>
 */
public final class AgentConfig {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    public String name;
    public Path stateDir;
    public String meshBind = "127.0.0.1";
    public int meshPort;
    public final List<HostPort> seeds = new ArrayList<>();
    public Path caFile;
    public final List<HostPort> issuers = new ArrayList<>();
    public String joinToken;
    public Path issuerDir;
    public Path issuerPassphraseFile;
    public String enrollBind = "127.0.0.1";
    public int enrollPort;
    public Duration leafLifetime = Duration.ofHours(24);
    public Duration syncTimeout = Duration.ofSeconds(10);
    public Duration tombstoneTtl = Duration.ofHours(24);
    public final List<String> dnsNames = new ArrayList<>(List.of("localhost"));
    public final List<String> ipAddresses = new ArrayList<>(List.of("127.0.0.1", "::1"));
    public Path auditLog;
    public HostPort sidecar;
    public String sidecarUser;
    public Path sidecarPasswordFile;
    public boolean sidecarTls = true;
    public Path sidecarCaFile;
    public Path sidecarCertFile;
    public Path sidecarKeyFile;
    public Duration sidecarCheckInterval = Duration.ofSeconds(2);
    public int metricsPort;
    public String metricsBind = "127.0.0.1";

    /** A host and port, written host:port (or [v6]:port). */
    public record HostPort(String host, int port) {
        @Override
        public String toString() {
            return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
        }

        public static HostPort parse(String s) {
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || colon == s.length() - 1) {
                throw new IllegalArgumentException("expected host:port, got '" + s + "'");
            }
            String host = s.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            return new HostPort(host, AgentConfig.port(s.substring(colon + 1)));
        }
    }

    /** A file that could not be used, with the file and line in Redis's words. */
    public static final class ConfigError extends Exception {
        private static final long serialVersionUID = 1L;

        public ConfigError(String message) {
            super(message);
        }
    }

    public boolean isIssuer() {
        return issuerDir != null;
    }

    public boolean isSidecar() {
        return sidecar != null;
    }

    public Path auditLogPath() {
        return auditLog != null ? auditLog : stateDir.resolve("audit.jsonl");
    }

    public static AgentConfig load(Path file) throws ConfigError {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigError("Fatal error, can't open agent config file '" + file + "': " + e.getMessage());
        }
        return parse(file.toString(), lines);
    }

    /** Parses lines (file names the source in errors). */
    public static AgentConfig parse(String file, List<String> lines) throws ConfigError {
        AgentConfig c = new AgentConfig();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] w = line.split("\\s+");
            String key = w[0].toLowerCase(Locale.ROOT);
            try {
                if (seen.put(key, i + 1) != null && !key.equals("seeds") && !key.equals("issuer")) {
                    throw new IllegalArgumentException("directive given twice");
                }
                c.apply(key, w);
            } catch (IllegalArgumentException e) {
                throw new ConfigError("\n*** FATAL AGENT CONFIG FILE ERROR ***\nReading the configuration file "
                        + file + ", at line " + (i + 1) + "\n>>> '" + line + "'\n" + e.getMessage());
            }
        }
        c.check(file);
        return c;
    }

    private void apply(String key, String[] w) {
        switch (key) {
            case "name" -> {
                one(w);
                if (!NAME.matcher(w[1]).matches()) {
                    throw new IllegalArgumentException("node names are 1-63 letters, digits, '.', '_' or '-'");
                }
                name = w[1];
            }
            case "state-dir" -> stateDir = Path.of(one(w));
            case "mesh-bind" -> meshBind = one(w);
            case "mesh-port" -> meshPort = port(one(w));
            case "seeds" -> {
                for (int i = 1; i < w.length; i++) {
                    seeds.add(HostPort.parse(w[i]));
                }
            }
            case "ca-file" -> caFile = Path.of(one(w));
            case "issuer" -> {
                for (int i = 1; i < w.length; i++) {
                    issuers.add(HostPort.parse(w[i]));
                }
            }
            case "join-token" -> joinToken = one(w);
            case "join-token-file" -> joinToken = readSecret(Path.of(one(w)));
            case "issuer-dir" -> issuerDir = Path.of(one(w));
            case "issuer-passphrase-file" -> issuerPassphraseFile = Path.of(one(w));
            case "enroll-bind" -> enrollBind = one(w);
            case "enroll-port" -> enrollPort = port(one(w));
            case "leaf-lifetime" -> leafLifetime = duration(one(w));
            case "sync-timeout" -> syncTimeout = duration(one(w));
            case "tombstone-ttl" -> tombstoneTtl = duration(one(w));
            case "dns-names" -> {
                dnsNames.clear();
                dnsNames.addAll(List.of(w).subList(1, w.length));
            }
            case "ip-addresses" -> {
                ipAddresses.clear();
                ipAddresses.addAll(List.of(w).subList(1, w.length));
            }
            case "audit-log" -> auditLog = Path.of(one(w));
            case "sidecar" -> sidecar = HostPort.parse(one(w));
            case "sidecar-user" -> sidecarUser = one(w);
            case "sidecar-password-file" -> sidecarPasswordFile = Path.of(one(w));
            case "sidecar-tls" -> sidecarTls = yesNo(one(w));
            case "sidecar-ca-file" -> sidecarCaFile = Path.of(one(w));
            case "sidecar-cert-file" -> sidecarCertFile = Path.of(one(w));
            case "sidecar-key-file" -> sidecarKeyFile = Path.of(one(w));
            case "sidecar-check-interval" -> {
                sidecarCheckInterval = duration(one(w));
                if (sidecarCheckInterval.isZero()) {
                    throw new IllegalArgumentException("sidecar-check-interval must be positive");
                }
            }
            case "metrics-port" -> metricsPort = port(one(w));
            case "metrics-bind" -> metricsBind = one(w);
            default -> throw new IllegalArgumentException("Bad directive or wrong number of arguments");
        }
    }

    private void check(String file) throws ConfigError {
        List<String> missing = new ArrayList<>();
        if (name == null) {
            missing.add("name");
        }
        if (stateDir == null) {
            missing.add("state-dir");
        }
        if (meshPort == 0) {
            missing.add("mesh-port");
        }
        if (caFile == null && issuerDir == null) {
            missing.add("ca-file (or issuer-dir)");
        }
        if (issuerDir != null && enrollPort == 0) {
            missing.add("enroll-port (an issuer serves enrollment)");
        }
        if (issuerDir == null && issuers.isEmpty()) {
            missing.add("issuer (or issuer-dir)");
        }
        if (sidecar != null && (sidecarUser == null || sidecarPasswordFile == null)) {
            missing.add("sidecar-user and sidecar-password-file (sidecar mode)");
        }
        if (!missing.isEmpty()) {
            throw new ConfigError("Agent config file " + file + " is missing: " + String.join(", ", missing));
        }
        long secs = leafLifetime.toSeconds();
        if (secs < 30) {
            throw new ConfigError("Agent config file " + file + ": leaf-lifetime must be at least 30s");
        }
    }

    private static String one(String[] w) {
        if (w.length != 2) {
            throw new IllegalArgumentException("Bad directive or wrong number of arguments");
        }
        return w[1];
    }

    static int port(String s) {
        try {
            int p = Integer.parseInt(s);
            if (p < 1 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid port '" + s + "'");
        }
    }

    private static boolean yesNo(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "yes" -> true;
            case "no" -> false;
            default -> throw new IllegalArgumentException("argument must be 'yes' or 'no'");
        };
    }

    /** 500ms, 90s, 10m, 24h, 7d, or plain seconds. */
    public static Duration duration(String s) {
        try {
            String v = s.toLowerCase(Locale.ROOT);
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            char unit = v.charAt(v.length() - 1);
            long n = Character.isDigit(unit) ? Long.parseLong(v) : Long.parseLong(v.substring(0, v.length() - 1));
            if (n < 0) {
                throw new NumberFormatException();
            }
            return switch (unit) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> {
                    if (!Character.isDigit(unit)) {
                        throw new NumberFormatException();
                    }
                    yield Duration.ofSeconds(n);
                }
            };
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("Invalid duration '" + s + "' (use e.g. 90s, 10m, 24h)");
        }
    }

    private static String readSecret(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("can't read " + p + ": " + e.getMessage());
        }
    }
}
