package io.redmesh.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.cluster.bus.BusCodec;
import io.redmesh.cluster.bus.BusMessage;
import io.redmesh.cluster.testing.ClusterPorts;
import io.redmesh.cluster.testing.ClusterTestbed;
import io.redmesh.node.testing.TestCertificates;
import io.redmesh.replication.testing.ReplicatedNodeProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tls-cluster yes: redis-cli --cluster create --tls builds 3+3 over TLS, and the bus admits only
 * nodes of the mesh: a node whose certificate another CA issued, a client certificate of the
 * right CA (no spiffe://redmesh/node/ name) and a plaintext node all stay out, and change
 * nothing. Topology replies give a TLS client TLS ports and a plaintext client plaintext ports.
 */
class ClusterTlsTest {
    @TempDir
    static Path dir;
    static TestCertificates certs;
    static ClusterTestbed bed;
    static List<Integer> tlsPorts = new ArrayList<>();

    static String[] tlsArgs(TestCertificates.Identity id, int tlsPort) {
        return new String[] {"--tls-port", Integer.toString(tlsPort), "--tls-cert-file", id.certFile().toString(),
            "--tls-key-file", id.keyFile().toString(), "--tls-ca-cert-file", certs.ca().certFile().toString(),
            "--tls-cluster", "yes", "--tls-replication", "yes"};
    }

    @BeforeAll
    static void create() throws Exception {
        certs = TestCertificates.create();
        for (int[] p : ClusterPorts.pairs(6)) {
            tlsPorts.add(p[0]);
        }
        bed = new ClusterTestbed(dir).start(6, i -> tlsArgs(
                certs.newPeer("node" + i, "spiffe://redmesh/node/node" + i), tlsPorts.get(i)));
        List<String> args = new ArrayList<>(cliTls());
        args.addAll(List.of("--cluster", "create"));
        for (int p : tlsPorts) {
            args.add("127.0.0.1:" + p);
        }
        args.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
        ClusterTestbed.Result r = ClusterTestbed.redisCli(180, args);
        assertEquals(0, r.exit(), r.output());
        bed.awaitOk(6, 40_000);
    }

    static List<String> cliTls() {
        return cliTls(certs);
    }

    /** redis-cli's TLS options with the client certificate of {@code certs}. */
    static List<String> cliTls(TestCertificates certs) {
        TestCertificates.Identity client = certs.client();
        return List.of("--tls", "--cacert", certs.ca().certFile().toString(), "--cert", client.certFile().toString(),
                "--key", client.keyFile().toString());
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

    @Test
    void checkOverTlsIsCleanAndPortsFollowTheClientsTransport() throws Exception {
        List<String> args = new ArrayList<>(cliTls());
        args.addAll(List.of("--cluster", "check", "127.0.0.1:" + tlsPorts.get(0)));
        ClusterTestbed.Result r = ClusterTestbed.redisCli(60, args);
        assertEquals(0, r.exit(), r.output());
        assertFalse(r.output().contains("[ERR]"), r.output());
        // plaintext client: plaintext ports; TLS client: TLS ports (Redis 7.0 gives the tls-cluster port to both)
        String plain = ClusterTestbed.call(bed.nodes.get(0).port(), "CLUSTER", "NODES");
        for (ReplicatedNodeProcess p : bed.nodes) {
            assertTrue(plain.contains("127.0.0.1:" + p.port() + "@"), plain);
        }
        List<String> tlsNodes = new ArrayList<>(cliTls());
        tlsNodes.addAll(List.of("-p", Integer.toString(tlsPorts.get(0)), "CLUSTER", "NODES"));
        String overTls = ClusterTestbed.redisCli(20, tlsNodes).output();
        for (int p : tlsPorts) {
            assertTrue(overTls.contains("127.0.0.1:" + p + "@"), overTls);
        }
        String moved = ClusterTestbed.call(bed.nodes.get(0).port(), "GET", "foo");
        if (moved.startsWith("-MOVED")) {
            int port = Integer.parseInt(moved.trim().substring(moved.lastIndexOf(':') + 1));
            assertTrue(bed.nodes.stream().anyMatch(n -> n.port() == port), "plaintext port in " + moved);
        }
    }

    @Test
    void aNodeOfAnotherCaCannotJoin() throws Exception {
        int before = Integer.parseInt(ClusterTestbed.clusterInfo(bed.nodes.get(0).port(), "cluster_known_nodes"));
        int[] ports = ClusterPorts.pairs(2).get(0);
        int tlsPort = ClusterPorts.pairs(1).get(0)[0];
        TestCertificates.Identity other = certs.newUntrustedPeer("intruder", "spiffe://redmesh/node/intruder");
        String[] args = {"--tls-port", Integer.toString(tlsPort), "--tls-cert-file", other.certFile().toString(),
            "--tls-key-file", other.keyFile().toString(), "--tls-ca-cert-file", certs.ca().certFile().toString(),
            "--tls-cluster", "yes"};
        ReplicatedNodeProcess intruder = bed.startNode(ports[0], ports[1], args);
        try {
            int bus = bed.busPort(bed.nodes.get(0));
            ClusterTestbed.call(intruder.port(), "CLUSTER", "MEET", "127.0.0.1", Integer.toString(bed.nodes.get(0).port()),
                    Integer.toString(bus));
            ClusterTestbed.call(bed.nodes.get(1).port(), "CLUSTER", "MEET", "127.0.0.1",
                    Integer.toString(intruder.port()), Integer.toString(ports[1]));
            Thread.sleep(4000); // longer than the handshake timeout (max(node timeout, 1 s))
            for (ReplicatedNodeProcess p : bed.nodes.subList(0, 6)) {
                assertEquals(Integer.toString(before), ClusterTestbed.clusterInfo(p.port(), "cluster_known_nodes"), p + "");
            }
            assertEquals("1", ClusterTestbed.clusterInfo(intruder.port(), "cluster_known_nodes"));
        } finally {
            intruder.close();
            bed.nodes.remove(intruder);
        }
    }

    @Test
    void aClientCertificateOfTheRightCaCannotSpeakTheBus() throws Exception {
        int port = bed.nodes.get(2).port();
        String victim = ClusterTestbed.myself(bed.nodes.get(3).port())[0];
        javax.net.ssl.SSLContext ctx = certs.clientContext(certs.client());
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", bed.busPort(bed.nodes.get(2)))) {
            s.setSoTimeout(5000);
            BusMessage fail = new BusMessage();
            fail.type = BusMessage.FAIL;
            fail.sender = ClusterTestbed.myself(bed.nodes.get(4).port())[0]; // pretends to be a known master
            fail.about = victim;
            io.netty.buffer.ByteBuf b = io.netty.buffer.Unpooled.buffer();
            BusCodec.encode(fail, b);
            try {
                s.startHandshake();
                s.getOutputStream().write(b.array(), 0, b.readableBytes());
                s.getOutputStream().flush();
                assertEquals(-1, s.getInputStream().read(), "the node closes the link");
            } catch (java.net.SocketTimeoutException stillOpen) {
                throw new AssertionError("the node kept a bus link with a client certificate open", stillOpen);
            } catch (java.io.IOException closed) {
                // refused during or right after the handshake: as good
            }
        }
        Thread.sleep(500);
        String nodes = ClusterTestbed.call(port, "CLUSTER", "NODES");
        assertFalse(nodes.contains(" fail"), nodes);
        assertEquals("ok", ClusterTestbed.clusterInfo(port, "cluster_state"));
    }

    /**
     * cluster-bus-port-protected-mode: tls-cluster cannot be switched off alone; waived in the
     * same CONFIG SET it can, and the bus then runs in plaintext on the very port every node
     * advertises (redis/redis#15698: never a port nothing listens on), and back to TLS the same way.
     */
    @Test
    void tlsClusterSwitchedAtRuntimeOnlyWhenWaivedAndOnTheAdvertisedPort() throws Exception {
        int port = bed.nodes.get(0).port();
        int bus = bed.busPort(bed.nodes.get(0));
        assertEquals("-ERR CONFIG SET failed (possibly related to argument 'tls-cluster') - can't disable tls-cluster "
                + "while cluster-bus-port-protected-mode is enabled; disable cluster-bus-port-protected-mode in the "
                + "same CONFIG SET call to allow it\r\n", ClusterTestbed.call(port, "CONFIG", "SET", "tls-cluster", "no"));
        assertFalse(plaintextPingAnswered(bus), "the bus speaks TLS only");
        try {
            for (ReplicatedNodeProcess p : bed.nodes) {
                assertEquals("+OK\r\n", ClusterTestbed.call(p.port(), "CONFIG", "SET", "tls-cluster", "no",
                        "cluster-bus-port-protected-mode", "no"));
            }
            awaitAllConnected();
            assertTrue(plaintextPingAnswered(bus), "waived: the advertised bus port speaks plaintext");
        } finally {
            for (ReplicatedNodeProcess p : bed.nodes) {
                assertEquals("+OK\r\n", ClusterTestbed.call(p.port(), "CONFIG", "SET", "tls-cluster", "yes",
                        "cluster-bus-port-protected-mode", "yes"));
            }
        }
        awaitAllConnected();
        assertFalse(plaintextPingAnswered(bus), "back to TLS only");
    }

    /** Every node sees the six connected, at the bus ports they were started with, and the cluster ok. */
    private static void awaitAllConnected() {
        for (ReplicatedNodeProcess p : bed.nodes) {
            io.redmesh.replication.testing.Await.until(p + " to see every node connected at its bus port", 20_000, () -> {
                String nodes = ClusterTestbed.call(p.port(), "CLUSTER", "NODES");
                for (ReplicatedNodeProcess q : bed.nodes) {
                    if (!nodes.contains("@" + bed.busPort(q) + " ")) {
                        return false;
                    }
                }
                return !nodes.contains("disconnected") && !nodes.contains("fail")
                        && ClusterTestbed.clusterInfo(p.port(), "cluster_state").equals("ok");
            }, () -> ClusterTestbed.call(p.port(), "CLUSTER", "NODES"));
        }
    }

    /** Whether a plaintext PING from a stranger on the bus port gets a PONG (signature "RCmb"). */
    private static boolean plaintextPingAnswered(int bus) throws Exception {
        BusMessage ping = new BusMessage();
        ping.type = BusMessage.PING;
        ping.sender = "00000000000000000000000000000000000000aa";
        io.netty.buffer.ByteBuf b = io.netty.buffer.Unpooled.buffer();
        BusCodec.encode(ping, b);
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", bus)) {
            s.setSoTimeout(3000);
            s.getOutputStream().write(b.array(), 0, b.readableBytes());
            s.getOutputStream().flush();
            byte[] head = s.getInputStream().readNBytes(4);
            return new String(head, java.nio.charset.StandardCharsets.ISO_8859_1).equals("RCmb");
        } catch (java.io.IOException closed) {
            return false;
        }
    }

    @Test
    void aPlaintextNodeCannotJoinATlsCluster() throws Exception {
        int[] ports = ClusterPorts.pairs(1).get(0);
        ReplicatedNodeProcess plain = bed.startNode(ports[0], ports[1]);
        try {
            ClusterTestbed.call(plain.port(), "CLUSTER", "MEET", "127.0.0.1", Integer.toString(bed.nodes.get(0).port()),
                    Integer.toString(bed.busPort(bed.nodes.get(0))));
            Thread.sleep(4000);
            assertEquals("6", ClusterTestbed.clusterInfo(bed.nodes.get(0).port(), "cluster_known_nodes"));
            assertEquals("1", ClusterTestbed.clusterInfo(plain.port(), "cluster_known_nodes"));
        } finally {
            plain.close();
            bed.nodes.remove(plain);
        }
    }
}
