package io.redmesh.agent.sidecar;

import io.redmesh.agent.node.NodeAdapter.NodeException;
import io.redmesh.node.spi.tls.TlsMaterialException;
import io.redmesh.node.spi.NodeLog;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import javax.net.ssl.SSLParameters;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The sidecar's one admin connection to redis-server, serialised (one command at a time).
 *
 * <p>Contract of {@link #call}: the command runs with a reply bound of
 * {@link SidecarConfig#commandTimeout()}; when the connection is lost or cannot be made, it is
 * reopened with exponential backoff (50 ms doubling to 1 s, jittered) until
 * {@link SidecarConfig#retryFor()} has passed, then a {@link NodeException} says why. A reply
 * from the server that refuses (an error reply, WRONGPASS on AUTH) is not retried: it becomes a
 * {@link NodeException} carrying Redis's own error text. Every command the sidecar sends (ACL
 * LIST/SETUSER/DELUSER, CONFIG GET/SET) is idempotent, so repeating one whose reply was lost with
 * the connection is safe.
 */
final class SidecarConnection implements AutoCloseable {
    private static final long FIRST_BACKOFF_MS = 50;
    private static final long MAX_BACKOFF_MS = 1000;

    private final SidecarConfig config;
    private final ReentrantLock lock = new ReentrantLock();
    /** Counted down by close(): wakes a caller sleeping between reconnect attempts. */
    private final CountDownLatch closed = new CountDownLatch(1);
    private Jedis jedis;
    /** Why the server was last unreachable; null while connected (logs the transitions once). */
    private String down;
    private long reconnects;

    SidecarConnection(SidecarConfig config) {
        this.config = config;
    }

    /** Runs {@code command} on the admin connection; see the class comment for the contract. */
    <T> T call(String what, Function<Jedis, T> command) throws NodeException {
        long deadline = System.nanoTime() + config.retryFor().toNanos();
        long backoff = FIRST_BACKOFF_MS;
        lock.lock();
        try {
            while (true) {
                if (closed.getCount() == 0) {
                    throw new NodeException("sidecar for " + describe() + " is closed");
                }
                String failure;
                try {
                    if (jedis == null) {
                        jedis = open();
                    }
                    T result = command.apply(jedis);
                    if (down != null) {
                        NodeLog.notice("Sidecar: reconnected to redis-server " + describe());
                        down = null;
                    }
                    return result;
                } catch (JedisConnectionException e) {
                    failure = reason(e);
                } catch (TlsMaterialException e) {
                    failure = e.getMessage();
                } catch (JedisDataException e) {
                    // The server answered, and refused: WRONGPASS, NOPERM, ERR ... Its words, as they are.
                    dropConnectionIfUnauthenticated(e);
                    throw new NodeException(what + " on redis-server " + describe() + " failed: " + e.getMessage(), e);
                } catch (JedisException e) {
                    disconnect();
                    throw new NodeException(what + " on redis-server " + describe() + " failed: " + reason(e), e);
                }
                disconnect();
                if (down == null) {
                    NodeLog.warning("Sidecar: redis-server " + describe() + " unreachable (" + failure
                            + "), reconnecting with backoff");
                }
                down = failure;
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new NodeException(what + " on redis-server " + describe() + " failed: unreachable for "
                            + config.retryFor().toMillis() + " ms (" + failure + ")");
                }
                long sleep = Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1,
                        backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1));
                try {
                    if (closed.await(sleep, TimeUnit.MILLISECONDS)) {
                        continue; // loop reports "closed"
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new NodeException(what + " on redis-server " + describe() + " interrupted");
                }
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
                reconnects++;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Reconnect attempts made so far (for status and tests). */
    long reconnectAttempts() {
        lock.lock();
        try {
            return reconnects;
        } finally {
            lock.unlock();
        }
    }

    String describe() {
        return config.host() + ":" + config.port() + (config.tls() ? " (tls)" : "");
    }

    @Override
    public void close() {
        closed.countDown();
        lock.lock();
        try {
            disconnect();
        } finally {
            lock.unlock();
        }
    }

    private Jedis open() throws TlsMaterialException {
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder()
                .user(config.adminUser())
                .password(config.adminPassword())
                .connectionTimeoutMillis((int) config.connectTimeout().toMillis())
                .socketTimeoutMillis((int) config.commandTimeout().toMillis())
                // No CLIENT SETNAME: it would need one more permission (see package-info).
                // CLIENT SETINFO is Redis 7.2; a 7.0 server would answer it with an error.
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED);
        if (config.tls()) {
            SSLParameters params = new SSLParameters();
            if (config.verifyHostname()) {
                params.setEndpointIdentificationAlgorithm("HTTPS");
            }
            b.ssl(true)
                    .sslSocketFactory(SidecarTls.clientContext(config.caCertFile(), config.alsoTrustFile(), config.clientCertFile(),
                            config.clientKeyFile()).getSocketFactory())
                    .sslParameters(params);
        }
        return new Jedis(new HostAndPort(config.host(), config.port()), b.build());
    }

    /** After a refused AUTH the connection is useless; after any other error reply it is fine. */
    private void dropConnectionIfUnauthenticated(JedisDataException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        if (m.startsWith("WRONGPASS") || m.startsWith("NOAUTH") || jedis != null && jedis.isBroken()) {
            disconnect();
        }
    }

    private void disconnect() {
        if (jedis != null) {
            try {
                jedis.close();
            } catch (RuntimeException e) {
                // already gone
            }
            jedis = null;
        }
    }

    /** The innermost useful message: Jedis wraps socket and TLS errors. */
    private static String reason(Throwable e) {
        Throwable t = e;
        String msg = e.getMessage();
        boolean tls = false;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            tls |= t instanceof javax.net.ssl.SSLException;
            if (t.getMessage() != null) {
                msg = t.getClass().getSimpleName() + ": " + t.getMessage();
            }
        }
        msg = msg == null ? e.getClass().getSimpleName() : msg;
        return tls ? "TLS handshake failed: " + msg : msg;
    }
}
