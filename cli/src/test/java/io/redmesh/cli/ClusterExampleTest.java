package io.redmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * examples/cluster-6node/run.sh end to end, as its README walks through it: started in a
 * session of its own (setsid, as a terminal gives a job its process group), six node
 * processes form a cluster of 3 masters + 3 replicas; Debian's redis-cli -c --tls follows
 * -MOVED across them; a user added on one node is used on another; metrics are scraped and the
 * audit log verifies; the CA is rotated with `redmesh ca rotate/publish`; a master killed with
 * SIGKILL is replaced by its replica and the client follows; and SIGINT to the whole process
 * group (a terminal's Ctrl-C) leaves no process and no file behind.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterExampleTest {
    private static ExampleRun run;
    private static Launched demo;
    private static Path dir;
    private static String cli;
    private static final List<Integer> ports = new ArrayList<>();
    private static final List<Long> pids = new ArrayList<>();
    private static final List<Integer> metricsPorts = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        run = ExampleRun.start("cluster-6node", "--plain", "--leaf-lifetime", "1h");
        demo = run.demo;
        dir = run.dir;
        cli = demo.awaitLine("redis-cli -c --tls", Duration.ofSeconds(5));
        for (int i = 1; i <= 6; i++) {
            ports.add(run.port("node" + i));
            pids.add(run.pid("node" + i));
            metricsPorts.add(run.metrics("node" + i));
        }
        assertTrue(demo.output().contains("Cluster created"), demo.output());
    }

    @AfterAll
    static void stop() {
        if (run != null) {
            run.close();
        }
    }

    @Test
    @Order(1)
    void theClientFollowsSlotsAcrossNodes() throws Exception {
        String nodes = Walkthrough.run(Walkthrough.cli(cli, ports.get(0), "CLUSTER", "NODES"));
        assertEquals(3, nodes.lines().filter(l -> l.contains("master")).count(), nodes);
        assertEquals(3, nodes.lines().filter(l -> l.contains("slave")).count(), nodes);
        for (int k = 0; k < 10; k++) {
            assertEquals("OK", Walkthrough.run(Walkthrough.cli(cli, ports.get(k % 6), "SET", "key:" + k, "v" + k)));
        }
        for (int k = 0; k < 10; k++) {
            assertEquals("v" + k, Walkthrough.run(Walkthrough.cli(cli, ports.get((k + 3) % 6), "GET", "key:" + k)));
        }
    }

    @Test
    @Order(2)
    void aUserAddedOnOneNodeWorksOnAnother() throws Exception {
        assertEquals("OK", Walkthrough.run(Walkthrough.cli(cli, ports.get(0), "ACL", "SETUSER", "app", "on", ">app-secret",
                "~app:*", "+@read", "+@write")));
        String set = Walkthrough.until(Duration.ofSeconds(20),
                Walkthrough.cliAs(cli, ports.get(5), "app", "app-secret", "SET", "app:{n6}", "hello"), "OK"::equals);
        assertEquals("OK", set, "app, made on node1, writes through node6");
        assertEquals("hello", Walkthrough.run(Walkthrough.cliAs(cli, ports.get(2), "app", "app-secret", "GET", "app:{n6}")));
        String refused = Walkthrough.run(Walkthrough.cliAs(cli, ports.get(4), "app", "app-secret", "GET", "key:1"));
        assertTrue(refused.contains("NOPERM"), refused);
    }

    @Test
    @Order(3)
    void metricsAreScrapedAndTheAuditLogVerifies() throws Exception {
        for (int p : metricsPorts) {
            String m = Walkthrough.scrape(p);
            assertTrue(m.startsWith("200\n"), m);
            assertTrue(m.contains("redmesh_acl_info{") && m.contains("redmesh_tls_certificate_expiry_seconds{link=\"client\"")
                    && m.contains("redmesh_mesh_members 6.0"), m);
        }
        String audit = Walkthrough.redmesh("audit", "verify", dir.resolve("node1/agent/audit.jsonl").toString());
        assertTrue(audit.matches("(?s).*OK \\d+ events.*"), audit);
        assertTrue(Files.readString(dir.resolve("node1/agent/audit.jsonl")).contains("\"subject\":\"app\""),
                "the audit log names the user added on node1");
    }

    @Test
    @Order(4)
    void theCaIsRotatedWhileTheClusterServes() throws Exception {
        run.rotateCa(List.of("node1", "node2", "node3", "node4", "node5", "node6"));
        String check = Walkthrough.run(List.of("redis-cli", "--tls", "--cacert", dir.resolve("ca/trust.crt").toString(),
                "--cert", dir.resolve("client.crt").toString(), "--key", dir.resolve("client.key").toString(),
                "--cluster", "check", "127.0.0.1:" + ports.get(0)));
        assertTrue(check.contains("[OK] All 16384 slots covered."), check);
    }

    @Test
    @Order(5)
    void aKilledMasterIsReplacedAndTheClientFollows() throws Exception {
        assertEquals("OK", Walkthrough.run(Walkthrough.cli(cli, ports.get(1), "SET", "before-failover", "kept")));
        String slot = Walkthrough.run(Walkthrough.cli(cli, ports.get(1), "CLUSTER", "KEYSLOT", "before-failover"));
        int owner = ownerOf(Integer.parseInt(slot.trim()));
        String wait = Walkthrough.run(Walkthrough.cli(cli, ports.get(owner), "WAIT", "1", "5000"));
        assertEquals("1", wait, "the write reached the replica before the kill");
        Walkthrough.run(List.of("kill", "-9", Long.toString(pids.get(owner))));
        int replica = owner + 3;
        String role = Walkthrough.until(Duration.ofSeconds(40), Walkthrough.cli(cli, ports.get(replica), "ROLE"),
                r -> r.startsWith("master"));
        assertTrue(role.startsWith("master"), "node" + (replica + 1) + " took over: " + role);
        // the client, pointed at any surviving node, follows -MOVED to the new master
        int other = (owner + 1) % 3;
        assertEquals("kept", Walkthrough.until(Duration.ofSeconds(20),
                Walkthrough.cli(cli, ports.get(other), "GET", "before-failover"), "kept"::equals));
        assertEquals("OK", Walkthrough.run(Walkthrough.cli(cli, ports.get(other), "SET", "before-failover", "after")));
        demo.awaitLine("node" + (owner + 1) + " exited", Duration.ofSeconds(10));
        demo.awaitLine("node" + (replica + 1) + "  yes", Duration.ofSeconds(10));
    }

    /** The index (0-2) of the master holding {@code slot}, by DemoCluster's split (master m from 16384*m/3). */
    private static int ownerOf(int slot) {
        int m = 0;
        while (m < 2 && slot >= 16384 * (m + 1) / 3) {
            m++;
        }
        return m;
    }

    @Test
    @Order(6)
    void ctrlCToTheProcessGroupLeavesNothingBehind() throws Exception {
        run.ctrlCLeavesNothingBehind(pids);
    }
}
