package io.redmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
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
 * examples/cluster-6node/run.sh end to end, its README's walkthrough run as written
 * ({@link ReadmeSteps}) and judged by what the commands print: started as a terminal starts
 * it, six node processes form a cluster of 3 masters + 3 replicas; Debian's redis-cli -c --tls
 * follows -MOVED; a user added on node1 is used through node6; metrics are scraped and the
 * audit log verifies; the CA is rotated with `redmesh ca rotate/publish`; a master killed with
 * SIGKILL is replaced by its replica and the client follows; and SIGINT to the whole process
 * group (a terminal's Ctrl-C) leaves no process and no file behind.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterExampleTest {
    private static ExampleRun run;
    private static ReadmeSteps readme;

    @BeforeAll
    static void start() throws Exception {
        run = ExampleRun.start("cluster-6node", "--plain", "--leaf-lifetime", "1h");
        assertTrue(run.demo.output().contains("Cluster created"), run.demo.output());
        readme = new ReadmeSteps(Launched.root().resolve("examples/cluster-6node/README.md"), run.dir.resolve("demo.env"));
    }

    @AfterAll
    static void stop() {
        if (run != null) {
            run.close();
        }
    }

    @Test
    @Order(1)
    void connectAndFollowSlots() throws Exception {
        // the line the demo prints works as printed
        String printed = run.demo.awaitLine("redis-cli -c --tls", Duration.ofSeconds(5));
        assertEquals("PONG", Walkthrough.run(Walkthrough.cli(printed, run.port("node4"), "PING")));

        String out = readme.run("Connect", 0);
        assertTrue(out.matches("(?s)OK\nworld\n.*"), out);
        assertEquals(3, out.lines().filter(l -> l.matches("\\S{40} \\S+ \\S*master - .*")).count(), out);
        assertEquals(3, out.lines().filter(l -> l.matches("\\S{40} \\S+ \\S*slave \\S{40} .*")).count(), out);
        assertTrue(out.contains("[OK] All 16384 slots covered."), out);
    }

    @Test
    @Order(2)
    void aUserAddedOnOneNodeWorksOnAnother() throws Exception {
        String out = readme.until(Duration.ofSeconds(20), "Add a user on one node, use it on another", 0,
                o -> o.startsWith("OK\nOK\n"));
        assertTrue(out.matches("(?s)OK\nOK\n.*NOPERM.*"), out);
        // and on a master it did not go through: node2 (the write above landed on node3's or node1's slot)
        List<String> onNode2 = run.redisCli("node2", false, "--user", "app", "--pass", "app-secret", "-c", "GET", "app:{6}");
        assertEquals("hello", Walkthrough.run(onNode2));
    }

    @Test
    @Order(3)
    void metricsAreScrapedAndTheAuditLogVerifies() throws Exception {
        // a member's heartbeat can be late for a moment on a loaded machine: asked again, within a bound
        String metrics = readme.until(Duration.ofSeconds(30), "Scrape metrics", 0, o -> o.contains("redmesh_mesh_members 6.0"));
        assertTrue(metrics.contains("redmesh_acl_info{") && metrics.contains("redmesh_mesh_members 6.0")
                && metrics.contains("redmesh_tls_certificate_expiry_seconds{link=\"client\""), metrics);
        for (int i = 2; i <= 6; i++) {
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            String m = Walkthrough.scrape(run.metrics("node" + i));
            while (!m.contains("redmesh_mesh_members 6.0") && System.nanoTime() < until) {
                Thread.sleep(500);
                m = Walkthrough.scrape(run.metrics("node" + i));
            }
            assertTrue(m.startsWith("200\n") && m.contains("redmesh_mesh_members 6.0"), "node" + i + ": " + m);
        }
        // where the compose file's health check finds a node's certificate (ComposeExampleTest)
        for (String f : List.of("node.crt", "node.key", "ca.crt")) {
            assertTrue(Files.exists(run.dir.resolve("node1/agent/tls").resolve(f)), f);
        }
        String audit = readme.run("Read the audit log", 0);
        assertTrue(audit.contains("\"action\":\"") && audit.matches("(?s).*OK \\d+ events.*"), audit);
    }

    @Test
    @Order(4)
    void theCaIsRotatedWhileTheClusterServes() throws Exception {
        String rotated = readme.run("Rotate the CA", 0);
        assertTrue(Files.exists(run.dir.resolve("ca/trust-bundle-2.tb")) && Files.exists(run.dir.resolve("issuer2")), rotated);
        assertEquals("PONG", readme.until(Duration.ofSeconds(60), "Rotate the CA", 1, "PONG"::equals), rotated);
        // every node, not only node1, serves a certificate of the new root
        for (int i = 2; i <= 6; i++) {
            List<String> newRootOnly = run.redisCli("node" + i, false, "PING");
            newRootOnly.set(newRootOnly.indexOf("--cacert") + 1, run.env.get("CA_DIR") + "/ca.crt");
            assertEquals("PONG", Walkthrough.until(Duration.ofSeconds(60), newRootOnly, "PONG"::equals), "node" + i);
        }
        String check = Walkthrough.run(run.redisCli("node1", false, "--cluster", "check", "127.0.0.1:" + run.port("node1")));
        assertTrue(check.contains("[OK] All 16384 slots covered."), check);
    }

    @Test
    @Order(5)
    void aKilledMasterIsReplacedAndTheClientFollows() throws Exception {
        assertEquals("1", Walkthrough.run(run.redisCli("node1", true, "WAIT", "1", "5000")),
                "node1's writes reached node4 before the kill");
        readme.run("Kill a master and watch the failover", 0);
        String out = readme.until(Duration.ofSeconds(40), "Kill a master and watch the failover", 1,
                o -> o.matches("(?s)(world|again)\nOK\nmaster\n.*"));
        // "again": a run of the block before this one may have written it in the instant node4 took over
        assertTrue(out.matches("(?s)(world|again)\nOK\nmaster\n.*"), "node4 took over node1's slots with hello: " + out);
        run.demo.awaitLine("node1 exited", Duration.ofSeconds(10));
        run.demo.awaitLine("node4  yes", Duration.ofSeconds(10));
    }

    @Test
    @Order(6)
    void ctrlCToTheProcessGroupLeavesNothingBehind() throws Exception {
        List<Long> pids = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            pids.add(run.pid("node" + i));
        }
        run.ctrlCLeavesNothingBehind(pids);
    }
}
