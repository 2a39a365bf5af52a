package io.redmesh.sentinel.testing;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.api.StatefulRedisConnection;
import io.redmesh.node.testing.TestCertificates;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisSentinelPool;

/**
 * Clients that find the master through the sentinels and write to it without pause (bounded:
 * one write per 20 ms), as applications do: Jedis's sentinel pool (separate client configs for
 * the master and the sentinels, TLS with client certificates and hostname verification when the
 * topology has TLS) and Lettuce's sentinel RedisURI (TLS, full peer verification). Each counts
 * acknowledged and failed writes and keeps the acknowledged keys.
 */
public abstract class Writers implements AutoCloseable {
    public final AtomicLong ok = new AtomicLong();
    public final AtomicLong failed = new AtomicLong();
    /** Keys whose SET was acknowledged, in order. */
    public final Queue<String> acknowledged = new ConcurrentLinkedQueue<>();
    public volatile Exception lastError;
    private final String prefix;
    private volatile boolean running = true;
    private final Thread thread;

    Writers(String prefix) {
        this.prefix = prefix;
        this.thread = new Thread(this::loop, "writer-" + prefix);
        this.thread.setDaemon(true);
    }

    void begin() {
        thread.start();
    }

    private void loop() {
        long n = 0;
        while (running) {
            String key = prefix + ":" + n++;
            try {
                write(key, Long.toString(n));
                ok.incrementAndGet();
                acknowledged.add(key);
            } catch (Exception e) {
                failed.incrementAndGet();
                lastError = e;
                ServerProcess.sleep(100);
            }
            ServerProcess.sleep(20);
        }
    }

    abstract void write(String key, String value) throws Exception;

    abstract void shutdown();

    @Override
    public String toString() {
        return prefix + " writer: " + ok.get() + " ok, " + failed.get() + " failed"
                + (lastError != null ? ", last error " + lastError : "");
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        shutdown();
    }

    /** Hostname verification as Jedis 7.4+ does by default: the name the sentinel answers must be in the certificate. */
    static SSLParameters verifyHostname() {
        SSLParameters p = new SSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        return p;
    }

    static JedisClientConfig jedisConfig(SSLContext tls, String user, String password) {
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder().timeoutMillis(2000);
        if (user != null) {
            b.user(user);
        }
        if (password != null) {
            b.password(password);
        }
        if (tls != null) {
            b.ssl(true).sslSocketFactory(tls.getSocketFactory()).sslParameters(verifyHostname());
        }
        return b.build();
    }

    private static List<Integer> sentinelPorts(Topology t) {
        return t.sentinels().stream().map(ServerProcess::servingPort).toList();
    }

    /** A Jedis sentinel pool writer. */
    public static Writers jedis(Topology t, String prefix) {
        return jedis(t, prefix, null, null);
    }

    public static Writers jedis(Topology t, String prefix, String user, String password) {
        return jedis(Topology.MASTER_NAME, sentinelPorts(t), t.clientTls(), prefix, user, password);
    }

    /**
     * A Jedis sentinel pool writer for any sentinel group on loopback: {@code tls} (null for
     * plaintext) serves both the sentinels and the master, {@code user}/{@code password} log in
     * to the master only.
     */
    public static Writers jedis(String masterName, List<Integer> sentinelPorts, SSLContext tls, String prefix,
            String user, String password) {
        Set<HostAndPort> sentinels = new HashSet<>();
        for (int port : sentinelPorts) {
            sentinels.add(new HostAndPort("127.0.0.1", port));
        }
        JedisSentinelPool pool = new JedisSentinelPool(masterName, sentinels,
                jedisConfig(tls, user, password), jedisConfig(tls, null, null));
        Writers w = new Writers(prefix) {
            @Override
            void write(String key, String value) {
                try (Jedis j = pool.getResource()) {
                    j.set(key, value);
                }
            }

            @Override
            void shutdown() {
                pool.close();
            }
        };
        w.begin();
        return w;
    }

    /** A Lettuce writer through a sentinel RedisURI. */
    public static Writers lettuce(Topology t, String prefix) {
        SslOptions tls = null;
        if (t.clientTls() != null) {
            TestCertificates.Identity me = t.harness();
            tls = SslOptions.builder().jdkSslProvider().trustManager(t.certs().ca().certFile().toFile())
                    .keyManager(me.certFile().toFile(), me.keyFile().toFile(), null).build();
        }
        return lettuce(Topology.MASTER_NAME, sentinelPorts(t), tls, prefix, null, null);
    }

    /**
     * A Lettuce writer through a sentinel RedisURI for any sentinel group on loopback: TLS with
     * full peer verification to the sentinels and the master when {@code tls} is not null,
     * {@code user}/{@code password} for the master only.
     */
    public static Writers lettuce(String masterName, List<Integer> sentinelPorts, SslOptions tls, String prefix,
            String user, String password) {
        RedisURI.Builder uri = RedisURI.builder().withSentinelMasterId(masterName).withTimeout(Duration.ofSeconds(2));
        boolean ssl = tls != null;
        for (int port : sentinelPorts) {
            uri.withSentinel(RedisURI.builder().withHost("127.0.0.1").withPort(port).withSsl(ssl)
                    .withVerifyPeer(ssl ? SslVerifyMode.FULL : SslVerifyMode.NONE).build());
        }
        if (ssl) {
            uri.withSsl(true).withVerifyPeer(SslVerifyMode.FULL);
        }
        if (password != null && user != null) {
            uri.withAuthentication(user, password);
        } else if (password != null) {
            uri.withPassword(password.toCharArray());
        }
        RedisClient client = RedisClient.create(uri.build());
        if (ssl) {
            client.setOptions(ClientOptions.builder().sslOptions(tls).build());
        }
        // the first connection asks a sentinel, then opens TLS to the master: on a loaded machine
        // with JVMs just started that can pass the 2 s command timeout; asked again, bounded
        StatefulRedisConnection<String, String> conn = null;
        for (int attempt = 1; conn == null; attempt++) {
            try {
                conn = client.connect();
            } catch (io.lettuce.core.RedisException e) {
                if (attempt >= 15) {
                    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
                    throw e;
                }
                ServerProcess.sleep(1000);
            }
        }
        StatefulRedisConnection<String, String> connected = conn;
        Writers w = new Writers(prefix) {
            @Override
            void write(String key, String value) {
                connected.sync().set(key, value);
            }

            @Override
            void shutdown() {
                connected.close();
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        };
        w.begin();
        return w;
    }

    /** Keys acknowledged after {@code skip} acknowledgements (those of the new master, say). */
    public List<String> acknowledgedAfter(long skip) {
        return acknowledged.stream().skip(skip).toList();
    }
}
