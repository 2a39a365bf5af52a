package io.redmesh.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.redmesh.cluster.testing.ClusterPorts;
import io.redmesh.cluster.testing.ClusterTestbed;
import io.redmesh.node.testing.TestCertificates;
import io.redmesh.replication.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;

/**
 * cluster-announce-hostname + cluster-preferred-endpoint-type hostname over TLS: topology replies
 * and -MOVED name the host ("localhost", which resolves to 127.0.0.1), so a client that verifies
 * hostnames against the certificates' DNS names (made here, with "localhost") serves every slot
 * and follows a -MOVED after a slot changed owner (Jedis verifying hostnames); Lettuce's cluster
 * client, which verifies hostnames with full peer verification (Lettuce #1454), learns the
 * hosts from CLUSTER SLOTS and serves every slot.
 */
class HostnameRedirectTest {
    @TempDir
    static Path dir;
    static TestCertificates certs;
    static ClusterTestbed bed;
    static final List<Integer> tlsPorts = new ArrayList<>();

    @BeforeAll
    static void create() throws Exception {
        certs = TestCertificates.create();
        for (int[] p : ClusterPorts.pairs(3)) {
            tlsPorts.add(p[0]);
        }
        bed = new ClusterTestbed(dir).start(3, i -> {
            TestCertificates.Identity id = certs.newPeer("node" + i, "localhost", "spiffe://redmesh/node/node" + i);
            return new String[] {"--tls-port", Integer.toString(tlsPorts.get(i)), "--tls-cert-file",
                id.certFile().toString(), "--tls-key-file", id.keyFile().toString(), "--tls-ca-cert-file",
                certs.ca().certFile().toString(), "--tls-cluster", "yes", "--cluster-announce-hostname", "localhost",
                "--cluster-preferred-endpoint-type", "hostname"};
        });
        List<String> args = new ArrayList<>(ClusterTlsTest.cliTls(certs));
        args.addAll(List.of("--cluster", "create"));
        for (int p : tlsPorts) {
            args.add("127.0.0.1:" + p);
        }
        args.add("--cluster-yes");
        ClusterTestbed.Result r = ClusterTestbed.redisCli(120, args);
        assertEquals(0, r.exit(), r.output());
        bed.awaitOk(3, 30_000);
    }

    @AfterAll
    static void stop() {
        if (bed != null) {
            bed.close();
        }
        if (certs != null) {
            certs.close();
        }
    }

    /** Jedis over TLS with the client certificate, verifying that each host is the certificate's. */
    private static JedisCluster verifyingJedis() {
        SSLParameters verify = new SSLParameters();
        verify.setEndpointIdentificationAlgorithm("HTTPS");
        DefaultJedisClientConfig config = DefaultJedisClientConfig.builder().ssl(true)
                .sslSocketFactory(certs.clientContext(certs.client()).getSocketFactory()).sslParameters(verify)
                .timeoutMillis(5000).build();
        return new JedisCluster(Set.of(new HostAndPort("localhost", tlsPorts.get(0))), config, 5);
    }

    @Test
    void aClientVerifyingHostnamesServesEverySlotAndFollowsMoved() throws Exception {
        int plain = bed.nodes.get(0).port();
        String moved = ClusterTestbed.call(plain, "GET", "foo");
        if (!moved.startsWith("-MOVED")) {
            moved = ClusterTestbed.call(bed.nodes.get(1).port(), "GET", "foo");
        }
        assertTrue(moved.matches("-MOVED \\d+ localhost:\\d+\r\n"), "redirects name the host: " + moved);
        try (JedisCluster jedis = verifyingJedis()) {
            Set<String> hosts = new HashSet<>();
            for (String node : jedis.getClusterNodes().keySet()) {
                hosts.add(node.substring(0, node.lastIndexOf(':')));
            }
            assertEquals(Set.of("localhost"), hosts, "the client learnt hosts, not addresses");
            for (int i = 0; i < 300; i++) {
                jedis.set("host:" + i, "v" + i); // every master, each reached by its name
            }
            // a slot changes owner behind the client's back: its next write is answered -MOVED
            String key = "host:0";
            int slot = io.redmesh.node.spi.cluster.HashSlots.slot(key.getBytes());
            int from = ownerIndex(slot);
            int to = (from + 1) % 3;
            int fromPort = bed.nodes.get(from).port();
            int toPort = bed.nodes.get(to).port();
            String fromId = ClusterTestbed.myself(fromPort)[0];
            String toId = ClusterTestbed.myself(toPort)[0];
            String s = Integer.toString(slot);
            // an empty slot, moved as redis-cli moves one (the importing side takes a new epoch)
            ClusterTestbed.call(fromPort, "DEL", key);
            assertEquals(":0\r\n", ClusterTestbed.call(fromPort, "CLUSTER", "COUNTKEYSINSLOT", s));
            assertEquals("+OK\r\n", ClusterTestbed.call(toPort, "CLUSTER", "SETSLOT", s, "IMPORTING", fromId));
            assertEquals("+OK\r\n", ClusterTestbed.call(fromPort, "CLUSTER", "SETSLOT", s, "MIGRATING", toId));
            for (int n : new int[] {to, from, 3 - to - from}) {
                assertEquals("+OK\r\n", ClusterTestbed.call(bed.nodes.get(n).port(), "CLUSTER", "SETSLOT", s, "NODE",
                        toId));
            }
            Await.until("every node to agree slot " + slot + " moved", 10_000, () -> {
                for (int n = 0; n < 3; n++) {
                    if (ownerIndexSeenBy(n, slot) != to) {
                        return false;
                    }
                }
                return true;
            });
            jedis.set(key, "after-moved");
            assertEquals("$11\r\nafter-moved\r\n", ClusterTestbed.call(bed.nodes.get(to).port(), "GET", key));
            for (int i = 1; i < 300; i++) {
                assertEquals("v" + i, jedis.get("host:" + i));
            }
        }
    }

    /**
     * Lettuce verifying peers fully (chain and hostname) connects to every node by the name
     * the topology gives: an address in CLUSTER SLOTS would fail its hostname check.
     */
    @Test
    void lettuceVerifyingHostnamesServesEverySlot() {
        RedisURI seed = RedisURI.builder().withHost("localhost").withPort(tlsPorts.get(0)).withSsl(true)
                .withVerifyPeer(SslVerifyMode.FULL).withTimeout(Duration.ofSeconds(5)).build();
        RedisClusterClient client = RedisClusterClient.create(seed);
        TestCertificates.Identity me = certs.client();
        client.setOptions(ClusterClientOptions.builder().sslOptions(SslOptions.builder().jdkSslProvider()
                .trustManager(certs.ca().certFile().toFile())
                .keyManager(me.certFile().toFile(), me.keyFile().toFile(), null).build()).build());
        try (StatefulRedisClusterConnection<String, String> c = client.connect()) {
            Set<String> hosts = new HashSet<>();
            Set<Integer> masters = new HashSet<>();
            for (RedisClusterNode n : c.getPartitions()) {
                hosts.add(n.getUri().getHost());
                if (n.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
                    masters.add(n.getUri().getPort());
                }
            }
            assertEquals(Set.of("localhost"), hosts, "the client learnt hosts, not addresses");
            assertEquals(Set.copyOf(tlsPorts), masters, "and the TLS ports of the three masters");
            for (int i = 0; i < 300; i++) {
                c.sync().set("lettuce:" + i, "v" + i); // every master, each reached and verified by its name
            }
            for (int i = 0; i < 300; i++) {
                assertEquals("v" + i, c.sync().get("lettuce:" + i));
            }
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private static int ownerIndex(int slot) {
        return ownerIndexSeenBy(0, slot);
    }

    /** Which started node owns {@code slot} in the view of node {@code viewer}. */
    private static int ownerIndexSeenBy(int viewer, int slot) {
        String reply = ClusterTestbed.call(bed.nodes.get(viewer).port(), "GET",
                keyIn(slot));
        String owner = reply.startsWith("-MOVED") ? reply.trim().substring(reply.lastIndexOf(':') + 1) : null;
        for (int n = 0; n < 3; n++) {
            if (owner == null ? n == viewer : Integer.parseInt(owner) == tlsPorts.get(n)
                    || Integer.parseInt(owner) == bed.nodes.get(n).port()) {
                return n;
            }
        }
        throw new AssertionError("no owner in " + reply);
    }

    private static String keyIn(int slot) {
        return "{" + FailoverTest.keyFor(slot).replaceAll("^k\\{|\\}$", "") + "}probe";
    }
}
