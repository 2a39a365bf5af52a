package io.redmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.agent.it.MeshTestbed;
import io.redmesh.replication.Replication;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Replication inside the security mesh: node2 replicates node1 over TLS with its agent-issued
 * certificate; its agent learns from the mesh which member node1 is and makes replication require
 * node1's identity (tls-expected-peer-name spiffe://redmesh/node/node1); INFO security and
 * {@code redmesh mesh status} show each node's role and master; a rotated certificate is what the
 * next replication connection presents, and the live link is not dropped by the rotation itself.
 */
class ReplicatedMeshTest {
    private static MeshTestbed mesh;

    @BeforeAll
    static void start() throws Exception {
        mesh = MeshTestbed.create(2, Duration.ofHours(1));
        for (MeshTestbed.Node n : mesh.nodes) {
            Replication r = new Replication();
            n.modules = List.of(r.commands());
            n.attach = r::attach;
        }
        MeshTestbed.Node replica = mesh.node(2);
        replica.directives.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(mesh.node(1).tlsPort),
                "--tls-replication", "yes"));
        mesh.node(1).directives.addAll(List.of("--repl-diskless-sync-delay", "0"));
        mesh.startAll();
    }

    @AfterAll
    static void stop() {
        mesh.close();
    }

    private static Map<String, String> replication(MeshTestbed.Node n) {
        return StatusTable.fields(n.call("INFO", "replication"));
    }

    private static String config(MeshTestbed.Node n, String name) {
        String r = n.call("CONFIG", "GET", name);
        String[] parts = r.split("\r\n");
        return parts.length >= 5 ? parts[4] : "";
    }

    @Test
    void theReplicaFollowsOverTlsRequiringItsMastersMeshIdentity() throws Exception {
        MeshTestbed.Node master = mesh.node(1);
        MeshTestbed.Node replica = mesh.node(2);
        assertTrue(MeshTestbed.await(Duration.ofSeconds(30),
                () -> "spiffe://redmesh/node/node1".equals(config(replica, "tls-expected-peer-name"))) >= 0,
                "node2's agent sets the master's mesh identity: " + config(replica, "tls-expected-peer-name"));
        master.call("SET", "k", "v");
        assertTrue(MeshTestbed.await(Duration.ofSeconds(30), () -> "up".equals(replication(replica).get("master_link_status"))
                && replica.call("GET", "k").equals("$1\r\nv\r\n")) >= 0, replication(replica).toString());

        // INFO security and `redmesh mesh status`: each node's role and master
        assertTrue(MeshTestbed.await(Duration.ofSeconds(20),
                () -> master.call("INFO", "security").contains("repl_role=slave,repl_master_host=127.0.0.1,repl_master_port="
                        + master.tlsPort)) >= 0,
                master.call("INFO", "security"));
        String info = replica.call("INFO", "security");
        assertTrue(info.contains("repl_role:slave\r\nrepl_master_host:127.0.0.1\r\nrepl_master_port:" + master.tlsPort),
                info);
        String table = StatusTable.render(StatusTable.rows(bulk(master.call("INFO", "security"))));
        assertTrue(table.lines().anyMatch(l -> l.startsWith("node2") && l.contains("replica")
                && l.contains("127.0.0.1:" + master.tlsPort)), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("node1") && l.contains("master")), table);

        // rotation: the live link stays up; the next connection presents the new leaf
        BigInteger before = replica.agent.rotator().current().leaf().getSerialNumber();
        long fullBefore = Long.parseLong(StatusTable.fields(master.call("INFO", "stats")).get("sync_full"));
        replica.agent.rotator().forceRenew().get(30, java.util.concurrent.TimeUnit.SECONDS);
        BigInteger after = replica.agent.rotator().current().leaf().getSerialNumber();
        assertTrue(!after.equals(before), "a new leaf");
        master.call("SET", "k2", "v2");
        assertTrue(MeshTestbed.await(Duration.ofSeconds(10), () -> replica.call("GET", "k2").equals("$2\r\nv2\r\n")) >= 0,
                "the live link kept replicating after the rotation");
        // the old leaf is revoked on the master: a link still presenting it would be closed and
        // refused; the replica reconnects with the new leaf and continues partially
        master.server.control().revokeCertificates(Set.of(before));
        master.call("SET", "k3", "v3");
        assertTrue(MeshTestbed.await(Duration.ofSeconds(30), () -> replica.call("GET", "k3").equals("$2\r\nv3\r\n")
                && "up".equals(replication(replica).get("master_link_status"))) >= 0, replication(replica).toString());
        assertEquals(fullBefore, Long.parseLong(StatusTable.fields(master.call("INFO", "stats")).get("sync_full")),
                "no full sync for a rotation");
    }

    /** The text of a RESP bulk reply. */
    private static String bulk(String resp) {
        int nl = resp.indexOf("\r\n");
        return nl < 0 ? resp : resp.substring(nl + 2);
    }
}
