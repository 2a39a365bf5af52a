package io.redmesh.agent.mesh;

import io.redmesh.agent.record.HybridClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a member joins the mesh: its id (the node name, normally the CN of its mesh certificate),
 * the address its TLS messaging listens on, the seed list, its PKCS12 key and trust stores
 * (see {@link MeshKeyStores}) and the timings. Immutable; {@link #toBuilder()} for a changed copy
 * (e.g. new stores for {@link Mesh#restart}).
 *
 * <pre>
 * MeshConfig c = MeshConfig.builder("node-1", "10.0.0.1", 7946)
 *         .seeds(List.of("10.0.0.1:7946", "10.0.0.2:7946"))
 *         .stores(MeshKeyStores.write(dir, key, chain, cas))
 *         .build();
 * </pre>
 */
public final class MeshConfig {
    private final String memberId;
    private final String host;
    private final int port;
    private final List<String> seeds;
    private final Path keyStore;
    private final Path trustStore;
    private final String storePassword;
    private final String clusterId;
    private final Duration heartbeatInterval;
    private final Duration failureTimeout;
    private final Duration antiEntropyInterval;
    private final Duration statusInterval;
    private final Duration gcInterval;
    private final Duration requestTimeout;
    private final HybridClock clock;

    private MeshConfig(Builder b) {
        memberId = Objects.requireNonNull(b.memberId, "memberId");
        host = Objects.requireNonNull(b.host, "host");
        port = b.port;
        seeds = List.copyOf(b.seeds);
        keyStore = Objects.requireNonNull(b.keyStore, "keyStore");
        trustStore = Objects.requireNonNull(b.trustStore, "trustStore");
        storePassword = Objects.requireNonNull(b.storePassword, "storePassword");
        clusterId = b.clusterId;
        heartbeatInterval = b.heartbeatInterval;
        failureTimeout = b.failureTimeout;
        antiEntropyInterval = b.antiEntropyInterval;
        statusInterval = b.statusInterval;
        gcInterval = b.gcInterval;
        requestTimeout = b.requestTimeout;
        clock = b.clock == null ? new HybridClock() : b.clock;
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("mesh port out of range: " + port);
        }
    }

    public static Builder builder(String memberId, String host, int port) {
        Builder b = new Builder();
        b.memberId = memberId;
        b.host = host;
        b.port = port;
        return b;
    }

    public Builder toBuilder() {
        Builder b = builder(memberId, host, port).seeds(seeds).keyStore(keyStore).trustStore(trustStore)
                .storePassword(storePassword).clusterId(clusterId).heartbeatInterval(heartbeatInterval)
                .failureTimeout(failureTimeout).antiEntropyInterval(antiEntropyInterval)
                .statusInterval(statusInterval).gcInterval(gcInterval).requestTimeout(requestTimeout);
        b.clock = clock;
        return b;
    }

    public String memberId() { return memberId; }
    public String host() { return host; }
    public int port() { return port; }
    /** Seed members as "host:port" (this member's own address may be among them). */
    public List<String> seeds() { return seeds; }
    public Path keyStore() { return keyStore; }
    public Path trustStore() { return trustStore; }
    public String storePassword() { return storePassword; }
    /** Members of different cluster ids ignore each other (default "redmesh"). */
    public String clusterId() { return clusterId; }
    /** Atomix heartbeat period (default 250 ms). */
    public Duration heartbeatInterval() { return heartbeatInterval; }
    /** Silence after which a member is removed (default 5 s). */
    public Duration failureTimeout() { return failureTimeout; }
    /** Period of the digest exchange with a random reachable peer (default 1 s). */
    public Duration antiEntropyInterval() { return antiEntropyInterval; }
    /** Period of the status broadcast (default 1 s; also sent on change). */
    public Duration statusInterval() { return statusInterval; }
    /** Period of tombstone collection (default 1 min). */
    public Duration gcInterval() { return gcInterval; }
    /** Timeout of the anti-entropy requests (default 5 s). */
    public Duration requestTimeout() { return requestTimeout; }
    /** The clock the member's {@code RecordSigner} uses: remote versions are observed into it. */
    public HybridClock clock() { return clock; }

    /** True when the seed list names no member but this one: nobody to sync from. */
    boolean alone() {
        for (String s : seeds) {
            if (!s.equals(host + ":" + port)) {
                return false;
            }
        }
        return true;
    }

    public static final class Builder {
        private String memberId;
        private String host;
        private int port;
        private List<String> seeds = new ArrayList<>();
        private Path keyStore;
        private Path trustStore;
        private String storePassword;
        private String clusterId = "redmesh";
        private Duration heartbeatInterval = Duration.ofMillis(250);
        private Duration failureTimeout = Duration.ofSeconds(5);
        private Duration antiEntropyInterval = Duration.ofSeconds(1);
        private Duration statusInterval = Duration.ofSeconds(1);
        private Duration gcInterval = Duration.ofMinutes(1);
        private Duration requestTimeout = Duration.ofSeconds(5);
        private HybridClock clock;

        private Builder() {}

        public Builder seeds(List<String> hostPorts) { seeds = new ArrayList<>(hostPorts); return this; }
        public Builder keyStore(Path p) { keyStore = p; return this; }
        public Builder trustStore(Path p) { trustStore = p; return this; }
        public Builder storePassword(String p) { storePassword = p; return this; }

        /** Key store, trust store and password from {@link MeshKeyStores#write}. */
        public Builder stores(MeshKeyStores.Stores s) {
            return keyStore(s.keyStore()).trustStore(s.trustStore()).storePassword(s.password());
        }

        public Builder clusterId(String id) { clusterId = id; return this; }
        public Builder heartbeatInterval(Duration d) { heartbeatInterval = d; return this; }
        public Builder failureTimeout(Duration d) { failureTimeout = d; return this; }
        public Builder antiEntropyInterval(Duration d) { antiEntropyInterval = d; return this; }
        public Builder statusInterval(Duration d) { statusInterval = d; return this; }
        public Builder gcInterval(Duration d) { gcInterval = d; return this; }
        public Builder requestTimeout(Duration d) { requestTimeout = d; return this; }
        public Builder clock(HybridClock c) { clock = c; return this; }

        public MeshConfig build() {
            return new MeshConfig(this);
        }
    }
}
