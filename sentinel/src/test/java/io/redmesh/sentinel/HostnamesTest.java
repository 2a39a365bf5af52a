package io.redmesh.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.redmesh.node.testing.TestCertificates;
import io.redmesh.replication.testing.Await;
import io.redmesh.sentinel.testing.Failovers;
import io.redmesh.sentinel.testing.ServerProcess;
import io.redmesh.sentinel.testing.Sentinels;
import io.redmesh.sentinel.testing.Topology;
import io.redmesh.sentinel.testing.Writers;
import java.io.IOException;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * resolve-hostnames and announce-hostnames over TLS: the data nodes' certificates name only
 * "localhost", so a client verifying hostnames (Jedis 7.4+ by default, Lettuce with full
 * verification) fails on an IP answer; the sentinels answer "localhost" before and after a
 * kill -9 failover, and both clients keep writing through it.
 */
class HostnamesTest {
    static TestCertificates certs;
    static Topology topology;

    @BeforeAll
    static void start() throws IOException {
        certs = TestCertificates.create();
        topology = Topology.create().tls(certs).hostnames().start();
    }

    @AfterAll
    static void stop() {
        Topology.close(topology, certs);
    }

    /** A handshake verifying that the data node's certificate names {@code host}. */
    static void handshake(String host, ServerProcess node) throws IOException {
        try (SSLSocket s = (SSLSocket) topology.clientTls().getSocketFactory().createSocket(host, node.servingPort())) {
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(p);
            s.setSoTimeout(10_000);
            s.startHandshake();
        }
    }

    @Test
    void clientsVerifyingHostnamesFollowAFailover() throws Exception {
        ServerProcess old = topology.master();
        assertThrows(SSLHandshakeException.class, () -> handshake("127.0.0.1", old), "an IP answer would fail");
        handshake("localhost", old);
        for (ServerProcess s : topology.sentinels()) {
            assertEquals("localhost:" + old.servingPort(), Sentinels.masterAddress(s), s + " answers the name");
        }
        try (Writers jedis = Writers.jedis(topology, "jedis"); Writers lettuce = Writers.lettuce(topology, "lettuce")) {
            Await.until("both clients writing to " + old, 60_000, () -> jedis.ok.get() >= 20 && lettuce.ok.get() >= 20,
                    () -> jedis + "; " + lettuce);
            old.kill9();
            ServerProcess promoted = Failovers.awaitNewMaster(topology, old, 30_000);
            for (ServerProcess s : topology.sentinels()) {
                assertEquals("localhost:" + promoted.servingPort(), Sentinels.masterAddress(s), s + " answers the name");
            }
            long jedisAt = jedis.ok.get();
            long lettuceAt = lettuce.ok.get();
            Await.until("both clients writing to the new master " + promoted, 60_000,
                    () -> jedis.ok.get() >= jedisAt + 20 && lettuce.ok.get() >= lettuceAt + 20,
                    () -> jedis + "; " + lettuce);
            for (Writers w : List.of(jedis, lettuce)) {
                List<String> keys = w.acknowledgedAfter(w.ok.get() - 5);
                for (String k : keys) {
                    String v = promoted.call("GET", k);
                    assertEquals('$', v.charAt(0), k + " acknowledged by " + w + " is on " + promoted + ": " + v);
                }
            }
        }
    }
}
