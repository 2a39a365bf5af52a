package io.redmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.agent.it.MeshTestbed;
import io.redmesh.replication.Replication;
import io.redmesh.sentinel.Sentinel;
import io.redmesh.sentinel.SentinelAcl;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A sentinel inside the security mesh (as {@code redmesh sentinel --agent} runs it): node1 is a
 * data node, node2 a sentinel watching it over TLS with its agent-issued certificate. The
 * sentinel's user on data nodes ({@link SentinelAcl#DATA_NODE_RULES}) is a mesh user: created
 * once on the data node, it reaches the sentinel through the mesh, and the sentinel logs in to the
 * data node with it. The peer user names SENTINEL subcommands, which a data node's table lacks
 * (as redis-server's does): a data node refuses it, a sentinel takes it, and the data node
 * holds the mesh's copy without that rule (AbsentCommands); a change made to it there is undone,
 * so it cannot take the vote from the sentinels. The agents renew both
 * certificates: the sentinel serves its new leaf and keeps seeing its master up.
 */
class SentinelMeshTest {
    static final String PASS = "mesh-sentinel-pass";
    private static MeshTestbed mesh;

    @BeforeAll
    static void start() throws Exception {
        mesh = MeshTestbed.create(2, Duration.ofHours(1));
        MeshTestbed.Node data = mesh.node(1);
        Replication r = new Replication();
        data.modules = List.of(r.commands());
        data.attach = r::attach;
        MeshTestbed.Node sentinelNode = mesh.node(2);
        Path conf = mesh.dir.resolve("sentinel.conf");
        Files.writeString(conf, "tls-replication yes\nsentinel monitor mymaster 127.0.0.1 " + data.tlsPort + " 1\n"
                + "sentinel down-after-milliseconds mymaster 2000\n");
        Sentinel sentinel = new Sentinel();
        sentinelNode.build = args -> {
            List<String> all = new ArrayList<>(List.of(conf.toString(), "--bind", "127.0.0.1"));
            all.addAll(args);
            try {
                return io.redmesh.node.Node.fromArgs(all, List.of(sentinel.commands()), sentinel.mode());
            } catch (io.redmesh.node.Node.ConfigError e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        };
        sentinelNode.attach = sentinel::attach;
        mesh.startAll();
    }

    @AfterAll
    static void stop() {
        if (mesh != null) {
            mesh.close();
        }
    }

    private static String masterFlags(MeshTestbed.Node s) {
        // *N, then $len and text lines: a field's value is two lines after its name
        List<String> lines = List.of(s.call("SENTINEL", "MASTER", "mymaster").split("\r\n"));
        for (int i = 2; i + 2 < lines.size(); i += 4) {
            if (lines.get(i).equals("flags")) {
                return lines.get(i + 2);
            }
        }
        return "(no flags: " + lines + ")";
    }

    private static boolean await(Duration max, java.util.function.BooleanSupplier cond) throws InterruptedException {
        return MeshTestbed.await(max, cond) >= 0;
    }

    /** The ACL LIST line of sentinel-peer on {@code n}, or "". */
    private static String peerLine(MeshTestbed.Node n) {
        return n.call("ACL", "LIST").lines().filter(l -> l.startsWith("user sentinel-peer ")).findFirst().orElse("") + " ";
    }

    @Test
    void sentinelUsersAreMeshUsersAndCertificatesRenewUnderTheSentinel() throws Exception {
        MeshTestbed.Node data = mesh.node(1);
        MeshTestbed.Node sentinel = mesh.node(2);
        assertTrue(await(Duration.ofSeconds(30), () -> masterFlags(sentinel).equals("master")),
                "the sentinel watches node1 over TLS: " + masterFlags(sentinel));

        // created once, on the data node: the mesh takes the user to the sentinel
        List<String> nodeUser = new ArrayList<>(List.of("ACL", "SETUSER"));
        nodeUser.addAll(SentinelAcl.setUser("sentinel-node", PASS, SentinelAcl.DATA_NODE_RULES));
        assertEquals("+OK\r\n", data.call(nodeUser.toArray(new String[0])));
        assertTrue(await(Duration.ofSeconds(30), () -> sentinel.call("ACL", "LIST").contains("user sentinel-node on")),
                sentinel.call("ACL", "LIST"));
        // the peer user names SENTINEL's subcommands, which only a sentinel's table has (as in
        // Redis: redis-server refuses +sentinel|...): it is created on a sentinel
        List<String> peerUser = new ArrayList<>(List.of("ACL", "SETUSER"));
        peerUser.addAll(SentinelAcl.setUser("sentinel-peer", PASS, SentinelAcl.SENTINEL_PEER_RULES));
        assertTrue(data.call(peerUser.toArray(new String[0])).startsWith("-ERR Error in ACL SETUSER modifier "
                + "'+sentinel|is-master-down-by-addr'"));
        assertEquals("+OK\r\n", sentinel.call(peerUser.toArray(new String[0])));
        // the mesh takes it to the data node too, which lacks SENTINEL: there it holds the
        // user without that rule (it would grant nothing there), the rest as on the sentinel
        assertTrue(await(Duration.ofSeconds(30), () -> peerLine(data).contains(" +publish ")), data.call("ACL", "LIST"));
        assertFalse(peerLine(data).contains("sentinel|"), peerLine(data));
        assertTrue(peerLine(sentinel).contains("+sentinel|is-master-down-by-addr"), peerLine(sentinel));
        // a change made on the data node would publish the rules without it: undone there
        String held = peerLine(data);
        assertEquals("+OK\r\n", data.call("ACL", "SETUSER", "sentinel-peer", "+get"));
        assertTrue(await(Duration.ofSeconds(30), () -> peerLine(data).equals(held)), peerLine(data));
        assertTrue(peerLine(sentinel).contains("+sentinel|is-master-down-by-addr") && !peerLine(sentinel).contains("+get"),
                "the sentinel's copy keeps its vote: " + peerLine(sentinel));

        // the sentinel logs in to the data node as the mesh user
        assertEquals("+OK\r\n", sentinel.call("SENTINEL", "SET", "mymaster", "auth-user", "sentinel-node", "auth-pass", PASS));
        assertTrue(await(Duration.ofSeconds(30), () -> data.call("CLIENT", "LIST").lines()
                .filter(l -> l.contains(" name=sentinel-")).count() >= 2 && data.call("CLIENT", "LIST").lines()
                .filter(l -> l.contains(" name=sentinel-")).allMatch(l -> l.contains(" user=sentinel-node "))),
                data.call("CLIENT", "LIST"));
        assertEquals("*0\r\n", data.call("ACL", "LOG"), "nothing denied");

        // the agents renew both leaves; the sentinel serves its new one and never sees its master down
        BigInteger before = MeshTestbed.servedChain(sentinel)[0].getSerialNumber();
        sentinel.agent.rotator().forceRenew().get(30, TimeUnit.SECONDS);
        data.agent.rotator().forceRenew().get(30, TimeUnit.SECONDS);
        assertTrue(await(Duration.ofSeconds(10), () -> {
            try {
                return !MeshTestbed.servedChain(sentinel)[0].getSerialNumber().equals(before);
            } catch (Exception e) {
                return false;
            }
        }), "the sentinel serves its renewed certificate");
        assertNotEquals(before, MeshTestbed.servedChain(sentinel)[0].getSerialNumber());
        long until = System.currentTimeMillis() + 5000;
        while (System.currentTimeMillis() < until) {
            String flags = masterFlags(sentinel);
            assertFalse(flags.contains("s_down"), "the master stays up across the renewals: " + flags);
            Thread.sleep(200);
        }
        // its links, dropped by the data node, come back with the renewed material
        data.call("CLIENT", "KILL", "TYPE", "normal");
        data.call("CLIENT", "KILL", "TYPE", "pubsub");
        assertTrue(await(Duration.ofSeconds(30), () -> data.call("CLIENT", "LIST").lines()
                .filter(l -> l.contains(" name=sentinel-")).count() >= 2), data.call("CLIENT", "LIST"));
        assertEquals("master", masterFlags(sentinel));
    }
}
