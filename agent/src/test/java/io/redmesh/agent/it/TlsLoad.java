package io.redmesh.agent.it;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLParameters;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPooled;

/**
 * A paced Jedis load over TLS against every node of a testbed: {@code threads} workers, each
 * doing SET then GET (checked) on the nodes in turn through one pool per node. The pools keep
 * few idle connections, so new handshakes keep happening while certificates change. Paced (one
 * pair per millisecond per worker at most) so that 2 shared cores still run the mesh.
 */
final class TlsLoad implements AutoCloseable {
    final AtomicLong ok = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final List<JedisPooled> pools = new ArrayList<>();
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean stop;

    static JedisClientConfig config(ClientIdentity id) {
        SSLParameters p = new SSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS"); // the node's leaf must name 127.0.0.1
        return DefaultJedisClientConfig.builder().ssl(true).sslSocketFactory(id.context().getSocketFactory())
                .sslParameters(p).timeoutMillis(10_000).build();
    }

    /** One unpooled TLS connection to {@code n}. */
    static Jedis connect(MeshTestbed.Node n, ClientIdentity id) {
        return new Jedis(new HostAndPort("127.0.0.1", n.tlsPort), config(id));
    }

    TlsLoad(MeshTestbed mesh, ClientIdentity id, int threads) {
        for (MeshTestbed.Node n : mesh.nodes) {
            GenericObjectPoolConfig<Connection> pc = new GenericObjectPoolConfig<>();
            pc.setMaxTotal(threads);
            pc.setMaxIdle(1);
            pc.setMaxWait(java.time.Duration.ofSeconds(10));
            pools.add(new JedisPooled(new HostAndPort("127.0.0.1", n.tlsPort), config(id), pc));
        }
        for (int t = 0; t < threads; t++) {
            int me = t;
            Thread w = new Thread(() -> run(me), "tls-load-" + t);
            w.setDaemon(true);
            workers.add(w);
        }
    }

    TlsLoad start() {
        workers.forEach(Thread::start);
        return this;
    }

    private void run(int me) {
        long i = 0;
        while (!stop) {
            JedisPooled p = pools.get((int) ((i + me) % pools.size()));
            String key = "load:" + me + ":" + (i % 100);
            String value = "v" + i;
            try {
                p.set(key, value);
                String got = p.get(key);
                if (!value.equals(got)) {
                    throw new IllegalStateException("GET " + key + " = " + got + ", expected " + value);
                }
                ok.addAndGet(2);
            } catch (RuntimeException e) {
                failed.incrementAndGet();
                if (failures.size() < 10) {
                    failures.add(System.currentTimeMillis() + " " + e);
                }
            }
            i++;
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        for (Thread w : workers) {
            w.join(15_000);
        }
        pools.forEach(JedisPooled::close);
    }
}
