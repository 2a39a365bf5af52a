package io.redmesh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.agent.pki.Role;
import io.redmesh.agent.record.RecordKind;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Five real RedMesh nodes with in-process agents on loopback, one mesh for the whole class:
 * ACL changes made on any node reach and are enforced on every node; conflicting changes
 * converge; a node that was down catches up before it serves; the operator policy holds.
 * Node 5 holds the "node" role (not operator).
 */
class MeshAclTest {
    private static MeshTestbed mesh;

    @BeforeAll
    static void start() throws Exception {
        mesh = MeshTestbed.create(5, Duration.ofHours(1), Role.OPERATOR, Role.OPERATOR, Role.OPERATOR, Role.OPERATOR,
                Role.NODE);
        mesh.startAll();
    }

    @AfterAll
    static void stop() {
        mesh.close();
    }

    private static String line(MeshTestbed.Node n, String user) {
        for (String l : n.call("ACL", "LIST").split("\r\n")) {
            if (l.startsWith("user " + user + " ")) {
                return l;
            }
        }
        return null;
    }

    /** Waits until every running node has the same ACL LIST line for {@code user} (null: absent). */
    private static String converged(String user) throws InterruptedException {
        String[] seen = new String[1];
        long ms = MeshTestbed.await(Duration.ofSeconds(10), () -> {
            Set<String> lines = new HashSet<>();
            for (MeshTestbed.Node n : mesh.nodes) {
                if (n.server != null) {
                    lines.add(String.valueOf(line(n, user)));
                }
            }
            seen[0] = lines.iterator().next();
            return lines.size() == 1;
        });
        assertTrue(ms >= 0, "nodes disagree about " + user);
        return "null".equals(seen[0]) ? null : seen[0];
    }

    @Test
    void setuserOnOneNodeIsEnforcedOnAll() throws Exception {
        assertEquals("+OK\r\n", mesh.node(1).call("ACL", "SETUSER", "alice", "on", ">s3cret", "~app:*", "+get", "+set"));
        assertNotNull(converged("alice"));
        for (MeshTestbed.Node n : mesh.nodes) {
            try (var c = n.client()) {
                assertEquals("+OK\r\n", c.callString("AUTH", "alice", "s3cret"), n.name);
                assertEquals("+OK\r\n", c.callString("SET", "app:1", "v"));
                assertTrue(c.callString("SET", "other", "v").startsWith("-NOPERM"), n.name);
                assertTrue(c.callString("DEL", "app:1").startsWith("-NOPERM"), n.name);
            }
        }
        // a deletion is a tombstone that reaches everyone, and closes alice's connections there
        try (var c = mesh.node(4).client()) {
            assertEquals("+OK\r\n", c.callString("AUTH", "alice", "s3cret"));
            assertEquals(":1\r\n", mesh.node(2).call("ACL", "DELUSER", "alice"));
            assertTrue(c.closedByServer(5000), "alice's connection on node4 is closed");
        }
        assertEquals(null, converged("alice"));
    }

    @Test
    void concurrentConflictingChangesConverge() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> writers = new java.util.ArrayList<>();
        for (MeshTestbed.Node n : mesh.nodes) {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    for (int i = 0; i < 20; i++) {
                        n.call("ACL", "SETUSER", "bob", "reset", "on", ">pw-" + n.name + "-" + i, "~" + n.name + ":*", "+get");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            t.start();
            writers.add(t);
        }
        go.countDown();
        for (Thread t : writers) {
            t.join();
        }
        String winner = converged("bob");
        assertNotNull(winner);
        Set<String> digests = new HashSet<>();
        for (MeshTestbed.Node n : mesh.nodes) {
            MeshTestbed.await(Duration.ofSeconds(20), () -> n.agent.store().digest(RecordKind.ACL_USER)
                    .equals(mesh.node(1).agent.store().digest(RecordKind.ACL_USER)));
            digests.add(n.agent.store().digest(RecordKind.ACL_USER));
        }
        assertEquals(1, digests.size(), "one digest everywhere");
    }

    @Test
    void aStoppedNodeCatchesUpBeforeServing() throws Exception {
        MeshTestbed.Node n3 = mesh.node(3);
        n3.stop();
        mesh.node(1).call("ACL", "SETUSER", "carol", "on", ">c", "~c:*", "+get");
        mesh.node(2).call("ACL", "SETUSER", "dave", "on", ">d", "~d:*", "+get");
        mesh.node(4).call("ACL", "SETUSER", "carol", "on", ">c2");
        converged("carol");
        n3.restart(); // its listeners open after the agent synced: the first client sees carol and dave
        try (var c = n3.client()) {
            assertEquals("+OK\r\n", c.callString("AUTH", "carol", "c2"));
            assertEquals("+OK\r\n", c.callString("AUTH", "dave", "d"));
        }
        assertEquals(line(mesh.node(1), "carol"), line(n3, "carol"));
    }

    @Test
    void infoSecurityAndMetricsShowOneStateEverywhere() throws Exception {
        mesh.node(2).call("ACL", "SETUSER", "frank", "on", ">f", "~f:*", "+get");
        converged("frank");
        Set<String> digests = new HashSet<>();
        long ms = MeshTestbed.await(Duration.ofSeconds(10), () -> {
            digests.clear();
            for (MeshTestbed.Node n : mesh.nodes) {
                if (n.server == null) {
                    return false;
                }
                String info = n.call("INFO", "security");
                digests.add(info.replaceAll("(?s).*acl_digest:(\\w+).*", "$1"));
                for (MeshTestbed.Node other : mesh.nodes) {
                    if (other != n && !info.contains("member_" + other.name + ":reachable=1,")) {
                        return false;
                    }
                }
                // each member line carries that member's digest: drift is visible from any node
                if (!info.matches("(?s).*member_\\w+:reachable=1,role=\\w+,acl_version=[0-9.]+,acl_digest=\\w+,.*")) {
                    return false;
                }
            }
            return digests.size() == 1;
        });
        assertTrue(ms >= 0, "INFO security agrees on every node: " + digests);
        io.redmesh.node.metrics.Scrape scrape = io.redmesh.node.metrics.Scrape.of(mesh.node(1).metricsPort);
        assertTrue(scrape.text().contains("redmesh_acl_info{version=\""), scrape.text());
        assertTrue(scrape.text().contains("redmesh_mesh_members "), scrape.text());
        assertTrue(scrape.text().contains("redmesh_acl_propagation_seconds_bucket"), scrape.text());
        assertTrue(scrape.text().contains("redmesh_certificate_expiry_seconds{link=\"mesh\"}")
                || scrape.text().contains("link=\"mesh\""), scrape.text());
        if (io.redmesh.node.metrics.Scrape.promtoolAvailable()) {
            assertEquals(null, scrape.promtoolProblems(), "promtool check metrics");
        }
    }

    @Test
    void onlyOperatorNodesMayMakeAdministrators() throws Exception {
        MeshTestbed.Node plain = mesh.node(5);
        // an ordinary user from a node-role node is fine
        assertEquals("+OK\r\n", plain.call("ACL", "SETUSER", "erin", "on", ">e", "~e:*", "+get"));
        assertNotNull(converged("erin"));
        // an administrator is refused by the mesh and undone on the node that tried
        long rejectedBefore = mesh.node(1).agent.store().rejectedCount();
        assertEquals("+OK\r\n", plain.call("ACL", "SETUSER", "mallory", "on", ">m", "~*", "+@all"));
        assertEquals(null, converged("mallory"));
        assertEquals(rejectedBefore, mesh.node(1).agent.store().rejectedCount(),
                "refused at the source: nothing even reached the others");
        // nor may it turn an existing administrator's password into its own
        mesh.node(1).call("ACL", "SETUSER", "root2", "on", ">r", "~*", "+@all");
        String before = converged("root2");
        plain.call("ACL", "SETUSER", "root2", ">hijack");
        Thread.sleep(500);
        assertEquals(before, converged("root2"));
        // an operator node may
        assertEquals("+OK\r\n", mesh.node(2).call("ACL", "SETUSER", "ops", "on", ">o", "~*", "+@all"));
        assertNotNull(converged("ops"));
    }
}
