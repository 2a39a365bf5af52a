package io.redmesh.agent.mesh;

import io.atomix.cluster.AtomixCluster;
import io.atomix.cluster.AtomixClusterBuilder;
import io.atomix.cluster.ClusterConfig;
import io.atomix.cluster.messaging.ManagedUnicastService;
import io.atomix.cluster.messaging.UnicastService;
import io.atomix.utils.net.Address;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * An Atomix cluster member without Atomix's UDP unicast service. That service binds a plaintext
 * UDP socket on the messaging port that anyone can reach: its decoder allocates whatever length
 * a datagram claims (a few hundred random datagrams stalled members for tens of seconds and broke
 * membership in MeshTest), and ClusterCommunicationService delivers one-way subjects from it
 * unauthenticated. Nothing the mesh uses needs it (heartbeat membership and all our messages use
 * the TLS messaging service), so here it is a stand-in that binds nothing and drops everything.
 */
final class TlsOnlyCluster extends AtomixCluster {

    private TlsOnlyCluster(ClusterConfig config) {
        super(config, null, buildMessagingService(config), new NoUnicast(), buildBroadcastService(config));
    }

    /** An AtomixCluster builder whose build() makes a {@link TlsOnlyCluster}. */
    static AtomixClusterBuilder tlsOnlyBuilder() {
        return new AtomixClusterBuilder(new ClusterConfig()) {
            @Override
            public AtomixCluster build() {
                return new TlsOnlyCluster(config);
            }
        };
    }

    /** Binds nothing, sends nothing, delivers nothing. */
    private static final class NoUnicast implements ManagedUnicastService {
        private volatile boolean running;

        @Override
        public void unicast(Address address, String subject, byte[] message) {
            // dropped: the mesh never sends over plaintext UDP
        }

        @Override
        public void addListener(String subject, BiConsumer<Address, byte[]> listener, Executor executor) {
            // nothing will ever arrive
        }

        @Override
        public void removeListener(String subject, BiConsumer<Address, byte[]> listener) {
        }

        @Override
        public CompletableFuture<UnicastService> start() {
            running = true;
            return CompletableFuture.completedFuture(this);
        }

        @Override
        public boolean isRunning() {
            return running;
        }

        @Override
        public CompletableFuture<Void> stop() {
            running = false;
            return CompletableFuture.completedFuture(null);
        }
    }
}
