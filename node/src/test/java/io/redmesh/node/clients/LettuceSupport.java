package io.redmesh.node.clients;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One Lettuce RedisClient per protocol for a test class, on small shared thread pools, shut down
 * without Lettuce's default 2-second quiet period so the suite stays fast.
 */
final class LettuceSupport implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final ClientResources resources;
    private final RedisClient resp3;
    private final RedisClient resp2;

    LettuceSupport(ClientServer server) {
        resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
        RedisURI uri = RedisURI.builder().withHost("127.0.0.1").withPort(server.port()).withTimeout(TIMEOUT).build();
        resp3 = client(uri, ProtocolVersion.RESP3);
        resp2 = client(uri, ProtocolVersion.RESP2);
    }

    private RedisClient client(RedisURI uri, ProtocolVersion protocol) {
        RedisClient c = RedisClient.create(resources, uri);
        c.setOptions(ClientOptions.builder()
                .protocolVersion(protocol)
                .autoReconnect(false) // a dropped connection must fail the test, not be papered over
                .timeoutOptions(TimeoutOptions.enabled(TIMEOUT))
                .build());
        return c;
    }

    /** The client for a protocol; RESP3 is what Lettuce negotiates by default (HELLO 3). */
    RedisClient client(ProtocolVersion protocol) {
        return protocol == ProtocolVersion.RESP2 ? resp2 : resp3;
    }

    @Override
    public void close() {
        resp3.shutdown(Duration.ZERO, TIMEOUT);
        resp2.shutdown(Duration.ZERO, TIMEOUT);
        resources.shutdown(0, TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).awaitUninterruptibly(TIMEOUT.toMillis());
    }
}
